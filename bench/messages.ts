/**
 * What the orchestrator and a bench node process say to each other over the fork IPC channel
 * (advanced serialization, so bigints and byte arrays cross as they are). Keys travel as hex.
 */
import type { BootstrapNode } from '../src/index.js'
import type { PlanOptions } from './workload.js'

/** Passed to a node process as its one argument (JSON). */
export interface NodeInit {
  /** A temp dir of its own; the node keeps its store inside and removes it on close. */
  dir: string
  /** The loopback testnet's bootstrap nodes. */
  bootstrap: BootstrapNode[]
  /** For log lines: "conv-3/peer-1". */
  label: string
  /** Hyperswarm options of the node's replicator (network phase: fewer connections). */
  swarm?: { maxPeers?: number }
}

/** The keys a node reports once it has a ledger open. */
export interface Opened {
  key: string
  encryptionKey: string | null
  writerKey: string
  account: string
}

/** A node's view of the ledger at `at` (ms since the epoch). */
export interface NodeState {
  at: number
  /** Entries decided (applied + rejected), pending included. */
  entries: number
  stateHash: string | null
  /** Entries and state hash below the quorum-signed length. */
  confirmedEntries: number
  confirmedStateHash: string | null
  viewLength: number
  signedLength: number
  /** CPU time this node process has used so far (user + system), ms: process.cpuUsage(). */
  cpuMs: number
}

/** NodeState plus every member's balance (pending included), by name, in minor units. */
export interface Snapshot extends NodeState {
  balances: Record<string, bigint>
  /** View blocks this node wrote (re-applied ones included) and the times its view was truncated. */
  viewBlocksWritten: number
  /** How much the view grew while this node watched it (since it opened the ledger). */
  viewGrowth: number
  truncations: number
}

/** A member to admit. Without keys it is a passive member: random keys, no node behind it. */
export interface AdmitSpec {
  name: string
  account?: string
  writer?: string
  indexer?: boolean
}

export interface WorkloadResult {
  /** Blocks this node appended (group commit counter): what the others must receive. */
  appended: number
  /** Writes that failed before appending (should be 0: the plan is payer-safe). */
  failed: number
  firstError: string | null
  /**
   * Writes appended but not applied here within the Ledger's wait (TIMEOUT): on a starved
   * machine the local apply can lag that far. They apply later; the phases wait for every entry.
   */
  late: number
  startedAt: number
  /** When the block holding the last entry landed in this node's writer core (with late writes: the last append to it). */
  lastAppendAt: number
  /** When the last write had been applied to the local view. */
  doneAt: number
  /** Appends group commit made (1 per entry without it). */
  batches: number
  /** CPU time (user + system, process.cpuUsage) of this node process from the first call to the last write applied, in µs. */
  cpuUs: number
}

export interface BuildResult {
  entries: number
  ms: number
  stateHash: string
  /** CPU time of the source's process over the build (all threads), µs: compares builds on a loaded machine. */
  cpuUs: number
}

export interface CatchUpResult {
  /** From opening the ledger until the first swarm connection. */
  connectedMs: number
  /** Until balances equal the source's (fast-forward) or the state hash does (replay). */
  readyMs: number
  entries: number
  /** Whether fast-forward happened (view length jumped without applying every entry). */
  fastForwarded: boolean
  /** Until the source's state hash is quorum-confirmed here as well. */
  confirmedMs: number
  /** Peak RSS at readyMs, and at confirmedMs. */
  readyRssBytes: number
  maxRssBytes: number
}

export interface AuditResult {
  available: boolean
  /** Why not, when unavailable. */
  reason: string | null
  entries: number
  ms: number
  entriesPerSec: number
}

/** A single payment's times, stamped by the paying node. */
export interface PayResult {
  /** The paying member's account (hex) and the entry's seq: other nodes report per-author seqs. */
  account: string
  /** -1 when the write timed out before it applied on the paying node (then `appliedAt` is null). */
  seq: number
  /** Just before `Ledger.transfer` was called. */
  calledAt: number
  /** When the write resolved: applied to the paying node's own view. */
  appliedAt: number | null
}

