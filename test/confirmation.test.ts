/**
 * Quorum confirmation must not stall once writes stop: every peer's view ends up signed to its
 * full length. Autobase alone can leave it short (an indexer never acks its own single head);
 * Ledger's nudge appends an ack when the signed length stops moving (src/ledger.ts).
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
