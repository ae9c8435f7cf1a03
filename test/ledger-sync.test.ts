/**
 * Ledgers on real corestores, replicated over piped streams: concurrent writers converge,
 * an offline member catches up, a malformed block is rejected everywhere, restarts keep everything.
 */
import test from 'brittle'
import fs from 'fs'
import os from 'os'
import path from 'path'
import b4a from 'b4a'
import { Ledger, LedgerError } from '../src/index.js'
import { generateKeyPair, sealEntry } from '../protocol/index.js'
import { addMember, connect, converge, createPeer, until, type Peer } from './helpers/index.js'

async function three(t: any): Promise<[Peer, Peer, Peer]> {
  const a = await createPeer(t, 'alpha', { creditLimit: 1000_00n })
  const b = await addMember(t, a, 'beta', { creditLimit: 1000_00n })
  const c = await addMember(t, a, 'gamma', { creditLimit: 1000_00n })
  connect(b.ledger, c.ledger)
  return [a, b, c]
}

async function balances(l: Ledger): Promise<Record<string, bigint>> {
  const out: Record<string, bigint> = {}
  for (const m of await l.members()) out[m.name] = m.balance
  return out
}

test('sync - three writers paying each other concurrently converge to one state', async (t) => {
  const [a, b, c] = await three(t)
  const names = ['alpha', 'beta', 'gamma']
  const peers = [a, b, c]
  const writes: Promise<unknown>[] = []
  for (let i = 0; i < 30; i++) {
    for (let p = 0; p < 3; p++) writes.push(peers[p].ledger.transfer(names[(p + 1 + (i % 2)) % 3], BigInt(100 + i * 7 + p)))
  }
  await Promise.all(writes)
  const hash = await converge(peers.map((p) => p.ledger))
  t.ok(hash, 'equal state hashes')
  const [ba, bb, bc] = await Promise.all(peers.map((p) => balances(p.ledger)))
  t.alike(ba, bb)
  t.alike(bb, bc)
  t.is(Object.values(ba).reduce((x, y) => x + y, 0n), 0n, 'zero-sum')
  const meta = await a.ledger.meta()
  t.is(meta!.entries, 3 + 90, 'genesis, two admits and 90 transfers')
  t.is(meta!.rejected, 0)
  t.ok(a.ledger.commitStats.batches < 30, `group commit: 30 transfers in ${a.ledger.commitStats.batches} appends`)
})

test('sync - a member offline for a while trades locally and catches up', async (t) => {
  const a = await createPeer(t, 'alpha')
  const store = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tally-off-')), 'store')
  t.teardown(() => fs.rmSync(path.dirname(store), { recursive: true, force: true }), { order: 100 })
  const identity = generateKeyPair()
  let b = await Ledger.open({ store, identity, key: a.ledger.key, encryptionKey: a.ledger.encryptionKey, ackIntervalMs: 50 })
  const cut = connect(a.ledger, b)
  await a.ledger.admit({ account: identity.publicKey, writer: b.writerKey, name: 'beta' })
  await until(async () => b.writable && (await b.self().catch(() => null)) !== null, 'beta admitted', () => b.update())
  cut()
  // Offline: both sides keep writing to their own logs.
  await b.transfer('alpha', 10_00n, { memo: 'offline 1' })
  await b.transfer('alpha', 5_00n, { memo: 'offline 2' })
  await a.ledger.transfer('beta', 1_00n)
  t.is((await b.balance()).balance, -15_00n, 'the offline node sees its own entries at once (pending)')
  t.is((await b.balance()).confirmed, 0n, 'but they are not confirmed')
  // Restart the offline node, then reconnect.
  await b.close()
  b = await Ledger.open({ store, identity, key: a.ledger.key, encryptionKey: a.ledger.encryptionKey, ackIntervalMs: 50 })
  t.teardown(() => b.close(), { order: 10 })
  // Cut at teardown, before the ledgers close.
  t.teardown(connect(a.ledger, b), { order: 5 })
  await converge([a.ledger, b])
  t.is((await a.ledger.balance()).balance, 14_00n)
  t.is((await b.balance()).balance, -14_00n)
  await until(async () => (await b.balance()).confirmed === -14_00n, 'confirmed', () => b.update())
  t.pass('confirmed after the indexer acked')
})

