/**
 * The bench report: the JSON document, the targets judged against it, and the markdown table
 * written into bench/README.md between markers.
 */
import fs from 'fs'
import type { BenchParams } from './context.js'
import type { IngestFigures } from './phases/ingest.js'
import type { ConvergenceFigures } from './phases/convergence.js'
import type { AuditFigures, CatchUpFigures } from './phases/catchup.js'
import type { Summary } from './stats.js'
import type { ProfileSummary } from './profile.js'
import type { NetworkFigures } from './phases/network.js'
import type { RecoveryFigures } from './phases/recovery.js'
import { networkMarkdown, networkTargets } from './network-report.js'

export const README_BEGIN = '<!-- bench-results:begin -->'
export const README_END = '<!-- bench-results:end -->'

export interface MachineInfo {
  cpus: number
  cpuModel: string
  memoryMB: number
  node: string
  platform: string
  /** Git commit of the code measured, when known. */
  commit: string | null
  /** 1-minute load average when the bench started and ended: other work on the machine skews every figure. */
  loadAverage: { start: number; end: number }
}

/** One target of issue 5, judged on what this run measured. */
export interface TargetResult {
  id: string
  what: string
  target: number
  /** The median measured, or null when the figure was not measured in this run. */
  measured: number | null
  unit: string
  /** 'min': measured must be at least target; 'max': below it. */
  kind: 'min' | 'max'
  met: boolean | null
  /** e.g. "missed by 2,412 entries/s (60% short)". */
  margin: string
  /** The parameters it was measured at, e.g. "3 peers x 2,000 transfers". */
  at: string
}

export interface BenchReport {
  schema: 'tally-bench/1'
  date: string
  startedAt: string
  durationS: number
  quick: boolean
  machine: MachineInfo
  config: {
    runs: number
    seed: number
    members: number
    ackIntervalMs: number
    batchMax: number
    creditLimit: string
    indexers: string
    ingest: BenchParams['ingest']
    convergence: Omit<BenchParams['convergence'], 'timeoutMs'>
    catchup: { sizes: number[]; buildBatch: number }
    network: Omit<BenchParams['network'], 'meshPeers'> & { meshPeers: number | null }
    recovery?: BenchParams['recovery']
    phases: string[]
    /** Node flags the node processes ran with. */
    nodeFlags: string[]
  }
  ingest: IngestFigures | null
  convergence: ConvergenceFigures[] | null
  catchup: CatchUpFigures[] | null
  audit: AuditFigures | null
  network: NetworkFigures[] | null
  /** Confirmation after a heal and with the creator offline (older reports have none). */
  recovery?: RecoveryFigures | null
  /** Peak RSS per node, by role, MB. */
  memory: Array<{ role: string; peakMB: Summary }>
  targets: TargetResult[]
  /** Every convergence run ended with all peers agreeing, and every catch-up reached the source's state. */
  converged: boolean
  /** CPU profile breakdowns, when run with --profile. */
  profile: ProfileSummary[] | null
  notes: string[]
}

const fmt = (v: number, digits = 0) => v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })

/** Judges a median against a target and says by how much it is met or missed. */
/** Fraction digits a figure in `unit` is written with: seconds and ratios need them, counts and rates do not. */
function figureDigits(unit: string): number {
  return unit === 's' || unit === 'x' ? 2 : 0
}

export function judge(t: Omit<TargetResult, 'met' | 'margin'>): TargetResult {
  if (t.measured === null) return { ...t, met: null, margin: 'not measured in this run' }
  const m = t.measured
  const met = t.kind === 'min' ? m >= t.target : m < t.target
  const diff = Math.abs(m - t.target)
  const pct = t.target === 0 ? 0 : Math.round((diff / t.target) * 100)
  const digits = figureDigits(t.unit)
  const margin = met
    ? `met with ${fmt(diff, digits)} ${t.unit} to spare (${pct}%)`
    : `missed by ${fmt(diff, digits)} ${t.unit} (${pct}% ${t.kind === 'min' ? 'short' : 'over'})`
  return { ...t, met, margin }
}

/** A run whose confirmation stalled misses the target, whatever the median of the others. */
function withStalls(t: TargetResult, c: ConvergenceFigures | null): TargetResult {
  if (!c || c.stalledRuns === 0) return t
  const runs = c.equal.runs.length
  const stalled = `${c.stalledRuns} of ${runs} runs never confirmed (stalled)`
  return { ...t, met: false, margin: t.measured === null ? stalled : `${stalled}; the others: ${t.margin}` }
}

