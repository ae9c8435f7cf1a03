import test from 'brittle'
import fs from 'fs'
import path from 'path'
import { runBench } from '../bench/harness.js'
import { README_BEGIN, README_END } from '../bench/report.js'
import { tmpdir } from './helpers/index.js'

test('bench - the network phase runs 4 node processes and reports latencies, CPU, RSS and admissions', { timeout: 300_000 }, async (t) => {
  const out = tmpdir(t)
  const readme = path.join(out, 'README.md')
  fs.writeFileSync(readme, `# Bench\n\n${README_BEGIN}\n${README_END}\n`)
  const lines: string[] = []
  const { report, files } = await runBench({
    only: ['network'],
    runs: 1,
    seed: 3,
    networkNodes: [4],
    networkIndexers: [3],
    networkPayments: 6,
    networkRate: 4,
    networkIdleMs: 1000,
    // Quick acks keep the test short; the bench runs the Ledger's default (1 s).
    networkAckIntervalMs: 100,
    out,
    readme,
    log: (line) => lines.push(line)
  })

  t.is(report.network?.length, 1)
  const n = report.network![0]
  t.is(n.nodes, 4)
  t.is(n.indexers, 3)
  t.is(n.steady.payments, 6)
  t.is(n.burst.payments, 4, 'one burst payment per node')
  t.is(n.steady.notApplied + n.burst.notApplied, 0, 'every payment applied on every node')
  t.is(n.steady.notConfirmed + n.burst.notConfirmed, 0, 'every payment confirmed on every node')
  for (const l of [n.steady.applied!, n.steady.confirmed!, n.burst.applied!, n.burst.confirmed!]) t.ok(l.p50 >= 0 && l.p50 <= l.p95 && l.p95 <= l.max, 'p50 <= p95 <= max')
  t.ok(n.steady.confirmed!.p50 >= n.steady.applied!.p50, 'confirmed no sooner than applied (median)')
  t.ok(n.admitAll.median > 0 && n.admitMax.median <= n.admitAll.median, '3 admissions timed')
  t.is(n.cpuPerEntry.runs.length, 4, 'CPU per entry of every node')
  t.ok(n.cpuPerEntry.min > 0 && n.idleCpu.min >= 0 && n.rss.min > 0 && n.maxRss.min >= n.rss.min - 1, 'CPU and memory figures')
  t.is(n.connections.median, 3, 'a full mesh of 3 peers each')
  t.ok(report.targets.filter((x) => x.id.startsWith('net-')).every((x) => x.measured !== null && x.margin.length > 0), 'the network targets judged at 4 nodes')
  t.ok(report.memory.some((m) => m.role.startsWith('network node, 4 nodes')), 'peak RSS of the network nodes')
  const md = fs.readFileSync(readme, 'utf8')
  t.ok(md.includes('| nodes | indexers | admits (s) |') && /\n\| 4 \| 3 \|/.test(md), 'the network table')
  const svg = fs.readFileSync(files.find((f) => f.endsWith('.svg'))!, 'utf8')
  t.ok(svg.includes('A payment, from the call until every node has it'), 'the latency plot')
  t.ok(lines.some((l) => l.startsWith('network 4 nodes')), 'progress is logged')
})
