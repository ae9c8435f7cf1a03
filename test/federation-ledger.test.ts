/**
 * Federation on the real stack: two ledgers on one loopback DHT (Hyperswarm, Autobase, Hyperbee
 * on disk), a co-op that is a member of both running a Bridge over its two Ledgers, and the payer's
 * and payee's own nodes doing their parts (src/federation-agent.ts).
 */
import test from 'brittle'
import createTestnet from 'hyperdht/testnet.js'
import b4a from 'b4a'
import { Bridge, Ledger, LedgerError, Replicator, audit, exportReport, generateKeyPair, type Hold } from '../src/index.js'
import { addMember, createPeer, failsWith, makeStore, until, type Peer, type T } from './helpers/index.js'
import { contextOf } from './helpers/context.js'
import { members, membersCommand } from '../cli/commands/members.js'
import { payOrAcross } from '../cli/commands/pay.js'
import type { PayAcrossResult } from '../cli/commands/pay-across.js'

type Testnet = Awaited<ReturnType<typeof createTestnet>>

/** Every ledger here replicates over Hyperswarm on the testnet. */
function swarm(t: T, testnet: Testnet, ledger: Ledger): Replicator {
  const r = new Replicator(ledger, { dht: testnet.createNode() })
  t.teardown(() => r.close(), { order: 0 })
  void r.join()
  return r
}

/** A new member found over the swarm and admitted by the steward. */
async function member(t: T, testnet: Testnet, steward: Peer, name: string): Promise<Peer & { swarm: Replicator }> {
  const store = makeStore(t)
  const identity = generateKeyPair()
  const ledger = await Ledger.open({ store, identity, key: steward.ledger.key, encryptionKey: steward.ledger.encryptionKey, ackIntervalMs: 50 })
  t.teardown(() => ledger.close(), { order: 10 })
  const r = swarm(t, testnet, ledger)
  await steward.ledger.admit({ account: identity.publicKey, writer: ledger.writerKey, name, creditLimit: 1000_00n })
  await until(() => ledger.writable, 'writable ' + name, () => ledger.update(), 120_000)
  await until(async () => (await ledger.self().catch(() => null)) !== null, 'synced ' + name, () => ledger.update(), 120_000)
  return { ledger, store, identity, name, swarm: r }
}

interface Fed {
  payer: Peer
  payee: Peer
  bridgeA: Peer & { swarm: Replicator }
  bridgeB: Peer & { swarm: Replicator }
  stewardA: Peer
  stewardB: Peer
  bridge: Bridge
}

/** Ledger A (payer's, unit CTC) and B (payee's), a bridge co-op in both, links at 3/2 from A to B and 2/3 back. */
async function federation(t: T, testnet: Testnet): Promise<Fed> {
  const stewardA = await createPeer(t, 'stewa', { creditLimit: 1000_00n })
  const stewardB = await createPeer(t, 'stewb', { creditLimit: 1000_00n })
  swarm(t, testnet, stewardA.ledger)
  swarm(t, testnet, stewardB.ledger)
  const payer = await member(t, testnet, stewardA, 'payer')
  const bridgeA = await member(t, testnet, stewardA, 'bridge')
  const payee = await member(t, testnet, stewardB, 'payee')
  const bridgeB = await member(t, testnet, stewardB, 'bridge')
  await bridgeA.ledger.link(stewardB.ledger.key, { name: 'B', rate: { rateNum: 3n, rateDen: 2n }, capacity: 500_00n })
  await bridgeB.ledger.link(stewardA.ledger.key, { name: 'A', rate: { rateNum: 2n, rateDen: 3n }, capacity: 500_00n })
  await until(async () => (await payer.ledger.links()).length === 1, 'the payer sees the link', () => payer.ledger.update(), 120_000)
  const bridge = new Bridge(bridgeA.ledger, bridgeB.ledger)
  t.teardown(() => bridge.stop(), { order: 0 })
  bridge.start()
  return { payer, payee, bridgeA, bridgeB, stewardA, stewardB, bridge }
}

