/**
 * Blocks and bundles (SPEC.md §2, "Blocks"). A writer's block is either one entry or a bundle of
 * entries: group commit writes all the entries of one append as one block, so replication,
 * Merkle hashing, encryption and linearization cost once per append instead of once per entry
 * (an entry per block spent ~0.3 ms per entry on those alone; measured in bench/README.md).
 *
 *   bundle = 0x00 || count (uint, 2..BUNDLE_ENTRIES_MAX) || count x (length (uint, 1..ENTRY_BYTES_MAX) || entry)
 *
 * An entry's first byte is its version (1 or more), so byte 0 marks a bundle unambiguously.
 * Entries inside a bundle are the same bytes, with the same ids and signatures, as plain blocks.
 */
import b4a from 'b4a'
import c from 'compact-encoding'
import { BUNDLE_ENTRIES_MAX, BUNDLE_ENTRIES_WRITTEN, BUNDLE_MARKER, ENTRY_BYTES_MAX } from './constants.js'

export type SplitResult = { ok: true; entries: Uint8Array[]; bundled: boolean } | { ok: false; code: 'malformed'; reason: string }

/**
 * The entries of a block, in order: the block itself unless it is a bundle. Never throws. A
 * bundle is checked strictly (count in range, no empty, oversized or nested entry, no trailing
 * bytes, canonical lengths); the entries themselves are decoded later, one by one.
 */
export function splitBlock(block: Uint8Array): SplitResult {
  if (block.byteLength === 0 || block[0] !== BUNDLE_MARKER) return { ok: true, entries: [block], bundled: false }
  try {
    const state = c.state(1, block.byteLength, block)
    const count = c.uint.decode(state)
    if (count < 2 || count > BUNDLE_ENTRIES_MAX) return bad(`a bundle holds 2-${BUNDLE_ENTRIES_MAX} entries, not ${count}`)
    const entries: Uint8Array[] = []
    for (let i = 0; i < count; i++) {
      const length = c.uint.decode(state)
      if (length < 1 || length > ENTRY_BYTES_MAX) return bad(`entry ${i} of the bundle is ${length} bytes; 1-${ENTRY_BYTES_MAX} allowed`)
      if (state.start + length > state.end) return bad(`entry ${i} of the bundle runs past the block`)
      const entry = block.subarray(state.start, state.start + length)
      if (entry[0] === BUNDLE_MARKER) return bad(`entry ${i} of the bundle is itself a bundle`)
      entries.push(entry)
      state.start += length
    }
    if (state.start !== block.byteLength) return bad('trailing bytes after the last entry of the bundle')
    if (!b4a.equals(encodeBundle(entries), block)) return bad('the bundle is not in its canonical encoding')
    return { ok: true, entries, bundled: true }
  } catch (err) {
    return bad(`undecodable bundle: ${(err as Error).message || 'truncated'}`)
  }
}

/** Encodes 2..BUNDLE_ENTRIES_MAX entries as one bundle block. Throws on a count or size out of range. */
export function encodeBundle(entries: Uint8Array[]): Uint8Array {
  if (entries.length < 2 || entries.length > BUNDLE_ENTRIES_MAX) throw new RangeError(`a bundle holds 2-${BUNDLE_ENTRIES_MAX} entries, not ${entries.length}`)
  const state = c.state()
  c.uint8.preencode(state, BUNDLE_MARKER)
  c.uint.preencode(state, entries.length)
  for (const e of entries) {
    if (e.byteLength < 1 || e.byteLength > ENTRY_BYTES_MAX) throw new RangeError(`an entry of ${e.byteLength} bytes cannot be bundled`)
    c.uint.preencode(state, e.byteLength)
    state.end += e.byteLength
  }
  state.buffer = b4a.allocUnsafe(state.end)
  c.uint8.encode(state, BUNDLE_MARKER)
  c.uint.encode(state, entries.length)
  for (const e of entries) {
    c.uint.encode(state, e.byteLength)
    state.buffer.set(e, state.start)
    state.start += e.byteLength
  }
  return state.buffer
}

/** The blocks that carry `entries` in order: a plain block for one, bundles of at most `perBlock` otherwise. */
export function packEntries(entries: Uint8Array[], perBlock = BUNDLE_ENTRIES_WRITTEN): Uint8Array[] {
  if (!Number.isInteger(perBlock) || perBlock < 1 || perBlock > BUNDLE_ENTRIES_MAX) throw new RangeError(`1-${BUNDLE_ENTRIES_MAX} entries per block, not ${perBlock}`)
  const blocks: Uint8Array[] = []
  for (let i = 0; i < entries.length; i += perBlock) {
    const part = entries.slice(i, i + perBlock)
    blocks.push(part.length === 1 ? part[0] : encodeBundle(part))
  }
  // A lone last entry after full bundles stays a plain block: both forms decide the same way.
  return blocks
}

function bad(reason: string): SplitResult {
  return { ok: false, code: 'malformed', reason }
}
