/**
 * Property tests (fast-check, fixed seeds) of decisions (protocol/SPEC.md §10-11):
 * deterministic under any causal reordering, no member decides alone what the policy gives the
 * members, one vote per member per proposal, suspended members do not vote.
 */
import test from 'brittle'
import fc from 'fast-check'
import b4a from 'b4a'
import { membersPolicy, type DecisionMethod, type Policy } from '../protocol/index.js'
import { T0, WINDOW, account, membersLedger, proposal } from './helpers/governance.js'
import type { RefMember } from './helpers/reference.js'

const SEED = 20261130
const NAMES = ['alpha', 'beta', 'gamma', 'delta', 'eps']

function policyWith(method: DecisionMethod): Policy {
  const p = membersPolicy({ windowMs: WINDOW })
  for (const k of Object.keys(p.rules) as Array<keyof Policy['rules']>) p.rules[k] = { method, windowMs: WINDOW }
  return p
}

/** One member's entries on a proposal, in that member's own order: votes and clock ticks. */
type Act = { k: 'vote'; yes: boolean } | { k: 'object' } | { k: 'tick'; dt: number }
const act: fc.Arbitrary<Act> = fc.oneof(
  fc.record({ k: fc.constant('vote' as const), yes: fc.boolean() }),
  fc.record({ k: fc.constant('object' as const) }),
  fc.record({ k: fc.constant('tick' as const), dt: fc.integer({ min: 0, max: 3 * WINDOW }) })
)

/** Plays each member's acts (member i's list keeps its order) in the interleaving `order` picks; returns the status. */
async function play(method: DecisionMethod, lists: Act[][], order: number[]): Promise<{ status: string; hash: string }> {
  const { L, ms } = await membersLedger(NAMES, policyWith(method))
  const { id } = { id: (await L.run(ms[0], { type: 'propose', proposal: { action: 'steward', account: account(ms[1]) }, timestamp: T0 })).id }
  const next = lists.map(() => 0)
  const clocks = lists.map(() => T0)
  for (const i of order) {
    const a = lists[i][next[i]++]
    const m = ms[i]
    const pid = b4a.from(id, 'hex')
    if (a.k === 'tick') await L.run(m, { type: 'tick', timestamp: (clocks[i] += a.dt) })
    else if (a.k === 'vote') await L.run(m, { type: 'vote', proposal: pid, yes: a.yes, timestamp: clocks[i] })
    else await L.run(m, { type: 'object', proposal: pid, timestamp: clocks[i] })
  }
  return { status: proposal(L, id).status, hash: L.store.meta!.stateHash }
}

/** Every interleaving of lists, as a sequence of list indexes, from a shuffle seed. */
function interleave(lists: Act[][], shuffle: number[]): number[] {
  const bag: number[] = []
  lists.forEach((l, i) => l.forEach(() => bag.push(i)))
  for (let i = bag.length - 1; i > 0; i--) {
    const j = shuffle[i % shuffle.length] % (i + 1)
    ;[bag[i], bag[j]] = [bag[j], bag[i]]
  }
  return bag
}

test('property - a decision is the same under any causal reordering when each member casts one vote', { timeout: 180_000 }, async (t) => {
  let runs = 0
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom<DecisionMethod>('majority', 'no-objection'),
      fc.array(fc.option(fc.boolean(), { nil: null }), { minLength: 4, maxLength: 4 }),
      fc.array(fc.nat(), { minLength: 8, maxLength: 8 }),
      fc.array(fc.nat(), { minLength: 8, maxLength: 8 }),
      async (method, votes, s1, s2) => {
        // Members 1-4 each vote at most once (null: no vote); no ticks, so only votes decide.
        const lists: Act[][] = [[], ...votes.map((v): Act[] => (v === null ? [] : [{ k: 'vote', yes: v }]))]
        const a = (await play(method, lists, interleave(lists, s1))).status
        const b = (await play(method, lists, interleave(lists, s2))).status
        runs++
        if (a !== b) throw new Error(`${method}: ${a} in one order, ${b} in another`)
      }
    ),
    { seed: SEED, numRuns: 40 }
  )
  t.ok(runs >= 40)
})

test('property - with windows, every peer deciding the same linear order reaches the same state hash', { timeout: 180_000 }, async (t) => {
  // fc.assert rejects with the counterexample when the property fails.
  await t.execution(fc.assert(
    fc.asyncProperty(
      fc.constantFrom<DecisionMethod>('majority', 'no-objection', 'steward'),
      fc.array(fc.array(act, { maxLength: 5 }), { minLength: 5, maxLength: 5 }),
      fc.array(fc.nat(), { minLength: 8, maxLength: 8 }),
      async (method, lists, s) => {
        const order = interleave(lists, s)
        const a = await play(method, lists, order)
        const b = await play(method, lists, order)
        if (a.status !== b.status || a.hash !== b.hash) throw new Error('same order, different outcome or state hash')
      }
    ),
    { seed: SEED, numRuns: 25 }
  ), 'the property holds for every generated case')
})