async function balance(l: Ledger, who: Ledger): Promise<bigint> {
  return (await l.balance(who.identity.publicKey)).balance
}

async function holdOn(l: Ledger, pred: (h: Hold) => boolean, what: string): Promise<Hold> {
  let found: Hold | undefined
  await until(async () => (found = (await l.holds()).find(pred)) !== undefined, what, () => l.update(), 120_000)
  return found!
}

test('federation - a payment across completes: four balances right on both ledgers', { timeout: 300_000 }, async (t) => {
  const testnet = await createTestnet(3)
  t.teardown(() => testnet.destroy(), { order: 60 })
  const f = await federation(t, testnet)
  const { receipt, amountThere } = await f.payer.ledger.payAcross({ bridge: f.bridgeA.ledger.identity.publicKey, ledger: f.stewardB.ledger.key, payee: f.payee.identity.publicKey, amount: 40_00n, expiresMs: 120_000 })
  t.is(amountThere, 60_00n, 'quoted at 3/2')
  t.is(await balance(f.payer.ledger, f.payer.ledger), -40_00n, 'held: off the payer at once')
  const a = await holdOn(f.payer.ledger, (h) => h.id === receipt.id && h.status === 'fulfilled', 'the payer sees its hold fulfilled')
  t.ok(a.preimage, 'the receipt: the preimage the payee showed')
  const b = await holdOn(f.payee.ledger, (h) => h.peer === receipt.id, 'the payee sees the bridge\'s hold')
  t.is(b.status, 'fulfilled')
  t.is(b.preimage, a.preimage, 'one preimage settles both')
  await until(async () => (await balance(f.stewardA.ledger, f.bridgeA.ledger)) === 40_00n, 'A settles everywhere', () => f.stewardA.ledger.update(), 120_000)
  await until(async () => (await balance(f.stewardB.ledger, f.payee.ledger)) === 60_00n, 'B settles everywhere', () => f.stewardB.ledger.update(), 120_000)
  t.is(await balance(f.stewardA.ledger, f.payer.ledger), -40_00n, 'A: payer')
  t.is(await balance(f.stewardA.ledger, f.bridgeA.ledger), 40_00n, 'A: bridge')
  t.is(await balance(f.stewardB.ledger, f.bridgeB.ledger), -60_00n, 'B: bridge')
  t.is(await balance(f.stewardB.ledger, f.payee.ledger), 60_00n, 'B: payee')
  t.is(f.bridge.counts.forwarded, 1)
  t.is(f.bridge.counts.settled, 1)
  // The auditor replays both ledgers' holds; the exports show each step, the held amount on an account of its own.
  for (const l of [f.stewardA.ledger, f.stewardB.ledger]) {
    const report = await audit(l)
    t.alike(report.findings, [], 'no findings: balances plus open holds sum to zero, holds and links match the view')
    const journal = exportReport(report, 'hledger')
    t.ok(journal.includes('type:hold') && journal.includes('type:fulfil') && journal.includes(':held '), 'hledger: the hold, its fulfilment, and the held account')
    t.ok(exportReport(report, 'beancount').includes('tally-hold:'), 'beancount opens the held account')
    t.ok(exportReport(report, 'csv').includes(',hold,'), 'csv has the hold as a row')
  }
})

