/**
 * Convergence: N peers (one member each) write concurrently over Hyperswarm on the loopback
 * testnet; the time from the last append anywhere until every peer has the same state hash,
 * and until every peer has it quorum-confirmed. Fresh processes and stores for every run.
 */
import os from 'os'
import { MB, withNodes, type Context } from '../context.js'
import type { NodeState, Opened, Snapshot, WorkloadResult } from '../messages.js'
import type { BenchNode } from '../node-handle.js'
import { agreed, convergence, settled } from '../state-log.js'
import { summarize, type Summary } from '../stats.js'
import { deriveSeed, memberNames } from '../workload.js'

/** Indexers: the creator plus up to this many others, so quorum confirmation needs acks from other nodes. */
export const EXTRA_INDEXERS = 2
const SETUP_TIMEOUT_MS = 60_000
/** Once the peers agree, how long confirmation may take before the run counts as stalled. */
const CONFIRM_TIMEOUT_MS = 60_000

export interface ConvergenceFigures {
  peers: number
  indexers: number
  entriesPerPeer: number
  /** Entries in the ledger at the end, genesis and admits included. */
  totalEntries: number
  /** Last append until every peer has the same state hash, ms. */
  equal: Summary
  /** Last append until every peer has it quorum-confirmed, ms: over the runs that confirmed. */
  confirmed: Summary | null
  /** Runs whose agreed state was still not confirmed everywhere CONFIRM_TIMEOUT_MS after agreement. */
  stalledRuns: number
  /** What the peers' signed lengths were in each stalled run. */
  stalls: string[]
  /** Entries per second all peers appended together while writing. */
  writeRate: Summary
  maxRss: Summary
  /** View blocks written per block of the final view, mean over peers: 1 = nothing re-applied. */
  reapplyFactor: Summary
  /**
   * CPU time all peers together used from the last append until they agreed, s: the work left
   * after the writes (applies, re-applies, replication), which the wall-clock figure shares with
   * whatever else runs on the machine.
   */
  cpuAfterLastAppend: Summary
  /** CPU time per peer per entry from the first write until agreement, ms, mean over peers. */
  cpuPerEntry: Summary
  /** Every run ended with equal state hashes, equal balances summing to zero, all confirmed. */
  converged: boolean
}

export async function measureConvergence(ctx: Context): Promise<ConvergenceFigures[]> {
  const out: ConvergenceFigures[] = []
  for (const n of ctx.params.convergence.peers) {
    const runs: RunResult[] = []
    for (let run = 0; run < ctx.params.runs; run++) {
      const r = await convergenceRun(ctx, n, run)
      ctx.log(`convergence ${n} peers run ${run + 1}: equal after ${r.equalMs.toFixed(0)} ms, ${r.confirmedMs === null ? `NOT confirmed (${r.stall})` : `confirmed after ${r.confirmedMs.toFixed(0)} ms`} (${r.totalEntries} entries, writes ${r.writeRate.toFixed(0)}/s, view blocks written ${r.reapplyFactor.toFixed(2)}x, cpu after last append ${r.cpuAfterLastAppend.toFixed(1)} s, ${r.cpuPerEntry.toFixed(2)} ms/entry/peer, load ${os.loadavg()[0].toFixed(1)})`)
      runs.push(r)
    }
    const confirmedRuns = runs.flatMap((r) => (r.confirmedMs === null ? [] : [r.confirmedMs]))
    out.push({
      peers: n,
      indexers: indexerCount(n),
      entriesPerPeer: perPeer(ctx, n),
      totalEntries: runs[0].totalEntries,
      equal: summarize(runs.map((r) => r.equalMs), 'ms'),
      confirmed: confirmedRuns.length ? summarize(confirmedRuns, 'ms') : null,
      stalledRuns: runs.filter((r) => r.confirmedMs === null).length,
      stalls: runs.flatMap((r) => (r.stall ? [r.stall] : [])),
      writeRate: summarize(runs.map((r) => r.writeRate), 'entries/s'),
      maxRss: summarize(runs.map((r) => r.maxRss), 'MB'),
      reapplyFactor: summarize(runs.map((r) => r.reapplyFactor), 'x'),
      cpuAfterLastAppend: summarize(runs.map((r) => r.cpuAfterLastAppend), 's'),
      cpuPerEntry: summarize(runs.map((r) => r.cpuPerEntry), 'ms'),
      converged: runs.every((r) => r.converged)
    })
  }
  return out
}

