/**
 * Ingest: entries per second one node applies through Ledger.transfer/invoice, with group
 * commit (many writes in flight, coalesced into shared appends) and without it (each write
 * awaited before the next, one append per entry). A fresh node and ledger for every run.
 */
import { MB, withNodes, type Context } from '../context.js'
import { summarize, type Summary } from '../stats.js'
import { deriveSeed, memberNames } from '../workload.js'

export interface IngestFigures {
  groupCommit: Summary
  /** With group commit and more writes in flight (`saturatedConcurrency`): what the node can take. */
  saturated: Summary
  serial: Summary
  /** Entries per append with group commit. */
  batchSize: Summary
  /**
   * CPU time of the node process per entry with group commit, 256 and 1,024 in flight (µs/entry):
   * steadier than the rate on a shared machine, where the rate also counts time the node waited for a core.
   */
  cpuPerEntry?: Summary
  cpuPerEntrySaturated?: Summary
  maxRss: Summary
}

export async function measureIngest(ctx: Context): Promise<IngestFigures> {
  const p = ctx.params
  const group: number[] = []
  const serial: number[] = []
  const saturated: number[] = []
  const batch: number[] = []
  const rss: number[] = []
  const cpu: number[] = []
  const cpuSat: number[] = []
  for (let run = 0; run < p.runs; run++) {
    const g = await ingestRun(ctx, run, 'group', p.ingest.entries, p.ingest.concurrency)
    group.push(g.rate)
    batch.push(g.batchSize)
    cpu.push(g.cpuPerEntry)
    rss.push(g.maxRss)
    const x = await ingestRun(ctx, run, 'saturated', p.ingest.entries, p.ingest.saturatedConcurrency)
    saturated.push(x.rate)
    cpuSat.push(x.cpuPerEntry)
    rss.push(x.maxRss)
    const s = await ingestRun(ctx, run, 'serial', p.ingest.serialEntries, 1)
    serial.push(s.rate)
    rss.push(s.maxRss)
    ctx.log(`ingest run ${run + 1}: group commit ${g.rate.toFixed(0)} entries/s (${g.batchSize.toFixed(0)} per append, ${g.cpuPerEntry.toFixed(0)} µs CPU per entry), ${x.rate.toFixed(0)} (${x.cpuPerEntry.toFixed(0)} µs) with ${p.ingest.saturatedConcurrency} in flight, without ${s.rate.toFixed(0)} entries/s`)
  }
  return {
    groupCommit: summarize(group, 'entries/s'),
    saturated: summarize(saturated, 'entries/s'),
    serial: summarize(serial, 'entries/s'),
    batchSize: summarize(batch, 'entries/append'),
    cpuPerEntry: summarize(cpu, 'µs/entry'),
    cpuPerEntrySaturated: summarize(cpuSat, 'µs/entry'),
    maxRss: summarize(rss, 'MB')
  }
}

async function ingestRun(ctx: Context, run: number, mode: 'group' | 'saturated' | 'serial', count: number, concurrency: number) {
  const p = ctx.params
  const names = memberNames(p.members)
  const node = ctx.spawn(`ingest-${mode}-${run}`)
  let maxRss = 0
  const r = await withNodes([node], async () => {
    await node.call('create', { ledgerName: 'Bench Exchange', unitCode: 'BEN', memberName: names[0], creditLimit: p.creditLimit, ackIntervalMs: p.ackIntervalMs, batchMax: p.batchMax })
    await node.call('admit', { members: names.slice(1).map((name) => ({ name })) })
    const plan = { seed: deriveSeed(p.seed, 'ingest', mode, run), self: names[0], members: names, count, budget: p.creditLimit }
    const res = await node.call('workload', { plan, concurrency })
    if (res.failed > 0) throw new Error(`ingest: ${res.failed} of ${count} writes failed: ${res.firstError}`)
    // The rate is up to the last write applied here: a write that timed out waiting for it has no time.
    if (res.late > 0) throw new Error(`ingest: ${res.late} of ${count} writes were not applied within the Ledger's wait`)
    return res
  }).finally(() => {
    maxRss = node.maxRssBytes / MB
  })
  return { rate: count / ((r.doneAt - r.startedAt) / 1000), batchSize: r.appended / Math.max(1, r.batches), cpuPerEntry: r.cpuUs / count, maxRss }
}
