/**
 * The bridge half `tally up` runs (src/node/bridge-half.ts), on real ledgers on disk, without the
 * sibling node: what it does when it has no dir recorded for a ledger (refuses at once, with the
 * reason in the release's memo), and when the dir's node is not running (says so once, leaves the
 * hold for its payer to take back once its period passed). The full flow with both nodes up is
 * test/federation-e2e.test.ts.
 */
import test from 'brittle'
import b4a from 'b4a'
import { toHex, type Hex } from '../protocol/index.js'
import { LedgerError, generateKeyPair } from '../src/index.js'
import { BridgeHalf } from '../src/node/bridge-half.js'
import { DataDir } from '../src/node/data-dir.js'
import { readSiblings, recordSibling } from '../src/node/siblings.js'
import { addMember, createPeer, tmpdir, until } from './helpers/index.js'

const OTHER = b4a.alloc(32, 0x0b)

async function world(t: any) {
  const bridge = await createPeer(t, 'bridge', { creditLimit: 1000_00n })
  const payer = await addMember(t, bridge, 'payer', { creditLimit: 1000_00n })
  await bridge.ledger.link(OTHER, { name: 'Other', capacity: 500_00n })
  await until(async () => (await payer.ledger.links()).length === 1, 'the payer sees the link', () => payer.ledger.update())
  return { bridge, payer }
}

test('bridge half - no dir recorded for the other ledger: the hold is refused at once, and the release says why', { timeout: 120_000 }, async (t) => {
  const { bridge, payer } = await world(t)
  const dir = new DataDir(tmpdir(t))
  const half = new BridgeHalf(bridge.ledger, dir)
  t.teardown(() => half.stop(), { order: 0 })
  const steps: string[] = []
  half.on('carry', (ev) => steps.push(`${ev.what}: ${ev.reason}`))
  half.start()
  const { receipt } = await payer.ledger.payAcross({ bridge: bridge.identity.publicKey, ledger: OTHER, payee: generateKeyPair().publicKey, amount: 10_00n, expiresMs: 600_000 })
  await until(async () => (await payer.ledger.getHold(receipt.id)).status === 'released', 'the hold is released', () => payer.ledger.update(), 60_000)
  const h = await payer.ledger.getHold(receipt.id)
  const release = (await payer.ledger.history(undefined, { limit: 5 })).find((e) => e.id === h.closedBy)
  t.ok(release && /^refused by the bridge: its node has no data dir recorded/.test(release.memo), `the memo says why: ${release?.memo}`)
  t.is((await payer.ledger.balance()).balance, 0n, 'the payer has its amount back')
  t.alike(steps.map((s) => s.split(':')[0]), ['refused'])
})

test('bridge half - the sibling node is not running: it says so once and leaves the hold held', { timeout: 120_000 }, async (t) => {
  const { bridge, payer } = await world(t)
  const dir = new DataDir(tmpdir(t))
  const sibling = new DataDir(tmpdir(t))
  await recordSibling(dir, toHex(OTHER) as Hex, sibling.root)
  t.alike([...(await readSiblings(dir))], [[toHex(OTHER), sibling.root]], 'siblings.json records the dir by ledger key')
  const half = new BridgeHalf(bridge.ledger, dir, { pollMs: 100 })
  t.teardown(() => half.stop(), { order: 0 })
  const downs: string[] = []
  half.on('down', (key, err) => downs.push(`${key}: ${err.message}`))
  half.start()
  const { receipt } = await payer.ledger.payAcross({ bridge: bridge.identity.publicKey, ledger: OTHER, payee: generateKeyPair().publicKey, amount: 10_00n, expiresMs: 600_000 })
  await until(() => downs.length > 0, 'the half says the sibling does not answer', () => bridge.ledger.update(), 60_000)
  await new Promise((r) => setTimeout(r, 1000)) // ten more polls
  t.is(downs.length, 1, 'said once')
  t.ok(/not running/.test(downs[0]), downs[0])
  t.is((await bridge.ledger.getHold(receipt.id)).status, 'held', 'nothing refused or released: the sibling may come back in time')
  t.is(half.lastError, null)
})

test('bridge half - a payee key that is not an account key is bad input, and nothing is held', { timeout: 120_000 }, async (t) => {
  const { bridge, payer } = await world(t)
  try {
    await payer.ledger.payAcross({ bridge: bridge.identity.publicKey, ledger: OTHER, payee: b4a.alloc(32, 0x0c), amount: 10_00n, expiresMs: 600_000 })
    t.fail('paid a key that is not a point')
  } catch (err) {
    t.is((err as LedgerError).code, 'BAD_INPUT', (err as Error).message)
  }
  t.alike(await payer.ledger.holds(), [], 'nothing held')
})

test('bridge half - lateness: what is left of the period must hold the outgoing period and half of it again', async (t) => {
  const { lateness } = await import('../src/federation-carry.js')
  const h = { time: 1_000_000, expiresMs: 60_000, witnesses: {} } as any
  t.is(lateness(h, 30_000, 1_000_000), null, 'seen at once: carried')
  t.is(lateness(h, 30_000, 1_000_000 - 5_000), null, "the payer's clock ahead of the bridge's: carried")
  t.ok(lateness(h, 30_000, 1_000_000 + 16_000)?.startsWith('late: 44 s'), '16 s in, 44 s left < 45 s needed: refused')
  t.is(lateness(h, 30_000, 1_000_000 + 15_000), null, '15 s in, 45 s left: carried')
  t.ok(lateness({ ...h, witnesses: { a: { from: 0, passed: true } } }, 30_000, 1_000_000)?.includes('already witnessed'), 'a member witnessed the whole period: refused')
})
