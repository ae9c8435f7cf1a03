/** The governance commands as plain functions (no argv): propose, proposals, vote, object, withdraw, policy, limits. */
import test from 'brittle'
import { propose } from '../cli/commands/propose.js'
import { proposals } from '../cli/commands/proposals.js'
import { ballot } from '../cli/commands/ballot.js'
import { policy } from '../cli/commands/policy.js'
import { limits } from '../cli/commands/limits.js'
import { invite } from '../cli/commands/invite.js'
import { uninvite } from '../cli/commands/uninvite.js'
import { ledgerInvite } from '../src/network/member-admission.js'

import { audit, exportReport } from '../src/index.js'

import { addMember, connect, converge, createPeer, until } from './helpers/index.js'
import { contextOf, refused } from './helpers/context.js'

test('cli governance - move to member decisions, propose, vote, object, withdraw, list; the audit lists the decisions', { timeout: 180_000 }, async (t) => {
  const a = await createPeer(t, 'alpha')
  const b = await addMember(t, a, 'beta')
  const c = await addMember(t, a, 'gamma')
  t.teardown(connect(b.ledger, c.ledger), { order: 5 })
  const [ca, cb, cc] = await Promise.all([contextOf(t, a), contextOf(t, b), contextOf(t, c)])

  t.is((await policy(ca)).stewardDefault, true, 'a ledger created without --decisions has the steward policy')
  await refused(t, () => propose(ca, { action: 'vote' }), 'BAD_INPUT', /propose what\?/)
  await refused(t, () => propose(ca, { action: 'policy', decisions: 'everyone' }), 'BAD_INPUT', /--decisions must be members or steward/)
  const moved = await propose(ca, { action: 'policy', decisions: 'members', window: '2s' })
  t.is(moved.proposal.status, 'passed', "a steward's proposal passes at once under the steward policy")
  const pol = await policy(ca)
  t.is(pol.policy.rules.admit.method, 'no-objection')
  t.is(pol.policy.rules.admit.windowMs, 2000)
  await converge([a.ledger, b.ledger, c.ledger])

  // limits now proposes; the members pass it when the window has passed on their clocks.
  const lim = await limits(cb, { member: 'gamma', creditLimit: '300' })
  t.is(lim.proposed, true)
  const st = await propose(cb, { action: 'steward', target: 'gamma', reason: 'runs the books' })
  t.is(st.proposal.method, 'majority')
  await until(async () => (await c.ledger.proposal(st.id).catch(() => null)) !== null, 'gamma sees it', () => c.ledger.update())
  await refused(t, () => ballot(cc, 'vote', { id: st.id, choice: 'maybe' }), 'BAD_INPUT', /vote yes or no/)
  const voted = await ballot(cc, 'vote', { id: st.id.slice(0, 10), choice: 'yes' })
  t.is(voted.proposal.status, 'passed', '2 yes of 3')
  await refused(t, () => ballot(cc, 'vote', { id: st.id, choice: 'no' }), 'REJECTED', /already passed/)

  const sus = await propose(cc, { action: 'suspend', target: 'alpha', reason: 'test' })
  await until(async () => (await b.ledger.proposal(sus.id).catch(() => null)) !== null, 'beta sees it', () => b.ledger.update())
  await refused(t, () => ballot(cb, 'withdraw', { id: sus.id }), 'REJECTED', /did not propose/)
  t.is((await ballot(cc, 'withdraw', { id: sus.id })).proposal.status, 'withdrawn')

  const open = await proposals(ca, {})
  const all = await proposals(ca, { all: true })
  t.ok(all.proposals.length >= 4, 'with --all the decided ones too')
  t.ok(open.proposals.every((p) => p.status === 'open'))
  await until(async () => (await b.ledger.proposal(lim.id)).status !== 'open', 'limits decided', () => b.ledger.update(), 60_000)
  t.is((await b.ledger.proposal(lim.id)).status, 'passed')
  // Beta's node decided it; alpha's may not have applied that position yet (a busy machine).
  await converge([a.ledger, b.ledger, c.ledger])
  t.is((await a.ledger.balance('gamma')).creditLimit, 300_00n, "the new limit on alpha's node too")

  const report = await audit(b.ledger)
  t.is(report.ok, true, 'the auditor replays every decision and agrees with the view')
  t.ok(report.policy !== null)
  const made = report.decisions.map((d) => `${d.action} ${d.status}`)
  for (const d of ['policy passed', 'steward passed', 'suspend withdrawn', 'limits passed']) t.ok(made.includes(d), 'the report lists ' + d)
  const exported = JSON.parse(exportReport(report, 'json'))
  t.ok(exported.proposals.length >= 4, 'the JSON export carries the proposals')
  t.ok(exported.proposals.some((p: any) => Object.keys(p.votes).length >= 2), 'with their votes')
  t.ok(exported.entries.some((e: any) => e.decisions.length > 0), 'and the entries where decisions fell')
})

test('cli governance - a member invites where the members decide; the invite is in the ledger; uninvite withdraws it', { timeout: 120_000 }, async (t) => {
  const a = await createPeer(t, 'alpha')
  const b = await addMember(t, a, 'beta')
  t.teardown(connect(a.ledger, b.ledger), { order: 5 })
  const [ca, cb] = await Promise.all([contextOf(t, a), contextOf(t, b)])
  await refused(t, () => invite(cb, {}), 'REJECTED', /only stewards can invite/)
  await propose(ca, { action: 'policy', decisions: 'members', window: '1h' })
  await converge([a.ledger, b.ledger])
  const issued = await invite(cb, { expires: '2h' })
  t.is(issued.inLedger, true, "beta's invite is recorded in the ledger")
  await converge([a.ledger, b.ledger])
  t.is((await ledgerInvite(a.ledger.view, issued.invite))?.status, 'open', "alpha's node has it: it would answer the code")
  await refused(t, () => uninvite(cb, { id: 'zz' }), 'BAD_INPUT', /8 to 64 hex/)
  await refused(t, () => uninvite(cb, { id: 'ffffffff' }), 'UNKNOWN_INVITE', /no invite ffffffff/)
  const done = await uninvite(cb, { id: issued.invite.slice(0, 8) })
  t.is(done.invite, issued.invite)
  t.is((await ledgerInvite(b.ledger.view, issued.invite))?.status, 'withdrawn')
  await refused(t, () => uninvite(cb, { id: issued.invite }), 'REJECTED', /withdrawn/)
})
