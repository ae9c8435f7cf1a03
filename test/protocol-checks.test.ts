/**
 * The small checks protocol/ exports for clients' early errors (is this amount valid, is this name
 * valid, what is available, may this member admit) give what the rules decide. Pure: no ledger.
 */
import test from 'brittle'
import { amountProblem, available, checkName, mayAdmit, membersPolicy, stewardPolicy, AMOUNT_MAX, NAME_BYTES_MAX, type Member } from '../protocol/index.js'

function member(over: Partial<Member> = {}): Member {
  return { account: 'a'.repeat(64), name: 'alpha', writer: 'b'.repeat(64), role: 'member', status: 'active', creditLimit: 100n, maxBalance: null, balance: 0n, entries: 1, lastSeq: 1, ...over } as Member
}

test('checks - amountProblem gives the rules\' codes at the bounds', async (t) => {
  t.is(amountProblem(0n), 'amount_not_positive')
  t.is(amountProblem(-1n), 'amount_not_positive')
  t.is(amountProblem(1n), null)
  t.is(amountProblem(AMOUNT_MAX), null)
  t.is(amountProblem(AMOUNT_MAX + 1n), 'amount_too_large')
})

test('checks - available is credit limit plus balance, never below zero', async (t) => {
  t.is(available(member({ creditLimit: 100n, balance: -30n })), 70n)
  t.is(available(member({ creditLimit: 100n, balance: 50n })), 150n)
  t.is(available(member({ creditLimit: 10n, balance: -30n })), 0n, 'over the limit (a lowered limit): nothing, not a negative amount')
})

test('checks - checkName refuses a name over NAME_BYTES_MAX bytes of UTF-8 (too_long)', async (t) => {
  t.ok(checkName('x'.repeat(NAME_BYTES_MAX)).ok)
  const long = checkName('x'.repeat(NAME_BYTES_MAX + 1))
  t.is(long.ok ? null : long.problem, 'too_long')
  // 22 three-byte letters are 66 bytes though only 22 characters.
  const wide = checkName('協'.repeat(22))
  t.is(wide.ok ? null : wide.problem, 'too_long')
  t.ok(checkName('協'.repeat(21)).ok, '63 bytes')
})

test('checks - mayAdmit: a steward admits under the steward policy, any active member proposes under the members\'', async (t) => {
  t.alike(mayAdmit(member({ role: 'steward' }), stewardPolicy()), { ok: true, entry: 'admit' })
  const plain = mayAdmit(member(), stewardPolicy())
  t.is(plain.ok ? null : plain.code, 'not_steward')
  const suspended = mayAdmit(member({ role: 'steward', status: 'suspended' }), stewardPolicy())
  t.is(suspended.ok ? null : suspended.code, 'author_not_active', 'a suspended steward could never have its admit applied')
  t.alike(mayAdmit(member(), membersPolicy()), { ok: true, entry: 'propose' })
  const left = mayAdmit(member({ status: 'left' }), membersPolicy())
  t.is(left.ok ? null : left.code, 'author_not_active')
})
