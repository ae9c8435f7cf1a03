/**
 * What an audit reports: the replayed ledger (members, balances, state hash), every finding
 * with the entry and rule it concerns, and the rule rejections the ledger recorded.
 */
import type { DecisionKind, DecisionMethod, Hex, Member, Policy, Proposal, ProposalStatus, RejectCode } from '../../protocol/index.js'
import type { EntryRecord } from '../records.js'
import type { ClockFlag } from './clock-ahead.js'

/**
 * What kind of failure a finding is. Every finding fails the audit (`ok: false`); entries the
 * rules rejected for ordinary reasons (an overspend, a closed invoice) are not findings but
 * `rejectedEntries`.
 */
export type FindingKind =
  /** A writer core signed two different histories (a fork): the writer is at fault. */
  | 'equivocation'
  /** A writer core's signed Merkle tree does not verify, or its blocks are missing. */
  | 'hypercore'
  /** An entry's ed25519 signature does not verify. */
  | 'signature'
  /** An entry appended by a writer not bound to its author (a copied or forged entry). */
  | 'authorship'
  /** The linear order named by the view is not a valid order of the signed logs. */
  | 'order'
  /** The stored view disagrees with the replay. */
  | 'view'
  /** A protocol property (zero-sum, limits, at-most-once) fails in the replay. */
  | 'invariant'

/** One thing that failed verification, naming the entry and the rule. */
export interface Finding {
  kind: FindingKind
  /** Hex key of the writer core concerned, if any. */
  writer: Hex | null
  /** Block number in that writer core, if one block is concerned. */
  block: number | null
  /** Entry id, if known. */
  id: Hex | null
  /** Position in the ledger's linear order, if the entry has one. */
  index: number | null
  /** The rule broken, a stable code such as `bad_signature` or `member_mismatch`. */
  rule: string
  /** One line for people. */
  detail: string
  /** Proof a third party can check (for equivocation: both signed tree roots). */
  evidence?: unknown
}

/** An entry the ledger's rules rejected (and recorded as rejected): reported, not a failure. */
/** A decision the replay made (protocol/SPEC.md §10), at the log position where it fell. */
export interface AuditDecision {
  index: number
  proposal: Hex
  status: Exclude<ProposalStatus, 'open'>
  reason: string
  action: string
  kind: DecisionKind
  method: DecisionMethod
  proposer: Hex
  /** The member the action names (for admit, the candidate's name), or null. */
  target: string | null
  /** Votes on record when it was decided (members who were active then or later). */
  yes: number
  no: number
}

export interface RejectedEntry {
  index: number
  id: Hex
  writer: Hex
  block: number
  author: Hex | null
  type: EntryRecord['type']
  code: RejectCode
  reason: string
}

/** A member as the replay computed it. */
export interface AuditMember {
  account: Hex
  name: string
  writer: Hex
  role: Member['role']
  status: Member['status']
  /** Balance after every entry in the order (pending included). */
  balance: bigint
  /** Balance after the confirmed (quorum-signed) entries only. */
  confirmed: bigint
  creditLimit: bigint
  maxBalance: bigint | null
}

/** One writer core as the auditor read it. */
export interface AuditWriter {
  key: Hex
  /** The member bound to this writer by the replay, if any. */
  account: Hex | null
  name: string | null
  /** Blocks in the core (its signed length). */
  length: number
  /** Of those, Autobase acks (no entry). */
  acks: number
  /** Entry blocks the linear order has decided. */
  decided: number
  /** Entry blocks not yet in the linear order (appended after the view was built). */
  pending: number
  /** Whether the signed tree verified and every block matched it. */
  verified: boolean
}

/** An entry in the linear order, with its bytes: the material of the exports. */
export interface AuditedEntry {
  /** The record the replay produced (equal to the view's when no finding names it). */
  record: EntryRecord
  /** The signed entry exactly as its writer appended it. */
  bytes: Uint8Array
  /** Whether its ed25519 signature verified. */
  signatureValid: boolean
  /** Whether it is below the view's quorum-signed length. */
  confirmed: boolean
}

/** Where an audit is, for a progress display. */
export interface AuditProgress {
  phase: 'view' | 'download' | 'verify' | 'replay' | 'compare'
  done: number
  total: number
}

/** A writer whose blocks the audit needs and could not fetch (its node offline): retry later. */
export interface UnavailableWriter {
  writer: Hex
  /** The member the view binds to this writer, if it knows. */
  account: Hex | null
  name: string | null
  /** Blocks that could not be read. */
  missing: number
  /** The length the view or other writers' heads say this core has at least. */
  needed: number
}

export interface AuditReport {
  /** True when everything was checked and nothing failed verification (rejected entries do not count as failures). */
  ok: boolean
  /**
   * False when blocks the audit needs could not be fetched (`unavailable` names their writers):
   * then nothing was replayed, and only the blocks read were verified. Not a finding of tampering.
   */
  complete: boolean
  unavailable: UnavailableWriter[]
  ledger: { key: Hex; name: string | null; unitCode: string | null; decimals: number | null }
  /** Entries replayed: every block the linear order decided, applied or rejected. */
  entriesChecked: number
  applied: number
  rejected: number
  /** Entry signatures checked, and how many failed. */
  signaturesChecked: number
  signaturesFailed: number
  /** Sum of the amounts of applied payments (transfers and accepted invoices), minor units. */
  totalVolume: bigint
  members: AuditMember[]
  writers: AuditWriter[]
  findings: Finding[]
  rejectedEntries: RejectedEntry[]
  /** The policy in force after the replay (null: no charter, the steward policy of 0.1 ledgers). */
  policy: Policy | null
  /** Every decision the replay made, in log order. */
  decisions: AuditDecision[]
  /** Every proposal with its votes, witnesses and outcome (the JSON export carries them). */
  proposals: Proposal[]
  /**
   * Entries whose author-signed time runs ahead of an entry that causally follows it, by more than
   * ordinary clock drift (clock-ahead.ts, SPEC.md §11): flags, not findings (they do not fail the audit).
   */
  clockAhead: { flags: ClockFlag[]; more: number }
  /** The replay's final state hash, and what the view says. */
  stateHash: Hex | null
  viewStateHash: Hex | null
  confirmed: {
    /** The view core's quorum-signed length, and its total length. */
    signedLength: number
    viewLength: number
    /** Entries below the signed length, and the state hash after them. */
    entries: number
    stateHash: Hex | null
  }
  /** Entry blocks in writer cores that no entry in the order depends on yet. */
  pendingBlocks: number
  timing: {
    downloadMs: number
    verifyMs: number
    replayMs: number
    totalMs: number
    /** Entries checked per second over the whole audit. */
    entriesPerSecond: number
    /** ed25519 entry signatures verified per second. */
    signaturesPerSecond: number
  }
  /** Every entry in linear order with its bytes, for exports (left out of `reportToJson`). */
  entries: AuditedEntry[]
}
