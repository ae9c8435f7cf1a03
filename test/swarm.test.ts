import test from 'brittle'
import createTestnet from 'hyperdht/testnet.js'
import Hyperswarm from 'hyperswarm'
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

test('swarm - with maxPeers 1 each node dials one peer, and entries still reach every node through the others', { timeout: 180_000 }, async (t) => {
  const testnet = await createTestnet(3)
  t.teardown(() => testnet.destroy(), { order: 60 })
  const a = await createPeer(t, 'alpha')
  const others = [await openPeer(t, a.ledger, 'beta'), await openPeer(t, a.ledger, 'gamma'), await openPeer(t, a.ledger, 'delta')]
  const replicators: Replicator[] = []
  // One after another, as nodes come up: each later one dials one of those already there.
  for (const p of [a, ...others]) {
    const r = new Replicator(p.ledger, { dht: testnet.createNode(), maxPeers: 1 })
    t.teardown(() => r.close(), { order: 0 })
    await r.join()
    if (replicators.length > 0) await r.waitForPeers(1, 60_000)
    replicators.push(r)
  }
  t.comment(`connected: ${replicators.map((r) => r.peers).join(', ')}`)
  await a.ledger.admit({ account: others[0].identity.publicKey, writer: others[0].ledger.writerKey, name: 'beta' })
  await a.ledger.admit({ account: others[1].identity.publicKey, writer: others[1].ledger.writerKey, name: 'gamma' })
  await a.ledger.admit({ account: others[2].identity.publicKey, writer: others[2].ledger.writerKey, name: 'delta' })
  for (const p of others) await until(async () => p.ledger.writable && (await p.ledger.self().catch(() => null)) !== null, `${p.name} admitted`, () => p.ledger.update(), 60_000)
  t.comment('admitted')
  await others[2].ledger.transfer('beta', 5_00n)
  await others[0].ledger.transfer('gamma', 2_00n)
  await converge([a.ledger, ...others.map((p) => p.ledger)], 90_000)
  t.is((await others[0].ledger.balance('beta')).balance, 3_00n, 'beta got delta\'s payment and paid gamma')
  const connections = replicators.reduce((sum, r) => sum + r.peers, 0) / 2
  t.ok(connections < 6, `fewer connections than a full mesh of 4 (6): ${connections}`)
  t.is(replicators[3].peers, 1, 'the last node dialled one peer and no one dialled it')
})

test('swarm - maxPeers must be a whole number of at least 1', async (t) => {
  const a = await createPeer(t, 'alpha')
  for (const bad of [0, -1, 1.5, NaN]) {
    try {
      new Replicator(a.ledger, { bootstrap: [{ host: '127.0.0.1', port: 1 }], maxPeers: bad })
      t.fail(`maxPeers ${bad} accepted`)
    } catch (err: any) {
      t.is(err.code, 'BAD_INPUT', `maxPeers ${bad}: BAD_INPUT`)
    }
  }
})

test('swarm - a peer connecting after the ledger began closing is dropped, not replicated: nothing throws', { timeout: 60_000 }, async (t) => {
  // TallyNode closes its ledger once the swarm has had CLOSE_GRACE_MS to leave the topic; on a busy
  // machine the swarm was still up then, a connection it had been dialling opened, and replicating
  // it threw LEDGER_CLOSED out of the 'connection' event: `tally up` exited 1 on SIGTERM.
  const testnet = await createTestnet(3)
  t.teardown(() => testnet.destroy(), { order: 60 })
  const a = await createPeer(t, 'alpha')
  const ra = new Replicator(a.ledger, { dht: testnet.createNode() })
  t.teardown(() => ra.close(), { order: 0 })
  await ra.join()
  await a.ledger.close()
  const other = new Hyperswarm({ dht: testnet.createNode() })
  t.teardown(() => other.destroy(), { order: 0 })
  let opened = 0
  let closed = 0
  other.on('connection', (conn: any) => {
    opened++
    conn.on('error', () => {})
    conn.once('close', () => closed++)
  })
  other.join(a.ledger.discoveryKey, { client: true, server: false })
  await until(() => opened > 0 && closed > 0, 'a connection opened and dropped by the closed side', undefined, 30_000)
  t.is(ra.peers, 0, 'not counted as a peer')
})
