/**
 * `status().indexers`: which indexers this node reaches. A connection counts for an indexer only
 * if the account that proved itself on it is the member the view binds to that indexer's writer.
 */
import test from 'brittle'
import { addMember, createPeer } from './helpers/index.js'
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
