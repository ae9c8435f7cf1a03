/**
 * The running state hash (SPEC.md, "State hash"): a BLAKE2b chain over every entry the rules
 * decided, in linear order, and what they decided. Equal hashes mean equal histories and balances.
 */
import b4a from 'b4a'
import { hash } from './crypto.js'
import { fromHex } from './hex.js'
import type { Hex, Outcome, StateHash } from './types.js'
import { toHex } from './hex.js'

/** The hash before genesis: 32 zero bytes. */
export const EMPTY_STATE_HASH = ('0'.repeat(64)) as StateHash

/** A line naming the outcome: "ok|<account>:<balance>|..." over written members, or "rejected:<code>". */
export function outcomeSummary(outcome: Outcome): string {
  if (!outcome.ok) return 'rejected:' + outcome.code
  const parts = ['ok', ...outcome.members.map((m) => `${m.account}:${m.balance}:${m.creditLimit}:${m.status}`)]
  // Governance entries also say what they did (a vote changes no member): 0.1 entries have no note.
  if (outcome.note !== undefined) parts.push(outcome.note)
  return parts.join('|')
}

/** next = BLAKE2b-256(prev || id || utf8(summary)). */
export function nextStateHash(prev: StateHash, id: Hex, outcome: Outcome): StateHash {
  return <StateHash>toHex(hash(fromHex(prev), fromHex(id), b4a.from(outcomeSummary(outcome))))
}
