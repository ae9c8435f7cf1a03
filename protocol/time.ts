/**
 * Time in a replicated log (protocol/SPEC.md §11). There is no trusted clock: every entry
 * carries its author's signed `timestamp`, and any one member can lie about it. So:
 *
 * 1. A member's *clock* only moves forward: an entry's time is max(its timestamp, the author's
 *    clock before it). Nobody can take back time it has already claimed.
 * 2. A period (a proposal's window, later a federation expiry) has *passed* only once more than
 *    half of the active members have each *witnessed* it on their own clock: an entry of theirs
 *    placed after the period's start, and a later one at least the period's length after it.
 *    One member (the proposer included) cannot shorten a period: backdating moves nothing, and
 *    a clock run ahead counts for one member only. What colluding members can do is in SECURITY.md.
 *
 * Pure functions, no clock read here: times come from the entries.
 */

/** The author's clock after an entry with this `timestamp`: it never moves backwards. */
export function advanceClock(clock: number, timestamp: number): number {
  return timestamp > clock ? timestamp : clock
}

/** One member's witness of a period: when its clock first showed the period open, and whether it saw it pass. */
export interface Witness {
  /** The member's clock at its first entry after the period began. */
  from: number
  /** Whether a later entry of the member's showed `from + length` or more. */
  passed: boolean
}

/**
 * The member's witness after one more of its entries, whose (advanced) clock is `clock`.
 * Returns null when nothing changes, so callers write only what changed.
 */
export function witness(prev: Witness | undefined, clock: number, lengthMs: number): Witness | null {
  if (prev === undefined) return { from: clock, passed: false }
  if (prev.passed || clock - prev.from < lengthMs) return null
  return { from: prev.from, passed: true }
}

/** Whether a period has passed: more than half of the `active` members witnessed it pass. */
export function periodPassed(passedBy: number, active: number): boolean {
  return active > 0 && passedBy * 2 > active
}

/** The hour bucket of a signed time, for the per-member rate limit. */
export function hourOf(clock: number): number {
  return Math.floor(clock / 3_600_000)
}
