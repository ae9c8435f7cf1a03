/**
 * Entry types, state records and rule outcomes of the Tally v1 protocol.
 * Every shape here is documented field by field in protocol/SPEC.md.
 */
import type { GovernanceEntry, GovState, LedgerInvite, Proposal } from './governance-types.js'
import type { Policy } from './policy.js'
import type { FederationEntry, Hold, Link } from './federation-types.js'

/** Lower-case hex of a 32-byte key or hash. Branded so an id is never mistaken for a name. */
export type Hex = string & { readonly __brand: 'Hex' }

/** A member's ed25519 account key in hex. */
export type AccountKey = Hex & { readonly __kind: 'account' }
/** An Autobase writer core's key in hex. */
export type WriterKey = Hex & { readonly __kind: 'writer' }
/** An entry's id in hex (SPEC.md §3); for bytes that do not decode, their hash. */
export type EntryId = Hex & { readonly __kind: 'entry' }
/** An invoice's id: the id of its invoice entry. */
export type InvoiceId = EntryId
/** A state hash (SPEC.md §7). */
export type StateHash = Hex & { readonly __kind: 'state' }

/** Cast a hex string that is already known to be well formed. */
export function asHex(s: string): Hex {
  return s as Hex
}

/** Entry type names; they are part of the signed domain tag. */
export type EntryType =
  | 'genesis'
  | 'admit'
  | 'set-limits'
  | 'transfer'
  | 'invoice'
  | 'accept'
  | 'decline'
  | 'cancel'
  | 'suspend'
  | 'leave'
  | 'charter'
  | 'propose'
  | 'vote'
  | 'object'
  | 'withdraw'
  | 'tick'
  | 'invite'
  | 'uninvite'
  | 'link'
  | 'hold'
  | 'fulfil'
  | 'release'

/** Role of a member: stewards admit members and set limits. */
export type Role = 'member' | 'steward'

/** The fields every entry carries, whatever its type. */
export interface EntryHeader {
  /** Wire version; this build reads version 1. */
  version: number
  /** The author's ed25519 account key (32 bytes). */
  author: Uint8Array
  /**
   * The author's own counter. It must grow: an entry whose seq is not above its author's last decided
   * one is `duplicate_entry` (the replay rule, SPEC.md §5). It also keeps ids of identical bodies apart.
   */
  seq: number
  /**
   * Milliseconds since the epoch, as the author's clock said. It moves only its author's clock
   * (protocol/time.ts), which witnesses windows and hold periods (SPEC.md §11); no other rule reads it.
   */
  timestamp: number
  /** Free text, at most MEMO_BYTES_MAX bytes of UTF-8. */
  memo: string
}

/** Creates the ledger; the creator becomes its first steward and indexer. */
export interface GenesisEntry extends EntryHeader {
  type: 'genesis'
  /** Ledger name, e.g. "CoTech Exchange". */
  name: string
  /** Unit code, 1-12 characters of A-Z and 0-9, e.g. "CTC". */
  unitCode: string
  /** Decimal places of the unit: amounts are integers of 10^-decimals units. */
  decimals: number
  /** Credit limit given to members admitted without one. */
  defaultCreditLimit: bigint
  /** Highest balance a member may hold, or null for none. */
  defaultMaxBalance: bigint | null
  /** The creator's member name. */
  creatorName: string
  /** The creator's Autobase writer key; must be the writer that appends this entry. */
  writer: Uint8Array
}

/** A steward admits a member: binds its account key to its writer key. */
export interface AdmitEntry extends EntryHeader {
  type: 'admit'
  account: Uint8Array
  writer: Uint8Array
  name: string
  role: Role
  creditLimit: bigint
  maxBalance: bigint | null
  /** Whether the new writer also acks as an Autobase indexer. */
  indexer: boolean
}

/** A steward changes a member's limits. */
export interface SetLimitsEntry extends EntryHeader {
  type: 'set-limits'
  account: Uint8Array
  creditLimit: bigint
  maxBalance: bigint | null
}

/** The author (payer) pays `payee` now. */
export interface TransferEntry extends EntryHeader {
  type: 'transfer'
  payee: Uint8Array
  amount: bigint
}

/** The author (payee) asks `payer` for `amount`. */
export interface InvoiceEntry extends EntryHeader {
  type: 'invoice'
  payer: Uint8Array
  amount: bigint
}

