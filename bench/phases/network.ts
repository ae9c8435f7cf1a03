/**
 * Network: a federation of N node processes (one member each, each with its own store and swarm
 * on the loopback testnet) and I indexers. The creator admits the members one after another;
 * then payments at a steady rate from rotating payers, then a burst (every node pays at once).
 * Per payment: from the call on the paying node until it is applied on every node, and until it
 * is quorum-confirmed on every node (each node reports per-author seqs, stamped by its own clock).
 * Per node: CPU time per applied entry, idle CPU, RSS.
 */
import os from 'os'
import { MB, withNodes, type Context } from '../context.js'
import type { Opened, PayResult, SeqsSeen, Usage } from '../messages.js'
import type { BenchNode } from '../node-handle.js'
import { percentile, round, summarize, type Summary } from '../stats.js'
import { createRng, deriveSeed, memberNames } from '../workload.js'

const SETUP_TIMEOUT_MS = 120_000
/** Once the last payment is called, how long it may take to be confirmed everywhere. */
const CONFIRM_TIMEOUT_MS = 60_000
const POLL_MS = 100

export interface LatencyFigures {
  payments: number
  /** Call until applied on every node, ms, over the payments applied everywhere. */
  applied: Percentiles | null
  /** Call until quorum-confirmed on every node, ms, over the payments confirmed everywhere. */
  confirmed: Percentiles | null
  /** Payments not applied (not confirmed) on every node within CONFIRM_TIMEOUT_MS of the last call. */
  notApplied: number
  notConfirmed: number
}

export interface Percentiles {
  p50: number
  p95: number
  max: number
}

export interface NetworkFigures {
  nodes: number
  indexers: number
  /** 1-minute load average at the start and end of the runs: the machine is shared. */
  load: { start: number; end: number }
  /** Creator admits member k, waits until k's node is writable, then admits k+1 (or all at once, --admit-together); total, ms. */
  admitAll: Summary
  /** The slowest single admission of a run, ms. */
  admitMax: Summary
  steady: LatencyFigures
  burst: LatencyFigures
  /** CPU ms per node per entry applied, from the first payment until all were confirmed (tracking included). */
  cpuPerEntry: Summary
  /** The same less what the node spends idle over as long (the idle figure below): the cost of the entries. */
  cpuPerEntryNet: Summary
  /** CPU of a node while nothing is written (tracking off), % of one core. */
  idleCpu: Summary
  /** RSS per node at the end, and peak RSS per node over its life, MB (over every node of every run). */
  rss: Summary
  maxRss: Summary
  /** Swarm connections per node at the end. */
  connections: Summary
  /** RocksDB read batches and write batches per node per entry, over the same window as cpuPerEntry. */
  readBatchesPerEntry: Summary | null
  writeBatchesPerEntry: Summary | null
}

export async function measureNetwork(ctx: Context): Promise<NetworkFigures[]> {
  const out: NetworkFigures[] = []
  const p = ctx.params.network
  for (const n of p.nodes) {
    for (const indexers of p.indexers) {
      if (indexers > n) continue
      const loadStart = os.loadavg()[0]
      const runs: RunResult[] = []
      for (let run = 0; run < ctx.params.runs; run++) {
        const r = await networkRun(ctx, n, indexers, run)
        ctx.log(
          `network ${n} nodes, ${indexers} indexers, run ${run + 1}: ${n - 1} admits ${(r.admitMs / 1000).toFixed(1)} s; ` +
            `steady ${describe(r.steady)}; burst ${describe(r.burst)}; cpu ${median(r.cpuPerEntry).toFixed(1)} ms/entry (${median(r.cpuPerEntryNet).toFixed(1)} above idle), rocksdb ${median(r.readBatches).toFixed(0)} reads + ${median(r.writeBatches).toFixed(0)} writes/entry, idle ${median(r.idleCpu).toFixed(2)} %, rss ${median(r.rss).toFixed(0)} MB (load ${os.loadavg()[0].toFixed(1)})`
        )
        runs.push(r)
      }
      out.push({
        nodes: n,
        indexers,
        load: { start: round(loadStart), end: round(os.loadavg()[0]) },
        admitAll: summarize(runs.map((r) => r.admitMs), 'ms'),
        admitMax: summarize(runs.map((r) => r.admitMaxMs), 'ms'),
        steady: latencies(runs.map((r) => r.steady)),
        burst: latencies(runs.map((r) => r.burst)),
        cpuPerEntry: summarize(runs.flatMap((r) => r.cpuPerEntry), 'ms'),
        cpuPerEntryNet: summarize(runs.flatMap((r) => r.cpuPerEntryNet), 'ms'),
        idleCpu: summarize(runs.flatMap((r) => r.idleCpu), '%'),
        rss: summarize(runs.flatMap((r) => r.rss), 'MB'),
        maxRss: summarize(runs.flatMap((r) => r.maxRss), 'MB'),
        connections: summarize(runs.flatMap((r) => r.connections), 'peers'),
        readBatchesPerEntry: runs.every((r) => r.readBatches.length) ? summarize(runs.flatMap((r) => r.readBatches), 'batches') : null,
        writeBatchesPerEntry: runs.every((r) => r.writeBatches.length) ? summarize(runs.flatMap((r) => r.writeBatches), 'batches') : null
      })
    }
  }
  return out
}

