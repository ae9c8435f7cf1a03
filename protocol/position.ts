/**
 * A log position (SPEC.md §7 and §9): whether a block is decided at all, and what deciding one
 * entry there does to the ledger beyond the rules' own effect: the writer's state (its last
 * decided block and junk count), the meta's counts, and the state hash. Pure, so the pipeline
 * (src/apply-block.ts) only reads what these need, calls them, and writes what they return.
 */
import { WRITER_JUNK_MAX } from './constants.js'
import { EMPTY_STATE_HASH, nextStateHash } from './state-hash.js'
import type { Hex, LedgerMeta, Member, Outcome, RejectCode } from './types.js'

/** What the view keeps of each writer (SPEC.md §9): its last decided block and its junk count. */
export interface WriterState {
  /** -1 before its first decided block. */
  block: number
  junk: number
}

/** The ledger's meta as the view keeps it: the genesis's settings plus the running chain. */
export interface ChainedMeta extends LedgerMeta {
  /** State hash after the last decided entry. */
  stateHash: Hex
  /** Entries decided so far (applied + rejected); numbers entry records. */
  entries: number
  /** Of those, how many were rejected. */
  rejected: number
}

/**
 * Whether a block of a newer protocol version than this build reads must stop the node
 * ("upgrade needed") rather than be rejected. Moving a ledger to a newer version is a
 * governance act: only the first block of a ledger (its creator's) or a block from the writer
 * of an active steward can do it. From any other writer the block is rejected
 * `unsupported_version` with no effect, so one member's modified client cannot halt every
 * peer. SPEC.md, "Limits on one writer", binds later versions to the same rule.
 */
export function newerVersionStops(meta: LedgerMeta | null, writerMember: Member | null): boolean {
  if (meta === null) return true
  return writerMember !== null && writerMember.role === 'steward' && writerMember.status === 'active'
}

/**
 * Rejections no honest client causes: bytes that do not decode, a newer version from a member,
 * a bad signature, another member's entry, a second genesis, a replay. Each counts as junk
 * against the writer whose core holds the block: writer cores are signed, so that writer is
 * accountable for every block in it.
 */
export const JUNK_CODES: ReadonlySet<RejectCode> = new Set<RejectCode>([
  'malformed',
  'unsupported_version',
  'bad_signature',
  'author_not_writer',
  'genesis_exists',
  'duplicate_entry'
])

/** What one more junk block from a member's writer does (SPEC.md, "Limits on one writer"). */
export interface Strike {
  /** The writer's junk count after this block. */
  junk: number
  /** Set on the block that reaches WRITER_JUNK_MAX: the writer leaves the ledger's writers. */
  removeWriter: boolean
  /** The member's record if this block changes it (an active member becomes suspended). */
  member: Member | null
}

/** Whether a writer has reached its junk limit: its later blocks are ignored, recorded nowhere. */
export function writerIgnored(junk: number): boolean {
  return junk >= WRITER_JUNK_MAX
}

/** Counts a junk block against the writer of `member`; at WRITER_JUNK_MAX the writer is removed and the member suspended. */
export function strikeWriter(member: Member, junkBefore: number): Strike {
  const junk = junkBefore + 1
  if (junk !== WRITER_JUNK_MAX) return { junk, removeWriter: false, member: null }
  return { junk, removeWriter: true, member: member.status === 'active' ? { ...member, status: 'suspended' } : null }
}

/**
 * Why a block is not decided, or null when it is. A writer's blocks reach apply in order, so a
 * position at or below its last decided one is a redelivery (SPEC.md §9, "A position is decided
 * once"); a block's entries are decided in one apply, so the block is the unit here.
 */
export function blockSkipped(ws: WriterState, block: number): 'redelivered' | null {
  return block <= ws.block ? 'redelivered' : null
}

/** Why an entry is not decided, or null when it is: its writer is past the junk limit (there is a ledger to be removed from). */
export function entrySkipped(ws: WriterState, meta: ChainedMeta | null): 'writer_removed' | null {
  return meta !== null && writerIgnored(ws.junk) ? 'writer_removed' : null
}

/** Whether an outcome is junk: the pipeline then reads the writer's member for `decidePosition`. */
export function isJunk(outcome: Outcome): boolean {
  return !outcome.ok && JUNK_CODES.has(outcome.code)
}

/** What deciding one entry at the next log position does (the rules' effect aside). */
export interface Position {
  /** The log position of the entry. */
  index: number
  /** The writer's state after it. */
  writer: WriterState
  /** Set for junk from a writer bound to a member: its new count, whether the writer is removed, the member's new record. */
  strike: Strike | null
  /** The record's reason: the rejection's, plus the removal of the writer when this entry removes it. */
  reason: string | null
  /**
   * The meta after it, its state hash chaining the outcome (and, when the writer is removed, that
   * effect as an entry of its own). Governance may chain its decisions after this (SPEC.md §10).
   */
  meta: ChainedMeta
}

/**
 * Decides what an entry at the next position does to the chain, given the meta before it (null
 * before genesis), the writer's state, and for junk the member bound to the writer. Null when the
 * entry takes no position: before genesis only a genesis does (only the creator can append there).
 */
export function decidePosition(meta: ChainedMeta | null, ws: WriterState, block: number, id: Hex, outcome: Outcome, writerMember: Member | null): Position | null {
  const genesis = outcome.ok && outcome.meta ? outcome.meta : null
  if (meta === null && genesis === null) return null
  const strike = isJunk(outcome) && writerMember !== null ? strikeWriter(writerMember, ws.junk) : null
  let stateHash = nextStateHash(meta ? meta.stateHash : EMPTY_STATE_HASH, id, outcome)
  // Removing a writer changes its member's record, so it is chained in as an effect of its own.
  if (strike?.removeWriter) stateHash = nextStateHash(stateHash, id, { ok: true, members: strike.member ? [strike.member] : [], moves: [] })
  const reason = outcome.ok ? null : strike?.removeWriter ? `${outcome.reason}; writer removed after ${WRITER_JUNK_MAX} junk blocks` : outcome.reason
  const next: ChainedMeta = genesis !== null
    ? { ...genesis, stateHash, entries: 1, rejected: 0 }
    : { ...(meta as ChainedMeta), stateHash, entries: (meta as ChainedMeta).entries + 1, rejected: (meta as ChainedMeta).rejected + (outcome.ok ? 0 : 1) }
  return { index: meta ? meta.entries : 0, writer: { block, junk: strike ? strike.junk : ws.junk }, strike, reason, meta: next }
}
