import test from 'brittle'
import fs from 'fs'
import path from 'path'
import { runBench } from '../bench/harness.js'
import { README_BEGIN, README_END, type BenchReport } from '../bench/report.js'
import type { Summary } from '../bench/stats.js'
import { tmpdir } from './helpers/index.js'

function isSummary(s: Summary | null | undefined): boolean {
  return (
    !!s &&
    [s.median, s.min, s.max].every((v) => typeof v === 'number' && Number.isFinite(v) && v >= 0) &&
    s.min <= s.median &&
    s.median <= s.max &&
    s.runs.length >= 1
  )
}

test('bench - the harness runs every phase with tiny parameters and reports every figure', { timeout: 300_000 }, async (t) => {
  const out = tmpdir(t)
  const readme = path.join(out, 'README.md')
  fs.writeFileSync(readme, `# Bench\n\n${README_BEGIN}\nold table\n${README_END}\n\nAfter.\n`)
  const lines: string[] = []
  const { report, files } = await runBench({
    quick: true,
    runs: 1,
    seed: 7,
    members: 3,
    ingestEntries: 50,
    serialEntries: 10,
    peers: [2],
    convergenceEntries: 100,
    catchupSizes: [50],
    // The network phase has its own smoke test (bench-network-smoke).
    only: ['ingest', 'convergence', 'catchup', 'audit'],
    out,
    readme,
    log: (line) => lines.push(line)
  })

  t.ok(report.converged, 'the two peers converged: equal state hashes and balances, zero-sum, confirmed')
  t.ok(isSummary(report.ingest?.groupCommit) && report.ingest!.groupCommit.median > 0, 'ingest with group commit')
  t.ok(isSummary(report.ingest?.serial) && report.ingest!.serial.median > 0, 'ingest without group commit')
  t.ok(isSummary(report.ingest?.saturated) && report.ingest!.saturated.median > 0, 'ingest with more writes in flight')
  t.ok(isSummary(report.ingest?.batchSize), 'entries per append')
  t.is(report.convergence?.length, 1)
  const c = report.convergence![0]
  t.is(c.peers, 2)
  t.is(c.entriesPerPeer, 50)
  t.is(c.totalEntries, 2 + 2 * 50, 'genesis, one admit and both workloads')
  t.ok(c.converged)
  t.ok(isSummary(c.equal) && isSummary(c.confirmed), 'convergence times')
  t.ok(isSummary(c.cpuAfterLastAppend) && isSummary(c.cpuPerEntry) && c.cpuPerEntry.median > 0, 'convergence CPU figures')
  t.is(c.stalledRuns, 0, 'quorum confirmation did not stall')
  t.ok(isSummary(c.writeRate))
  t.ok(isSummary(c.reapplyFactor) && c.reapplyFactor.median >= 1, 'view blocks written at least once each')
  t.is(report.catchup?.length, 1)
  const cu = report.catchup![0]
  t.ok(cu.entries >= 50)
  t.ok(isSummary(cu.fastForward) && isSummary(cu.replay) && isSummary(cu.replayRate) && isSummary(cu.replayConfirmed) && isSummary(cu.connect), 'catch-up times')
  t.ok(Number.isFinite(cu.buildRate) && cu.buildRate > 0)
  // The one figure allowed to be missing: the auditor, when this build does not have it, with the reason.
  t.ok(report.audit !== null)
  if (report.audit!.available) t.ok(isSummary(report.audit!.rate), 'audit rate')
  else t.ok(report.audit!.rate === null && /src\/audit/.test(report.audit!.reason ?? ''), 'audit missing, and the report says why')
  t.ok(report.memory.length >= 4 && report.memory.every((m) => isSummary(m.peakMB) && m.peakMB.median > 0), 'peak RSS of every node role')
  t.is(report.targets.length, 12)
  // The convergence targets are set at 3 peers; with 2 they are reported as not measured; so are the network's.
  const at3 = new Set(['equal', 'confirmed', ...report.targets.filter((x) => x.id.startsWith('net-')).map((x) => x.id)])
  t.ok(report.targets.filter((x) => !at3.has(x.id)).every((x) => x.met !== null && typeof x.measured === 'number' && x.margin.length > 0), 'every other target judged with its margin')
  t.ok(report.targets.filter((x) => at3.has(x.id)).every((x) => x.met === null && x.measured === null), 'the 3-peer targets are marked not measured')

  const json = files.find((f) => f.endsWith('.json'))!
  const parsed: BenchReport = JSON.parse(fs.readFileSync(json, 'utf8'))
  t.alike(parsed.targets, report.targets, 'the JSON file holds the report')
  const svg = fs.readFileSync(files.find((f) => f.endsWith('.svg'))!, 'utf8')
  t.ok(svg.startsWith('<svg') && svg.includes('<polyline') && svg.trimEnd().endsWith('</svg>'), 'an SVG plot')
  const md = fs.readFileSync(readme, 'utf8')
  t.ok(md.startsWith('# Bench') && md.endsWith('After.\n') && !md.includes('old table'), 'only the marked section of the README is replaced')
  t.ok(md.includes('| Figure | Median | Min | Max | Target |'))
  t.ok(lines.some((l) => l.startsWith('convergence 2 peers')), 'progress is logged')
})
