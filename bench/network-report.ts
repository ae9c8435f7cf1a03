/**
 * The network phase in the report: its targets (issue 12), its table for bench/README.md and its
 * panel of the plot (latency against the number of nodes).
 */
import type { Guide, Panel } from './plot.js'
import type { LatencyFigures, NetworkFigures } from './phases/network.js'
import type { TargetResult } from './report.js'

/** The issue's node count for the targets; a smaller run is judged at its largest count, and says so. */
export const TARGET_NODES = 32

const fmt = (v: number, digits = 0) => v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
const s2 = (ms: number) => fmt(ms / 1000, 2)

/** The figures the targets are judged on: the largest node count, with 3 indexers if that was run. */
export function judgedNetwork(network: NetworkFigures[] | null): NetworkFigures | null {
  if (!network || network.length === 0) return null
  const most = Math.max(...network.map((n) => n.nodes))
  const at = network.filter((n) => n.nodes === most)
  return at.find((n) => n.indexers === 3) ?? at[0]
}

type Judge = (t: Omit<TargetResult, 'met' | 'margin'>) => TargetResult

/** Issue 12's targets on the network figures. */
export function networkTargets(network: NetworkFigures[] | null, judge: Judge): TargetResult[] {
  const n = judgedNetwork(network)
  const at = n ? `${n.nodes} nodes, ${n.indexers} indexers, steady payments${n.nodes < TARGET_NODES ? ` (smaller than the target's ${TARGET_NODES} nodes)` : ''}` : `${TARGET_NODES} nodes`
  const a = n?.steady.applied ?? null
  const c = n?.steady.confirmed ?? null
  const spread = a && c ? Math.max(a.p95 / Math.max(1, a.p50), c.p95 / Math.max(1, c.p50)) : null
  return [
    judge({ id: 'net-applied', what: 'a payment applied on every node, p50', target: 0.5, measured: a ? a.p50 / 1000 : null, unit: 's', kind: 'max', at }),
    judge({ id: 'net-confirmed', what: 'a payment confirmed on every node, p50', target: 3, measured: c ? c.p50 / 1000 : null, unit: 's', kind: 'max', at }),
    judge({ id: 'net-spread', what: 'p95 over p50 (applied and confirmed, the larger)', target: 2, measured: spread, unit: 'x', kind: 'max', at }),
    judge({ id: 'net-unconfirmed', what: 'payments left unconfirmed (steady and burst)', target: 1, measured: n ? n.steady.notConfirmed + n.burst.notConfirmed : null, unit: 'payments', kind: 'max', at }),
    judge({ id: 'net-admit', what: 'admitting the members one after another', target: 30, measured: n ? n.admitAll.median / 1000 : null, unit: 's', kind: 'max', at: n ? `${n.nodes - 1} admissions` : '' }),
    judge({ id: 'net-rss', what: 'peak RSS per node', target: 200, measured: n ? n.maxRss.max : null, unit: 'MB', kind: 'max', at })
  ]
}

function latencyCells(l: LatencyFigures): string {
  const p = (x: LatencyFigures['applied']) => (x ? `${s2(x.p50)} / ${s2(x.p95)}` : '-')
  const missing = l.notConfirmed ? ` (${l.notConfirmed} of ${l.payments} not)` : ''
  return `${p(l.applied)} | ${p(l.confirmed)}${missing}`
}

/** The network table: one row per node and indexer count. */
export function networkMarkdown(network: NetworkFigures[] | null, config: { payments: number; rate: number; ackIntervalMs: number; maxPeers: number | null; admitTogether: boolean }): string[] {
  if (!network || network.length === 0) return []
  const lines: string[] = []
  lines.push('')
  lines.push(
    `Network: every node its own process, store and swarm on the loopback DHT (all sharing this machine's cores); ackInterval ${fmt(config.ackIntervalMs)} ms; ` +
      `${config.payments} payments at ${config.rate}/s from rotating payers, then a burst of one payment per node; maxPeers ${config.maxPeers ?? "Hyperswarm's default"}; members admitted ${config.admitTogether ? 'all at once' : 'one after another'}. ` +
      'Latencies from the call on the paying node until applied (confirmed) on every node, p50 / p95 in seconds. CPU per node: the median over the nodes; CPU per entry is from the first payment until all were confirmed, and in brackets less the idle CPU over as long; idle CPU with the max in brackets.'
  )
  lines.push('')
  lines.push('| nodes | indexers | admits (s) | steady applied | steady confirmed | burst applied | burst confirmed | CPU ms per entry (above idle) | idle CPU % | RSS MB (peak) | peers | load |')
  lines.push('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|')
  for (const n of network) {
    lines.push(
      `| ${n.nodes} | ${n.indexers} | ${s2(n.admitAll.median)} | ${latencyCells(n.steady)} | ${latencyCells(n.burst)} | ${fmt(n.cpuPerEntry.median, 1)} (${fmt(n.cpuPerEntryNet.median, 1)}) | ` +
        `${fmt(n.idleCpu.median, 2)} (${fmt(n.idleCpu.max, 2)}) | ${fmt(n.rss.median)} (${fmt(n.maxRss.max)}) | ${fmt(n.connections.median)} | ${fmt(n.load.start, 1)}-${fmt(n.load.end, 1)} |`
    )
  }
  return lines
}

const PURPLE = '#9467bd'
const BROWN = '#8c564b'
const TEAL = '#17becf'
const PINK = '#e377c2'

/** Latency against nodes: p50 with whiskers to p95, applied and confirmed, one series per indexer count. */
export function networkPanel(network: NetworkFigures[] | null): Panel | null {
  if (!network || network.length === 0) return null
  const nodes = network.map((n) => n.nodes)
  const lo = Math.min(...nodes)
  const hi = Math.max(...nodes)
  const colors = [[PURPLE, BROWN], [TEAL, PINK]]
  const series = [...new Set(network.map((n) => n.indexers))].flatMap((indexers, i) => {
    const rows = network.filter((n) => n.indexers === indexers)
    const [ca, cc] = colors[i % colors.length]
    const pt = (n: NetworkFigures, l: LatencyFigures['applied']) => (l ? [{ x: n.nodes, y: l.p50 / 1000, lo: l.p50 / 1000, hi: l.p95 / 1000 }] : [])
    return [
      { name: `applied everywhere, ${indexers} indexers`, color: ca, points: rows.flatMap((n) => pt(n, n.steady.applied)) },
      { name: `confirmed everywhere, ${indexers} indexers`, color: cc, points: rows.flatMap((n) => pt(n, n.steady.confirmed)) }
    ]
  })
  const guides: Guide[] = [
    { name: 'target at 32: applied 0.5 s', color: PURPLE, points: [{ x: lo, y: 0.5 }, { x: hi, y: 0.5 }] },
    { name: 'target at 32: confirmed 3 s', color: BROWN, points: [{ x: lo, y: 3 }, { x: hi, y: 3 }] }
  ]
  return { title: 'A payment, from the call until every node has it', xLabel: 'nodes (each its own process)', yLabel: 'seconds (p50, whiskers to p95)', series, guides }
}
