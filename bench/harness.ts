/**
 * The bench harness: runs the loopback testnet, the phases (each starting its own node
 * processes) and writes the report. `runBench` is what `npm run bench` and the smoke test call.
 */
import { execFileSync } from 'child_process'
import fs from 'fs'
import os from 'os'
import path from 'path'
import createTestnet from 'hyperdht/testnet.js'
import { benchSvg } from './charts.js'
import { PHASES, type BenchParams, type Context, type PhaseName } from './context.js'
import { BenchNode } from './node-handle.js'
import { measureCatchUp } from './phases/catchup.js'
import { EXTRA_INDEXERS, measureConvergence } from './phases/convergence.js'
import { measureIngest } from './phases/ingest.js'
import { measureNetwork } from './phases/network.js'
import { measureRecovery } from './phases/recovery.js'
import { profileArgs, readProfiles } from './profile.js'
import { judgeTargets, markdown, memoryByRole, toJson, updateReadme, type BenchReport, type MachineInfo } from './report.js'
import { round } from './stats.js'

const TESTNET_NODES = 3

/** Options of a bench run; anything left out takes the full (or --quick) default. */
export interface BenchOptions {
  quick?: boolean
  runs?: number
  seed?: number
  only?: PhaseName[]
  /** Directory for <date>.json and <date>.svg; null writes nothing. */
  out?: string | null
  /** README whose results section is replaced; null leaves it alone. */
  readme?: string | null
  /** Directory for per-node CPU profiles; their breakdown goes into the report. */
  profile?: string | null
  verbose?: boolean
  /** Extra node flags for every node process, e.g. ['--max-old-space-size=128']. */
  nodeFlags?: string[]
  log?: (line: string) => void
  members?: number
  ackIntervalMs?: number
  ingestEntries?: number
  serialEntries?: number
  ingestConcurrency?: number
  peers?: number[]
  /** Entries all convergence peers write together (split evenly). */
  convergenceEntries?: number
  catchupSizes?: number[]
  /** Network phase: node counts, indexer counts, steady payments and their rate per second. */
  networkNodes?: number[]
  networkIndexers?: number[]
  networkPayments?: number
  networkRate?: number
  networkIdleMs?: number
  networkAckIntervalMs?: number
  networkMaxPeers?: number | null
  networkAdmitTogether?: boolean
  /** False: the network phase's nodes ack on Autobase's timer alone (`--no-prompt-ack`). */
  networkPromptAck?: boolean
}

export interface BenchResult {
  report: BenchReport
  /** Files written, if any. */
  files: string[]
}

/** Resolves the options into every parameter of the run. */
export function resolveParams(o: BenchOptions): BenchParams {
  const quick = !!o.quick
  const only = o.only && o.only.length ? o.only : [...PHASES]
  for (const p of only) if (!PHASES.includes(p)) throw new RangeError(`unknown phase ${JSON.stringify(p)}; phases: ${PHASES.join(', ')}`)
  return {
    quick,
    runs: o.runs ?? (quick ? 1 : 3),
    seed: o.seed ?? 1,
    phases: PHASES.filter((p) => only.includes(p)),
    members: o.members ?? 8,
    ackIntervalMs: o.ackIntervalMs ?? 100,
    batchMax: 256,
    // 10,000,000.00 units: far more than any bench payer spends, so limits never bind.
    creditLimit: 1_000_000_000n,
    ingest: {
      entries: o.ingestEntries ?? (quick ? 2000 : 5000),
      serialEntries: o.serialEntries ?? (quick ? 150 : 300),
      concurrency: o.ingestConcurrency ?? 256,
      // Group commit needs writes waiting while an append is on disk; 256 leave the CPU idle then.
      saturatedConcurrency: 1024
    },
    convergence: {
      peers: o.peers ?? [2, 3, 4, 8],
      // 6,000 = the target's 3 peers x 2,000 transfers.
      entries: o.convergenceEntries ?? (quick ? 600 : 6000),
      concurrency: 256,
      timeoutMs: 300_000
    },
    catchup: { sizes: o.catchupSizes ?? (quick ? [2000, 10_000] : [10_000, 100_000]), buildBatch: 256, timeoutMs: 900_000 },
    network: {
      nodes: o.networkNodes ?? (quick ? [8] : [8, 16, 32]),
      indexers: o.networkIndexers ?? [3, 5],
      // A few payments a second across the network, for 15 s (10 s with --quick).
      payments: o.networkPayments ?? (quick ? 30 : 45),
      rate: o.networkRate ?? 3,
      // Autobase's ack interval as a co-op would run it (Ledger's default), not the bench's 100 ms.
      ackIntervalMs: o.networkAckIntervalMs ?? 1000,
      // A full mesh without a cap; with one, whom a node ends up connected to is up to Hyperswarm.
      meshPeers: o.networkMaxPeers ? 2 : Infinity,
      idleMs: o.networkIdleMs ?? (quick ? 5000 : 10_000),
      maxPeers: o.networkMaxPeers ?? null,
      admitTogether: o.networkAdmitTogether ?? false,
      promptAck: o.networkPromptAck ?? true
    },
    // Uses the network phase's ack interval (the Ledger's default, 1 s).
    recovery: { payments: quick ? 10 : 20, timeoutMs: 180_000 }
  }
}