export interface PaymentTimes {
  applied: number[]
  confirmed: number[]
  payments: number
}

interface RunResult {
  admitMs: number
  admitMaxMs: number
  steady: PaymentTimes
  burst: PaymentTimes
  cpuPerEntry: number[]
  cpuPerEntryNet: number[]
  idleCpu: number[]
  rss: number[]
  maxRss: number[]
  connections: number[]
  readBatches: number[]
  writeBatches: number[]
}

async function networkRun(ctx: Context, n: number, indexers: number, run: number): Promise<RunResult> {
  const p = ctx.params
  const names = memberNames(n)
  const swarm = p.network.maxPeers === null ? undefined : { maxPeers: p.network.maxPeers }
  const nodes = names.map((_, i) => ctx.spawn(`net-${n}x${indexers}/run-${run}/node-${i}`, swarm))
  let result: Omit<RunResult, 'maxRss'> | null = null
  await withNodes(nodes, async () => {
    const { admitMs, admitMaxMs } = await setUp(ctx, nodes, names, indexers)
    const seen = new SeqLog(nodes)
    await Promise.all(nodes.map((node) => node.call('track', { on: true })))

    const rng = createRng(deriveSeed(p.seed, 'network', n, indexers, run))
    const pick = (payer: number) => {
      const payee = (payer + 1 + Math.floor(rng() * (n - 1))) % n
      return { payee: names[payee], amount: 100n + BigInt(Math.floor(rng() * 4901)) }
    }
    const before = await Promise.all(nodes.map((node) => node.call('cpu', {})))

    // Steady: one payment every 1/rate s, payers in turn (starting at a seeded node).
    const first = Math.floor(rng() * n)
    const steadyCalls: Array<Promise<PayResult>> = []
    const gapMs = 1000 / p.network.rate
    const start = Date.now()
    for (let k = 0; k < p.network.payments; k++) {
      const wait = start + k * gapMs - Date.now()
      if (wait > 0) await sleep(wait)
      const payer = (first + k) % n
      steadyCalls.push(nodes[payer].call('pay', pick(payer)))
    }
    const steadyPaid = await Promise.all(steadyCalls)
    const steady = await seen.settle(steadyPaid)

    // Burst: every node pays at once.
    const burstPaid = await Promise.all(nodes.map((node, i) => node.call('pay', pick(i))))
    const burst = await seen.settle(burstPaid)

    const after = await Promise.all(nodes.map((node) => node.call('cpu', {})))
    const entries = steadyPaid.length + burstPaid.length
    await Promise.all(nodes.map((node) => node.call('track', { on: false })))

    // Idle: nothing written and nothing tracked; acks and swarm upkeep only.
    const idleFrom = await Promise.all(nodes.map((node) => node.call('cpu', {})))
    await sleep(p.network.idleMs)
    const idleTo = await Promise.all(nodes.map((node) => node.call('cpu', {})))
    const idleCpu = nodes.map((_, i) => cpuShare(idleFrom[i], idleTo[i]))
    result = {
      admitMs,
      admitMaxMs,
      steady,
      burst,
      cpuPerEntry: nodes.map((_, i) => (after[i].cpuMs - before[i].cpuMs) / entries),
      cpuPerEntryNet: nodes.map((_, i) => Math.max(0, after[i].cpuMs - before[i].cpuMs - (idleCpu[i] / 100) * (after[i].at - before[i].at)) / entries),
      idleCpu,
      rss: idleTo.map((u) => u.rssBytes / MB),
      connections: idleTo.map((u) => u.peers),
      readBatches: perEntry(before, after, entries, 'readBatches'),
      writeBatches: perEntry(before, after, entries, 'writeBatches')
    }
  })
  return { ...result!, maxRss: nodes.map((node) => node.maxRssBytes / MB) }
}