test('sync - a malformed or badly signed block from one writer is rejected on every peer; the others keep working', async (t) => {
  const [a, b, c] = await three(t)
  // beta runs a modified client: raw junk, a truncated entry, and a block signed with another key.
  await b.ledger.base.append(b4a.from('junk junk junk junk junk junk junk junk junk junk junk junk junk junk junk junk junk junk junk'))
  await b.ledger.base.append(b4a.alloc(3000, 7))
  await b.ledger.base.append(b4a.alloc(0))
  const forged = { version: 1, author: b.identity.publicKey, seq: 1000, timestamp: 1, memo: '', type: 'transfer' as const, payee: a.identity.publicKey, amount: 1n }
  await b.ledger.base.append(sealEntry(b.ledger.key, forged, generateKeyPair().secretKey).block)
  await a.ledger.transfer('gamma', 3_00n)
  await c.ledger.transfer('beta', 2_00n)
  const hash = await converge([a.ledger, b.ledger, c.ledger])
  t.ok(hash)
  for (const p of [a, b, c]) {
    const meta = await p.ledger.meta()
    t.is(meta!.rejected, 3, p.name + ' recorded the three bad blocks as rejected (the empty one is a no-op everywhere)')
  }
  t.is((await c.ledger.balance('alpha')).balance, -3_00n)
  t.is((await a.ledger.balance('beta')).balance, 2_00n)
  await b.ledger.transfer('alpha', 1_00n)
  await converge([a.ledger, b.ledger, c.ledger])
  t.is((await a.ledger.balance()).balance, -2_00n, 'beta can still trade honestly afterwards')
})

test('sync - restart: close and reopen from disk, everything is still there', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tally-restart-'))
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }), { order: 100 })
  const identity = generateKeyPair()
  const a = await Ledger.create({ store: dir, identity, name: 'R', unitCode: 'R', memberName: 'alpha', creditLimit: 100_00n, ackIntervalMs: 50 })
  const other = await createPeer(t, 'x')
  const b = await Ledger.open({ store: other.store, identity: generateKeyPair(), key: a.key, encryptionKey: a.encryptionKey, namespace: 'second', ackIntervalMs: 50 })
  t.teardown(() => b.close(), { order: 9 })
  connect(a, b)
  await a.admit({ account: b.identity.publicKey, writer: b.writerKey, name: 'beta' })
  await a.transfer('beta', 12_34n, { memo: 'before restart' })
  const inv = await a.invoice('beta', 1_00n)
  const before = { hash: await a.stateHash(), key: b4a.toString(a.key, 'hex'), history: await a.history() }
  await converge([a, b])
  await a.close()

  const again = await Ledger.open({ store: dir, identity, key: b4a.from(before.key, 'hex'), ackIntervalMs: 50 })
  t.teardown(() => again.close(), { order: 10 })
  t.is(await again.stateHash(), before.hash)
  t.is((await again.balance()).balance, -12_34n)
  t.alike((await again.history()).map((h) => h.id), before.history.map((h) => h.id))
  t.is((await again.invoices({ status: 'pending' }))[0].id, inv.id)
  await again.transfer('beta', 1n)
  t.is((await again.balance()).balance, -12_35n, 'writes still work after the restart')
  const err = await again.transfer('beta', 1000_00n).then(() => null, (e: unknown) => e)
  t.ok(err instanceof LedgerError && err.reject === 'over_credit_limit' && err.available === 87_65n, 'an overspend is refused with what is available')
})