/** A node's CPU time and memory now (process.cpuUsage, process.memoryUsage, resourceUsage). */
export interface Usage {
  at: number
  /** User + system CPU time since the process started, ms. */
  cpuMs: number
  rssBytes: number
  maxRssBytes: number
  heapUsedBytes: number
  /** Swarm connections now (0 before join). */
  peers: number
  /** RocksDB's counters since the store opened (read and write batches, keys), when reachable. */
  storage: { readBatches: number; gets: number; writeBatches: number; puts: number } | null
}

/**
 * Per-author seqs a tracked node has seen, stamped when it saw them: `applied` in its view
 * (pending included), `confirmed` below the quorum-signed length. Only authors whose seq moved.
 */
export interface SeqsSeen {
  at: number
  applied: Record<string, number>
  confirmed: Record<string, number>
}

/** Each command's arguments and result. */
export interface Commands {
  create: {
    args: { ledgerName: string; unitCode: string; memberName: string; creditLimit: bigint; ackIntervalMs: number; batchMax?: number; promptAck?: boolean }
    result: Opened
  }
  open: { args: { key: string; encryptionKey: string | null; ackIntervalMs: number; fastForward: boolean; promptAck?: boolean }; result: Opened }
  join: { args: Record<string, never>; result: { peers: number } }
  /** partialOk: after timeoutMs, return the connections there are (at least one) instead of failing. */
  waitPeers: { args: { n: number; timeoutMs: number; partialOk?: boolean }; result: { peers: number } }
  /** Leaves the swarm and, with `bootstrap`, joins the ledger's topic on that DHT instead (a partition, or its heal). */
  move: { args: { bootstrap: BootstrapNode[] | null }; result: { peers: number } }
  admit: { args: { members: AdmitSpec[] }; result: { entries: number } }
  waitMember: { args: { timeoutMs: number }; result: NodeState }
  waitEntries: { args: { entries: number; confirmed: boolean; timeoutMs: number }; result: NodeState }
  /** Starts or stops pushing a 'state' event on every change. */
  watch: { args: { on: boolean }; result: NodeState }
  /** Runs planned writes through Ledger.transfer/invoice; concurrency 1 = one append per entry. */
  workload: { args: { plan: PlanOptions; concurrency: number }; result: WorkloadResult }
  /** Appends planned entries of this member as raw signed blocks in batches, waits until applied and signed. */
  build: { args: { plan: PlanOptions; batchSize: number; timeoutMs: number }; result: BuildResult }
  snapshot: { args: Record<string, never>; result: Snapshot }
  /** Opens the ledger as a new read-only peer, joins the swarm and times catching up with `target`. */
  catchUp: {
    args: { key: string; encryptionKey: string | null; fastForward: boolean; ackIntervalMs: number; target: Snapshot; timeoutMs: number }
    result: CatchUpResult
  }
  audit: { args: Record<string, never>; result: AuditResult }
  /** One transfer through `Ledger.transfer`, resolved once applied locally. */
  pay: { args: { payee: string; amount: bigint }; result: PayResult }
  /** Starts or stops pushing 'seqs' events (per-author seqs applied and confirmed). */
  track: { args: { on: boolean }; result: SeqsSeen }
  /** CPU time, RSS and peers now. */
  cpu: { args: Record<string, never>; result: Usage }
  usage: { args: Record<string, never>; result: { maxRssBytes: number } }
  close: { args: Record<string, never>; result: { maxRssBytes: number } }
}

export type CommandName = keyof Commands

export interface Request<K extends CommandName = CommandName> {
  type: 'request'
  id: number
  cmd: K
  args: Commands[K]['args']
}

/** Messages a node sends: replies to requests, and state events while watched. */
export type NodeMessage =
  | { type: 'reply'; id: number; ok: true; result: unknown }
  | { type: 'reply'; id: number; ok: false; error: string }
  | { type: 'state'; state: NodeState }
  | { type: 'seqs'; seqs: SeqsSeen }