/** The issue's targets, judged on this run's medians. */
export function judgeTargets(r: Pick<BenchReport, 'ingest' | 'convergence' | 'catchup' | 'quick'> & { network?: NetworkFigures[] | null }): TargetResult[] {
  const quick = r.quick ? ' (quick run: smaller than the target size)' : ''
  const conv3 = r.convergence?.find((c) => c.peers === 3) ?? null
  const convAt = conv3 ? `3 peers x ${fmt(conv3.entriesPerPeer)} entries${quick}` : '3 peers'
  const largest = r.catchup && r.catchup.length ? r.catchup[r.catchup.length - 1] : null
  const sizeAt = largest ? `${fmt(largest.entries)} entries${quick}` : '100k entries'
  const rssAtLargest = largest ? Math.max(largest.sourceMaxRss, largest.fastForwardMaxRss.max, largest.replayMaxRss.max) : null
  return [
    judge({ id: 'ingest', what: 'ingest with group commit, one node', target: 8000, measured: r.ingest?.groupCommit.median ?? null, unit: 'entries/s', kind: 'min', at: r.ingest ? 'concurrent transfer()/invoice() calls' : '' }),
    judge({ id: 'equal', what: 'state hashes equal after the last append', target: 3, measured: conv3 ? conv3.equal.median / 1000 : null, unit: 's', kind: 'max', at: convAt }),
    withStalls(judge({ id: 'confirmed', what: 'quorum-confirmed after the last append', target: 10, measured: conv3?.confirmed ? conv3.confirmed.median / 1000 : null, unit: 's', kind: 'max', at: convAt }), conv3),
    judge({ id: 'fast-forward', what: 'new peer reads balances (fast-forward)', target: 2, measured: largest ? largest.fastForward.median / 1000 : null, unit: 's', kind: 'max', at: sizeAt }),
    judge({ id: 'replay', what: 'new peer replays every entry', target: 5000, measured: largest ? largest.replayRate.median : null, unit: 'entries/s', kind: 'min', at: sizeAt }),
    judge({ id: 'rss', what: 'peak RSS per node (source, fast-forward and replay peers)', target: 300, measured: rssAtLargest, unit: 'MB', kind: 'max', at: sizeAt }),
    ...networkTargets(r.network ?? null, judge)
  ]
}

/** Peak RSS rows by role, from the phases' figures. */
export function memoryByRole(r: Pick<BenchReport, 'ingest' | 'convergence' | 'catchup'> & { network?: NetworkFigures[] | null }): BenchReport['memory'] {
  const out: BenchReport['memory'] = []
  if (r.ingest) out.push({ role: 'ingest node', peakMB: r.ingest.maxRss })
  for (const c of r.convergence ?? []) out.push({ role: `convergence peer, ${c.peers} peers (${fmt(c.totalEntries)} entries)`, peakMB: c.maxRss })
  for (const c of r.catchup ?? []) {
    out.push({ role: `catch-up source at ${fmt(c.entries)} entries`, peakMB: { median: c.sourceMaxRss, min: c.sourceMaxRss, max: c.sourceMaxRss, runs: [c.sourceMaxRss], unit: 'MB' } })
    out.push({ role: `fast-forward peer at ${fmt(c.entries)} entries`, peakMB: c.fastForwardMaxRss })
    out.push({ role: `replay peer at ${fmt(c.entries)} entries`, peakMB: c.replayMaxRss })
  }
  for (const n of r.network ?? []) out.push({ role: `network node, ${n.nodes} nodes, ${n.indexers} indexers`, peakMB: n.maxRss })
  return out
}

function row(figure: string, s: Summary, digits: number, scale = 1, target = ''): string {
  const v = (x: number) => fmt(x * scale, digits)
  return `| ${figure} | ${v(s.median)} | ${v(s.min)} | ${v(s.max)} | ${target} |`
}

function targetCell(t: TargetResult | undefined): string {
  if (!t || t.met === null) return ''
  return `${t.kind === 'min' ? '>=' : '<'} ${fmt(t.target)} ${t.unit}: ${t.met ? 'met' : '**missed**'}`
}

