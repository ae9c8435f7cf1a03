/** What every bench phase gets: the resolved parameters, the testnet and a way to start nodes. */
import type { BootstrapNode } from '../src/index.js'
import { BenchNode } from './node-handle.js'

export type PhaseName = 'ingest' | 'convergence' | 'catchup' | 'audit' | 'network' | 'recovery'
export const PHASES: readonly PhaseName[] = ['ingest', 'convergence', 'catchup', 'audit', 'network', 'recovery']

/** Every knob of a bench run, resolved from the CLI flags or the caller's options. */
export interface BenchParams {
  quick: boolean
  runs: number
  seed: number
  phases: PhaseName[]
  /** Members of the ingest and catch-up ledgers (the convergence ledger has one per peer). */
  members: number
  ackIntervalMs: number
  batchMax: number
  /** Every member's credit limit, minor units; the workload keeps each payer within it. */
  creditLimit: bigint
  ingest: { entries: number; serialEntries: number; concurrency: number; saturatedConcurrency: number }
  /** Convergence: `entries` in all, split evenly among the peers, so load is the same at every N. */
  convergence: { peers: number[]; entries: number; concurrency: number; timeoutMs: number }
  catchup: { sizes: number[]; buildBatch: number; timeoutMs: number }
  /**
   * Network: `nodes` processes (one member each) with `indexers` indexers, each pair of counts a
   * run; `payments` at `rate` per second from rotating payers, then a burst of one per node.
   */
  network: {
    nodes: number[]
    indexers: number[]
    payments: number
    rate: number
    ackIntervalMs: number
    /** Connections each node waits for before the admissions (a full mesh unless capped). */
    meshPeers: number
    /** Idle window for the idle CPU figure, ms. */
    idleMs: number
    /** Hyperswarm maxPeers of each node (null: Hyperswarm's default, 64). */
    maxPeers: number | null
    /** Admit every member in one go instead of one after another. */
    admitTogether: boolean
    /** Indexers ack soon after an update (the Ledger's default, src/prompt-ack.ts); false: Autobase's timer alone. */
    promptAck: boolean
  }
  /** Recovery: 5 nodes, 3 indexers; `payments` per node per stage; a stage not confirmed within `timeoutMs` counts as stalled. */
  recovery: { payments: number; timeoutMs: number }
}

export interface Context {
  params: BenchParams
  bootstrap: BootstrapNode[]
  log(line: string): void
  /** Starts a node process; the harness kills any still running when the bench ends. */
  spawn(label: string, swarm?: { maxPeers?: number }): BenchNode
}

/** Closes nodes whatever happens, so a failed run leaves no process behind. */
export async function withNodes<T>(nodes: BenchNode[], fn: () => Promise<T>): Promise<T> {
  try {
    return await fn()
  } finally {
    await Promise.all(nodes.map((n) => n.close()))
  }
}

export const MB = 1024 * 1024
