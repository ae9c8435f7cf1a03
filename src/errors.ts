/**
 * Errors the library throws. Each situation has its own stable `code` and a factory of the same
 * name (hypercore-errors style: `LedgerError.NOT_SYNCED('...')`), so callers and the CLI branch on
 * codes, never on message text. docs/errors.md lists every code with the test that reproduces it;
 * `ERROR_CODES` below is that list in code, and the CLI takes its exit codes from it.
 */
import type { RejectCode } from '../protocol/index.js'

/** Every code, with the situation it names and the exit code of `tally` when a command ends with it. */
export const ERROR_CODES = {
  REJECTED: { exit: 1, situation: 'the rules refuse the entry; `reject` has the protocol code (and `available` for overspends)' },
  BAD_INPUT: { exit: 1, situation: 'an argument is malformed or out of range' },
  NOT_SYNCED: { exit: 1, situation: 'this node has not synced what it needs yet: the genesis, its own admission, or a member' },
  NOT_WRITABLE: { exit: 1, situation: 'this node cannot write: it is not a writer of the ledger (yet), or joined as an auditor' },
  NOT_MEMBER: { exit: 1, situation: 'this identity is not a member of the ledger' },
  WRONG_IDENTITY: { exit: 1, situation: "this identity is not the member bound to this node's writer core" },
  UNKNOWN_MEMBER: { exit: 1, situation: 'a member query matches nobody' },
  AMBIGUOUS_MEMBER: { exit: 1, situation: 'a member query matches several members; `candidates` lists them' },
  UNKNOWN_INVOICE: { exit: 1, situation: 'no invoice has that id or id prefix' },
  AMBIGUOUS_INVOICE: { exit: 1, situation: 'an invoice id prefix matches several invoices' },
  UNKNOWN_PROPOSAL: { exit: 1, situation: 'no proposal has that id or id prefix' },
  AMBIGUOUS_PROPOSAL: { exit: 1, situation: 'a proposal id prefix matches several proposals' },
  UNKNOWN_HOLD: { exit: 1, situation: 'no hold (conditional transfer) has that id or id prefix' },
  AMBIGUOUS_HOLD: { exit: 1, situation: 'a hold id prefix matches several holds' },
  UNKNOWN_INVITE: { exit: 1, situation: 'no invite with that id in the invite book' },
  UNKNOWN_MIRROR: { exit: 1, situation: "no mirror in this node's list has that key or key prefix" },
  AMBIGUOUS_MIRROR: { exit: 1, situation: "a mirror key prefix matches several mirrors in this node's list" },
  LEDGER_CLOSED: { exit: 1, situation: 'a call on a ledger after close() (or a write the close overtook)' },
  UPGRADE_NEEDED: { exit: 1, situation: 'a peer wrote an entry version this build cannot read' },
  NO_ENCRYPTION_KEY: { exit: 1, situation: 'an existing ledger was opened without its encryption key, and this store does not hold it' },
  TIMEOUT: { exit: 1, situation: 'a bounded wait ran out (an apply, peers, a steward, a sync, writability)' },
  INTERRUPTED: { exit: 130, situation: 'the user stopped the command (Ctrl-C, SIGTERM, an aborted signal)' },
  NO_IDENTITY: { exit: 1, situation: 'the data dir has no identity file: `tally init` first' },
  IDENTITY_EXISTS: { exit: 1, situation: 'an identity file already exists; it is never overwritten' },
  NO_LEDGER: { exit: 1, situation: 'the data dir has no ledger.json: `tally ledger create` or `tally join` first' },
  LEDGER_EXISTS: { exit: 1, situation: 'the data dir already has a ledger' },
  STORAGE: { exit: 1, situation: 'a file of the data dir cannot be read or written (full, read-only, damaged)' },
  STORE_LOCKED: { exit: 1, situation: 'another process has the store open and no node answers for it' },
  STORE_MOVED: { exit: 1, situation: 'the store was copied or moved here (cp -a, a restored backup): `tally restore` adopts it' },
  LEDGER_MISMATCH: { exit: 1, situation: 'ledger.json names another ledger than the one the store holds' },
  NODE_RUNNING: { exit: 1, situation: 'a node already runs on this data dir' },
  NODE_UNREACHABLE: { exit: 1, situation: "the node's socket exists but does not accept connections" },
  NODE_LOST: { exit: 1, situation: 'the running node closed the local socket before answering' },
  DHT_UNREACHABLE: { exit: 1, situation: 'no DHT bootstrap node answered (a mirror starting on a network it cannot reach)' },
  BIND_FAILED: { exit: 1, situation: 'a DHT bootstrap node cannot listen on the address and port given' },
  INVITE_USED: { exit: 1, situation: "a steward's node refused an invite that was already used" },
  INVITE_EXPIRED: { exit: 1, situation: "the invite's expiry has passed" },
  INVITE_REFUSED: { exit: 1, situation: 'the inviting node refused the join request (the members refused the admission, or the identity is already a member)' },
  NAME_TAKEN: { exit: 1, situation: "the name a candidate asked for is taken, or too like a member's: the same code works with another name" },
  ADMISSION_EXPIRED: { exit: 1, situation: "the members did not decide a candidate's admission within its window" }
} as const