/** Runs the bench; writes the JSON, SVG and README section when asked. */
export async function runBench(opts: BenchOptions = {}): Promise<BenchResult> {
  const params = resolveParams(opts)
  const log = opts.log ?? ((line: string) => console.log(line))
  const startedAt = new Date()
  const loadAtStart = os.loadavg()[0]
  const testnet = await createTestnet(TESTNET_NODES)
  const spawned: BenchNode[] = []
  if (opts.profile) fs.mkdirSync(opts.profile, { recursive: true })
  const ctx: Context = {
    params,
    bootstrap: testnet.bootstrap,
    log,
    spawn(label, swarm) {
      const node = new BenchNode({ label, bootstrap: testnet.bootstrap, swarm, verbose: opts.verbose, execArgv: [...(opts.nodeFlags ?? []), ...(opts.profile ? profileArgs(opts.profile, label) : [])] })
      spawned.push(node)
      return node
    }
  }
  const has = (p: PhaseName) => params.phases.includes(p)
  let report: BenchReport
  try {
    const ingest = has('ingest') ? await measureIngest(ctx) : null
    const convergence = has('convergence') ? await measureConvergence(ctx) : null
    const source = has('catchup') || has('audit') ? await measureCatchUp(ctx, { catchup: has('catchup'), audit: has('audit') }) : null
    const catchup = has('catchup') && source ? source.catchup : null
    const audit = source?.audit ?? null
    const network = has('network') ? await measureNetwork(ctx) : null
    const recovery = has('recovery') ? await measureRecovery(ctx) : null
    const partial = { ingest, convergence, catchup, network, quick: params.quick }
    report = {
      schema: 'tally-bench/1',
      date: localDate(startedAt),
      startedAt: startedAt.toISOString(),
      durationS: round((Date.now() - startedAt.getTime()) / 1000),
      quick: params.quick,
      machine: machineInfo(loadAtStart),
      config: {
        runs: params.runs,
        seed: params.seed,
        members: params.members,
        ackIntervalMs: params.ackIntervalMs,
        batchMax: params.batchMax,
        creditLimit: params.creditLimit.toString(),
        indexers: `the creator plus the next ${EXTRA_INDEXERS} peers (quorum = floor(indexers/2)+1); the catch-up source is the only indexer of its ledger`,
        ingest: params.ingest,
        convergence: { peers: params.convergence.peers, entries: params.convergence.entries, concurrency: params.convergence.concurrency },
        catchup: { sizes: params.catchup.sizes, buildBatch: params.catchup.buildBatch },
        network: { ...params.network, meshPeers: Number.isFinite(params.network.meshPeers) ? params.network.meshPeers : null },
        recovery: params.recovery,
        phases: params.phases,
        nodeFlags: opts.nodeFlags ?? []
      },
      ingest,
      convergence,
      catchup,
      audit,
      network,
      recovery,
      memory: memoryByRole(partial),
      targets: judgeTargets(partial),
      converged: (convergence ?? []).every((c) => c.converged),
      profile: opts.profile ? readProfiles(opts.profile, spawned.map((n) => n.label)) : null,
      notes: [...notes(params, audit, catchup, convergence), ...networkNotes(network)]
    }
  } finally {
    // Phases close their nodes; this only ends any that a failure left running.
    for (const node of spawned) node.kill()
    await testnet.destroy()
  }
  return { report, files: writeResults(report, opts) }
}

function writeResults(report: BenchReport, opts: BenchOptions): string[] {
  const files: string[] = []
  let svgName: string | null = null
  if (opts.out) {
    fs.mkdirSync(opts.out, { recursive: true })
    const name = report.date + (report.quick ? '-quick' : '')
    const json = path.join(opts.out, name + '.json')
    fs.writeFileSync(json, toJson(report))
    svgName = name + '.svg'
    fs.writeFileSync(path.join(opts.out, svgName), benchSvg(report))
    files.push(json, path.join(opts.out, svgName))
  }
  if (opts.readme) {
    updateReadme(opts.readme, markdown(report, svgName))
    files.push(opts.readme)
  }
  return files
}

function notes(params: BenchParams, audit: BenchReport['audit'], catchup: BenchReport['catchup'], convergence: BenchReport['convergence']): string[] {
  const out: string[] = []
  const skipped = PHASES.filter((p) => !params.phases.includes(p))
  if (skipped.length) out.push(`phases not run (--only): ${skipped.join(', ')}.`)
  if (audit && !audit.available) out.push(`audit figure missing: ${audit.reason}.`)
  for (const c of convergence ?? []) if (c.stalledRuns) out.push(`with ${c.peers} peers, quorum confirmation stalled in ${c.stalledRuns} of ${c.equal.runs.length} runs (the peers agreed, but their signed length stopped short; see stalls in the JSON).`)
  for (const c of catchup ?? []) if (!c.fastForwarded) out.push(`at ${c.entries} entries a joining peer did not fast-forward in every run; its "fast-forward" time is a replay.`)
  return out
}

function networkNotes(network: BenchReport['network']): string[] {
  const out: string[] = []
  for (const n of network ?? []) {
    for (const [what, l] of [['steady', n.steady], ['burst', n.burst]] as const) {
      if (l.notApplied || l.notConfirmed) out.push(`network, ${n.nodes} nodes, ${n.indexers} indexers, ${what}: ${l.notApplied} of ${l.payments} payments not applied and ${l.notConfirmed} not confirmed on every node in time (a write that timed out on its own node counts as not applied).`)
    }
    if (n.load.start > 4) out.push(`network, ${n.nodes} nodes: load average ${n.load.start}-${n.load.end} on ${os.cpus().length} cores during the run; its figures include waiting for the CPU.`)
  }
  return out
}

/** YYYY-MM-DD in local time: the results file name. */
function localDate(d: Date): string {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`
}

function machineInfo(loadAtStart: number): MachineInfo {
  let commit: string | null
  try {
    commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: path.dirname(new URL(import.meta.url).pathname), stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim()
  } catch {
    commit = null
  }
  const cpus = os.cpus()
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    memoryMB: Math.round(os.totalmem() / 1024 / 1024),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    commit,
    loadAverage: { start: round(loadAtStart), end: round(os.loadavg()[0]) }
  }
}
