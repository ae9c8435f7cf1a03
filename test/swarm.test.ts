import test from 'brittle'
import createTestnet from 'hyperdht/testnet.js'
import { Replicator, parseBootstrap } from '../src/index.js'
import { converge, createPeer, openPeer, until } from './helpers/index.js'

test('swarm - two ledgers find each other on a loopback testnet and replicate', async (t) => {
  const testnet = await createTestnet(3)
  t.teardown(() => testnet.destroy(), { order: 60 })
  const a = await createPeer(t, 'alpha')
  const b = await openPeer(t, a.ledger, 'beta')
  const ra = new Replicator(a.ledger, { dht: testnet.createNode() })
  t.teardown(() => ra.close(), { order: 0 })
  await ra.join()
  const rb = new Replicator(b.ledger, { dht: testnet.createNode() })
  t.teardown(() => rb.close(), { order: 0 })
  await rb.join()
  await rb.waitForPeers(1)
  await a.ledger.admit({ account: b.identity.publicKey, writer: b.ledger.writerKey, name: 'beta' })
  await until(() => b.ledger.writable, 'beta writable', () => b.ledger.update())
  await until(async () => (await b.ledger.self().catch(() => null)) !== null, 'beta synced', () => b.ledger.update())
  await b.ledger.transfer('alpha', 7_00n)
  await converge([a.ledger, b.ledger])
  t.is((await a.ledger.balance()).balance, 7_00n)
  t.is(ra.peers, 1)
})

test('swarm - parseBootstrap reads host:port lists and refuses typos', async (t) => {
  t.alike(parseBootstrap('127.0.0.1:49737'), [{ host: '127.0.0.1', port: 49737 }])
  t.alike(parseBootstrap('a.example:1, b.example:2'), [{ host: 'a.example', port: 1 }, { host: 'b.example', port: 2 }])
  await t.exception(async () => parseBootstrap('localhost'), /HOST:PORT/)
  await t.exception(async () => parseBootstrap('h:99999'), /HOST:PORT/)
})
