/**
 * Nodes started while the DHT bootstrap is down: they say they are offline and keep trying;
 * once the bootstrap is back they find each other without a restart. "online" means a peer was
 * reached, not only the DHT.
 */
import test from 'brittle'
import dgram from 'dgram'
import { startPrivateDht } from '../src/network/bootstrap.js'
import { DataDir } from '../src/node/data-dir.js'
import { TallyNode } from '../src/node/node.js'
import { twoDataDirs } from './helpers/data-dirs.js'
import { until } from './helpers/index.js'

test('bootstrap restart - nodes started while the bootstrap is down find each other once it is back', { timeout: 180_000 }, async (t) => {
  const dirs = await twoDataDirs(t)
  // The bootstrap is "down": its port is held by a socket that never answers. A port freed
  // instead could be taken meanwhile by a DHT node of another test on this machine, which would
  // answer (seen once under load); held, it is released only as the bootstrap comes back.
  const silent = dgram.createSocket('udp4')
  silent.on('message', () => {})
  await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', resolve))
  const port = silent.address().port
  t.teardown(() => new Promise<void>((resolve) => silent.close(() => resolve())).catch(() => {}), { order: 60 })

  const bootstrap = [{ host: '127.0.0.1', port }]
  const events: Record<string, string[]> = { alpha: [], beta: [] }
  const nodes: TallyNode[] = []
  for (const name of ['alpha', 'beta'] as const) {
    const node = await TallyNode.start({ dir: new DataDir(dirs[name]), bootstrap, retryMs: 500, handler: async () => null })
    t.teardown(() => node.close(), { order: 5 })
    node.on('offline', (err) => events[name].push(`offline: ${err.message}`))
    node.on('announced', () => events[name].push('announced'))
    node.on('online', () => events[name].push('online'))
    nodes.push(node)
  }
  await until(() => nodes.every((n) => n.networkError !== null), 'both nodes to report the bootstrap down', undefined, 60_000)
  t.ok(events.alpha.some((e) => /^offline: no DHT bootstrap node answers \(127\.0\.0\.1:\d+\); trying again in \d+ s$/.test(e)), events.alpha[0])
  t.absent(nodes.some((n) => n.online), 'nobody is online')
  t.absent(events.alpha.includes('online'))

  // The bootstrap is back on the same port: no restart of the nodes needed.
  await new Promise<void>((resolve) => silent.close(() => resolve()))
  const dht = await startPrivateDht({ host: '127.0.0.1', port })
  t.teardown(() => dht.destroy(), { order: 60 })
  await until(() => nodes.every((n) => n.online), 'both nodes to reach each other', undefined, 120_000)
  for (const name of ['alpha', 'beta'] as const) {
    t.ok(events[name].includes('announced'), `${name} announced`)
    t.ok(events[name].indexOf('online') > 0, `${name} online after being offline: ${events[name].join(' | ')}`)
  }
  t.is(nodes[0].peers, 1)
  t.is(nodes[0].networkError, null)
})

test('bootstrap restart - a node alone on a reachable DHT is announced, not online', { timeout: 60_000 }, async (t) => {
  const dirs = await twoDataDirs(t)
  const dht = await startPrivateDht({ host: '127.0.0.1', port: 0 })
  t.teardown(() => dht.destroy(), { order: 60 })
  const node = await TallyNode.start({ dir: new DataDir(dirs.alpha), bootstrap: [{ host: '127.0.0.1', port: dht.port }], handler: async () => null })
  t.teardown(() => node.close(), { order: 5 })
  await until(() => node.announced, 'announced', undefined, 30_000)
  t.is(node.online, false, 'no peer reached')
  t.is(node.peers, 0)
})
