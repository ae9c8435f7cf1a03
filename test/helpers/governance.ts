/** Helpers for governance tests on the reference ledger: a ledger of N members under a members policy. */
import b4a from 'b4a'
import { toHex, type Decided } from '../../src/index.js'
import { membersPolicy } from '../../protocol/index.js'
import type { Hex, Policy, Proposal, ProposalAction } from '../../protocol/index.js'
import { RefLedger, type RefMember } from './reference.js'

export const T0 = 1_800_000_000_000
export const WINDOW = 10_000

/**
 * Alpha creates a steward ledger, admits the others directly, then (as steward) passes a
 * members policy with a WINDOW-long window: the way a 0.1 ledger moves to member decisions.
 */
export async function membersLedger(names: string[], policy: Policy = membersPolicy({ windowMs: WINDOW })): Promise<{ L: RefLedger; ms: RefMember[] }> {
  const L = new RefLedger()
  const ms = names.map((n) => L.person(n))
  await L.genesis(ms[0])
  for (const m of ms.slice(1)) await L.admit(ms[0], m)
  const d = await L.run(ms[0], { type: 'propose', proposal: { action: 'policy', policy }, timestamp: T0 })
  if (!d.outcome.ok || d.record.decisions?.[0]?.status !== 'passed') throw new Error('policy did not pass: ' + JSON.stringify(d.record))
  return { L, ms }
}

export async function propose(L: RefLedger, who: RefMember, proposal: ProposalAction, timestamp = T0): Promise<{ d: Decided; id: Hex }> {
  const d = await L.run(who, { type: 'propose', proposal, timestamp })
  return { d, id: d.id }
}

export function vote(L: RefLedger, who: RefMember, id: Hex, yes: boolean, timestamp = T0): Promise<Decided> {
  return L.run(who, { type: 'vote', proposal: b4a.from(id, 'hex'), yes, timestamp })
}

export function tick(L: RefLedger, who: RefMember, timestamp: number): Promise<Decided> {
  return L.run(who, { type: 'tick', timestamp })
}

export function proposal(L: RefLedger, id: Hex): Proposal {
  const p = L.store.proposals.get(id)
  if (!p) throw new Error('no proposal ' + id)
  return p
}

export function account(m: RefMember): Uint8Array {
  return b4a.from(m.account, 'hex')
}

export { toHex }
