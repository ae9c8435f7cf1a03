/**
 * Federation rules as tables (protocol/SPEC.md §12), run through the apply pipeline on memory:
 * links, holds, fulfilments and releases, and expiry by the members' signed clocks (§11).
 */
import test from 'brittle'
import b4a from 'b4a'
import { code } from './helpers/reference.js'
import { fedWorld, fulfil, heldSum, hold, link, release, say, SECOND, T0, type FedWorld } from './helpers/federation.js'
import { AMOUNT_MAX, encodeEntry, CodecError, type Hex } from '../protocol/index.js'

type Row = [string, (w: FedWorld) => Promise<string>, string]

/** A hold payer -> bridge of 100 on the world's link; returns its id. */
async function held(w: FedWorld, opts: { amount?: bigint; secret?: number; expiresMs?: number } = {}): Promise<Hex> {
  const d = await hold(w.L, w.payer, w.bridge, { bridge: w.bridge, other: w.other, ...opts })
  if (!d.outcome.ok) throw new Error('hold refused: ' + d.outcome.code)
  return d.id
}

const rows: Row[] = [
  ['a bridge announces a link', (w) => link(w.L, w.bridge, b4a.alloc(32, 0xc0)).then(code), 'ok'],
  ['a link to this very ledger', (w) => link(w.L, w.bridge, w.L.ledgerKey).then(code), 'self_link'],
  ['a link with a zero denominator', (w) => link(w.L, w.bridge, w.other, { rateDen: 0n }).then(code), 'bad_rate'],
  ['a link with a zero rate', (w) => link(w.L, w.bridge, w.other, { rateNum: 0n }).then(code), 'bad_rate'],
  ['a link with a capacity over the bound', (w) => link(w.L, w.bridge, w.other, { capacity: AMOUNT_MAX + 1n }).then(code), 'amount_too_large'],
  ['payer holds toward the bridge', (w) => hold(w.L, w.payer, w.bridge, { bridge: w.bridge, other: w.other }).then(code), 'ok'],
  ['the bridge holds toward a member', (w) => hold(w.L, w.bridge, w.payer, { bridge: w.bridge, other: w.other }).then(code), 'ok'],
  ['a hold on a link nobody announced', (w) => hold(w.L, w.payer, w.bridge, { bridge: w.bridge, other: b4a.alloc(32, 0xc1) }).then(code), 'unknown_link'],
  ['a hold naming a bridge that is neither party', (w) => hold(w.L, w.payer, w.witness, { bridge: w.bridge, other: w.other }).then(code), 'not_link_party'],
  ['a hold over the link capacity', (w) => hold(w.L, w.payer, w.bridge, { bridge: w.bridge, other: w.other, amount: 501n }).then(code), 'over_capacity'],
  ['a hold past the payer credit limit', async (w) => { await link(w.L, w.bridge, w.other, { capacity: 5000n }); return code(await hold(w.L, w.payer, w.bridge, { bridge: w.bridge, other: w.other, amount: 1001n })) }, 'over_credit_limit'],
  ['a hold of zero', (w) => hold(w.L, w.payer, w.bridge, { bridge: w.bridge, other: w.other, amount: 0n }).then(code), 'amount_not_positive'],
  ['a hold toward oneself', (w) => hold(w.L, w.bridge, w.bridge, { bridge: w.bridge, other: w.other }).then(code), 'self_transfer'],
  ['a hold on a withdrawn link', async (w) => { await link(w.L, w.bridge, w.other, { capacity: 0n }); return code(await hold(w.L, w.payer, w.bridge, { bridge: w.bridge, other: w.other })) }, 'unknown_link'],
  ['a suspended member holds', async (w) => { await w.L.run(w.steward, { type: 'suspend', account: w.payer.keys.publicKey }); return code(await hold(w.L, w.payer, w.bridge, { bridge: w.bridge, other: w.other })) }, 'author_not_active'],
  ['the payee fulfils with the preimage', async (w) => code(await fulfil(w.L, w.bridge, await held(w, { secret: 3 }), 3)), 'ok'],
  ['the payee fulfils with a forged preimage', async (w) => code(await fulfil(w.L, w.bridge, await held(w, { secret: 3 }), 4)), 'wrong_preimage'],
  ['the payer fulfils its own hold', async (w) => code(await fulfil(w.L, w.payer, await held(w, { secret: 3 }), 3)), 'not_hold_payee'],
  ['a fulfilment of an unknown hold', (w) => fulfil(w.L, w.bridge, ('ab'.repeat(32)) as Hex, 1).then(code), 'unknown_hold'],
  ['a second fulfilment', async (w) => { const id = await held(w); await fulfil(w.L, w.bridge, id, 1); return code(await fulfil(w.L, w.bridge, id, 1)) }, 'hold_closed'],
  ['the payer releases before the period passed', async (w) => code(await release(w.L, w.payer, await held(w))), 'hold_not_expired'],
  ['the payee releases at once (a refusal)', async (w) => code(await release(w.L, w.bridge, await held(w))), 'ok'],
  ['a third member releases', async (w) => code(await release(w.L, w.witness, await held(w))), 'not_hold_party'],
  ['a fulfilment after a release', async (w) => { const id = await held(w); await release(w.L, w.bridge, id); return code(await fulfil(w.L, w.bridge, id, 1)) }, 'hold_closed'],
  ['the payer leaves with a hold open (its balance back at 0)', async (w) => { await w.L.run(w.witness, { type: 'transfer', payee: w.payer.keys.publicKey, amount: 100n }); await held(w); return code(await w.L.run(w.payer, { type: 'leave' })) }, 'holds_open'],
  ['the payee of an open hold leaves', async (w) => { await held(w); return code(await w.L.run(w.bridge, { type: 'leave' })) }, 'holds_open'],
  ['the payee leaves once the hold is released', async (w) => { await release(w.L, w.bridge, await held(w)); return code(await w.L.run(w.bridge, { type: 'leave' })) }, 'ok'],
  ['a suspended payee still fulfils', async (w) => { const id = await held(w); await w.L.run(w.steward, { type: 'suspend', account: w.bridge.keys.publicKey }); return code(await fulfil(w.L, w.bridge, id, 1)) }, 'ok']
]

