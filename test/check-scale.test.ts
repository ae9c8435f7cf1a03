import test from 'brittle'
import { checkScale, scaleTable } from '../bench/scale-check.js'

// The scale check (npm run check:scale) at 4 nodes: every single payment is applied and confirmed on
// every node. Timings are printed by the check, never asserted here (a shared, busy machine).
test('check:scale - 4 node processes through the public library: every single payment applied and confirmed everywhere', { timeout: 300_000 }, async (t) => {
  const lines: string[] = []
  const r = await checkScale({ nodes: 4, payments: 3, ackIntervalMs: 100, log: (line) => lines.push(line) })
  t.is(r.nodes, 4)
  t.is(r.indexers, 3)
  t.is(r.payments, 3)
  t.is(r.notApplied, 0, 'every payment applied on every node')
  t.is(r.notConfirmed, 0, 'every payment confirmed on every node')
  t.ok(r.applied !== null && r.confirmed !== null && r.applied.p50 <= r.confirmed.p50, 'confirmed no sooner than applied (median)')
  t.ok(r.admitMs > 0 && r.admitMaxMs <= r.admitMs, '3 admissions timed')
  const table = scaleTable(r).join('\n')
  t.ok(table.includes('| a payment confirmed on every node |') && table.includes('| 4.50 |'), "the table, with issue 12's figure at 4 nodes beside it")
  t.ok(lines.some((l) => l.startsWith('payment 3/3')), 'each payment is logged')
})
