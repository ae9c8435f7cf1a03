/**
 * A payment across ledgers in a member's history (protocol/SPEC.md §12): its hold and the fulfil or
 * release that closed it are two entries, but one payment; `acrossLines` folds them into one line
 * with the hold's state (held, completed, released) and the other ledger's side (the final payee
 * on the payer's ledger, the paying ledger on the payee's).
 */
import type { Hex, Hold, Link } from '../protocol/index.js'
import type { HistoryItem } from './queries.js'

export type AcrossState = 'held' | 'completed' | 'released'

/** One payment across a link, as a history line. */
export interface AcrossLine {
  /** The hold's id (the hold entry's). */
  hold: Hex
  /** Log position and clock of the newest entry of the payment in this history. */
  index: number
  timestamp: number
  state: AcrossState
  payer: Hex
  payee: Hex
  amount: bigint
  memo: string
  /** The other ledger: its key, its name as the bridge's link here says, and the account there when known (the final payee). */
  other: { ledger: Hex; name: string; account: Hex | null }
  /** Whether every entry of the payment in this history is confirmed. */
  confirmed: boolean
}

export function stateOf(h: Hold): AcrossState {
  return h.status === 'fulfilled' ? 'completed' : h.status
}

/**
 * Folds a history (newest first) into plain entries and payment lines, newest first: the entries
 * naming a hold become one line, where the newest of them stood.
 */
export function acrossLines(items: HistoryItem[], holds: Map<Hex, Hold>, links: Link[]): Array<{ entry: HistoryItem } | { across: AcrossLine }> {
  const out: Array<{ entry: HistoryItem } | { across: AcrossLine }> = []
  const seen = new Map<Hex, AcrossLine>()
  for (const e of items) {
    const h = e.hold === undefined ? undefined : holds.get(e.hold)
    if (h === undefined) {
      out.push({ entry: e })
      continue
    }
    const line = seen.get(h.id)
    if (line) {
      line.confirmed &&= e.confirmed
      continue
    }
    const link = links.find((l) => l.bridge === h.bridge && l.ledger === h.ledger)
    // On the payer's ledger the hold goes toward the bridge and `peer` is the payee there; on the payee's, it continues a hold.
    const towardBridge = h.payee === h.bridge
    const next: AcrossLine = {
      hold: h.id,
      index: e.index,
      timestamp: e.timestamp,
      state: stateOf(h),
      payer: h.payer,
      payee: h.payee,
      amount: h.amount,
      memo: h.memo,
      other: { ledger: h.ledger, name: link?.name ?? h.ledger.slice(0, 8), account: towardBridge ? h.peer : null },
      confirmed: e.confirmed
    }
    seen.set(h.id, next)
    out.push({ across: next })
  }
  return out
}