/**
 * Creates the ledger on node 0, opens it on the others, joins the swarm one node at a time, and
 * admits every other node one after another (the first indexers-1 as indexers), each admission
 * awaited until that member's node is writable. Then waits until the setup is confirmed everywhere.
 */
export async function setUp(ctx: Context, nodes: BenchNode[], names: string[], indexers: number): Promise<{ admitMs: number; admitMaxMs: number }> {
  const p = ctx.params
  const created = await nodes[0].call('create', {
    ledgerName: 'Bench Federation',
    unitCode: 'BEN',
    memberName: names[0],
    creditLimit: p.creditLimit,
    ackIntervalMs: p.network.ackIntervalMs,
    batchMax: p.batchMax,
    promptAck: p.network.promptAck
  })
  const others: Opened[] = await Promise.all(
    nodes.slice(1).map((node) => node.call('open', { key: created.key, encryptionKey: created.encryptionKey, ackIntervalMs: p.network.ackIntervalMs, fastForward: true, promptAck: p.network.promptAck }))
  )
  for (const node of nodes) await node.call('join', {})
  const want = Math.min(nodes.length - 1, p.network.meshPeers)
  const meshed: Array<{ peers: number }> = await Promise.all(nodes.map((node) => node.call('waitPeers', { n: want, timeoutMs: SETUP_TIMEOUT_MS, partialOk: true })))
  const fewest = Math.min(...meshed.map((m) => m.peers))
  if (fewest < want) ctx.log(`note: network, ${nodes.length} nodes: the mesh was not full after ${SETUP_TIMEOUT_MS / 1000} s (fewest connections on a node: ${fewest} of ${want}); the run goes on over the connections there are`)
  const start = Date.now()
  let admitMaxMs = 0
  if (p.network.admitTogether) {
    // One admit per member, all in flight at once: one group commit, one change of the writers.
    await nodes[0].call('admit', { members: others.map((o, k) => ({ name: names[k + 1], account: o.account, writer: o.writerKey, indexer: k + 1 < indexers })) })
    await Promise.all(nodes.slice(1).map((node) => node.call('waitMember', { timeoutMs: SETUP_TIMEOUT_MS })))
    admitMaxMs = Date.now() - start
  }
  for (let i = 1; i < nodes.length && !p.network.admitTogether; i++) {
    const t = Date.now()
    const o = others[i - 1]
    await nodes[0].call('admit', { members: [{ name: names[i], account: o.account, writer: o.writerKey, indexer: i < indexers }] })
    const applied = Date.now() - t
    await nodes[i].call('waitMember', { timeoutMs: SETUP_TIMEOUT_MS })
    if (process.env.TALLY_BENCH_ADMIT_LOG) ctx.log(`admit ${i}: applied on the creator ${applied} ms, member on its node ${Date.now() - t} ms`)
    admitMaxMs = Math.max(admitMaxMs, Date.now() - t)
  }
  const admitMs = Date.now() - start
  await Promise.all(nodes.map((node) => node.call('waitEntries', { entries: nodes.length, confirmed: true, timeoutMs: SETUP_TIMEOUT_MS })))
  return { admitMs, admitMaxMs }
}