test('federation - with the bridge\'s node stopped, the payment expires and every balance is as before', { timeout: 300_000 }, async (t) => {
  const testnet = await createTestnet(3)
  t.teardown(() => testnet.destroy(), { order: 60 })
  const f = await federation(t, testnet)
  f.bridge.stop()
  await f.bridgeA.swarm.close()
  await f.bridgeA.ledger.close()
  const { receipt } = await f.payer.ledger.payAcross({ bridge: f.bridgeA.ledger.identity.publicKey, ledger: f.stewardB.ledger.key, payee: f.payee.identity.publicKey, amount: 25_00n, expiresMs: 3_000 })
  t.is(await balance(f.payer.ledger, f.payer.ledger), -25_00n, 'held')
  // `tally members` says where the held amount went, so the sum still reads as zero.
  const table = await members(await contextOf(t, f.payer))
  t.is(table.total, -25_00n, 'balances sum to minus the held amount')
  t.is(table.held, 25_00n, 'and the members table shows it held')
  t.ok(membersCommand.render(table).includes('held in open holds: together 0.00'), 'the table says the held amount makes the sum zero')
  // Steward and payer (2 of 3 active members) witness the period on their own clocks; the payer's node then releases.
  const a = await holdOn(f.payer.ledger, (h) => h.id === receipt.id && h.status !== 'held', 'the hold is closed')
  t.is(a.status, 'released')
  await until(async () => (await balance(f.stewardA.ledger, f.payer.ledger)) === 0n, 'the steward sees the release', () => f.stewardA.ledger.update(), 120_000)
  t.is(await balance(f.payer.ledger, f.payer.ledger), 0n, 'A: payer as before')
  t.is(await balance(f.stewardA.ledger, f.bridgeA.ledger), 0n, 'A: bridge as before')
  t.is(await balance(f.stewardB.ledger, f.bridgeB.ledger), 0n, 'B: bridge as before')
  t.is(await balance(f.stewardB.ledger, f.payee.ledger), 0n, 'B: payee as before')
  t.alike(await f.stewardB.ledger.holds(), [], 'nothing was held on B')
})

test('federation - a forged fulfilment is rejected and moves nothing', { timeout: 300_000 }, async (t) => {
  const testnet = await createTestnet(3)
  t.teardown(() => testnet.destroy(), { order: 60 })
  const f = await federation(t, testnet)
  f.bridge.stop()
  const { receipt } = await f.payer.ledger.payAcross({ bridge: f.bridgeA.ledger.identity.publicKey, ledger: f.stewardB.ledger.key, payee: f.payee.identity.publicKey, amount: 10_00n, expiresMs: 120_000 })
  await holdOn(f.bridgeA.ledger, (h) => h.id === receipt.id, 'the bridge sees the hold')
  try {
    await f.bridgeA.ledger.fulfil(receipt.id, b4a.alloc(32, 9))
    t.fail('a forged preimage was accepted')
  } catch (err) {
    t.ok(err instanceof LedgerError)
    t.is((err as LedgerError).reject, 'wrong_preimage')
  }
  t.is((await f.bridgeA.ledger.getHold(receipt.id)).status, 'held', 'still held')
  t.is(await balance(f.bridgeA.ledger, f.bridgeA.ledger), 0n, 'the bridge got nothing')
})

test('federation - UNKNOWN_HOLD: an id no hold has', async (t) => {
  const a = await createPeer(t)
  await failsWith(t, a.ledger.getHold('abcd'), 'UNKNOWN_HOLD')
  await failsWith(t, a.ledger.release('abcdef'), 'UNKNOWN_HOLD')
})

test('federation - AMBIGUOUS_HOLD: an id prefix two holds share', { timeout: 300_000 }, async (t) => {
  const a = await createPeer(t, 'alpha', { creditLimit: 1000_00n })
  const b = await addMember(t, a, 'beta', { creditLimit: 1000_00n })
  await a.ledger.link(b4a.alloc(32, 7), { name: 'Other', capacity: 1000_00n })
  await until(async () => (await b.ledger.links()).length === 1, 'beta sees the link', () => b.ledger.update())
  const seen = new Map<string, string>()
  // 17 ids must share a first hex digit; usually a few do.
  for (let i = 0; i < 17; i++) {
    const { receipt } = await b.ledger.payAcross({ bridge: a.identity.publicKey, ledger: b4a.alloc(32, 7), payee: generateKeyPair().publicKey, amount: 1n, expiresMs: 600_000 })
    const first = seen.get(receipt.id[0])
    if (first !== undefined) {
      await failsWith(t, b.ledger.getHold(receipt.id[0]), 'AMBIGUOUS_HOLD')
      t.is((await b.ledger.getHold(receipt.id)).id, receipt.id, 'the whole id still finds it')
      return
    }
    seen.set(receipt.id[0], receipt.id)
  }
  t.fail('17 ids with distinct first digits')
})

