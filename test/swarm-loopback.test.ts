import test from 'brittle'
import createTestnet from 'hyperdht/testnet.js'
import { createSwarm } from '../src/index.js'

test('swarm - a swarm on a loopback bootstrap binds to 127.0.0.1 and says it is reachable (no holepunching)', async (t) => {
  const testnet = await createTestnet(3)
  t.teardown(() => testnet.destroy(), { order: 60 })
  const { swarm, owned } = createSwarm({ bootstrap: testnet.bootstrap })
  t.teardown(() => swarm.destroy(), { order: 0 })
  t.ok(owned)
  await swarm.dht.ready()
  t.is(swarm.dht.firewalled, false, 'other processes on this machine can dial it directly')
  t.is(swarm.dht.address().host, '127.0.0.1')
})
