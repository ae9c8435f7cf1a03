/**
 * Decisions by the members on the reference ledger (the same applyBlock as Autobase apply):
 * protocol/SPEC.md §10-11, one situation a test, as tables where they fit.
 */
import test from 'brittle'
import { membersPolicy, stewardPolicy } from '../protocol/index.js'
import { RefLedger, code } from './helpers/reference.js'
import { T0, WINDOW, account, membersLedger, propose, proposal, tick, vote } from './helpers/governance.js'

test('governance - a ledger without a charter keeps the steward policy: direct admits, a steward proposal passes at once', async (t) => {
  const L = new RefLedger()
  const [a, b] = [L.person('alpha'), L.person('beta')]
  await L.genesis(a)
  t.is(code(await L.admit(a, b)), 'ok')
  const d = await L.run(a, { type: 'propose', proposal: { action: 'steward', account: account(b) } })
  t.is(d.record.decisions?.[0]?.status, 'passed')
  t.is(L.store.members.get(b.account)!.role, 'steward')
})

test('governance - a non-steward proposal under the steward policy waits for a steward', async (t) => {
  const L = new RefLedger()
  const [a, b, c] = [L.person('alpha'), L.person('beta'), L.person('gamma')]
  await L.genesis(a)
  await L.admit(a, b)
  await L.admit(a, c)
  const { id } = await propose(L, b, { action: 'limits', account: account(c), creditLimit: 500n, maxBalance: null })
  t.is(proposal(L, id).status, 'open')
  t.is(code(await vote(L, c, id, true)), 'ok')
  t.is(proposal(L, id).status, 'open', 'a member is no steward')
  const d = await vote(L, a, id, false)
  t.is(d.record.decisions?.[0]?.status, 'refused')
  t.is(L.store.members.get(c.account)!.creditLimit, 100n)
})

test('governance - a charter is accepted only directly after genesis', async (t) => {
  const L = new RefLedger()
  const [a, b] = [L.person('alpha'), L.person('beta')]
  await L.genesis(a)
  t.is(code(await L.run(a, { type: 'charter', policy: membersPolicy() })), 'ok')
  t.is(L.store.gov!.policy!.rules.admit.method, 'no-objection')
  t.is(code(await L.admit(a, b)), 'decided_by_members', 'the charter gave admits to the members')
  t.is(code(await L.run(a, { type: 'charter', policy: stewardPolicy() })), 'charter_late')
})

test('governance - members policy: direct admit, limits and suspend are refused (decided_by_members)', async (t) => {
  const { L, ms } = await membersLedger(['alpha', 'beta', 'gamma'])
  const [a, b] = ms
  const d = L.person('delta')
  t.is(code(await L.admit(a, d)), 'decided_by_members')
  t.is(code(await L.run(a, { type: 'set-limits', account: account(b), creditLimit: 1n, maxBalance: null })), 'decided_by_members')
  t.is(code(await L.run(a, { type: 'suspend', account: account(b) })), 'decided_by_members')
})

test('governance - majority: passes at the vote that makes more than half; votes change until then', async (t) => {
  const { L, ms } = await membersLedger(['alpha', 'beta', 'gamma', 'delta', 'eps'])
  const [a, b, c, d] = ms
  const { id } = await propose(L, a, { action: 'steward', account: account(b) })
  t.is(proposal(L, id).status, 'open')
  await vote(L, b, id, true)
  await vote(L, c, id, false)
  t.is(proposal(L, id).status, 'open', '2 yes 1 no of 5')
  await vote(L, c, id, true)
  t.is(proposal(L, id).status, 'passed', 'gamma changed its vote: 3 yes of 5')
  t.is(code(await vote(L, d, id, false)), 'proposal_closed')
  t.is(L.store.members.get(b.account)!.role, 'steward')
})

test('governance - majority: refused once no majority is possible; expired when the window passes', async (t) => {
  const { L, ms } = await membersLedger(['alpha', 'beta', 'gamma', 'delta'])
  const [a, b, c, d] = ms
  const one = await propose(L, a, { action: 'steward', account: account(b) })
  await vote(L, b, one.id, false)
  const last = await vote(L, c, one.id, false)
  t.is(last.record.decisions?.[0]?.status, 'refused', '2 no of 4: yes cannot be more than half')
  const two = await propose(L, a, { action: 'steward', account: account(c) })
  for (const m of [b, c, d]) await tick(L, m, T0 + 1)
  t.is(proposal(L, two.id).status, 'open')
  await tick(L, b, T0 + WINDOW + 1)
  t.is(proposal(L, two.id).status, 'open', 'one witness of 4')
  await tick(L, c, T0 + WINDOW + 1)
  t.is(proposal(L, two.id).status, 'open', 'two witnesses of 4 is not more than half')
  const closing = await tick(L, d, T0 + WINDOW + 2)
  t.is(closing.record.decisions?.[0]?.status, 'expired')
})

