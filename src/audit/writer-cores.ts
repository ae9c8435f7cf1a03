/**
 * Reading a writer core for the audit: download every block, check the core's manifest hashes
 * to its key, verify its signed tree with hypercore's verifier, recompute the Merkle roots from
 * the stored blocks and compare, and decode each Autobase node (its causal heads and value).
 */
import b4a from 'b4a'
import Hypercore from 'hypercore'
import type Corestore from 'corestore'
import messages from 'autobase/lib/messages.js'
import { toHex, type Hex } from '../../protocol/index.js'
import { readWriterBlocks } from './block-reader.js'
import { isFrozen, storedEquivocation, verifyEquivocation, type EquivocationEvidence } from './equivocation.js'
import type { Finding } from './types.js'
import { short } from '../../protocol/hex.js'

/** How long a download may go without progress before the audit reports the blocks missing. */
export const DOWNLOAD_STALL_MS = 15_000

/** A writer core as the auditor read it. */
export interface WriterCoreData {
  key: Hex
  /** Blocks read (the core's length when all are present). */
  length: number
  /** Per block: the entry bytes of the Autobase node, or null for an ack. */
  values: Array<Uint8Array | null>
  /** Per block: the writers and lengths the node causally depends on. */
  heads: Array<Array<{ key: Hex; length: number }>>
  /** Whether the signed tree verified and matched every block. */
  verified: boolean
  /**
   * Blocks that could not be fetched (no peer holding them answered): the audit is incomplete,
   * which says nothing about tampering. 0 when every block was read.
   */
  unavailable: number
  findings: Finding[]
  equivocation: EquivocationEvidence | null
}

export interface ReadOptions {
  /**
   * Makes the block encryption of a writer core (Autobase `getWriterEncryption()`), or null for
   * an unencrypted ledger. One per core: the instance caches keys derived from its core.
   */
  encryption: (() => unknown) | null
  stallMs?: number
  /** Read stored blocks in bulk (default true); false uses one public `get` per block. */
  bulk?: boolean
  /** Called as blocks arrive and are read, with how many. */
  onBlocks?: (n: number) => void
  /** Called with the core's length before its blocks are read, then with each run of entry values as they are decoded. */
  onBegin?: (key: Hex, length: number) => void
  onValues?: (key: Hex, start: number, values: Array<Uint8Array | null>) => void
}

/** The heads of a node that names none (most of a lone writer's): one shared, frozen array. */
const NO_HEADS = Object.freeze([]) as unknown as Array<{ key: Hex; length: number }>

/** Values handed to `onValues` at a time. */
export const VALUES_CHUNK = 4096

function hypercoreFinding(writer: Hex, rule: string, detail: string, block: number | null = null, evidence?: unknown): Finding {
  return evidence === undefined
    ? { kind: 'hypercore', writer, block, id: null, index: null, rule, detail }
    : { kind: 'hypercore', writer, block, id: null, index: null, rule, detail, evidence }
}

/** Hex of heads' writer keys: the same few writers recur in every node, so their hex is shared. */
function keyInterner(): (key: Uint8Array) => Hex {
  const known: Array<{ key: Uint8Array; hex: Hex }> = []
  return (key) => {
    for (const k of known) if (b4a.equals(k.key, key)) return k.hex
    const hex = toHex(key)
    if (known.length < 64) known.push({ key: b4a.from(key), hex })
    return hex
  }
}

/** Downloads and verifies one writer core. Never throws for bad data: it returns findings. */
export async function readWriterCore(store: Corestore, keyBytes: Uint8Array, opts: ReadOptions): Promise<WriterCoreData> {
  const key = toHex(keyBytes)
  const core = store.get({ key: keyBytes, encryption: opts.encryption ? opts.encryption() : null, valueEncoding: messages.OplogMessage })
  const out: WriterCoreData = { key, length: 0, values: [], heads: [], verified: false, unavailable: 0, findings: [], equivocation: null }
  const conflicts: Array<{ length: number }> = []
  const onConflict = (length: number) => conflicts.push({ length })
  try {
    await core.ready()
    core.on('conflict', onConflict)
    await checkEquivocation(core, out)
    if (core.manifest === null) {
      // Nothing of this core has reached us: as far as anyone can show, it is empty. Entries
      // that name its blocks are reported by the order check.
      out.verified = core.length === 0
      return out
    }
    if (!b4a.equals(Hypercore.key(core.manifest), keyBytes)) {
      out.findings.push(hypercoreFinding(key, 'manifest_mismatch', `the manifest stored for writer ${short(key)} does not hash to its key`))
      return out
    }
    const length = core.length
    const missing = await download(core, length, opts)
    if (missing > 0) {
      // Unavailable is not wrong: its writer's node (and every peer that holds them) may be offline.
      out.unavailable = missing
      return out
    }
    const signed = await signedTree(core, length, out)
    if (opts.onBegin) opts.onBegin(key, length)
    const keyHex = keyInterner()
    let sent = 0
    const flush = (upTo: number) => {
      compact(out.values, sent, upTo)
      if (opts.onValues && upTo > sent) opts.onValues(key, sent, out.values.slice(sent, upTo))
      if (opts.onBlocks && upTo > sent) opts.onBlocks(upTo - sent)
      sent = upTo
    }
    const treeHash = await readWriterBlocks(
      core,
      length,
      (i, node) => {
        out.values.push(node.value)
        out.heads.push(node.heads.length === 0 ? NO_HEADS : node.heads.map((h) => ({ key: keyHex(h.key), length: h.length })))
        if ((i + 1) % VALUES_CHUNK === 0) flush(i + 1)
      },
      {
        bulk: opts.bulk,
        onRestart: () => {
          out.values = []
          out.heads = []
          sent = 0
        }
      }
    )
    flush(length)
    out.length = length
    if (signed !== null) {
      if (length === 0 || b4a.equals(treeHash, signed)) out.verified = true
      else await locateBadBlocks(core, length, out)
    }
    if (conflicts.length > 0 && out.equivocation === null) await checkEquivocation(core, out)
    return out
  } catch (err) {
    if (conflicts.length > 0) {
      // The core was frozen while we read it: report the fork (the evidence is stored by the watcher).
      out.findings.push({ kind: 'equivocation', writer: key, block: null, id: null, index: null, rule: 'forked_writer', detail: `writer ${short(key)} signed two histories of length ${conflicts[0].length}` })
      return out
    }
    out.findings.push(hypercoreFinding(key, 'unreadable', `writer core ${short(key)} could not be read: ${(err as Error).message}`))
    return out
  } finally {
    core.off('conflict', onConflict)
    await core.close().catch(() => {})
  }
}