for (const [name, act, expected] of rows) {
  test(`federation rules - ${name} => ${expected}`, async (t) => {
    const w = await fedWorld()
    t.is(await act(w), expected)
    t.is(heldSum(w.L), 0n, 'balances and open holds sum to zero')
  })
}

test('federation rules - a hold takes the amount off the payer at once; fulfil pays it to the payee', async (t) => {
  const w = await fedWorld()
  const id = await held(w, { amount: 120n, secret: 9 })
  t.is(w.L.balance(w.payer), -120n, 'the held amount counts against the payer while held')
  t.is(w.L.balance(w.bridge), 0n)
  t.is(w.L.store.links.get(`${w.bridge.account}/${b4a.toString(w.other, 'hex')}`)!.held, 120n, 'the link carries it')
  const spend = await w.L.run(w.payer, { type: 'transfer', payee: w.witness.keys.publicKey, amount: 881n })
  t.is(code(spend), 'over_credit_limit', 'the payer cannot spend what is held')
  t.is(code(await fulfil(w.L, w.bridge, id, 9)), 'ok')
  t.is(w.L.balance(w.payer), -120n)
  t.is(w.L.balance(w.bridge), 120n)
  t.is(w.L.store.holds.get(id)!.status, 'fulfilled')
  t.is(w.L.store.holds.get(id)!.preimage, b4a.toString(b4a.alloc(32, 9), 'hex'), 'the preimage is kept: the payee\'s receipt')
  t.is(w.L.store.links.get(`${w.bridge.account}/${b4a.toString(w.other, 'hex')}`)!.held, 0n)
  t.alike(w.L.store.fed.open, [], 'no hold open')
})

test('federation rules - a release gives the amount back to the payer', async (t) => {
  const w = await fedWorld()
  const id = await held(w, { amount: 70n })
  t.is(code(await release(w.L, w.bridge, id)), 'ok')
  t.is(w.L.balance(w.payer), 0n)
  t.is(w.L.balance(w.bridge), 0n)
  t.is(w.L.store.holds.get(id)!.status, 'released')
})

test('federation rules - a period passes only once more than half of the active members witnessed it', async (t) => {
  const w = await fedWorld()
  const len = 60 * SECOND
  const id = await held(w, { expiresMs: len })
  // The payer's own witness starts at its hold; one more entry of its own a period later passes it.
  await say(w.L, w.payer, w.steward, T0 + len)
  t.is(code(await release(w.L, w.payer, id, T0 + len)), 'hold_not_expired', '1 of 4 witnessed')
  // A clock run far ahead counts for its one member only.
  await say(w.L, w.witness, w.steward, T0 + 1000 * len)
  await say(w.L, w.witness, w.steward, T0 + 2000 * len)
  t.is(code(await release(w.L, w.payer, id, T0 + len + 1)), 'hold_not_expired', '2 of 4 is not more than half')
  // The steward witnesses from its first entry after the hold, however late.
  await say(w.L, w.steward, w.payer, T0 + 5 * len)
  t.is(code(await fulfil(w.L, w.bridge, id, 1, T0)), 'ok', 'still open: the payee may fulfil until a majority witnessed the period')
  t.is(w.L.balance(w.bridge), 100n)
})

test('federation rules - the entry that brings the majority counts its own time', async (t) => {
  const w = await fedWorld()
  const len = 10 * SECOND
  const id = await held(w, { expiresMs: len })
  await say(w.L, w.witness, w.steward, T0 + 1)
  await say(w.L, w.witness, w.steward, T0 + 1 + len)
  await say(w.L, w.steward, w.witness, T0 + 2)
  await say(w.L, w.steward, w.witness, T0 + 2 + len)
  t.is(heldSum(w.L), 0n)
  // Two of four have witnessed; the payer's release at T0 + len is the third.
  t.is(code(await release(w.L, w.payer, id, T0 + len)), 'ok')
  t.is(w.L.balance(w.payer), 0n)
  const late = await fulfil(w.L, w.bridge, id, 1, T0 + len)
  t.is(code(late), 'hold_closed')
})