test('property - no single member decides alone what the policy gives the members', { timeout: 180_000 }, async (t) => {
  // fc.assert rejects with the counterexample when the property fails.
  await t.execution(fc.assert(
    fc.asyncProperty(
      fc.constantFrom<DecisionMethod>('majority', 'no-objection'),
      fc.integer({ min: 0, max: 4 }),
      fc.array(act, { maxLength: 12 }),
      async (method, who, acts) => {
        const { L, ms } = await membersLedger(NAMES, policyWith(method))
        const m: RefMember = ms[who]
        const target = ms[(who + 1) % ms.length]
        const { id } = await L.run(m, { type: 'propose', proposal: { action: 'steward', account: account(target) }, timestamp: T0 })
        let clock = T0
        for (const a of acts) {
          const pid = b4a.from(id, 'hex')
          if (a.k === 'tick') await L.run(m, { type: 'tick', timestamp: (clock += a.dt * 1000) })
          else if (a.k === 'vote') await L.run(m, { type: 'vote', proposal: pid, yes: a.yes, timestamp: clock })
          else await L.run(m, { type: 'object', proposal: pid, timestamp: clock })
        }
        const p = proposal(L, id)
        if (p.status === 'passed') throw new Error(`${ms[who].name} alone passed a ${method} proposal`)
        // One vote per member per proposal: however often it voted, it has one vote.
        if (Object.keys(p.votes).length !== 1) throw new Error('votes from members who did not vote')
      }
    ),
    { seed: SEED, numRuns: 60 }
  ), 'the property holds for every generated case')
})

test('property - suspended members never count: votes from them are refused and earlier ones drop out', { timeout: 180_000 }, async (t) => {
  // fc.assert rejects with the counterexample when the property fails.
  await t.execution(fc.assert(
    fc.asyncProperty(fc.array(fc.boolean(), { minLength: 5, maxLength: 5 }), async (yes) => {
      const { L, ms } = await membersLedger(NAMES, policyWith('majority'))
      // Suspend eps first (alpha, beta, gamma say yes).
      const s = await L.run(ms[0], { type: 'propose', proposal: { action: 'suspend', account: account(ms[4]) }, timestamp: T0 })
      for (const m of [ms[1], ms[2]]) await L.run(m, { type: 'vote', proposal: b4a.from(s.id, 'hex'), yes: true, timestamp: T0 })
      if (L.store.members.get(ms[4].account)!.status !== 'suspended') throw new Error('not suspended')
      const { id } = await L.run(ms[1], { type: 'propose', proposal: { action: 'steward', account: account(ms[2]) }, timestamp: T0 })
      const r = await L.run(ms[4], { type: 'vote', proposal: b4a.from(id, 'hex'), yes: yes[4], timestamp: T0 })
      if (r.outcome.ok) throw new Error('a suspended member voted')
      for (let i = 0; i < 4; i++) if (L.store.proposals.get(id)!.status === 'open') await L.run(ms[i], { type: 'vote', proposal: b4a.from(id, 'hex'), yes: yes[i], timestamp: T0 })
      const p = proposal(L, id)
      const counted = Object.entries(p.votes).filter(([a]) => a !== ms[4].account)
      if (Object.keys(p.votes).includes(ms[4].account)) throw new Error('the suspended vote was kept')
      if (p.status === 'passed' && counted.filter(([, v]) => v.yes).length * 2 <= 4) throw new Error('passed without a majority of the 4 active')
    }),
    { seed: SEED, numRuns: 30 }
  ), 'the property holds for every generated case')
})

test('property - an invite is used by exactly one admit proposal, whichever members cite it in whatever order', { timeout: 180_000 }, async (t) => {
  const INVITE = b4a.alloc(32, 0x1e)
  await t.execution(fc.assert(
    fc.asyncProperty(
      fc.uniqueArray(fc.integer({ min: 0, max: NAMES.length - 1 }), { minLength: 1, maxLength: NAMES.length }),
      async (citers) => {
        const { L, ms } = await membersLedger(NAMES)
        await L.run(ms[0], { type: 'invite', invite: INVITE, publicKey: b4a.alloc(32, 0x1b), expires: 0, creditLimit: null, timestamp: T0 })
        // Each citing member's node answers a request from a candidate of its own (another name, key and writer).
        const outcomes: string[] = []
        for (const i of citers) {
          const x = L.person('cand' + i)
          const d = await L.run(ms[i], { type: 'propose', proposal: { action: 'admit', account: account(x), writer: x.writer, name: 'cand' + i, creditLimit: 0n, maxBalance: null, invite: INVITE }, timestamp: T0 })
          outcomes.push(d.outcome.ok ? 'ok' : d.outcome.code)
        }
        if (outcomes[0] !== 'ok' || outcomes.slice(1).some((o) => o !== 'invite_used')) throw new Error(`outcomes ${outcomes.join(',')}`)
        const inv = L.store.invites.get(b4a.toString(INVITE, 'hex') as any)!
        if (inv.status !== 'used' || inv.proposal === null) throw new Error('the invite is not marked used')
      }
    ),
    { seed: SEED, numRuns: 30 }
  ))
})
