/**
 * Catch-up and audit. A source node builds a ledger (raw signed appends of a seeded workload,
 * in batches) to each size in turn; at each size fresh read-only peers join over the swarm and
 * are timed until their balances equal the source's (fast-forward to the quorum-signed view) and
 * until their state hash does after replaying every entry (fastForward: false).
 * The auditor, when this build has one, then runs on the source's ledger at the largest size.
 */
import { MB, withNodes, type Context } from '../context.js'
import type { AuditResult, Opened } from '../messages.js'
import { summarize, type Summary } from '../stats.js'
import { deriveSeed, memberNames, plannedSpend, planWorkload } from '../workload.js'
import type { BenchNode } from '../node-handle.js'

export interface CatchUpFigures {
  entries: number
  /** Joining until balances equal the source's, with fast-forward, ms. */
  fastForward: Summary
  /** Whether fast-forward happened in every run (false: the peer replayed instead). */
  fastForwarded: boolean
  /** Joining until the state hash equals the source's, replaying every entry, ms. */
  replay: Summary
  /** Entries per second of the full replay (entries / replay time, joining included). */
  replayRate: Summary
  /** Joining until the replayed state is quorum-confirmed here too (the replaying node is then idle), ms. */
  replayConfirmed: Summary
  /** Joining until the first swarm connection, ms (part of both times). */
  connect: Summary
  /** Source: entries per second it applied while building this size (raw batched appends). */
  buildRate: number
  sourceMaxRss: number
  fastForwardMaxRss: Summary
  replayMaxRss: Summary
}

export interface AuditFigures {
  available: boolean
  reason: string | null
  entries: number
  rate: Summary | null
}

export interface SourceFigures {
  catchup: CatchUpFigures[]
  audit: AuditFigures | null
}

export async function measureCatchUp(ctx: Context, opts: { catchup: boolean; audit: boolean }): Promise<SourceFigures> {
  const p = ctx.params
  const names = memberNames(p.members)
  const source = ctx.spawn('catchup/source')
  const figures: CatchUpFigures[] = []
  let audit: AuditFigures | null = null
  await withNodes([source], async () => {
    const created = await source.call('create', { ledgerName: 'Bench Exchange', unitCode: 'BEN', memberName: names[0], creditLimit: p.creditLimit, ackIntervalMs: p.ackIntervalMs, batchMax: p.batchMax })
    let entries = (await source.call('admit', { members: names.slice(1).map((name) => ({ name })) })).entries
    await source.call('join', {})
    let budget = p.creditLimit
    const sizes = [...p.catchup.sizes].sort((a, b) => a - b)
    for (const size of sizes) {
      const count = Math.max(0, size - entries)
      const plan = { seed: deriveSeed(p.seed, 'catchup', size), self: names[0], members: names, count, budget }
      const built = await source.call('build', { plan, batchSize: p.catchup.buildBatch, timeoutMs: p.catchup.timeoutMs })
      // The next size's payments come out of what this one left unspent.
      budget -= plannedSpend(planWorkload(plan))
      const buildRate = count / (built.ms / 1000)
      entries = built.entries
      ctx.log(`catch-up source: ${entries} entries (built at ${buildRate.toFixed(0)} entries/s, ${(built.cpuUs / Math.max(1, count)).toFixed(0)} µs of CPU per entry)`)
      if (!opts.catchup) continue
      figures.push(await catchUpAt(ctx, created, entries, buildRate, (await source.call('usage', {})).maxRssBytes / MB, source))
    }
    if (opts.audit) audit = await measureAudit(ctx, source, entries)
  })
  return { catchup: figures, audit }
}

async function catchUpAt(
  ctx: Context,
  created: Opened,
  entries: number,
  buildRate: number,
  sourceMaxRss: number,
  source: BenchNode
): Promise<CatchUpFigures> {
  const p = ctx.params
  const target = await source.call('snapshot', {})
  const ff: number[] = []
  const replay: number[] = []
  const replayConfirmed: number[] = []
  const connect: number[] = []
  const ffRss: number[] = []
  const replayRss: number[] = []
  let fastForwarded = true
  for (let run = 0; run < p.runs; run++) {
    for (const fastForward of [true, false]) {
      const peer = ctx.spawn(`catchup-${entries}/run-${run}/${fastForward ? 'ff' : 'replay'}`)
      const r = await withNodes([peer], async () => {
        const res = await peer.call('catchUp', { key: created.key, encryptionKey: created.encryptionKey, fastForward, ackIntervalMs: p.ackIntervalMs, target, timeoutMs: p.catchup.timeoutMs })
        peer.notePeak(res.maxRssBytes)
        return res
      })
      connect.push(r.connectedMs)
      if (fastForward) {
        ff.push(r.readyMs)
        ffRss.push(peer.maxRssBytes / MB)
        fastForwarded &&= r.fastForwarded
      } else {
        replay.push(r.readyMs)
        replayConfirmed.push(r.confirmedMs)
        replayRss.push(peer.maxRssBytes / MB)
      }
      ctx.log(`catch-up ${entries} run ${run + 1}: ${fastForward ? 'fast-forward' : 'full replay'} ${r.readyMs.toFixed(0)} ms${fastForward ? '' : `, confirmed ${r.confirmedMs.toFixed(0)} ms`}${fastForward && !r.fastForwarded ? ' (no fast-forward happened)' : ''}, peak RSS ${(r.maxRssBytes / MB).toFixed(0)} MB`)
    }
  }
  return {
    entries,
    fastForward: summarize(ff, 'ms'),
    fastForwarded,
    replay: summarize(replay, 'ms'),
    replayRate: summarize(replay.map((ms) => entries / (ms / 1000)), 'entries/s'),
    replayConfirmed: summarize(replayConfirmed, 'ms'),
    connect: summarize(connect, 'ms'),
    buildRate,
    sourceMaxRss,
    fastForwardMaxRss: summarize(ffRss, 'MB'),
    replayMaxRss: summarize(replayRss, 'MB')
  }
}

async function measureAudit(ctx: Context, source: BenchNode, entries: number): Promise<AuditFigures> {
  const results: AuditResult[] = []
  for (let run = 0; run < ctx.params.runs; run++) {
    const r = await source.call('audit', {})
    results.push(r)
    if (!r.available) {
      ctx.log(`audit: ${r.reason}`)
      return { available: false, reason: r.reason, entries, rate: null }
    }
    ctx.log(`audit run ${run + 1}: ${r.entriesPerSec.toFixed(0)} entries/s over ${r.entries} entries`)
  }
  return { available: true, reason: null, entries: results[0].entries, rate: summarize(results.map((r) => r.entriesPerSec), 'entries/s') }
}