/** Every node's 'seqs' events: when it first saw each author's seq applied, and confirmed. */
export class SeqLog {
  private readonly applied: Array<Map<string, Array<{ seq: number; at: number }>>>
  private readonly confirmed: Array<Map<string, Array<{ seq: number; at: number }>>>

  constructor(nodes: BenchNode[]) {
    this.applied = nodes.map(() => new Map())
    this.confirmed = nodes.map(() => new Map())
    nodes.forEach((node, i) => node.onSeqs((s) => this.add(i, s)))
  }

  private add(i: number, s: SeqsSeen): void {
    for (const [account, seq] of Object.entries(s.applied)) push(this.applied[i], account, seq, s.at)
    for (const [account, seq] of Object.entries(s.confirmed)) push(this.confirmed[i], account, seq, s.at)
  }

  /** When the last node first saw `pay` (null if some node has not). */
  private everywhere(log: Array<Map<string, Array<{ seq: number; at: number }>>>, pay: PayResult): number | null {
    let last = 0
    for (const node of log) {
      const hit = node.get(pay.account)?.find((e) => e.seq >= pay.seq)
      if (!hit) return null
      last = Math.max(last, hit.at)
    }
    return last
  }

  /** Waits until every payment is confirmed everywhere (or the timeout); latencies in ms. */
  async settle(paid: PayResult[], timeoutMs = CONFIRM_TIMEOUT_MS): Promise<PaymentTimes> {
    const deadline = Date.now() + timeoutMs
    // A write that timed out on its own node has no seq to look for: it counts as never applied.
    const known = paid.filter((pay) => pay.seq >= 0)
    while (Date.now() < deadline && known.some((pay) => this.everywhere(this.confirmed, pay) === null)) await sleep(POLL_MS)
    const applied: number[] = []
    const confirmed: number[] = []
    for (const pay of known) {
      const a = this.everywhere(this.applied, pay)
      const c = this.everywhere(this.confirmed, pay)
      if (a !== null) applied.push(Math.max(0, a - pay.calledAt))
      if (c !== null) confirmed.push(Math.max(0, c - pay.calledAt))
    }
    return { applied, confirmed, payments: paid.length }
  }
}

function push(map: Map<string, Array<{ seq: number; at: number }>>, account: string, seq: number, at: number): void {
  let list = map.get(account)
  if (!list) map.set(account, (list = []))
  list.push({ seq, at })
}

function latencies(runs: PaymentTimes[]): LatencyFigures {
  const applied = runs.flatMap((r) => r.applied)
  const confirmed = runs.flatMap((r) => r.confirmed)
  const payments = runs.reduce((s, r) => s + r.payments, 0)
  return {
    payments,
    applied: percentiles(applied),
    confirmed: percentiles(confirmed),
    notApplied: payments - applied.length,
    notConfirmed: payments - confirmed.length
  }
}

export function percentiles(values: number[]): Percentiles | null {
  if (values.length === 0) return null
  return { p50: round(percentile(values, 50)), p95: round(percentile(values, 95)), max: round(Math.max(...values)) }
}

/** A RocksDB counter's growth per entry on each node (none if the counters were not reachable). */
function perEntry(before: Usage[], after: Usage[], entries: number, key: 'readBatches' | 'writeBatches'): number[] {
  if (before.some((u) => !u.storage) || after.some((u) => !u.storage)) return []
  return before.map((u, i) => (after[i].storage![key] - u.storage![key]) / entries)
}

/** CPU time between two readings as a share of one core, %. */
function cpuShare(from: Usage, to: Usage): number {
  return ((to.cpuMs - from.cpuMs) / (to.at - from.at)) * 100
}

function median(values: number[]): number {
  return values.length ? percentile(values, 50) : NaN
}

function describe(t: PaymentTimes): string {
  const a = percentiles(t.applied)
  const c = percentiles(t.confirmed)
  const s = (x: Percentiles | null) => (x ? `p50 ${(x.p50 / 1000).toFixed(2)} s, p95 ${(x.p95 / 1000).toFixed(2)} s` : 'none')
  return `applied ${s(a)}; confirmed ${s(c)}${t.confirmed.length < t.payments ? ` (${t.payments - t.confirmed.length} of ${t.payments} NOT confirmed)` : ''}`
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