/** The markdown results section: configuration, the figures table and the targets. */
export function markdown(r: BenchReport, svgName: string | null): string {
  const t = new Map(r.targets.map((x) => [x.id, x]))
  const lines: string[] = []
  lines.push(`Run of ${r.date}${r.quick ? ' (--quick)' : ''} on ${r.machine.cpus} x ${r.machine.cpuModel}, ${fmt(r.machine.memoryMB)} MB, Node ${r.machine.node}${r.machine.commit ? `, commit ${r.machine.commit.slice(0, 10)}` : ''}; ${fmt(r.durationS)} s in all; load average ${r.machine.loadAverage.start.toFixed(1)} at the start, ${r.machine.loadAverage.end.toFixed(1)} at the end.`)
  lines.push(`Median, min and max of ${r.config.runs} run(s) each; seed ${r.config.seed}; ackInterval ${r.config.ackIntervalMs} ms; batchMax ${r.config.batchMax}; indexers: ${r.config.indexers}.`)
  lines.push('')
  lines.push('| Figure | Median | Min | Max | Target |')
  lines.push('|---|---:|---:|---:|---|')
  if (r.ingest) {
    lines.push(row(`Ingest with group commit (entries/s; ${fmt(r.config.ingest.entries)} writes, ${r.config.ingest.concurrency} in flight)`, r.ingest.groupCommit, 0, 1, targetCell(t.get('ingest'))))
    if (r.ingest.saturated) lines.push(row(`Ingest with group commit, ${fmt(r.config.ingest.saturatedConcurrency)} in flight (entries/s; ${fmt(r.config.ingest.entries)} writes)`, r.ingest.saturated, 0))
    lines.push(row(`Ingest without group commit (entries/s; ${fmt(r.config.ingest.serialEntries)} writes, one at a time)`, r.ingest.serial, 0))
    lines.push(row('Entries per append with group commit', r.ingest.batchSize, 0))
    if (r.ingest.cpuPerEntry) lines.push(row(`Ingest CPU time per entry, ${r.config.ingest.concurrency} in flight (µs, node process)`, r.ingest.cpuPerEntry, 0))
    if (r.ingest.cpuPerEntrySaturated) lines.push(row(`Ingest CPU time per entry, ${fmt(r.config.ingest.saturatedConcurrency)} in flight (µs, node process)`, r.ingest.cpuPerEntrySaturated, 0))
  }
  for (const c of r.convergence ?? []) {
    const at = `${c.peers} peers x ${fmt(c.entriesPerPeer)}, ${c.indexers} indexers`
    lines.push(row(`Convergence, ${at}: state hashes equal (s after last append)`, c.equal, 2, 1 / 1000, c.peers === 3 ? targetCell(t.get('equal')) : ''))
    const stalls = c.stalledRuns ? ` [${c.stalledRuns} of ${c.equal.runs.length} runs stalled unconfirmed]` : ''
    const confirmedCell = c.peers === 3 ? targetCell(t.get('confirmed')) : ''
    if (c.confirmed) lines.push(row(`Convergence, ${at}: quorum-confirmed (s after last append)${stalls}`, c.confirmed, 2, 1 / 1000, confirmedCell))
    else lines.push(`| Convergence, ${at}: quorum-confirmed (s after last append)${stalls} | - | - | - | ${confirmedCell} |`)
    lines.push(row(`Convergence, ${at}: all peers writing together (entries/s)`, c.writeRate, 0))
    lines.push(row(`Convergence, ${at}: view blocks written per final view block (re-applies)`, c.reapplyFactor, 2))
    // Runs before the CPU figures existed have none.
    if (c.cpuAfterLastAppend) lines.push(row(`Convergence, ${at}: CPU of all peers from the last append to agreement (s)`, c.cpuAfterLastAppend, 1))
    if (c.cpuPerEntry) lines.push(row(`Convergence, ${at}: CPU per peer per entry, first write to agreement (ms)`, c.cpuPerEntry, 2))
  }
  const largest = r.catchup?.[r.catchup.length - 1]
  for (const c of r.catchup ?? []) {
    const isLargest = c === largest
    lines.push(row(`Catch-up ${fmt(c.entries)} entries: balances readable, fast-forward (s)${c.fastForwarded ? '' : ' [no fast-forward happened]'}`, c.fastForward, 2, 1 / 1000, isLargest ? targetCell(t.get('fast-forward')) : ''))
    lines.push(row(`Catch-up ${fmt(c.entries)} entries: full replay (s)`, c.replay, 2, 1 / 1000))
    lines.push(row(`Catch-up ${fmt(c.entries)} entries: full replay rate (entries/s)`, c.replayRate, 0, 1, isLargest ? targetCell(t.get('replay')) : ''))
    lines.push(row(`Catch-up ${fmt(c.entries)} entries: full replay, then confirmed locally (s)`, c.replayConfirmed, 2, 1 / 1000))
  }
  if (r.audit) {
    if (r.audit.rate) lines.push(row(`Audit, ${fmt(r.audit.entries)} entries (entries/s)`, r.audit.rate, 0))
    else lines.push(`| Audit (entries/s) | - | - | - | ${r.audit.reason} |`)
  }
  const rssTarget = t.get('rss')
  for (const m of r.memory) {
    // Each node role at the largest size is judged on its own worst run.
    const judged = largest && rssTarget && m.role.endsWith(`at ${fmt(largest.entries)} entries`)
    const cell = judged ? `< ${fmt(rssTarget.target)} MB: ${m.peakMB.max < rssTarget.target ? 'met' : '**missed**'}` : ''
    lines.push(row(`Peak RSS, ${m.role} (MB)`, m.peakMB, 0, 1, cell))
  }
  lines.push(...networkMarkdown(r.network, r.config.network))
  lines.push(...recoveryMarkdown(r.recovery ?? null))
  lines.push('')
  lines.push('Targets:')
  lines.push('')
  for (const x of r.targets) {
    const measured = x.measured === null ? 'not measured' : `${fmt(x.measured, figureDigits(x.unit))} ${x.unit}`
    // A target such as 0.5 s keeps its fraction ("under 0.5 s", not "under 1 s").
    const target = x.target.toLocaleString('en-US', { maximumFractionDigits: 2 })
    lines.push(`- ${x.met === null ? 'not measured' : x.met ? 'met' : '**missed**'}: ${x.what}, ${x.kind === 'min' ? 'at least' : 'under'} ${target} ${x.unit}${x.at ? ` (${x.at})` : ''}: ${measured}; ${x.margin}.`)
  }
  if (r.notes.length) {
    lines.push('')
    for (const n of r.notes) lines.push(`Note: ${n}`)
  }
  if (svgName) {
    lines.push('')
    lines.push(`![convergence, catch-up and network times](results/${svgName})`)
  }
  return lines.join('\n')
}

