/** startPrivateDht: the private network the README, the demo and `tally bootstrap` run on. */
import test from 'brittle'
import { LedgerError, Replicator, startPrivateDht } from '../src/index.js'
import { createPeer } from './helpers/index.js'

/** HyperDHT's default port and the four after it, which it tries in turn when given port 0. */
const HYPERDHT_DEFAULT_PORTS = [49737, 49738, 49739, 49740, 49741]

test('private dht - port 0 picks a free port, not HyperDHT default 49737', async (t) => {
  const a = await startPrivateDht({ port: 0 })
  t.teardown(() => a.destroy(), { order: 60 })
  const b = await startPrivateDht({ host: '127.0.0.1', port: 0 })
  t.teardown(() => b.destroy(), { order: 60 })
  t.is(a.host, '127.0.0.1', 'loopback by default')
  t.ok(a.port > 0 && b.port > 0 && a.port !== b.port, `two free ports: ${a.port}, ${b.port}`)
  t.absent(HYPERDHT_DEFAULT_PORTS.includes(a.port), `${a.port} is not one of HyperDHT's default ports`)
  t.is(a.address, `127.0.0.1:${a.port}`)
  t.is(a.nodes.length, 3)
})

test('private dht - a replicator announces on it and closes before it', async (t) => {
  const dht = await startPrivateDht({ port: 0 })
  t.teardown(() => dht.destroy(), { order: 60 })
  const peer = await createPeer(t, 'alpha')
  const net = new Replicator(peer.ledger, { bootstrap: [{ host: dht.host, port: dht.port }] })
  t.teardown(() => net.close(), { order: 0 })
  await net.join()
  t.is(net.peers, 0)
  await t.exception(() => net.waitForPeers(1, 200), /TIMEOUT|no 1 peer/)
  await net.close()
  await net.close() // closing twice is a no-op
})

test('private dht - port 0 on a LAN address is refused: peers must be told the port', async (t) => {
  const err = await startPrivateDht({ host: '192.168.1.10', port: 0 }).catch((e: unknown) => e)
  t.ok(err instanceof LedgerError && err.code === 'BAD_INPUT', String(err))
  t.ok(/fixed port/.test((err as Error).message))
  const bad = await startPrivateDht({ port: 70000 }).catch((e: unknown) => e)
  t.ok(bad instanceof LedgerError && bad.code === 'BAD_INPUT', 'an out-of-range port is refused')
})
