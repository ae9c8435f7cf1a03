import test from 'brittle'
import { Ledger, LedgerError } from '../src/index.js'
import { generateKeyPair } from '../protocol/index.js'
import { audit } from '../src/audit/index.js'
import { addMember, connect, converge, createPeer, tmpdir } from './helpers/index.js'

test('ledger - create writes genesis and the creator is a steward with a zero balance', async (t) => {
  const a = await createPeer(t, 'alpha')
  const meta = await a.ledger.meta()
  t.is(meta?.name, 'Test Exchange')
  t.is(meta?.unitCode, 'CTC')
  t.is(meta?.entries, 1)
  const bal = await a.ledger.balance()
  t.is(bal.name, 'alpha')
  t.is(bal.role, 'steward')
  t.is(bal.balance, 0n)
  t.is(bal.creditLimit, 100_00n)
})

test('ledger - two members trade and converge over a piped stream', async (t) => {
  const a = await createPeer(t, 'alpha')
  const b = await addMember(t, a, 'beta')
  await a.ledger.transfer('beta', 25_00n, { memo: 'design' })
  await b.ledger.transfer('alpha', 5_00n)
  const hash = await converge([a.ledger, b.ledger])
  t.ok(hash)
  t.is((await a.ledger.balance('beta')).balance, 20_00n)
  t.is((await b.ledger.balance('alpha')).balance, -20_00n)
  try {
    await b.ledger.transfer('alpha', 200_00n)
    t.fail('overspend went through')
  } catch (err) {
    t.ok(err instanceof LedgerError)
    t.is((err as LedgerError).reject, 'over_credit_limit')
    t.is((err as LedgerError).available, 120_00n)
  }
  void connect
})

test('ledger - history spans several history chunks, newest first, and the auditor agrees with the view', async (t) => {
  const a = await createPeer(t, 'alpha', { creditLimit: 1_000_000n })
  const b = await addMember(t, a, 'beta')
  // 150 payments in flight at once: group commit puts many in one apply, filling chunks across applies.
  const paid = await Promise.all(Array.from({ length: 150 }, (_, i) => a.ledger.transfer('beta', BigInt(i + 1), { memo: `#${i}` })))
  await b.ledger.transfer('alpha', 7n, { memo: 'back' })
  await converge([a.ledger, b.ledger])
  const hist = await a.ledger.history('beta', { limit: 200 })
  // beta: admitted (1), 150 receipts, 1 payment = 152 entries naming it, newest first.
  t.is(hist.length, 152)
  t.is(hist[0].memo, 'back')
  t.alike(hist.slice(1, 151).map((h) => h.id).sort(), paid.map((r) => r.id).sort(), 'every receipt, once')
  t.is(hist[151].type, 'admit')
  t.ok(hist.every((h, i) => i === 0 || h.index < hist[i - 1].index), 'strictly newest first')
  t.is((await a.ledger.history('beta', { limit: 70 })).length, 70, 'limit crosses a chunk boundary')
  // The log is kept 64 records to a key: reads from any position, across keys.
  const part: number[] = []
  for await (const rec of a.ledger.log({ start: 60, limit: 10 })) part.push(rec.index)
  t.alike(part, [60, 61, 62, 63, 64, 65, 66, 67, 68, 69])
  t.is((await a.ledger.entryAt(64))?.index, 64)
  t.is(await a.ledger.entryAt(100_000), null)
  let all = 0
  for await (const rec of a.ledger.log()) if (rec.index !== all++) t.fail('log out of order at ' + rec.index)
  t.is(all, (await a.ledger.meta())!.entries)
  const report = await audit(a.ledger)
  t.is(report.findings.length, 0, report.findings.map((f) => f.detail).join('; '))
})

test('ledger - seqs keep growing after a restart when many entries went out in one bundle', async (t) => {
  const dir = tmpdir(t)
  const identity = generateKeyPair()
  const first = await Ledger.create({ store: dir, identity, name: 'Restart', unitCode: 'CTC', memberName: 'alpha', creditLimit: 1_000_00n, ackIntervalMs: 50 })
  await first.admit({ account: generateKeyPair().publicKey, writer: generateKeyPair().publicKey, name: 'beta' })
  await Promise.all(Array.from({ length: 100 }, (_, i) => first.transfer('beta', BigInt(i + 1))))
  const blocks = first.base.local.length
  t.ok(blocks < 20, `100 payments took ${blocks} blocks of the writer core, not 100`)
  await first.close()
  const again = await Ledger.open({ store: dir, identity, key: first.key, encryptionKey: first.encryptionKey, ackIntervalMs: 50 })
  t.teardown(() => again.close(), { order: 10 })
  // Read from the local core at open, before any view read: the core holds 100 entries in a few blocks.
  t.is((again as unknown as { life: { writer: { nextSeq: number } } }).life.writer.nextSeq, (await again.self()).lastSeq + 1, 'the next seq follows the last one in the local core')
  const receipt = await again.transfer('beta', 1n, { memo: 'after the restart' })
  t.is(receipt.record.status, 'applied', 'not a duplicate_entry: its seq is past every seq in the bundle')
  t.is((await again.self()).lastSeq, receipt.record.seq)
  t.ok(receipt.record.seq > 100)
})

test('ledger - an identity whose secret key does not match its public key is refused before anything is written', async (t) => {
  const a = generateKeyPair()
  const b = generateKeyPair()
  try {
    await Ledger.create({ store: tmpdir(t), identity: { publicKey: a.publicKey, secretKey: b.secretKey }, name: 'X', unitCode: 'CTC', memberName: 'alpha' })
    t.fail('a mismatched key pair was accepted')
  } catch (err) {
    t.ok(err instanceof LedgerError && err.code === 'BAD_INPUT', String(err))
    t.ok(/secret key does not belong to its public key/.test((err as Error).message))
  }
})

test('ledger - nextUpdate resolves at the next change of the view, or when its time is up', async (t) => {
  const a = await createPeer(t, 'alpha')
  await addMember(t, a, 'beta')
  let woke = false
  const waiting = a.ledger.nextUpdate(60_000).then(() => (woke = true))
  await a.ledger.transfer('beta', 1_00n)
  await waiting
  t.ok(woke, 'woken by the write, long before its 60 s were up')
  const quiet = await Promise.race([a.ledger.nextUpdate(20).then(() => 'timer'), new Promise((r) => setTimeout(() => r('stuck'), 5_000))])
  t.is(quiet, 'timer', 'with nothing changing, it returns after its time')
})