test('federation - tally pay KEY@LEDGER: quote, pay, outcome (completed; then released with the bridge stopped)', { timeout: 300_000 }, async (t) => {
  const testnet = await createTestnet(3)
  t.teardown(() => testnet.destroy(), { order: 60 })
  const f = await federation(t, testnet)
  const ctx = await contextOf(t, f.payer)
  const target = b4a.toString(f.payee.identity.publicKey, 'hex') + '@b'
  const done = (await payOrAcross(ctx, { member: target, amount: '30', expires: '2m' })) as PayAcrossResult
  t.is(done.type, 'across')
  t.is(done.amountThere, 45_00n, 'the quote at 3/2')
  t.is(done.outcome, 'completed', done.reason)
  await until(async () => (await balance(f.stewardB.ledger, f.payee.ledger)) === 45_00n, 'the payee is paid on B', () => f.stewardB.ledger.update(), 120_000)
  f.bridge.stop()
  await f.bridgeA.swarm.close()
  await f.bridgeA.ledger.close()
  const expired = (await payOrAcross(ctx, { member: target, amount: '10', expires: '3s' })) as PayAcrossResult
  t.is(expired.outcome, 'released', expired.reason)
  t.is(await balance(f.payer.ledger, f.payer.ledger), -30_00n, 'only the first payment left the payer')
  try {
    await payOrAcross(ctx, { member: 'beta@b', amount: '1' })
    t.fail('a name before @ was taken')
  } catch (err) {
    t.is((err as LedgerError).code, 'BAD_INPUT', 'a member of another ledger is named by its key')
  }
})

test('federation - the bridge refuses a hold it sees late in its period, and the payer is told why', { timeout: 300_000 }, async (t) => {
  const testnet = await createTestnet(3)
  t.teardown(() => testnet.destroy(), { order: 60 })
  const f = await federation(t, testnet)
  f.bridge.stop()
  // The same bridge, with its clock 50 s on: 10 s of the 60 s period left, and it needs 30 s + 15 s.
  const late = new Bridge(f.bridgeA.ledger, f.bridgeB.ledger, { now: () => Date.now() + 50_000 })
  t.teardown(() => late.stop(), { order: 0 })
  const { receipt } = await f.payer.ledger.payAcross({ bridge: f.bridgeA.ledger.identity.publicKey, ledger: f.stewardB.ledger.key, payee: f.payee.identity.publicKey, amount: 10_00n, expiresMs: 60_000 })
  await holdOn(f.bridgeA.ledger, (h) => h.id === receipt.id, 'the bridge sees the hold')
  late.start()
  const a = await holdOn(f.payer.ledger, (h) => h.id === receipt.id && h.status !== 'held', 'the hold is closed')
  t.is(a.status, 'released', 'refused at once: released long before its period passed')
  t.is(late.counts.refused, 1)
  t.is(late.counts.forwarded, 0, 'nothing was held on B')
  t.ok(/^late: /.test(late.events[0].reason), late.events[0].reason)
  const release = (await f.payer.ledger.history(undefined, { limit: 10 })).find((e) => e.id === a.closedBy)
  t.ok(release && /^refused by the bridge: late: /.test(release.memo), `the release says why: ${release?.memo}`)
  t.is(await balance(f.payer.ledger, f.payer.ledger), 0n, 'the payer has its amount back')
  t.alike(await f.bridgeB.ledger.holds(), [], 'B holds nothing')
})
