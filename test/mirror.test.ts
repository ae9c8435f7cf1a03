/**
 * Mirrors (blind peers): an always-on node that keeps a ledger's encrypted cores without its key.
 * What one member wrote reaches another member after the writer's node went off, through the mirror
 * alone; the mirror never holds the ledger's encryption key.
 */
import test from 'brittle'
import fs from 'fs'
import path from 'path'
import createTestnet from 'hyperdht/testnet.js'
import { Mirror, Replicator, mirrorKey } from '../src/index.js'
import { createPeer, failsWith, openPeer, tmpdir, until } from './helpers/index.js'

test('mirror - a payment reaches a member whose node was off while the payer\'s node is off too', { timeout: 180_000 }, async (t) => {
  const testnet = await createTestnet(3)
  t.teardown(() => testnet.destroy(), { order: 60 })
  const mirror = await Mirror.start({ dir: tmpdir(t), dht: testnet.createNode() })
  t.teardown(() => mirror.close(), { order: 5 })
  const mirrors = [mirror.key]

  const a = await createPeer(t, 'alpha')
  const b = await openPeer(t, a.ledger, 'beta')
  const ra = new Replicator(a.ledger, { dht: testnet.createNode(), mirrors })
  t.teardown(() => ra.close(), { order: 0 })
  await ra.join()
  let rb = new Replicator(b.ledger, { dht: testnet.createNode(), mirrors })
  await rb.join()
  await rb.waitForPeers(1, 60_000)
  await a.ledger.admit({ account: b.identity.publicKey, writer: b.ledger.writerKey, name: 'beta' })
  await until(async () => b.ledger.writable && (await b.ledger.self().catch(() => null)) !== null, 'beta admitted', () => b.ledger.update(), 60_000)

  // Beta's node goes off; alpha pays it, and its node goes off once the mirror holds the payment.
  await rb.close()
  const receipt = await a.ledger.transfer('beta', 7_00n, { memo: 'while you were away' })
  const alphaCore = a.ledger.writerKey
  const length = a.ledger.base.local.length
  await until(async () => (await mirror.holds(alphaCore)) >= length, `the mirror holds alpha's ${length} blocks`, undefined, 90_000)
  await ra.close()

  // Beta's node comes back: no member's node is on, only the mirror.
  rb = new Replicator(b.ledger, { dht: testnet.createNode(), mirrors })
  t.teardown(() => rb.close(), { order: 0 })
  await rb.join()
  await until(async () => (await b.ledger.balance('beta')).balance === 7_00n, 'beta sees the payment', () => b.ledger.nextUpdate(500), 90_000)
  t.is(rb.peers, 0, 'no member\'s node was reached: the payment came from the mirror')
  const seen = await b.ledger.entry(receipt.id)
  t.ok(seen, 'beta has the entry alpha wrote')

  // What the mirror stores is what the writer signed, encrypted: the memo is nowhere in it.
  const stored = (mirror as any).peer.store.get({ key: alphaCore, active: false })
  await stored.ready()
  let plain = 0
  for (let i = 0; i < stored.length; i++) {
    const block: Buffer = await stored.get(i, { wait: false, raw: true })
    if (block && block.includes(Buffer.from('while you were away'))) plain++
  }
  await stored.close()
  t.is(plain, 0, 'no block the mirror holds shows the memo in clear')
  t.comment(`mirror stats: ${JSON.stringify(mirror.stats)}`)
})

test('mirror - its key survives a restart; a damaged seed is STORAGE; no bootstrap answering is DHT_UNREACHABLE', { timeout: 120_000 }, async (t) => {
  const testnet = await createTestnet(3)
  t.teardown(() => testnet.destroy(), { order: 60 })
  const dir = tmpdir(t)
  const first = await Mirror.start({ dir, dht: testnet.createNode() })
  const key = Buffer.from(first.key).toString('hex')
  await first.close()
  const again = await Mirror.start({ dir, dht: testnet.createNode() })
  t.is(Buffer.from(again.key).toString('hex'), key, 'the same key after a restart')
  await again.close()

  fs.writeFileSync(path.join(dir, 'mirror-seed'), 'short')
  await failsWith(t, Mirror.start({ dir, dht: testnet.createNode() }), 'STORAGE', /mirror seed is 32 bytes/)
  t.is(fs.readFileSync(path.join(dir, 'mirror-seed'), 'utf8'), 'short', 'the damaged seed is left for its owner to look at, not replaced')

  await failsWith(t, Mirror.start({ dir: tmpdir(t), bootstrap: [{ host: '127.0.0.1', port: 9 }] }), 'DHT_UNREACHABLE', /127\.0\.0\.1:9/)
})

test('mirror - mirrorKey takes 64 hex digits or 32 bytes and refuses the rest with BAD_INPUT', async (t) => {
  const hex = 'ab'.repeat(32)
  t.is(Buffer.from(mirrorKey(hex)).toString('hex'), hex)
  t.is(mirrorKey(Buffer.alloc(32, 1)).length, 32)
  for (const bad of ['', 'ab'.repeat(31), 'zz'.repeat(32), hex + '00']) {
    try {
      mirrorKey(bad)
      t.fail(`${JSON.stringify(bad)} accepted`)
    } catch (err: any) {
      t.is(err.code, 'BAD_INPUT', `${JSON.stringify(bad.slice(0, 12))}: BAD_INPUT`)
    }
  }
})
