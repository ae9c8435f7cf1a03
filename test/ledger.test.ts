import test from 'brittle'
import { LedgerError } from '../src/index.js'
import { addMember, connect, converge, createPeer } from './helpers/index.js'

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
