/**
 * Invites in the ledger (protocol/SPEC.md §10, "Invites"), on the reference ledger: who may record
 * one, the first admit proposal citing it uses it (a second is `invite_used`), an uninvite
 * withdraws it, and an admit citing an expired, unknown or withdrawn invite is refused.
 */
import test from 'brittle'
import b4a from 'b4a'
import { stewardPolicy } from '../protocol/index.js'
import { RefLedger, code } from './helpers/reference.js'
import { T0, account, membersLedger, propose, proposal } from './helpers/governance.js'

const ID = b4a.alloc(32, 0x1e)
const KEY = b4a.alloc(32, 0x1b)

test('ledger invites - recorded by any member where the members admit; the first admit citing it uses it, a second is invite_used', async (t) => {
  const { L, ms } = await membersLedger(['alpha', 'beta', 'gamma'])
  const [, b, c] = ms
  const rec = await L.run(b, { type: 'invite', invite: ID, publicKey: KEY, expires: T0 + 60_000, creditLimit: 300n, timestamp: T0 })
  t.is(code(rec), 'ok', 'beta, not a steward, records an invite')
  t.is(code(await L.run(c, { type: 'invite', invite: ID, publicKey: KEY, expires: 0, creditLimit: null, timestamp: T0 })), 'invite_exists', 'one record per invite id')
  const inv = L.store.invites.get(b4a.toString(ID, 'hex') as any)!
  t.is(inv.status, 'open')
  t.is(inv.issuer, b.account)
  const x = L.person('xeno')
  const admit = { action: 'admit' as const, account: account(x), writer: x.writer, name: 'xeno', creditLimit: 300n, maxBalance: null, invite: ID }
  // Two member nodes answer the same request at once: the first proposal in log order uses the invite.
  const first = await propose(L, c, admit, T0 + 1000)
  t.is(code(first.d), 'ok')
  t.is(proposal(L, first.id).action.action, 'admit')
  t.is((proposal(L, first.id).action as any).invite, b4a.toString(ID, 'hex'), 'the proposal cites the invite')
  const second = await propose(L, b, admit, T0 + 1000)
  t.is(code(second.d), 'invite_used', 'the second is refused: one proposal per invite')
  t.is(L.store.invites.get(b4a.toString(ID, 'hex') as any)!.proposal, first.id)
  t.is(code(await L.run(b, { type: 'uninvite', invite: ID, timestamp: T0 })), 'invite_used', 'a used invite cannot be withdrawn')
})

test('ledger invites - refused: unknown, withdrawn, expired by the proposer\'s clock; uninvite by its issuer or a steward only', async (t) => {
  const { L, ms } = await membersLedger(['alpha', 'beta', 'gamma'])
  const [a, b, c] = ms
  const x = L.person('xeno')
  const admit = (invite: Uint8Array) => ({ action: 'admit' as const, account: account(x), writer: x.writer, name: 'xeno', creditLimit: 0n, maxBalance: null, invite })
  t.is(code((await propose(L, b, admit(ID), T0)).d), 'unknown_invite')
  await L.run(b, { type: 'invite', invite: ID, publicKey: KEY, expires: T0 + 60_000, creditLimit: null, timestamp: T0 })
  t.is(code((await propose(L, c, admit(ID), T0 + 60_001)).d), 'invite_expired', 'past its expiry on the proposer\'s clock')
  t.is(code(await L.run(c, { type: 'uninvite', invite: ID, timestamp: T0 })), 'not_inviter', 'gamma neither issued it nor is a steward')
  t.is(code(await L.run(a, { type: 'uninvite', invite: ID, timestamp: T0 })), 'ok', 'a steward withdraws it')
  t.is(code((await propose(L, b, admit(ID), T0)).d), 'invite_withdrawn')
  t.is(code(await L.run(b, { type: 'uninvite', invite: ID, timestamp: T0 })), 'invite_withdrawn', 'once')
})

test('ledger invites - under the steward policy only a steward records one', async (t) => {
  const L = new RefLedger()
  const [a, b] = [L.person('alpha'), L.person('beta')]
  await L.genesis(a)
  await L.admit(a, b)
  t.is(stewardPolicy().rules.admit.method, 'steward')
  t.is(code(await L.run(b, { type: 'invite', invite: ID, publicKey: KEY, expires: 0, creditLimit: null, timestamp: T0 })), 'not_steward')
  t.is(code(await L.run(a, { type: 'invite', invite: ID, publicKey: KEY, expires: 0, creditLimit: null, timestamp: T0 })), 'ok')
})
