/** The bench's two charts, from a report: convergence time against peers, catch-up time against ledger size. */
import { renderSvg, type Guide, type Panel } from './plot.js'
import type { BenchReport } from './report.js'
import type { Summary } from './stats.js'
import { networkPanel } from './network-report.js'

const BLUE = '#1f77b4'
const ORANGE = '#ff7f0e'
const GREEN = '#2ca02c'
const RED = '#d62728'

const inSeconds = (x: number, s: Summary) => ({ x, y: s.median / 1000, lo: s.min / 1000, hi: s.max / 1000 })

export function benchSvg(r: BenchReport): string {
  const conv = r.convergence ?? []
  const peers = conv.map((c) => c.peers)
  const convGuides: Guide[] = peers.length
    ? [
        { name: 'target: equal within 3 s (3 peers)', color: BLUE, points: [{ x: Math.min(...peers), y: 3 }, { x: Math.max(...peers), y: 3 }] },
        { name: 'target: confirmed within 10 s (3 peers)', color: ORANGE, points: [{ x: Math.min(...peers), y: 10 }, { x: Math.max(...peers), y: 10 }] }
      ]
    : []
  const convergence: Panel = {
    title: 'Convergence after the last append',
    xLabel: `peers writing concurrently (${(r.config.convergence.entries).toLocaleString('en-US')} entries in all)`,
    yLabel: 'seconds',
    series: [
      { name: 'all state hashes equal', color: BLUE, points: conv.map((c) => inSeconds(c.peers, c.equal)) },
      { name: 'quorum-confirmed everywhere', color: ORANGE, points: conv.flatMap((c) => (c.confirmed ? [inSeconds(c.peers, c.confirmed)] : [])) }
    ],
    guides: convGuides
  }
  const cu = r.catchup ?? []
  const sizes = cu.map((c) => c.entries)
  const catchGuides: Guide[] = sizes.length
    ? [
        { name: 'target: balances within 2 s', color: GREEN, points: [{ x: Math.min(...sizes), y: 2 }, { x: Math.max(...sizes), y: 2 }] },
        { name: 'target: replay at 5,000 entries/s', color: RED, points: sizes.map((n) => ({ x: n, y: n / 5000 })) }
      ]
    : []
  const catchup: Panel = {
    title: 'Catch-up of a new peer',
    xLabel: 'ledger entries (log scale)',
    yLabel: 'seconds (log scale)',
    xLog: true,
    yLog: true,
    series: [
      { name: 'balances readable (fast-forward)', color: GREEN, points: cu.map((c) => inSeconds(c.entries, c.fastForward)) },
      { name: 'full replay (state hash equal)', color: RED, points: cu.map((c) => inSeconds(c.entries, c.replay)) }
    ],
    guides: catchGuides
  }
  const caption = `Tally bench ${r.date}${r.quick ? ' (--quick)' : ''}: median of ${r.config.runs} run(s), whiskers min-max; ${r.machine.cpus} CPUs; ackInterval ${r.config.ackIntervalMs} ms`
  // Only the panels of phases that ran.
  const net = networkPanel(r.network)
  const panels = [...(conv.length ? [convergence] : []), ...(cu.length ? [catchup] : []), ...(net ? [net] : [])]
  return renderSvg(panels.length ? panels : [convergence], caption)
}