/** Replaces what lies between the markers in `readme` (appending the markers if missing). */
export function updateReadme(readme: string, section: string): void {
  const text = fs.existsSync(readme) ? fs.readFileSync(readme, 'utf8') : ''
  const block = `${README_BEGIN}\n${section}\n${README_END}`
  const start = text.indexOf(README_BEGIN)
  const end = text.indexOf(README_END)
  const next = start !== -1 && end > start ? text.slice(0, start) + block + text.slice(end + README_END.length) : text + (text.endsWith('\n') || text === '' ? '' : '\n') + block + '\n'
  fs.writeFileSync(readme, next)
}

/** JSON with bigints as decimal strings (none are expected in the report, but never throw on one). */
export function toJson(report: BenchReport): string {
  return JSON.stringify(report, (_k, v) => (typeof v === 'bigint' ? v.toString() : v), 2) + '\n'
}

/** The recovery lines: confirmation time after a heal and with the creator's node stopped. */
function recoveryMarkdown(r: RecoveryFigures | null): string[] {
  if (!r) return []
  const cell = (x: Summary | null, stalled: number) =>
    (x ? `${(x.median / 1000).toFixed(2)} | ${(x.min / 1000).toFixed(2)} | ${(x.max / 1000).toFixed(2)}` : '- | - | -') + ` | ${stalled ? `**${stalled} run(s) stalled**` : 'no stall'}`
  return [
    '',
    `Recovery: ${r.nodes} nodes, ${r.indexers} indexers (quorum ${Math.floor(r.indexers / 2) + 1}), ackInterval of the network phase. Heal: the creator and a non-indexer are moved to a second loopback DHT, ` +
      `both halves pay ${r.paymentsPerNode} times per node, then again while the two move back; timed from the later of the heal and the last payment until every node has every entry confirmed. ` +
      `Creator offline: the creator's node closes, the other four pay ${r.paymentsPerNode} times each; timed from the last payment until the four have every entry confirmed.`,
    '',
    '| Figure | Median | Min | Max | Stalls |',
    '|---|---:|---:|---:|---|',
    `| Confirmed everywhere after a partition heals (s) | ${cell(r.afterHeal, r.stalled.afterHeal)} |`,
    `| Confirmed with the creator's node stopped (s) | ${cell(r.creatorOffline, r.stalled.creatorOffline)} |`,
    '',
    `Payments appended but not applied on their own node within 30 s (the Ledger's TIMEOUT), all runs: ${r.slowWrites}.`
  ]
}