/** The payer of an invoice accepts (pays) or declines it. */
export interface AcceptEntry extends EntryHeader {
  type: 'accept'
  invoice: Uint8Array
}
export interface DeclineEntry extends EntryHeader {
  type: 'decline'
  invoice: Uint8Array
}
/** The author of an invoice withdraws it. */
export interface CancelEntry extends EntryHeader {
  type: 'cancel'
  invoice: Uint8Array
}
/** A steward stops a member's spending. */
export interface SuspendEntry extends EntryHeader {
  type: 'suspend'
  account: Uint8Array
}
/** A member leaves; needs a zero balance. */
export interface LeaveEntry extends EntryHeader {
  type: 'leave'
}

/** Every v1 entry, keyed by `type`. */
export type Entry =
  | GenesisEntry
  | AdmitEntry
  | SetLimitsEntry
  | TransferEntry
  | InvoiceEntry
  | AcceptEntry
  | DeclineEntry
  | CancelEntry
  | SuspendEntry
  | LeaveEntry
  | GovernanceEntry
  | FederationEntry

/** An entry with the author's signature over its signing bytes. */
export type SignedEntry = Entry & { signature: Uint8Array }

/** Distributes Omit over the union so each member keeps its own fields. */
export type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never

/** What a caller fills in; header fields with defaults may be left out. */
export type EntryDraft = DistributiveOmit<Entry, 'version' | 'memo' | 'timestamp' | 'seq' | 'author'> & {
  memo?: string
  timestamp?: number
  seq?: number
}

/** Ledger-wide facts written by genesis. */
export interface LedgerMeta {
  /** Hex of the Autobase key: the ledger id, part of every signature. */
  ledgerKey: Hex
  name: string
  unitCode: string
  decimals: number
  defaultCreditLimit: bigint
  defaultMaxBalance: bigint | null
  /** Id of the genesis entry. */
  genesis: Hex
}

export type MemberStatus = 'active' | 'suspended' | 'left'

/** A member's record in the view. */
export interface Member {
  account: AccountKey
  name: string
  writer: WriterKey
  role: Role
  status: MemberStatus
  creditLimit: bigint
  maxBalance: bigint | null
  balance: bigint
  /** Number of applied (not rejected) entries that touched this member; numbers its history. */
  entries: number
  /** Highest seq of an entry this member authored that the rules decided (applied or rejected). */
  lastSeq: number
  /** The member's clock: the latest time it signed, never going back (time.ts). 0 in 0.1 records. */
  clock?: number
  /** For the policy's rate limit: the hour of `clock`, and entries authored in it. */
  rateHour?: number
  rateCount?: number
}

export type InvoiceStatus = 'pending' | 'accepted' | 'declined' | 'cancelled'

/** An invoice's record in the view; its id is the id of the invoice entry. */
export interface Invoice {
  id: InvoiceId
  payee: AccountKey
  payer: AccountKey
  amount: bigint
  memo: string
  status: InvoiceStatus
  /** Id of the entry that closed it, if closed. */
  closedBy: Hex | null
}

/** Why an entry was rejected. Stable codes; SPEC.md lists them in precedence order. */
export type RejectCode =
  | 'malformed'
  | 'unsupported_version'
  | 'bad_signature'
  | 'duplicate_entry'
  | 'no_genesis'
  | 'genesis_exists'
  | 'genesis_writer_mismatch'
  | 'author_not_writer'
  | 'author_not_active'
  | 'not_steward'
  | 'unknown_member'
  | 'member_exists'
  | 'writer_in_use'
  | 'bad_name'
  | 'name_taken'
  | 'self_transfer'
  | 'counterparty_not_active'
  | 'amount_not_positive'
  | 'amount_too_large'
  | 'limit_too_large'
  | 'over_credit_limit'
  | 'over_max_balance'
  | 'unknown_invoice'
  | 'invoice_closed'
  | 'not_invoice_payer'
  | 'not_invoice_author'
  | 'balance_not_zero'
  | 'holds_open'
  | 'decided_by_members'
  | 'charter_late'
  | 'unknown_proposal'
  | 'proposal_closed'
  | 'not_proposer'
  | 'rate_limited'
  | 'invite_exists'
  | 'unknown_invite'
  | 'invite_used'
  | 'invite_withdrawn'
  | 'invite_expired'
  | 'not_inviter'
  | 'self_link'
  | 'bad_rate'
  | 'unknown_link'
  | 'not_link_party'
  | 'over_capacity'
  | 'too_many_holds'
  | 'unknown_hold'
  | 'not_hold_payee'
  | 'not_hold_party'
  | 'hold_closed'
  | 'hold_expired'
  | 'hold_not_expired'
  | 'wrong_preimage'