function perPeer(ctx: Context, peers: number): number {
  return Math.ceil(ctx.params.convergence.entries / peers)
}

export function indexerCount(peers: number): number {
  return Math.min(peers, 1 + EXTRA_INDEXERS)
}

interface RunResult {
  equalMs: number
  /** Null when confirmation stalled. */
  confirmedMs: number | null
  stall: string | null
  totalEntries: number
  writeRate: number
  reapplyFactor: number
  cpuAfterLastAppend: number
  cpuPerEntry: number
  maxRss: number
  converged: boolean
}

async function convergenceRun(ctx: Context, n: number, run: number): Promise<RunResult> {
  const p = ctx.params
  const names = memberNames(n)
  const nodes = names.map((_, i) => ctx.spawn(`conv-${n}/run-${run}/peer-${i}`))
  let result: Omit<RunResult, 'maxRss'> | null = null
  await withNodes(nodes, async () => {
    const setupEntries = await setUp(ctx, nodes, names)
    const states: NodeState[][] = nodes.map(() => [])
    nodes.forEach((node, i) => node.onState((s) => states[i].push(s)))
    await Promise.all(nodes.map((node) => node.call('watch', { on: true })))

    const writes: WorkloadResult[] = await Promise.all(
      nodes.map((node, i) =>
        node.call('workload', {
          plan: { seed: deriveSeed(p.seed, 'convergence', n, run), self: names[i], members: names, count: perPeer(ctx, n), budget: p.creditLimit },
          concurrency: p.convergence.concurrency
        })
      )
    )
    const failed = writes.find((w) => w.failed > 0)
    if (failed) throw new Error(`convergence: ${failed.failed} writes failed: ${failed.firstError}`)
    const late = writes.reduce((sum, w) => sum + w.late, 0)
    if (late) ctx.log(`convergence ${n} peers run ${run + 1}: ${late} writes were appended but not applied on their own node within the Ledger's wait (a starved machine); they count, and the peers must agree on them`)
    const expected = setupEntries + writes.reduce((sum, w) => sum + w.appended, 0)
    const lastAppend = Math.max(...writes.map((w) => w.lastAppendAt))
    const firstStart = Math.min(...writes.map((w) => w.startedAt))

    // Peers that never agree have diverged: that fails the bench. Agreement that is never
    // confirmed is a stall: measured, reported, and the bench goes on.
    if (!(await waitFor(() => agreed(states, expected), p.convergence.timeoutMs))) {
      throw new Error(`convergence: peers did not agree on ${expected} entries within ${p.convergence.timeoutMs} ms (${describe(nodes, states)})`)
    }
    const confirmed = await waitFor(() => settled(states, expected), CONFIRM_TIMEOUT_MS)
    await Promise.all(nodes.map((node) => node.call('watch', { on: false })))
    const c = convergence(states, expected)
    if (c.equalAt === null || (confirmed && c.confirmedAt === null)) throw new Error('convergence: the state log disagrees with the latest states (a bench bug)')
    const stall = confirmed ? null : `still unconfirmed ${CONFIRM_TIMEOUT_MS / 1000} s after agreeing: ${describe(nodes, states)}`
    const snaps = await Promise.all(nodes.map((node) => node.call('snapshot', {})))
    result = {
      equalMs: c.equalAt - lastAppend,
      confirmedMs: confirmed && c.confirmedAt !== null ? c.confirmedAt - lastAppend : null,
      stall,
      totalEntries: expected,
      writeRate: (expected - setupEntries) / ((lastAppend - firstStart) / 1000),
      reapplyFactor: snaps.reduce((sum, s) => sum + s.viewBlocksWritten / Math.max(1, s.viewGrowth), 0) / snaps.length,
      cpuAfterLastAppend: states.reduce((sum, s) => sum + cpuBetween(s, lastAppend, c.equalAt!), 0) / 1000,
      cpuPerEntry: states.reduce((sum, s) => sum + cpuBetween(s, firstStart, c.equalAt!), 0) / states.length / (expected - setupEntries),
      converged: agree(snaps, c.stateHash)
    }
  })
  return { ...result!, maxRss: Math.max(...nodes.map((node) => node.maxRssBytes)) / MB }
}

