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

/** Earliest and latest entry timestamps of a block (null for an ack or an undecodable block). */
function times(value: Uint8Array | null): { min: number; max: number } | null {
  if (value === null) return null
  const split = splitBlock(value)
  if (!split.ok) return null
  let min = Infinity
  let max = -Infinity
  for (const bytes of split.entries) {
    const d = decodeEntry(bytes)
    if (!d.ok) continue
    min = Math.min(min, d.entry.timestamp)
    max = Math.max(max, d.entry.timestamp)
  }
  return min === Infinity ? null : { min, max }
}

/** Flags every block whose time runs ahead of a block that causally follows it. */
export function clockAhead(cores: Map<Hex, WriterCoreData>, skewMs = CLOCK_SKEW_MS): { flags: ClockFlag[]; more: number } {
  const memo = new Map<Hex, Array<{ min: number; max: number } | null>>()
  const timesOf = (key: Hex): Array<{ min: number; max: number } | null> => {
    let t = memo.get(key)
    if (!t) {
      const core = cores.get(key)
      t = core ? core.values.map(times) : []
      memo.set(key, t)
    }
    return t
  }
  // The latest entry block at or before `block` of a writer (acks carry no time), with its times.
  const lastEntry = (key: Hex, block: number): { block: number; max: number } | null => {
    const t = timesOf(key)
    for (let b = Math.min(block, t.length - 1); b >= 0; b--) if (t[b] !== null) return { block: b, max: t[b]!.max }
    return null
  }
  const flags: ClockFlag[] = []
  let more = 0
  const seen = new Set<string>()
  for (const [key, core] of cores) {
    const own = timesOf(key)
    for (let b = 0; b < core.length; b++) {
      const follower = own[b]
      if (follower === null) continue
      const preds: Array<{ key: Hex; block: number }> = [{ key, block: b - 1 }, ...core.heads[b].filter((h) => h.key !== key && h.length > 0).map((h) => ({ key: h.key, block: h.length - 1 }))]
      for (const p of preds) {
        if (p.block < 0) continue
        const pred = lastEntry(p.key, p.block)
        if (pred === null || pred.max - follower.min <= skewMs) continue
        const id = p.key + '/' + pred.block
        if (seen.has(id)) continue
        seen.add(id)
        if (flags.length >= FLAGS_MAX) {
          more++
          continue
        }
        const aheadMs = pred.max - follower.min
        flags.push({
          writer: p.key,
          block: pred.block,
          time: pred.max,
          followedBy: { writer: key, block: b, time: follower.min },
          aheadMs,
          detail: `block ${pred.block} of writer ${short(p.key)} is signed ${Math.round(aheadMs / 1000)} s after block ${b} of writer ${short(key)}, which causally follows it`
        })
      }
    }
  }
  return { flags, more }
}