export type LedgerErrorCode = keyof typeof ERROR_CODES

/** Extra fields some codes carry. */
export interface LedgerErrorExtra {
  /** For REJECTED: the protocol's rejection code. */
  reject?: RejectCode
  /** For over_credit_limit / over_max_balance: the amount still available, in minor units. */
  available?: bigint
  /** For AMBIGUOUS_MEMBER: the names and accounts that matched. */
  candidates?: Array<{ name: string; account: string }>
  cause?: unknown
}

type Factory = (message: string, extra?: LedgerErrorExtra) => LedgerError

export class LedgerError extends Error {
  readonly code: LedgerErrorCode
  readonly reject?: RejectCode
  readonly available?: bigint
  readonly candidates?: Array<{ name: string; account: string }>

  constructor(code: LedgerErrorCode, message: string, extra: LedgerErrorExtra = {}) {
    super(message, extra.cause === undefined ? undefined : { cause: extra.cause })
    this.name = 'LedgerError'
    this.code = code
    if (extra.reject !== undefined) this.reject = extra.reject
    if (extra.available !== undefined) this.available = extra.available
    if (extra.candidates !== undefined) this.candidates = extra.candidates
  }

  static REJECTED: Factory = (m, x) => new LedgerError('REJECTED', m, x)
  static BAD_INPUT: Factory = (m, x) => new LedgerError('BAD_INPUT', m, x)
  static NOT_SYNCED: Factory = (m, x) => new LedgerError('NOT_SYNCED', m, x)
  static NOT_WRITABLE: Factory = (m, x) => new LedgerError('NOT_WRITABLE', m, x)
  static NOT_MEMBER: Factory = (m, x) => new LedgerError('NOT_MEMBER', m, x)
  static WRONG_IDENTITY: Factory = (m, x) => new LedgerError('WRONG_IDENTITY', m, x)
  static UNKNOWN_MEMBER: Factory = (m, x) => new LedgerError('UNKNOWN_MEMBER', m, x)
  static AMBIGUOUS_MEMBER: Factory = (m, x) => new LedgerError('AMBIGUOUS_MEMBER', m, x)
  static UNKNOWN_INVOICE: Factory = (m, x) => new LedgerError('UNKNOWN_INVOICE', m, x)
  static AMBIGUOUS_INVOICE: Factory = (m, x) => new LedgerError('AMBIGUOUS_INVOICE', m, x)
  static UNKNOWN_PROPOSAL: Factory = (m, x) => new LedgerError('UNKNOWN_PROPOSAL', m, x)
  static AMBIGUOUS_PROPOSAL: Factory = (m, x) => new LedgerError('AMBIGUOUS_PROPOSAL', m, x)
  static UNKNOWN_HOLD: Factory = (m, x) => new LedgerError('UNKNOWN_HOLD', m, x)
  static AMBIGUOUS_HOLD: Factory = (m, x) => new LedgerError('AMBIGUOUS_HOLD', m, x)
  static UNKNOWN_INVITE: Factory = (m, x) => new LedgerError('UNKNOWN_INVITE', m, x)
  static DHT_UNREACHABLE: Factory = (m, x) => new LedgerError('DHT_UNREACHABLE', m, x)
  static UNKNOWN_MIRROR: Factory = (m, x) => new LedgerError('UNKNOWN_MIRROR', m, x)
  static AMBIGUOUS_MIRROR: Factory = (m, x) => new LedgerError('AMBIGUOUS_MIRROR', m, x)
  static LEDGER_CLOSED: Factory = (m, x) => new LedgerError('LEDGER_CLOSED', m, x)
  static UPGRADE_NEEDED: Factory = (m, x) => new LedgerError('UPGRADE_NEEDED', m, x)
  static NO_ENCRYPTION_KEY: Factory = (m, x) => new LedgerError('NO_ENCRYPTION_KEY', m, x)
  static TIMEOUT: Factory = (m, x) => new LedgerError('TIMEOUT', m, x)
  static INTERRUPTED: Factory = (m, x) => new LedgerError('INTERRUPTED', m, x)
  static NO_IDENTITY: Factory = (m, x) => new LedgerError('NO_IDENTITY', m, x)
  static IDENTITY_EXISTS: Factory = (m, x) => new LedgerError('IDENTITY_EXISTS', m, x)
  static NO_LEDGER: Factory = (m, x) => new LedgerError('NO_LEDGER', m, x)
  static LEDGER_EXISTS: Factory = (m, x) => new LedgerError('LEDGER_EXISTS', m, x)
  static STORAGE: Factory = (m, x) => new LedgerError('STORAGE', m, x)
  static STORE_LOCKED: Factory = (m, x) => new LedgerError('STORE_LOCKED', m, x)
  static STORE_MOVED: Factory = (m, x) => new LedgerError('STORE_MOVED', m, x)
  static LEDGER_MISMATCH: Factory = (m, x) => new LedgerError('LEDGER_MISMATCH', m, x)
  static NODE_RUNNING: Factory = (m, x) => new LedgerError('NODE_RUNNING', m, x)
  static NODE_UNREACHABLE: Factory = (m, x) => new LedgerError('NODE_UNREACHABLE', m, x)
  static NODE_LOST: Factory = (m, x) => new LedgerError('NODE_LOST', m, x)
  static BIND_FAILED: Factory = (m, x) => new LedgerError('BIND_FAILED', m, x)
  static INVITE_USED: Factory = (m, x) => new LedgerError('INVITE_USED', m, x)
  static INVITE_EXPIRED: Factory = (m, x) => new LedgerError('INVITE_EXPIRED', m, x)
  static INVITE_REFUSED: Factory = (m, x) => new LedgerError('INVITE_REFUSED', m, x)
  static NAME_TAKEN: Factory = (m, x) => new LedgerError('NAME_TAKEN', m, x)
  static ADMISSION_EXPIRED: Factory = (m, x) => new LedgerError('ADMISSION_EXPIRED', m, x)
}

/** True for a known code (errors rebuilt from the node's socket). */
export function isLedgerErrorCode(code: unknown): code is LedgerErrorCode {
  return typeof code === 'string' && Object.hasOwn(ERROR_CODES, code)
}

/** The exit code of `tally` for an error: the code's, or 1 for anything else. */
export function exitCodeOf(err: unknown): number {
  return err instanceof LedgerError ? ERROR_CODES[err.code].exit : 1
}
