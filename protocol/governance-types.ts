/**
 * Entries and records of decisions by the members (protocol/SPEC.md §10): the charter that
 * carries a new ledger's policy, proposals, votes, objections, withdrawals and clock ticks.
 */
import type { DecisionKind, DecisionMethod, Policy } from './policy.js'
import type { Witness } from './time.js'
import type { EntryHeader, Hex } from './types.js'

/** What a proposal asks for, on the wire (keys as bytes). */
export type ProposalAction =
  | { action: 'admit'; account: Uint8Array; writer: Uint8Array; name: string; creditLimit: bigint; maxBalance: bigint | null; invite?: Uint8Array }
  | { action: 'limits'; account: Uint8Array; creditLimit: bigint; maxBalance: bigint | null }
  | { action: 'suspend' | 'reinstate' | 'steward' | 'unsteward' | 'indexer' | 'unindexer'; account: Uint8Array }
  | { action: 'policy'; policy: Policy }
  /** The proposer's own link (it is the bridge), as a link entry would announce it (SPEC.md §12). */
  | { action: 'link'; ledger: Uint8Array; name: string; rateNum: bigint; rateDen: bigint; capacity: bigint }

export type ActionName = ProposalAction['action']

/** Wire numbers of proposal actions. Never reuse a number. */
export const ACTION_CODES: Record<ActionName, number> = {
  admit: 1,
  limits: 2,
  suspend: 3,
  reinstate: 4,
  steward: 5,
  unsteward: 6,
  indexer: 7,
  unindexer: 8,
  policy: 9,
  link: 10
}
/** Wire number of an admit that cites an invite (its body is admit's, then the invite id): 1 keeps its bytes. */
export const ADMIT_INVITED_CODE = 11

/** The policy kind that decides each action. */
export const ACTION_KIND: Record<ActionName, DecisionKind> = {
  admit: 'admit',
  limits: 'limits',
  suspend: 'suspend',
  reinstate: 'suspend',
  steward: 'steward',
  unsteward: 'steward',
  indexer: 'indexer',
  unindexer: 'indexer',
  policy: 'policy',
  link: 'link'
}

/** The entry right after genesis that sets a new ledger's policy (from the creator only). */
export interface CharterEntry extends EntryHeader {
  type: 'charter'
  policy: Policy
}
/** A member proposes a decision; its id is the proposal's id. The proposer's own vote is yes. */
export interface ProposeEntry extends EntryHeader {
  type: 'propose'
  proposal: ProposalAction
}
/** An active member votes on an open proposal; a later vote replaces an earlier one until the decision. */
export interface VoteEntry extends EntryHeader {
  type: 'vote'
  proposal: Uint8Array
  yes: boolean
}
/** An active member objects to an open proposal (a no vote; the memo is the reason). */
export interface ObjectEntry extends EntryHeader {
  type: 'object'
  proposal: Uint8Array
}
/** The proposer withdraws its open proposal. */
export interface WithdrawEntry extends EntryHeader {
  type: 'withdraw'
  proposal: Uint8Array
}
/** Says nothing but the author's signed time: how a member witnesses a window passing (time.ts). */
export interface TickEntry extends EntryHeader {
  type: 'tick'
}

/**
 * An active member records an invite code in the ledger, so any member's node can answer it
 * (docs/member-invites.md): the code's blind-pairing id and public key (which opens requests
 * made with it; the code's secret seed is never in the log), its expiry, and the credit limit.
 */
export interface InviteEntry extends EntryHeader {
  type: 'invite'
  invite: Uint8Array
  publicKey: Uint8Array
  /** Ms since the epoch by the proposer's clock after which no admission may cite it; 0 for none. */
  expires: number
  /** The credit limit to admit with; null for the ledger default. */
  creditLimit: bigint | null
}
/** Withdraws an unused invite (its issuer or a steward). */
export interface UninviteEntry extends EntryHeader {
  type: 'uninvite'
  invite: Uint8Array
}

export type GovernanceEntry = CharterEntry | ProposeEntry | VoteEntry | ObjectEntry | WithdrawEntry | TickEntry | InviteEntry | UninviteEntry

/** An invite as the view keeps it (key `invite/<id>`). */
export interface LedgerInvite {
  id: Hex
  issuer: Hex
  publicKey: Hex
  expires: number
  creditLimit: bigint | null
  /** `used` by the first admit proposal that cites it, in log order; `withdrawn` by an uninvite. */
  status: 'open' | 'used' | 'withdrawn'
  /** The admit proposal that used it. */
  proposal: Hex | null
  /** Log position of the invite entry. */
  index: number
}

/** A proposal's action as the view keeps it (keys as hex). */
export type ActionRecord =
  | { action: 'admit'; account: Hex; writer: Hex; name: string; creditLimit: bigint; maxBalance: bigint | null; invite?: Hex }
  | { action: 'limits'; account: Hex; creditLimit: bigint; maxBalance: bigint | null }
  | { action: 'suspend' | 'reinstate' | 'steward' | 'unsteward' | 'indexer' | 'unindexer'; account: Hex }
  | { action: 'policy'; policy: Policy }
  | { action: 'link'; ledger: Hex; name: string; rateNum: bigint; rateDen: bigint; capacity: bigint }

/** `passed` applied its action; `void` passed but its action no longer applied (the reason says why). */
export type ProposalStatus = 'open' | 'passed' | 'refused' | 'expired' | 'withdrawn' | 'void'

export interface Vote {
  yes: boolean
  /** The memo of an objection, or of the vote. */
  reason: string
  /** Log position of the vote. */
  index: number
}

/** A proposal's record in the view; its id is the id of the propose entry. */
export interface Proposal {
  id: Hex
  proposer: Hex
  action: ActionRecord
  kind: DecisionKind
  /** Method and window of the policy in force when it was proposed: a later policy change does not touch it. */
  method: DecisionMethod
  windowMs: number
  /** Log position of the propose entry, and the proposer's clock there. */
  index: number
  time: number
  votes: Record<string, Vote>
  /** Each member's witness of the window (time.ts). */
  witnesses: Record<string, Witness>
  status: ProposalStatus
  /** Log position of the entry at which it was decided. */
  decidedAt: number | null
  /** Why it was decided as it was, for people. */
  reason: string | null
}

/** Ledger-wide governance state: the policy in force, open proposals, active members, indexers. */
export interface GovState {
  /** Null for a ledger without a charter: the steward policy. */
  policy: Policy | null
  /** Ids of open proposals, oldest first: they are settled in this order. */
  open: Hex[]
  /** Number of active members. */
  active: number
  /** Accounts whose writers are Autobase indexers, in the order they became one. */
  indexers: Hex[]
}

/** A decision made at one log position. */
export interface Decision {
  proposal: Hex
  status: Exclude<ProposalStatus, 'open'>
  reason: string
}