test('governance - no-objection: one objection refuses; the window passes only when a majority witnessed it', async (t) => {
  const { L, ms } = await membersLedger(['alpha', 'beta', 'gamma'])
  const [a, b, c] = ms
  const x = L.person('xeno')
  const refused = await propose(L, b, { action: 'admit', account: account(x), writer: x.writer, name: 'xeno', creditLimit: 10n, maxBalance: null })
  const o = await L.run(c, { type: 'object', proposal: Buffer.from(refused.id, 'hex'), memo: 'never met them', timestamp: T0 })
  t.is(o.record.decisions?.[0]?.status, 'refused')
  t.is(proposal(L, refused.id).votes[c.account].reason, 'never met them')
  const y = L.person('yara')
  const p = await propose(L, b, { action: 'admit', account: account(y), writer: y.writer, name: 'yara', creditLimit: 10n, maxBalance: null }, T0 + 5)
  // Beta alone runs its clock far ahead: one member cannot close the window.
  await tick(L, b, T0 + 100 * WINDOW)
  t.is(proposal(L, p.id).status, 'open')
  await tick(L, c, T0 + 10)
  await tick(L, c, T0 + 10 + WINDOW)
  const passed = proposal(L, p.id)
  t.is(passed.status, 'passed', 'beta and gamma (2 of 3) witnessed the window')
  t.is(L.store.members.get(y.account)!.status, 'active')
  t.is(L.store.writers.get(y.account as any) ?? L.store.writers.get(Buffer.from(y.writer).toString('hex') as any), y.account)
  t.ok(a)
})

test('governance - a suspended member does not vote, and its vote does not count', async (t) => {
  const { L, ms } = await membersLedger(['alpha', 'beta', 'gamma', 'delta'])
  const [a, b, c, d] = ms
  const s = await propose(L, a, { action: 'suspend', account: account(d) })
  await vote(L, b, s.id, true)
  await vote(L, c, s.id, true)
  t.is(proposal(L, s.id).status, 'passed')
  t.is(L.store.members.get(d.account)!.status, 'suspended')
  t.is(L.store.gov!.active, 3)
  const p = await propose(L, a, { action: 'steward', account: account(b) })
  t.is(code(await vote(L, d, p.id, true)), 'author_not_active')
  t.is(proposal(L, p.id).status, 'open')
  await vote(L, b, p.id, true)
  t.is(proposal(L, p.id).status, 'passed', '2 yes of 3 active')
})

test('governance - withdraw: only the proposer, only while open', async (t) => {
  const { L, ms } = await membersLedger(['alpha', 'beta', 'gamma'])
  const [a, b] = ms
  const p = await propose(L, a, { action: 'steward', account: account(b) })
  t.is(code(await L.run(b, { type: 'withdraw', proposal: Buffer.from(p.id, 'hex') })), 'not_proposer')
  const w = await L.run(a, { type: 'withdraw', proposal: Buffer.from(p.id, 'hex') })
  t.is(w.record.decisions?.[0]?.status, 'withdrawn')
  t.is(code(await vote(L, b, p.id, true)), 'proposal_closed')
  t.is(code(await L.run(a, { type: 'vote', proposal: Buffer.alloc(32, 9), yes: true })), 'unknown_proposal')
})

test('governance - indexer decisions ask Autobase to add or demote the writer; the last indexer stays', async (t) => {
  const { L, ms } = await membersLedger(['alpha', 'beta', 'gamma'])
  const [a, b, c] = ms
  const p = await propose(L, a, { action: 'indexer', account: account(b) })
  const d = await vote(L, c, p.id, true)
  t.alike(d.writers, [{ key: Buffer.from(b.writer).toString('hex'), indexer: true }])
  t.ok(L.store.gov!.indexers.includes(b.account))
  const u = await propose(L, b, { action: 'unindexer', account: account(b) })
  const e = await vote(L, c, u.id, true)
  t.alike(e.writers, [{ key: Buffer.from(b.writer).toString('hex'), indexer: false }])
  t.absent(L.store.gov!.indexers.includes(b.account))
})

test('governance - a passed proposal whose action no longer applies is void', async (t) => {
  const { L, ms } = await membersLedger(['alpha', 'beta', 'gamma'])
  const [a, b, c] = ms
  const x = L.person('xeno')
  const first = await propose(L, a, { action: 'admit', account: account(x), writer: x.writer, name: 'xeno', creditLimit: 10n, maxBalance: null })
  const second = await propose(L, b, { action: 'admit', account: account(x), writer: x.writer, name: 'xeno', creditLimit: 10n, maxBalance: null })
  for (const m of [a, b, c]) {
    await vote(L, m, first.id, true)
    await vote(L, m, second.id, true)
  }
  t.is(proposal(L, first.id).status, 'passed')
  t.is(proposal(L, second.id).status, 'open', 'xeno is now a member: 3 yes of 4')
  const d = await vote(L, x, second.id, true)
  t.is(d.record.decisions?.[0]?.status, 'void')
  t.ok(/already a member/.test(proposal(L, second.id).reason ?? ''))
})

test('governance - the rate limit of the policy rejects entries past it in an hour of the author clock', async (t) => {
  const { L, ms } = await membersLedger(['alpha', 'beta'], membersPolicy({ windowMs: WINDOW, ratePerHour: 3 }))
  const [a, b] = ms
  const codes = []
  for (let i = 0; i < 4; i++) codes.push(code(await L.run(b, { type: 'transfer', payee: account(a), amount: 1n, timestamp: T0 + i })))
  t.alike(codes, ['ok', 'ok', 'ok', 'rate_limited'])
  t.is(code(await L.run(b, { type: 'transfer', payee: account(a), amount: 1n, timestamp: T0 + 3_600_000 })), 'ok', 'a new hour')
})