/**
 * Creates the ledger on peer 0, opens it on the others, joins the swarm one peer at a time,
 * admits every other peer (the first EXTRA_INDEXERS as indexers) and waits until the setup is
 * confirmed everywhere. Returns the entries the ledger then holds.
 */
async function setUp(ctx: Context, nodes: BenchNode[], names: string[]): Promise<number> {
  const p = ctx.params
  const created = await nodes[0].call('create', {
    ledgerName: 'Bench Exchange',
    unitCode: 'BEN',
    memberName: names[0],
    creditLimit: p.creditLimit,
    ackIntervalMs: p.ackIntervalMs,
    batchMax: p.batchMax
  })
  const others: Opened[] = await Promise.all(
    nodes.slice(1).map((node) => node.call('open', { key: created.key, encryptionKey: created.encryptionKey, ackIntervalMs: p.ackIntervalMs, fastForward: true }))
  )
  for (const node of nodes) await node.call('join', {})
  // A full mesh, so every run has the same topology.
  await Promise.all(nodes.map((node) => node.call('waitPeers', { n: nodes.length - 1, timeoutMs: SETUP_TIMEOUT_MS })))
  await nodes[0].call('admit', {
    members: others.map((o, i) => ({ name: names[i + 1], account: o.account, writer: o.writerKey, indexer: i < EXTRA_INDEXERS }))
  })
  await Promise.all(nodes.slice(1).map((node) => node.call('waitMember', { timeoutMs: SETUP_TIMEOUT_MS })))
  const setupEntries = nodes.length
  await Promise.all(nodes.map((node) => node.call('waitEntries', { entries: setupEntries, confirmed: true, timeoutMs: SETUP_TIMEOUT_MS })))
  return setupEntries
}

/**
 * CPU ms a peer used between two moments, from its state events (each carries the process's CPU
 * time so far): the latest event at or before each moment. A watched node pushes one on every
 * change of state and at least every 250 ms.
 */
function cpuBetween(states: NodeState[], from: number, to: number): number {
  const at = (t: number) => states.reduce((cpu, s) => (s.at <= t ? s.cpuMs : cpu), states[0]?.cpuMs ?? 0)
  return Math.max(0, at(to) - at(from))
}

/** Polls `cond` every 50 ms; false if it did not hold within `timeoutMs`. */
async function waitFor(cond: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  while (!cond()) {
    if (Date.now() > deadline) return false
    await new Promise((r) => setTimeout(r, 50))
  }
  return true
}

/** Each peer's latest entries, confirmed entries and signed view length. */
function describe(nodes: BenchNode[], states: NodeState[][]): string {
  return states
    .map((s, i) => {
      const last = s[s.length - 1]
      const peer = nodes[i].label.split('/').pop()
      return last ? `${peer} ${last.entries} entries, ${last.confirmedEntries} confirmed, view ${last.viewLength} signed ${last.signedLength}` : `${peer} no state`
    })
    .join('; ')
}

/** Same state hash, same balances, balances summing to zero (confirmation is judged apart). */
function agree(snaps: Snapshot[], stateHash: string | null): boolean {
  const first = snaps[0]
  const sum = Object.values(first.balances).reduce((a, b) => a + b, 0n)
  return (
    stateHash !== null &&
    sum === 0n &&
    snaps.every(
      (s) =>
        s.stateHash === stateHash &&
        Object.keys(first.balances).length === Object.keys(s.balances).length &&
        Object.entries(first.balances).every(([name, bal]) => s.balances[name] === bal)
    )
  )
}
