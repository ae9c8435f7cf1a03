/**
 * Recovery: how long confirmation takes to catch up after the network heals and after the
 * creator's node stops for good. Five node processes, one member each; the creator and the next
 * two are indexers (quorum 2 of 3).
 *
 * - Heal: the creator and one other node move to a second loopback DHT (the halves cannot find
 *   each other), both halves pay, and while they still pay the two move back. Measured from the
 *   later of the heal and the last payment until every node has every entry confirmed.
 * - Creator offline: the creator's node closes; the other four pay. Measured from the last
 *   payment until those four have every entry confirmed (the other two indexers are the quorum).
 */
import createTestnet from 'hyperdht/testnet.js'
import { withNodes, type Context } from '../context.js'
import type { BenchNode } from '../node-handle.js'
import { summarize, type Summary } from '../stats.js'
import { memberNames } from '../workload.js'

const NODES = 5
const INDEXERS = 3
/** The minority cut off in the heal run: the creator (an indexer) and a non-indexer. */
const MINORITY = [0, 3]
const SETUP_TIMEOUT_MS = 60_000

export interface RecoveryFigures {
  nodes: number
  indexers: number
  /** Payments per node in each half while split, and again while healing. */
  paymentsPerNode: number
  /** From the heal (or the last payment, if later) until every node has every entry confirmed, ms. */
  afterHeal: Summary | null
  /** From the last payment until the four remaining nodes have every entry confirmed, ms. */
  creatorOffline: Summary | null
  /** Payments appended but not applied on their own node within 30 s (Ledger TIMEOUT), over all runs. */
  slowWrites: number
  /** Runs in which confirmation did not complete within the timeout (a stall). */
  stalled: { afterHeal: number; creatorOffline: number }
}

export async function measureRecovery(ctx: Context): Promise<RecoveryFigures> {
  const heal: number[] = []
  const offline: number[] = []
  const stalled = { afterHeal: 0, creatorOffline: 0 }
  let slowWrites = 0
  for (let run = 0; run < ctx.params.runs; run++) {
    const r = await recoveryRun(ctx, run)
    ctx.log(`recovery run ${run + 1}: after the heal ${fmt(r.healMs)}, creator offline ${fmt(r.offlineMs)}; ${r.slowWrites} payment(s) not applied locally within 30 s`)
    slowWrites += r.slowWrites
    if (r.healMs === null) stalled.afterHeal++
    else heal.push(r.healMs)
    if (r.offlineMs === null) stalled.creatorOffline++
    else offline.push(r.offlineMs)
  }
  return {
    nodes: NODES,
    indexers: INDEXERS,
    paymentsPerNode: ctx.params.recovery.payments,
    afterHeal: heal.length ? summarize(heal, 'ms') : null,
    creatorOffline: offline.length ? summarize(offline, 'ms') : null,
    slowWrites,
    stalled
  }
}

function fmt(ms: number | null): string {
  return ms === null ? 'NOT confirmed (stalled)' : `confirmed in ${(ms / 1000).toFixed(2)} s`
}

async function recoveryRun(ctx: Context, run: number): Promise<{ healMs: number | null; offlineMs: number | null; slowWrites: number }> {
  const p = ctx.params
  const names = memberNames(NODES)
  const nodes = names.map((_, i) => ctx.spawn(`recovery/run-${run}/node-${i}`))
  const other = await createTestnet(3)
  try {
    return await withNodes(nodes, async () => {
      let entries = await setUp(ctx, nodes, names)
      let slowWrites = 0
      const pay = async (who: number[], k: number) => {
        const times = await Promise.all(
          who.map(async (i) => {
            let last = 0
            for (let n = 0; n < k; n++) {
              const payee = names[who[(who.indexOf(i) + 1 + (n % (who.length - 1))) % who.length]]
              // Appended but not applied locally within the Ledger's 30 s (appliedAt null): the entry is in
              // the writer core and counts; how often this happens is a figure of its own.
              const paid = await nodes[i].call('pay', { payee, amount: 1n })
              if (paid.appliedAt === null) slowWrites++
              last = paid.appliedAt ?? Date.now()
            }
            return last
          })
        )
        entries += who.length * k
        return Math.max(...times)
      }
      const confirmedAll = async (who: number[], from: number): Promise<number | null> => {
        try {
          const states = await Promise.all(who.map((i) => nodes[i].call('waitEntries', { entries, confirmed: true, timeoutMs: p.recovery.timeoutMs }, p.recovery.timeoutMs + 10_000)))
          return Math.max(0, Math.max(...states.map((s) => s.at)) - from)
        } catch {
          return null
        }
      }
      const k = p.recovery.payments
      const all = names.map((_, i) => i)
      const majority = all.filter((i) => !MINORITY.includes(i))

      // Split, pay on both sides, then heal while both sides still pay.
      for (const i of MINORITY) await nodes[i].call('move', { bootstrap: other.bootstrap })
      await Promise.all([pay(MINORITY, k), pay(majority, k)])
      ctx.log(`recovery run ${run + 1}: split and paid; healing under load`)
      const load = Promise.all([pay(MINORITY, k), pay(majority, k)])
      for (const i of MINORITY) await nodes[i].call('move', { bootstrap: ctx.bootstrap })
      const healedAt = Date.now()
      const lastPay = Math.max(...(await load))
      const healMs = await confirmedAll(all, Math.max(healedAt, lastPay))
      if (healMs === null) return { healMs, offlineMs: null, slowWrites }

      ctx.log(`recovery run ${run + 1}: healed; stopping the creator's node`)
      // The creator's node stops for good; the others pay and confirm without it.
      await nodes[0].close()
      const rest = all.slice(1)
      const last = await pay(rest, k)
      return { healMs, offlineMs: await confirmedAll(rest, last), slowWrites }
    })
  } finally {
    await other.destroy()
  }
}

/** Creates the ledger on node 0, admits the others (nodes 1 and 2 index), waits until all is confirmed; returns the entry count. */
async function setUp(ctx: Context, nodes: BenchNode[], names: string[]): Promise<number> {
  const p = ctx.params
  const ackIntervalMs = p.network.ackIntervalMs
  const created = await nodes[0].call('create', { ledgerName: 'Bench Recovery', unitCode: 'BEN', memberName: names[0], creditLimit: p.creditLimit, ackIntervalMs, batchMax: p.batchMax })
  const others = await Promise.all(nodes.slice(1).map((node) => node.call('open', { key: created.key, encryptionKey: created.encryptionKey, ackIntervalMs, fastForward: true })))
  for (const node of nodes) await node.call('join', {})
  await Promise.all(nodes.map((node) => node.call('waitPeers', { n: nodes.length - 1, timeoutMs: SETUP_TIMEOUT_MS })))
  for (let i = 1; i < nodes.length; i++) {
    const o = others[i - 1]
    await nodes[0].call('admit', { members: [{ name: names[i], account: o.account, writer: o.writerKey, indexer: i < INDEXERS }] })
    await nodes[i].call('waitMember', { timeoutMs: SETUP_TIMEOUT_MS })
  }
  await Promise.all(nodes.map((node) => node.call('waitEntries', { entries: nodes.length, confirmed: true, timeoutMs: SETUP_TIMEOUT_MS })))
  return nodes.length
}
