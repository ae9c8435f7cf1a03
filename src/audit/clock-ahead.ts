/**
 * Entries whose author-signed time runs ahead of an entry that causally follows them (protocol/SPEC.md
 * §11): the rules read time only through majority witness, so such an entry decides nothing on its
 * own, but it shows a member's clock (or the member) claiming a time the others had not reached.
 *
 * Every Autobase node names the heads it had seen, so a block causally follows the blocks its heads
 * name and its own writer's previous block. For each such edge the auditor compares the predecessor's
 * latest entry time with the follower's earliest: if the predecessor's is later by more than
 * CLOCK_SKEW_MS, the predecessor is flagged. Direct edges are enough: along any causal chain on which
 * an early entry's time exceeds a later one's, some edge of the chain runs backwards too.
 *
 * These are flags, not findings: clocks drift and a flag proves no tampering, so they do not fail the audit.
 */
import { decodeEntry, splitBlock, type Hex } from '../../protocol/index.js'
import { short } from '../../protocol/hex.js'
import type { WriterCoreData } from './writer-cores.js'

/** Clock differences up to this are ordinary drift between members' machines, not flagged. */
export const CLOCK_SKEW_MS = 60_000

/** Most flags listed; the report says how many more there were. */
const FLAGS_MAX = 100

export interface ClockFlag {
  /** The block whose time runs ahead. */
  writer: Hex
  block: number
  /** Its latest entry time (ms since the epoch, author-signed). */
  time: number
  /** A block that causally follows it with an earlier time. */
  followedBy: { writer: Hex; block: number; time: number }
  /** By how much it runs ahead, ms. */
  aheadMs: number
  detail: string
}

/**
 * Earliest and latest entry timestamps of each block, at 2i and 2i + 1 (NaN for an ack, an
 * undecodable block or one with no entry that decodes). The signature workers compute the same
 * while they verify (verify-worker.ts); this decodes them for cores they did not see.
 */
function blockTimes(values: Array<Uint8Array | null>): Float64Array {
  const out = new Float64Array(2 * values.length).fill(NaN)
  for (let b = 0; b < values.length; b++) {
    const value = values[b]
    if (value === null) continue
    const split = splitBlock(value)
    if (!split.ok) continue
    let min = Infinity
    let max = -Infinity
    for (const bytes of split.entries) {
      const d = decodeEntry(bytes)
      if (!d.ok) continue
      min = Math.min(min, d.entry.timestamp)
      max = Math.max(max, d.entry.timestamp)
    }
    if (min === Infinity) continue
    out[2 * b] = min
    out[2 * b + 1] = max
  }
  return out
}

/**
 * Flags every block whose time runs ahead of a block that causally follows it. `known` gives the
 * times of blocks already decoded (per writer, as `blockTimes` lays them out).
 */
export function clockAhead(cores: Map<Hex, WriterCoreData>, skewMs = CLOCK_SKEW_MS, known?: Map<Hex, Float64Array>): { flags: ClockFlag[]; more: number } {
  const memo = new Map<Hex, Float64Array>()
  const timesOf = (key: Hex): Float64Array => {
    let t = memo.get(key)
    if (!t) {
      const core = cores.get(key)
      const given = known?.get(key)
      t = !core ? new Float64Array(0) : given && given.length === 2 * core.values.length ? given : blockTimes(core.values)
      memo.set(key, t)
    }
    return t
  }
  // The latest entry block at or before `block` of a writer (acks carry no time), with its latest time.
  const lastEntry = (key: Hex, block: number): { block: number; max: number } | null => {
    const t = timesOf(key)
    for (let b = Math.min(block, t.length / 2 - 1); b >= 0; b--) if (!Number.isNaN(t[2 * b])) return { block: b, max: t[2 * b + 1] }
    return null
  }
  const flags: ClockFlag[] = []
  let more = 0
  const seen = new Set<string>()
  const check = (key: Hex, b: number, followerMin: number, predKey: Hex, predBlock: number) => {
    if (predBlock < 0) return
    const pred = lastEntry(predKey, predBlock)
    if (pred === null || pred.max - followerMin <= skewMs) return
    const id = predKey + '/' + pred.block
    if (seen.has(id)) return
    seen.add(id)
    if (flags.length >= FLAGS_MAX) {
      more++
      return
    }
    const aheadMs = pred.max - followerMin
    flags.push({
      writer: predKey,
      block: pred.block,
      time: pred.max,
      followedBy: { writer: key, block: b, time: followerMin },
      aheadMs,
      detail: `block ${pred.block} of writer ${short(predKey)} is signed ${Math.round(aheadMs / 1000)} s after block ${b} of writer ${short(key)}, which causally follows it`
    })
  }
  for (const [key, core] of cores) {
    const own = timesOf(key)
    for (let b = 0; b < Math.min(core.length, own.length / 2); b++) {
      const followerMin = own[2 * b]
      if (Number.isNaN(followerMin)) continue
      // Its own writer's previous block, then every other writer its heads name.
      check(key, b, followerMin, key, b - 1)
      for (const h of core.heads[b]) if (h.key !== key && h.length > 0) check(key, b, followerMin, h.key, h.length - 1)
    }
  }
  return { flags, more }
}
