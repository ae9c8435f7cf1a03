/**
 * Quorum confirmation must not stall once writes stop: every peer's view ends up signed to its
 * full length. Autobase alone can leave it short (an indexer never acks its own single head);
 * the nudge appends an ack when the signed length stops moving (src/confirmation-nudge.ts).
 */
import test from 'brittle'
import { Ledger } from '../src/index.js'
import { generateKeyPair } from '../protocol/index.js'
import { connect, converge, makeStore, until, type T } from './helpers/index.js'

async function network(t: T, n: number, confirmNudge: boolean): Promise<Ledger[]> {
  const open = async (key: Uint8Array | null, encryptionKey: Uint8Array | null) => {
    const ledger = key === null
      ? await Ledger.create({ store: makeStore(t), identity: generateKeyPair(), name: 'Nudge', unitCode: 'CTC', memberName: 'p0', creditLimit: 1_000_00n, ackIntervalMs: 50, confirmNudge })
      : await Ledger.open({ store: makeStore(t), identity: generateKeyPair(), key, encryptionKey, ackIntervalMs: 50, confirmNudge })
    t.teardown(() => ledger.close(), { order: 10 })
    return ledger
  }
  const first = await open(null, null)
  const ledgers = [first]
  for (let i = 1; i < n; i++) {
    const l = await open(first.key, first.encryptionKey)
    for (const other of ledgers) connect(other, l)
    await first.admit({ account: l.identity.publicKey, writer: l.writerKey, name: 'p' + i, indexer: i < 3 })
    await until(async () => l.writable && (await l.self().catch(() => null)) !== null, 'admitted p' + i, () => l.update())
    ledgers.push(l)
  }
  return ledgers
}

function unconfirmed(ledgers: Ledger[]): string {
  return ledgers.map((l, i) => `p${i} ${l.view.core.signedLength}/${l.view.core.length}`).join(', ')
}

async function confirmedEverywhere(ledgers: Ledger[], ms: number): Promise<boolean> {
  try {
    await until(() => ledgers.every((l) => l.view.core.signedLength === l.view.core.length), 'confirmation', () => Promise.all(ledgers.map((l) => l.update())), ms)
    return true
  } catch {
    return false
  }
}

test('confirmation - five peers, three indexers, writing at once: every view is signed to its end', async (t) => {
  const ledgers = await network(t, 5, process.env.NO_NUDGE ? false : true)
  await Promise.all(ledgers.map((l, i) => Promise.all(Array.from({ length: 40 }, (_, k) => l.transfer('p' + ((i + 1 + (k % 4)) % 5), 1n)))))
  await converge(ledgers)
  t.ok(await confirmedEverywhere(ledgers, 20_000), 'signed to the end within 20 s: ' + unconfirmed(ledgers))
  t.comment('acks appended by the nudge: ' + ledgers.map((l) => l.nudges).join(', '))
})

test('confirmation - an indexer cut off from the others does not ack its own head, then confirms when they return', async (t) => {
  const alpha = await Ledger.create({ store: makeStore(t), identity: generateKeyPair(), name: 'Nudge', unitCode: 'CTC', memberName: 'alpha', creditLimit: 1_000_00n, ackIntervalMs: 50 })
  t.teardown(() => alpha.close(), { order: 10 })
  const beta = await Ledger.open({ store: makeStore(t), identity: generateKeyPair(), key: alpha.key, encryptionKey: alpha.encryptionKey, ackIntervalMs: 50 })
  t.teardown(() => beta.close(), { order: 10 })
  const cut = connect(alpha, beta)
  await alpha.admit({ account: beta.identity.publicKey, writer: beta.writerKey, name: 'beta', indexer: true })
  await until(async () => beta.writable && (await beta.self().catch(() => null)) !== null, 'beta admitted', () => beta.update())
  await converge([alpha, beta])
  // Beta indexes once its promotion is confirmed; before that alpha alone is the quorum.
  await until(async () => (await alpha.status()).indexers.length === 2 && beta.base.ackable, 'beta indexing', () => Promise.all([alpha.update(), beta.update()]))
  cut()
  await alpha.transfer('beta', 1_00n, { memo: 'offline' })
  const core = alpha.base.local.length
  const early = alpha.nudges
  // Twelve nudge periods and more (500 ms at this ack interval): the quorum needs beta, who is away,
  // and the only head is alpha's own transfer, which an ack of alpha's would add nothing to.
  await new Promise((resolve) => setTimeout(resolve, 12_000))
  t.ok(alpha.view.core.signedLength < alpha.view.core.length, 'still unconfirmed while cut off')
  t.is(alpha.nudges, early, 'no ack of its own head while cut off')
  t.is(alpha.base.local.length, core, 'the writer core did not grow')
  connect(alpha, beta)
  t.ok(await confirmedEverywhere([alpha, beta], 20_000), 'confirmed once beta is back: ' + unconfirmed([alpha, beta]))
})