/** A rejection with its code and, for an overspend, what was available. */
export interface Rejection {
  ok: false
  code: RejectCode
  /** For a rejection of an authenticated entry: the author's record with `lastSeq` advanced, so the entry can never apply later. */
  author?: Member
  /** One line for people, naming the values involved. */
  reason: string
  /** For over_credit_limit: what the payer could still spend; for over_max_balance: what the payee could still receive. */
  available?: bigint
}

/** What a valid entry changes. Records are complete replacements. */
export interface Effect {
  ok: true
  meta?: LedgerMeta
  members: Member[]
  invoice?: Invoice
  /** Writers Autobase must add (genesis binds the bootstrap writer, which is already one). */
  addWriter?: { key: Hex; indexer: boolean }
  /** Accounts whose balance moved and by how much, in entry order (payer first). */
  moves: Array<{ account: Hex; delta: bigint }>
  /** The author's record when it changes but is not in `members` (a tick: not part of its history). */
  author?: Member
  /** A proposal created or changed (governance entries). */
  proposal?: Proposal
  /** A new policy (the charter). */
  policy?: Policy
  /** An invite created, used or withdrawn (invite, uninvite, propose admit citing it). */
  invite?: LedgerInvite
  /** A link announced or changed, or whose held sum moved (federation). */
  link?: Link
  /** A hold created or closed (federation). */
  hold?: Hold
  /** Chained into the state hash after the members (governance entries: what they did). */
  note?: string
}

export type Outcome = Effect | Rejection

/** The state a rule reads: found by the caller through `lookups(entry)`. */
export interface RuleInput {
  /** Hex of the ledger (Autobase) key. */
  ledgerKey: Hex
  meta: LedgerMeta | null
  /** Hex of the entry id. */
  id: EntryId
  /** Hex of the writer core that appended the entry. */
  writer: WriterKey
  /** The author's member record, if any; the entry is the author's only if `author.writer` is the appending writer. */
  author: Member | null
  /** The other member the entry names (payee, payer, admitted or limited account), if any. */
  counterparty: Member | null
  /** The invoice the entry names, if any. */
  invoice: Invoice | null
  /** For admit: whether the name is taken (case-insensitively). */
  nameTaken: boolean
  /** For admit: the account, if any, already bound to the admitted writer key. */
  writerTakenBy: Hex | null
  /** Governance state (policy, open proposals); null reads as the steward policy with nothing open. */
  gov?: GovState | null
  /** The proposal a vote, objection or withdrawal names, if any. */
  proposal?: Proposal | null
  /** The invite an invite, uninvite or propose admit names, if any. */
  invite?: LedgerInvite | null
  /** The entry's log position (meta.entries before it). */
  position?: number
  /** For federation entries: the author's clock after this entry (time.ts). */
  clock?: number
  /** For federation entries: the number of active members. */
  active?: number
  /** For a hold: the link it names; for fulfil and release: the hold's link. */
  link?: Link | null
  /** For fulfil and release: the hold it names. */
  hold?: Hold | null
  /** For fulfil and release: the current records of members whose witness of the hold's period has passed. */
  witnesses?: Member[]
  /** For a hold: how many holds are open; for a leave: how many open holds name the author. */
  openHolds?: number
}

/** Keys the caller must look up before calling the rules. */
export interface Lookups {
  counterparty: Hex | null
  invoice: Hex | null
  name: string | null
  writer: Hex | null
  /** The proposal a vote, objection or withdrawal names. */
  proposal?: Hex | null
  /** The invite an invite, uninvite or propose admit names. */
  invite?: Hex | null
  /** For a hold: the link it names (bridge and other ledger). */
  link?: { bridge: Hex; ledger: Hex } | null
  /** For fulfil and release: the hold it names. */
  hold?: Hex | null
}

export function assertNever(x: never): never {
  throw new Error('unexpected value: ' + JSON.stringify(x))
}