/**
 * Copies values [from, to) into one buffer and puts views of it in their place. Each value is a
 * view of the block RocksDB returned, one buffer per block; kept for the replay, 100,000 of them
 * survived every young-generation collection. Now those die young and a few large buffers stay.
 */
function compact(values: Array<Uint8Array | null>, from: number, to: number): void {
  let size = 0
  for (let i = from; i < to; i++) size += values[i]?.byteLength ?? 0
  if (size === 0) return
  const slab = b4a.allocUnsafeSlow(size)
  let at = 0
  for (let i = from; i < to; i++) {
    const v = values[i]
    if (!v) continue
    slab.set(v, at)
    values[i] = slab.subarray(at, at + v.byteLength)
    at += v.byteLength
  }
}

async function checkEquivocation(core: Hypercore, out: WriterCoreData): Promise<void> {
  const stored = await storedEquivocation(core)
  const evidence = stored && (await verifyEquivocation(core, stored))
  const forked = (detail: string) => ({ kind: 'equivocation' as const, writer: out.key, block: null, id: null, index: null, rule: 'forked_writer', detail })
  if (evidence) {
    out.equivocation = evidence
    const [a, b] = evidence.histories
    out.findings.push({ ...forked(`writer ${short(out.key)} signed two different histories of length ${evidence.length} (tree ${a.treeHash.slice(0, 8)} and ${b.treeHash.slice(0, 8)})`), evidence })
  } else if (isFrozen(core) && !out.findings.some((f) => f.kind === 'equivocation')) {
    out.findings.push(forked(`hypercore froze writer ${short(out.key)} after seeing two signed histories${stored ? ' (the stored evidence does not verify)' : ' (no evidence was kept)'}`))
  }
}

/** Downloads blocks [0, length); returns how many are still missing when progress stalls. */
async function download(core: Hypercore, length: number, opts: ReadOptions): Promise<number> {
  if (length === 0 || core.contiguousLength >= length) return 0
  const range = core.download({ start: 0, end: length })
  const stallMs = opts.stallMs ?? DOWNLOAD_STALL_MS
  let last = core.contiguousLength
  let lastChange = Date.now()
  let done = false
  range.done().then(
    () => (done = true),
    () => (done = true)
  )
  while (!done) {
    await new Promise((resolve) => setTimeout(resolve, 50))
    if (core.contiguousLength !== last) {
      if (opts.onBlocks) opts.onBlocks(0)
      last = core.contiguousLength
      lastChange = Date.now()
    } else if (Date.now() - lastChange > stallMs) {
      break
    }
  }
  range.destroy()
  let missing = 0
  for (let i = core.contiguousLength; i < length; i++) if (!(await core.has(i))) missing++
  return missing
}

/** Verifies the signature over the tree at `length`; returns the signed tree hash, or null with a finding. */
async function signedTree(core: Hypercore, length: number, out: WriterCoreData): Promise<Uint8Array | null> {
  if (length === 0) return b4a.alloc(0)
  try {
    const proof = await core.proof({ upgrade: { start: 0, length } })
    const batch = await core.verifyFullyRemote({ ...proof, manifest: core.manifest })
    if (batch.length !== length) throw new Error(`signed length ${batch.length}, expected ${length}`)
    return batch.hash()
  } catch (err) {
    out.findings.push(hypercoreFinding(out.key, 'tree_signature', `the signed tree of writer ${short(out.key)} at length ${length} does not verify: ${(err as Error).message}`))
    return null
  }
}

/** The recomputed tree differs from the signed one: name the blocks whose bytes are not the signed ones. */
async function locateBadBlocks(core: Hypercore, length: number, out: WriterCoreData): Promise<void> {
  let named = 0
  for (let i = 0; i < length; i++) {
    const raw: Uint8Array = await core.get(i, { raw: true })
    const proof = await core.proof({ block: { index: i, nodes: 0 }, upgrade: { start: 0, length } })
    proof.block!.value = raw
    const ok = await core.verifyFullyRemote({ ...proof, manifest: core.manifest }).then(
      () => true,
      () => false
    )
    if (!ok) {
      named++
      out.findings.push(hypercoreFinding(out.key, 'block_not_signed', `block ${i} of writer ${short(out.key)} is not the block its writer signed (altered in storage)`, i))
    }
  }
  if (named === 0) out.findings.push(hypercoreFinding(out.key, 'tree_mismatch', `the blocks of writer ${short(out.key)} do not hash to its signed tree`))
}