test('federation rules - a fulfilment after the period passed is refused', async (t) => {
  const w = await fedWorld()
  const len = 10 * SECOND
  const id = await held(w, { expiresMs: len })
  for (const m of [w.witness, w.steward]) {
    await say(w.L, m, w.payer, T0 + 1)
    await say(w.L, m, w.payer, T0 + 1 + len)
  }
  // The bridge's first entry after the hold only starts its witness: two of four, still open.
  await say(w.L, w.payer, w.steward, T0 + len)
  t.is(code(await fulfil(w.L, w.bridge, id, 1, T0 + len)), 'hold_expired', 'the payer\'s entry a period after its hold makes three of four')
  t.is(w.L.balance(w.bridge), 0n)
  t.is(w.L.balance(w.payer), -100n, 'still held until someone releases')
  t.is(code(await release(w.L, w.payer, id, T0 + 2 * len)), 'ok')
  t.is(w.L.balance(w.payer), 0n)
})

test('federation rules - a hold period out of bounds does not encode', async (t) => {
  const w = await fedWorld()
  for (const expiresMs of [999, 2_592_000_001]) {
    try {
      await hold(w.L, w.payer, w.bridge, { bridge: w.bridge, other: w.other, expiresMs })
      t.fail('encoded ' + expiresMs)
    } catch (err) {
      t.ok(err instanceof CodecError, `${expiresMs} ms is refused by the encoder`)
    }
  }
  t.ok(encodeEntry, 'codec loaded')
})

test('federation rules - where the policy gives links to the members, a bridge proposes its link; a withdrawal stays its own act', async (t) => {
  const { membersLedger, propose, vote, proposal, T0: GT0 } = await import('./helpers/governance.js')
  const { membersPolicy, decodeEntry, encodeEntry: enc } = await import('../protocol/index.js')
  const { L, ms } = await membersLedger(['alpha', 'beta', 'gamma'], membersPolicy({ windowMs: 10_000, link: 'majority' }))
  const [alpha, beta, gamma] = ms
  const other = b4a.alloc(32, 0xd0)
  const terms = { ledger: other, name: 'Leeds', rateNum: 3n, rateDen: 2n, capacity: 500n }
  t.is(code(await L.run(beta, { type: 'link', ...terms, timestamp: GT0 })), 'decided_by_members', 'a direct link is refused')
  t.is(code(await propose(L, beta, { action: 'link', ...terms, ledger: L.ledgerKey }).then((r) => r.d)), 'self_link', 'a proposal is checked as a link entry is')
  const { id } = await propose(L, beta, { action: 'link', ...terms })
  t.is(L.store.links.size, 0, 'no link until the members decide')
  const passed = await vote(L, gamma, id, true)
  t.is(passed.record.decisions?.[0]?.status, 'passed', 'beta and gamma: a majority of three')
  const l = await L.store.getLink(beta.account, b4a.toString(other, 'hex') as Hex)
  t.ok(l && l.status === 'active' && l.capacity === 500n && l.rateNum === 3n && l.by === id, 'the link stands, with the proposer as its bridge')
  t.is(proposal(L, id).kind, 'link')
  t.is(code(await L.run(beta, { type: 'link', ...terms, capacity: 0n, timestamp: GT0 })), 'ok', 'withdrawing is the bridge\'s own act')
  t.is((await L.store.getLink(beta.account, b4a.toString(other, 'hex') as Hex))?.status, 'withdrawn')
  void alpha
  // The policy's link rule crosses the wire in the extended form, and a policy without it in the old one.
  const p = membersPolicy({ windowMs: 10_000, link: 'no-objection' })
  const draft = { version: 1, author: b4a.alloc(32, 1), seq: 1, timestamp: 0, memo: '', type: 'charter' as const, policy: p, signature: b4a.alloc(64) }
  const d = decodeEntry(enc(draft))
  t.ok(d.ok && d.entry.type === 'charter' && d.entry.policy.rules.link?.method === 'no-objection', 'the link rule round-trips')
  const plain = decodeEntry(enc({ ...draft, policy: membersPolicy({ windowMs: 10_000 }) }))
  t.ok(plain.ok && plain.entry.type === 'charter' && plain.entry.policy.rules.link === undefined, 'a policy without it has none')
})

test('federation rules - under a members policy that does not name links, and under the steward policy, a link is the bridge\'s own act', async (t) => {
  const { membersLedger } = await import('./helpers/governance.js')
  const { L, ms } = await membersLedger(['alpha', 'beta', 'gamma'])
  t.is(code(await link(L, ms[1], b4a.alloc(32, 0xd1))), 'ok', 'members policy without a link rule')
  const w = await fedWorld()
  t.is(code(await link(w.L, w.witness, b4a.alloc(32, 0xd2))), 'ok', 'steward policy')
})
