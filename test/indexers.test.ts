/**
 * `status().indexers`: which indexers this node reaches. A connection counts for an indexer only
 * if the account that proved itself on it is the member the view binds to that indexer's writer.
 */
import test from 'brittle'
import createTestnet from 'hyperdht/testnet.js'
import { Ledger, Replicator } from '../src/index.js'
import { addMember, createPeer, makeStore, openPeer, until } from './helpers/index.js'
import { generateKeyPair, toHex } from '../protocol/index.js'

test('indexers - status lists the indexers by name; a connection counts only for the member bound to the writer', async (t) => {
  const alpha = await createPeer(t, 'alpha')
  const beta = await addMember(t, alpha, 'beta', { indexer: true })
  await addMember(t, alpha, 'gamma')
  const writer = toHex(beta.ledger.writerKey)
  const before = await alpha.ledger.status()
  t.alike(before.indexers.map((i) => [i.name, i.self, i.connected, i.lastSeen === null]), [['alpha', true, true, false], ['beta', false, false, true]], 'alpha (this node) and beta, never seen')
  t.is(before.quorum, 2)
  t.is(before.reachableIndexers, 1)

  // Someone else proves its own account but claims beta's writer: not beta.
  const posing = alpha.ledger.presence.connected(toHex(generateKeyPair().publicKey), writer)
  t.is((await alpha.ledger.status()).reachableIndexers, 1, 'a node posing as beta does not count')
  posing()

  const left = alpha.ledger.presence.connected(toHex(beta.identity.publicKey), writer)
  const on = await alpha.ledger.status()
  t.alike(on.indexers.map((i) => [i.name, i.connected]), [['alpha', true], ['beta', true]], 'beta connected')
  t.is(on.reachableIndexers, 2)
  left()
  const off = (await alpha.ledger.status()).indexers.find((i) => i.name === 'beta')!
  t.is(off.connected, false, 'beta away once its connection closed')
  t.ok(off.lastSeen !== null && off.lastSeen <= Date.now(), 'with the time it was last seen')
})

test('indexers - over Hyperswarm each node proves who it is to members only; a peer without the encryption key learns nothing', async (t) => {
  const testnet = await createTestnet(3)
  t.teardown(() => testnet.destroy(), { order: 60 })
  const alpha = await createPeer(t, 'alpha')
  const beta = await openPeer(t, alpha.ledger, 'beta')
  const stranger = await Ledger.open({ store: makeStore(t), identity: generateKeyPair(), key: alpha.ledger.key, encryptionKey: generateKeyPair().publicKey, ackIntervalMs: 50 })
  t.teardown(() => stranger.close(), { order: 10 })
  const reps: Replicator[] = []
  for (const l of [alpha.ledger, beta.ledger, stranger]) {
    const r = new Replicator(l, { bootstrap: testnet.bootstrap })
    t.teardown(() => r.close(), { order: 0 })
    await r.join()
    reps.push(r)
  }
  await alpha.ledger.admit({ account: beta.identity.publicKey, writer: beta.ledger.writerKey, name: 'beta', indexer: true })
  await until(async () => (await alpha.ledger.status()).reachableIndexers === 2, 'alpha reaches beta', () => alpha.ledger.update(), 60_000)
  await until(async () => (await beta.ledger.status().catch(() => null))?.reachableIndexers === 2, 'beta reaches alpha', () => beta.ledger.update(), 60_000)
  t.pass('alpha and beta each see the other connected')
  await until(() => reps[2].peers === 2, 'the stranger connected to both', undefined, 60_000)
  // The stranger was connected all along: it could not read their hellos, and they could not read its.
  t.is(stranger.presence.of(toHex(alpha.ledger.writerKey)), null, 'the stranger learned nothing of alpha')
  t.is(stranger.presence.of(toHex(beta.ledger.writerKey)), null, 'nor of beta')
  t.is(alpha.ledger.presence.of(toHex(stranger.writerKey)), null, 'and alpha recorded nothing of the stranger')
})
