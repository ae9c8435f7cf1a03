/**
 * Prompt acks (src/prompt-ack.ts): an indexer acks soon after an update leaves entries
 * unconfirmed, so quorum confirmation does not wait for Autobase's ack timer.
 *
 * The ledgers here run with an ack interval of five minutes: Autobase's timer would first ack
 * after 5-10 minutes and the confirmation nudge after 15, both longer than the test may run. So
 * every confirmation below, the indexers' own promotions included, comes from prompt acks.
 */
import test from 'brittle'
import { Ledger } from '../src/index.js'
import { generateKeyPair } from '../protocol/index.js'
import { connect, converge, makeStore, until, type T } from './helpers/index.js'

const ACK_INTERVAL_MS = 300_000
/** Generous: the machine is shared; without prompt acks nothing here confirms for minutes. */
const CONFIRM_WAIT_MS = 60_000

async function network(t: T, n: number, indexers: number): Promise<Ledger[]> {
  const opts = { store: makeStore(t), identity: generateKeyPair(), ackIntervalMs: ACK_INTERVAL_MS }
  const first = await Ledger.create({ ...opts, name: 'Prompt', unitCode: 'CTC', memberName: 'p0', creditLimit: 1_000_00n })
  t.teardown(() => first.close(), { order: 10 })
  const ledgers = [first]
  for (let i = 1; i < n; i++) {
    const l = await Ledger.open({ store: makeStore(t), identity: generateKeyPair(), key: first.key, encryptionKey: first.encryptionKey, ackIntervalMs: ACK_INTERVAL_MS })
    t.teardown(() => l.close(), { order: 10 })
    for (const other of ledgers) connect(other, l)
    await first.admit({ account: l.identity.publicKey, writer: l.writerKey, name: 'p' + i, indexer: i < indexers })
    await until(async () => l.writable && (await l.self().catch(() => null)) !== null, 'admitted p' + i, () => l.update(), CONFIRM_WAIT_MS)
    ledgers.push(l)
  }
  return ledgers
}

function signedToEnd(ledgers: Ledger[]): boolean {
  return ledgers.every((l) => l.view.core.length > 0 && l.view.core.signedLength === l.view.core.length)
}

function describe(ledgers: Ledger[]): string {
  return ledgers.map((l, i) => `p${i} ${l.view.core.signedLength}/${l.view.core.length}`).join(', ')
}

test('prompt acks - with a five-minute ack interval, indexer promotions and single payments are confirmed everywhere', { timeout: 240_000 }, async (t) => {
  const ledgers = await network(t, 4, 3)
  await until(async () => (await ledgers[0].status()).indexers.length === 3, 'three indexers', () => Promise.all(ledgers.map((l) => l.update())), CONFIRM_WAIT_MS)
  // Payers: an indexer, the member who is not one, and the creator.
  for (const [payer, payee] of [[1, 2], [3, 0], [0, 3]] as const) {
    await ledgers[payer].transfer('p' + payee, 1_00n, { memo: `p${payer} to p${payee}` })
    await converge(ledgers, CONFIRM_WAIT_MS)
    await until(() => signedToEnd(ledgers), `p${payer}'s payment confirmed everywhere`, () => Promise.all(ledgers.map((l) => l.update())), CONFIRM_WAIT_MS, {
      diagnose: async () => describe(ledgers)
    })
    t.pass(`p${payer} to p${payee}: confirmed on every node (${describe(ledgers)})`)
  }
  const acks = ledgers.map((l) => l.promptAcks)
  t.ok(acks.slice(0, 3).some((n) => n > 0), 'the indexers appended prompt acks: ' + acks.join(', '))
  t.is(ledgers[3].promptAcks, 0, 'the member who is not an indexer appended none')
  t.is(ledgers.reduce((sum, l) => sum + l.nudges, 0), 0, 'the nudge appended none')
})

test('prompt acks - off: with three indexers, a payment waits for the ack timer', { timeout: 120_000 }, async (t) => {
  const opts = { identity: generateKeyPair(), ackIntervalMs: ACK_INTERVAL_MS, promptAck: false }
  const alpha = await Ledger.create({ ...opts, store: makeStore(t), name: 'Prompt', unitCode: 'CTC', memberName: 'alpha', creditLimit: 1_000_00n })
  t.teardown(() => alpha.close(), { order: 10 })
  const beta = await Ledger.open({ ...opts, store: makeStore(t), identity: generateKeyPair(), key: alpha.key, encryptionKey: alpha.encryptionKey })
  t.teardown(() => beta.close(), { order: 10 })
  const gamma = await Ledger.open({ ...opts, store: makeStore(t), identity: generateKeyPair(), key: alpha.key, encryptionKey: alpha.encryptionKey })
  t.teardown(() => gamma.close(), { order: 10 })
  connect(alpha, beta)
  connect(alpha, gamma)
  connect(beta, gamma)
  for (const [l, name] of [[beta, 'beta'], [gamma, 'gamma']] as const) {
    await alpha.admit({ account: l.identity.publicKey, writer: l.writerKey, name, indexer: true })
    await until(async () => l.writable && (await l.self().catch(() => null)) !== null, 'admitted ' + name, () => l.update(), CONFIRM_WAIT_MS)
  }
  await until(async () => (await alpha.status()).indexers.length === 3, 'three indexers', () => Promise.all([alpha, beta, gamma].map((l) => l.update())), CONFIRM_WAIT_MS)
  await beta.transfer('gamma', 1_00n)
  await converge([alpha, beta, gamma], CONFIRM_WAIT_MS)
  // Ten seconds: far more than prompt acks need (the test above), far less than the timer's five minutes.
  await new Promise((resolve) => setTimeout(resolve, 10_000))
  t.ok(!signedToEnd([alpha, beta, gamma]), 'not signed to the end: ' + describe([alpha, beta, gamma]))
  t.is(alpha.promptAcks + beta.promptAcks + gamma.promptAcks, 0, 'no prompt acks when turned off')
})

test('prompt acks - a stream of payments spends at most the budget: 3 at once, then one a second', { timeout: 240_000 }, async (t) => {
  const ledgers = await network(t, 3, 3)
  await until(async () => (await ledgers[0].status()).indexers.length === 3, 'three indexers', () => Promise.all(ledgers.map((l) => l.update())), CONFIRM_WAIT_MS)
  await until(() => signedToEnd(ledgers), 'the promotions confirmed', () => Promise.all(ledgers.map((l) => l.update())), CONFIRM_WAIT_MS)
  const before = ledgers.map((l) => l.promptAcks)
  const started = Date.now()
  // Three payments a second for ten seconds, from each member in turn.
  for (let k = 0; k < 30; k++) {
    await ledgers[k % 3].transfer('p' + ((k + 1) % 3), 1n)
    await new Promise((resolve) => setTimeout(resolve, 333))
  }
  await converge(ledgers, CONFIRM_WAIT_MS)
  await until(() => signedToEnd(ledgers), 'the stream confirmed everywhere', () => Promise.all(ledgers.map((l) => l.update())), CONFIRM_WAIT_MS, {
    diagnose: async () => describe(ledgers)
  })
  const seconds = (Date.now() - started) / 1000
  const spent = ledgers.map((l, i) => l.promptAcks - before[i])
  // The budget keeps 3 tokens and gets one back a second: no node can have spent more, however slow the machine.
  for (const [i, n] of spent.entries()) t.ok(n <= 3 + Math.ceil(seconds), `p${i}: ${n} prompt acks in ${seconds.toFixed(1)} s`)
  t.ok(spent.some((n) => n > 0), 'the stream was acked promptly: ' + spent.join(', '))
})
