/**
 * Errors the library throws, each with a stable `code` (hypercore-errors style), so callers
 * and the CLI branch on codes, never on message text.
 */
import type { RejectCode } from '../protocol/index.js'

export type LedgerErrorCode =
  | 'REJECTED' // the rules refuse the entry; `reject` has the protocol code
  | 'NOT_WRITABLE' // this node is not (yet) a writer of the ledger
  | 'NOT_MEMBER' // the identity is not a member of this ledger
  | 'NOT_SYNCED' // this node has not synced what a command needs yet (and nothing running will fetch it)
  | 'UNKNOWN_MEMBER' // a member query matches nobody
  | 'AMBIGUOUS_MEMBER' // a member query matches several members
  | 'UNKNOWN_ENTRY' // no entry, invoice or hold with that id
  | 'AMBIGUOUS_ENTRY' // a hold id prefix matches several holds
  | 'LEDGER_CLOSED'
  | 'UPGRADE_NEEDED' // a peer wrote an entry version this build cannot read
  | 'TIMEOUT'
  | 'BAD_INPUT' // an argument is malformed
  | 'STORAGE' // the data dir cannot be read or written
  | 'STORE_LOCKED' // another process has the store open (a running node, or another command)
  | 'INVITE_USED' // a steward's node refused an invite that was already used
  | 'INVITE_EXPIRED' // the invite's expiry has passed
  | 'INVITE_REFUSED' // a steward's node refused the join request (or no node answered in time)
  | 'NODE_LOST' // the running node closed the local socket before answering

export class LedgerError extends Error {
  readonly code: LedgerErrorCode
  /** For REJECTED: the protocol's rejection code. */
  readonly reject?: RejectCode
  /** For over_credit_limit / over_max_balance: the amount still available, in minor units. */
  readonly available?: bigint
  /** For AMBIGUOUS_MEMBER: the names and accounts that matched. */
  readonly candidates?: Array<{ name: string; account: string }>

  constructor(
    code: LedgerErrorCode,
    message: string,
    extra: { reject?: RejectCode; available?: bigint; candidates?: Array<{ name: string; account: string }>; cause?: unknown } = {}
  ) {
    super(message, extra.cause === undefined ? undefined : { cause: extra.cause })
    this.name = 'LedgerError'
    this.code = code
    if (extra.reject !== undefined) this.reject = extra.reject
    if (extra.available !== undefined) this.available = extra.available
    if (extra.candidates !== undefined) this.candidates = extra.candidates
  }
}
