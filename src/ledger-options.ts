/**
 * What a Ledger is opened with (LedgerOptions, CreateOptions), its defaults, and the shapes it
 * reports (LedgerStatus, DecisionEvent), their defaults, and the first entries a CreateOptions makes.
 */
import type Corestore from 'corestore'
import { membersPolicy, type Decision, type EntryDraft, type Hex, type KeyPair, type Policy } from '../protocol/index.js'
import type { IndexerStatus } from './indexers.js'

export const DEFAULT_NAMESPACE = 'tally'
export const DEFAULT_ACK_INTERVAL_MS = 1000
export const DEFAULT_BATCH_MAX = 256
/** A cross-ledger payment's period on the payer's ledger unless told (the bridge's hold gets half). */
export const DEFAULT_HOLD_MS = 10 * 60_000

/** Options shared by creating, opening and joining a ledger. */
export interface LedgerOptions {
  /** A Corestore the caller owns, or a directory path for one the ledger owns (and closes). */
  store: Corestore | string
  /** This member's account key pair. */
  identity: KeyPair
  /** The ledger (Autobase) key; omit only when creating. */
  key?: Uint8Array | null
  /** The ledger's encryption key (from the invite); a creator gets a fresh one. */
  encryptionKey?: Uint8Array | null
  /** Corestore namespace of this ledger, so one store can hold several. Default "tally". */
  namespace?: string
  /** How often an indexer acks, in ms. Autobase's default is 10 s; ours is 1 s. */
  ackIntervalMs?: number
  /** Most entries group commit puts in one append. Default 256. */
  batchMax?: number
  /** Fast-forward to the quorum-signed view when far behind (default true). */
  fastForward?: boolean
  /** As an indexer, append an ack when confirmation has stalled (default true; src/confirmation-nudge.ts). Off only to show the stall in tests. */
  confirmNudge?: boolean
  /** As an indexer, ack soon after an update leaves entries unconfirmed, not only on Autobase's timer (default true; src/prompt-ack.ts). */
  promptAck?: boolean
  /** Append a `tick` when this member's clock can witness an open proposal's window (default true; SPEC.md §11). */
  witness?: boolean
  /** Fulfil holds toward this member whose preimage was sealed to it (default true; SPEC.md §12, src/federation-agent.ts). */
  claim?: boolean
}

/** Everything `Ledger.create` needs beyond LedgerOptions. */
export interface CreateOptions extends Omit<LedgerOptions, 'key' | 'encryptionKey'> {
  /** Ledger name, e.g. "CoTech Exchange". */
  name: string
  /** Unit code, e.g. "CTC". */
  unitCode: string
  /** Decimal places of the unit (default 2). */
  decimals?: number
  /** Default credit limit for members, in minor units (default 0). */
  creditLimit?: bigint
  /** Default highest balance, in minor units, or null for none. */
  maxBalance?: bigint | null
  /** The creator's member name. */
  memberName: string
  /**
   * Who decides admits, limits, suspensions, roles, indexers and the policy (protocol/SPEC.md §10):
   * 'steward' (default, as in 0.1: no charter), 'members' (the members' default policy), or a policy.
   */
  decisions?: 'steward' | 'members' | Policy
  /** With `decisions: 'members'`: every window, in ms (default 72 h). */
  windowMs?: number
}

/** A decision made at a log position, as the `decision` event gives it. */
export interface DecisionEvent extends Decision {
  /** Log position of the entry at which it was made. */
  index: number
}

/** Ledger-wide status for `tally status` and monitoring. */
export interface LedgerStatus {
  key: Hex
  discoveryKey: Hex
  writerKey: Hex
  account: Hex
  writable: boolean
  indexer: boolean
  name: string | null
  unitCode: string | null
  decimals: number | null
  members: number
  /** Writer cores the ledger bound to members (read from the view: the same on every node). */
  writers: number
  entries: number
  rejected: number
  stateHash: Hex | null
  confirmedEntries: number
  confirmedStateHash: Hex | null
  viewLength: number
  signedLength: number
  /** The indexers, with whether this node reaches each now (src/indexers.ts). */
  indexers: IndexerStatus[]
  /** How many indexers confirm (more than half), and how many are reachable from here now. */
  quorum: number
  reachableIndexers: number
}

/** The entries `Ledger.create` writes: the genesis and, unless the steward decides, the charter right after it (nobody else can write before it). */
export function genesisEntries(opts: CreateOptions, writer: Uint8Array): EntryDraft[] {
  const genesis: EntryDraft = {
    type: 'genesis',
    name: opts.name,
    unitCode: opts.unitCode,
    decimals: opts.decimals ?? 2,
    defaultCreditLimit: opts.creditLimit ?? 0n,
    defaultMaxBalance: opts.maxBalance ?? null,
    creatorName: opts.memberName,
    writer
  }
  const decisions = opts.decisions ?? 'steward'
  if (decisions === 'steward') return [genesis]
  return [genesis, { type: 'charter', policy: decisions === 'members' ? membersPolicy({ windowMs: opts.windowMs }) : decisions }]
}
