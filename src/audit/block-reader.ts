/**
 * Reading every block of a local hypercore fast: the bytes as stored (ciphertext, what the
 * Merkle tree hashes) and decrypted.
 *
 * The fast path reads stored blocks with one RocksDB iterator and decrypts them with the
 * session's own block encryption: hypercore 11.37's storage and encryption objects, which are
 * not its documented API. So it checks what it gets and reports `false` when anything differs;
 * callers then use the public `core.get` (one read per block, 3x slower on writer cores and
 * far slower on a Hyperbee view, which `get` would walk as a tree).
 */
import c from 'compact-encoding'
import type Hypercore from 'hypercore'
import messages, { type OplogMessage } from 'autobase/lib/messages.js'
import { MerkleRoots } from './merkle.js'

/** Public-path reads kept in flight at once. */
const READS_IN_FLIGHT = 256

/** RocksDB iterators run concurrently over one window (each reads only 8 blocks per round trip). */
const STREAMS = 8
const WINDOW = STREAMS * 4096

/**
 * Calls `stored` (if given) then `visit` for blocks 0..length-1 in order: first with the bytes
 * as stored, then decrypted. Blocks are decrypted in place (each read is a fresh buffer), so
 * `stored` must not keep its argument. Returns false (maybe after some visits) when the fast
 * path does not apply.
 */
export async function visitStoredBlocks(
  core: Hypercore,
  length: number,
  visit: (index: number, plain: Uint8Array) => void,
  stored?: (index: number, raw: Uint8Array) => void
): Promise<boolean> {
  const storage = core.state?.storage
  const encryption = (core as any).encryption
  if (!storage || typeof storage.createBlockStream !== 'function') return false
  if (encryption && (typeof encryption.decrypt !== 'function' || typeof encryption.padding !== 'function')) return false
  try {
    for (let start = 0; start < length; start += WINDOW) {
      const end = Math.min(length, start + WINDOW)
      const window = await readWindow(storage, start, end)
      if (window === null) return false
      for (let i = start; i < end; i++) {
        let block = window[i - start]
        if (stored) stored(i, block)
        if (encryption) {
          await encryption.decrypt(i, block, core.core)
          block = block.subarray(encryption.padding(core.core, i))
        }
        visit(i, block)
      }
    }
  } catch {
    return false
  }
  return true
}

/** Blocks [start, end) as stored, or null unless every one of them is there. */
async function readWindow(storage: any, start: number, end: number): Promise<Uint8Array[] | null> {
  const out: Uint8Array[] = new Array(end - start)
  const step = Math.ceil((end - start) / STREAMS)
  let count = 0
  let bad = false
  await Promise.all(
    Array.from({ length: STREAMS }, async (_, k) => {
      const from = start + k * step
      const to = Math.min(end, from + step)
      if (from >= to) return
      for await (const block of storage.createBlockStream({ gte: from, lt: to })) {
        if (block.index < from || block.index >= to || !(block.value instanceof Uint8Array) || out[block.index - start] !== undefined) bad = true
        else out[block.index - start] = block.value
        count++
      }
    })
  )
  return bad || count !== end - start ? null : out
}

/** A writer core's decoded nodes, and the tree hash recomputed from its stored blocks. */
export interface WriterBlocks {
  nodes: Array<OplogMessage['node']>
  treeHash: Uint8Array
}

/**
 * Reads blocks [0, length) of a writer core opened with OplogMessage encoding: decodes each
 * node and hashes each block as stored into the Merkle roots. `bulk: false` forces the public path.
 */
export async function readWriterBlocks(core: Hypercore, length: number, opts: { bulk?: boolean; onBlocks?: (n: number) => void } = {}): Promise<WriterBlocks> {
  const onBlocks = opts.onBlocks
  if (opts.bulk !== false) {
    const nodes: Array<OplogMessage['node']> = new Array(length)
    const roots = new MerkleRoots()
    const ok = await visitStoredBlocks(
      core,
      length,
      (i, plain) => {
        nodes[i] = c.decode(messages.OplogMessage, plain).node
        if (onBlocks && (i + 1) % 1024 === 0) onBlocks(1024)
      },
      (_i, raw) => roots.push(raw)
    ).catch(() => false)
    if (ok) {
      if (onBlocks) onBlocks(length % 1024)
      return { nodes, treeHash: roots.treeHash() }
    }
  }
  return readEach(core, length, onBlocks)
}

async function readEach(core: Hypercore, length: number, onBlocks?: (n: number) => void): Promise<WriterBlocks> {
  const nodes: Array<OplogMessage['node']> = new Array(length)
  const roots = new MerkleRoots()
  for (let start = 0; start < length; start += READS_IN_FLIGHT) {
    const end = Math.min(length, start + READS_IN_FLIGHT)
    const reads: Array<Promise<[Uint8Array, OplogMessage]>> = []
    for (let i = start; i < end; i++) reads.push(Promise.all([core.get(i, { raw: true }), core.get(i)]))
    const got = await Promise.all(reads)
    for (let i = start; i < end; i++) {
      roots.push(got[i - start][0])
      nodes[i] = got[i - start][1].node
    }
    if (onBlocks) onBlocks(end - start)
  }
  return { nodes, treeHash: roots.treeHash() }
}
