/**
 * Property: a payment across a link either completes on both ledgers or is released on both,
 * over random interleavings of holds, fulfilments, releases and the members' signed time on
 * two reference ledgers. The only exception is a bridge that is away when it must act: then the
 * payee is paid on its ledger, the payer is refunded on its own, and the bridge has lost its
 * own money. Payer and payee never lose (SPEC.md §12, SECURITY.md).
 */
import test from 'brittle'
import fc from 'fast-check'
import b4a from 'b4a'
import { convert, type Hex, type Hold } from '../protocol/index.js'
import { fedWorld, fulfil, heldSum, hold, link, release, say, SECOND, T0, type FedWorld } from './helpers/federation.js'

const A_KEY = b4a.alloc(32, 0xa0)
const B_KEY = b4a.alloc(32, 0xb0)
const LEN_A = 16 * SECOND
/** The bridge's hold on the payee's ledger expires well before the payer's: it must learn the preimage in time. */
const LEN_B = 6 * SECOND
/** The bridge refuses a payment it sees later than this after the payer's hold (its own rule, not the ledger's). */
const BRIDGE_DELAY_MAX = 2
const STEPS = 44
const SECRET = 7

interface Scenario {
  amount: bigint
  rateNum: bigint
  rateDen: bigint
  /** Steps in which the bridge's node is away: [from, to). */
  bridgeAway: [number, number]
  /** The step at which the payee's node fulfils, or null for never (it still says things). */
  fulfilAt: number | null
  /** How far ahead one member of each ledger runs its clock (counts for that member only). */
  aheadMs: number
  /** Shuffles the order in which the nodes act within a step. */
  seed: number
}

const scenario = fc.record({
  amount: fc.bigInt({ min: 1n, max: 300n }),
  rateNum: fc.bigInt({ min: 1n, max: 5n }),
  rateDen: fc.bigInt({ min: 1n, max: 5n }),
  bridgeAway: fc.oneof(
    { weight: 2, arbitrary: fc.constant<[number, number]>([0, 0]) },
    { weight: 3, arbitrary: fc.tuple(fc.integer({ min: 0, max: STEPS }), fc.integer({ min: 0, max: 30 })).map(([a, n]): [number, number] => [a, a + n]) }
  ),
  fulfilAt: fc.option(fc.integer({ min: 0, max: 20 }), { freq: 4 }),
  aheadMs: fc.integer({ min: 0, max: 100 * SECOND }),
  seed: fc.integer({ min: 1, max: 2 ** 30 })
})

function shuffled<T>(xs: T[], seed: number): T[] {
  const out = xs.slice()
  let s = seed
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2147483648
    const j = s % (i + 1)
    ;[out[i], out[j]] = [out[j], out[i]]
  }
  return out
}

interface Run {
  A: FedWorld
  B: FedWorld
  holdA: Hex | null
  holdB: Hex | null
  bridgeWasAway: boolean
  amountB: bigint
}

async function play(sc: Scenario, check: (msg: string, ok: boolean) => void): Promise<Run> {
  // Ledger A: the payer's. Ledger B: the payee's ("payer" there is the payee, by position in fedWorld).
  const A = await fedWorld({ ledgerKey: A_KEY, other: B_KEY, capacity: 1000n })
  const B = await fedWorld({ ledgerKey: B_KEY, other: A_KEY, capacity: 1000n, names: ['stewardb', 'payee', 'bridgeb', 'witnessb'] })
  await link(A.L, A.bridge, B_KEY, { capacity: 1000n, rateNum: sc.rateNum, rateDen: sc.rateDen })
  const run: Run = { A, B, holdA: null, holdB: null, bridgeWasAway: false, amountB: convert(sc.amount, sc.rateNum, sc.rateDen) }
  const payee = B.payer
  const holdOf = (w: FedWorld, id: Hex | null): Hold | null => (id === null ? null : w.L.store.holds.get(id) ?? null)
  let holdAStep = 0

  const steps = STEPS + 40 // the last 40: every node back, so everything resolves
  for (let step = 0; step < steps; step++) {
    const at = T0 + step * SECOND
    const away = step < STEPS && step >= sc.bridgeAway[0] && step < sc.bridgeAway[1]
    if (away) run.bridgeWasAway = true
    const actors: Array<() => Promise<unknown>> = [
      // The payer: holds at the start; releases once its ledger says the period passed.
      async () => {
        if (step === 0) {
          const d = await hold(A.L, A.payer, A.bridge, { bridge: A.bridge, other: B_KEY, amount: sc.amount, secret: SECRET, expiresMs: LEN_A, at })
          run.holdA = d.id
          holdAStep = step
        } else if (holdOf(A, run.holdA)?.status === 'held') await release(A.L, A.payer, run.holdA!, at)
      },
      // The other members of each ledger: their signed time passes (one runs ahead).
      () => say(A.L, A.steward, A.witness, at),
      () => say(A.L, A.witness, A.steward, at + sc.aheadMs),
      () => say(B.L, B.steward, B.witness, at),
      () => say(B.L, B.witness, B.steward, at + sc.aheadMs),
      // The payee: fulfils once the bridge's hold reaches it (at its chosen step), else just says things.
      async () => {
        const hb = holdOf(B, run.holdB)
        if (hb?.status === 'held' && sc.fulfilAt !== null && step >= sc.fulfilAt) await fulfil(B.L, payee, run.holdB!, SECRET, at)
        else await say(B.L, payee, B.steward, at)
      },
      // The bridge, when its node runs: relays the hold, learns the preimage, releases what expired.
      async () => {
        if (away) return
        const ha = holdOf(A, run.holdA)
        if (ha?.status === 'held' && run.holdB === null) {
          if (step - holdAStep > BRIDGE_DELAY_MAX) return void (await release(A.L, A.bridge, run.holdA!, at))
          const d = await hold(B.L, B.bridge, payee, { bridge: B.bridge, other: A_KEY, amount: run.amountB, secret: SECRET, expiresMs: LEN_B, at })
          if (d.outcome.ok) run.holdB = d.id
          else await release(A.L, A.bridge, run.holdA!, at)
          return
        }
        const hb = holdOf(B, run.holdB)
        if (hb?.status === 'fulfilled' && ha?.status === 'held') {
          const d = await fulfil(A.L, A.bridge, run.holdA!, SECRET, at)
          check('the preimage learnt on B fulfils on A unless A expired', d.outcome.ok || (!d.outcome.ok && d.outcome.code === 'hold_expired'))
        }
        if (hb?.status === 'held') await release(B.L, B.bridge, run.holdB!, at)
        if (ha?.status === 'held' && hb?.status === 'released') await release(A.L, A.bridge, run.holdA!, at)
      }
    ]
    for (const act of shuffled(actors, sc.seed + step)) await act()
    check('balances and open holds sum to zero on A', heldSum(A.L) === 0n)
    check('balances and open holds sum to zero on B', heldSum(B.L) === 0n)
  }
  return run
}

test('federation property - both ledgers settle or both release; only an absent bridge loses, and only its own money', async (t) => {
  let completed = 0
  let released = 0
  let bridgeLost = 0
  await fc.assert(
    fc.asyncProperty(scenario, async (sc) => {
      const failures: string[] = []
      const run = await play(sc, (msg, ok) => { if (!ok) failures.push(msg) })
      const { A, B } = run
      const ha = A.L.store.holds.get(run.holdA!)!
      const hb = run.holdB === null ? null : B.L.store.holds.get(run.holdB)!
      const payer = A.L.balance(A.payer)
      const payee = B.L.balance(B.payer)
      const bridge = A.L.balance(A.bridge) + B.L.balance(B.bridge)
      if (ha.status === 'held' || hb?.status === 'held') failures.push('a hold is still open after every node came back')
      if (ha.status === 'fulfilled' && hb?.status !== 'fulfilled') failures.push('the payer paid but the payee was not paid')
      if (ha.status === 'fulfilled') {
        if (payer !== -sc.amount || payee !== run.amountB) failures.push(`completed with payer ${payer}, payee ${payee}`)
        completed++
      } else if (hb?.status === 'fulfilled') {
        if (!run.bridgeWasAway) failures.push('the payee was paid and the payer refunded while the bridge was running all along')
        if (payer !== 0n || payee !== run.amountB || bridge !== -run.amountB) failures.push(`bridge away: payer ${payer}, payee ${payee}, bridge ${bridge}`)
        bridgeLost++
      } else {
        if (payer !== 0n || payee !== 0n || bridge !== 0n) failures.push(`released with payer ${payer}, payee ${payee}, bridge ${bridge}`)
        released++
      }
      if (failures.length) throw new Error(failures.join('; ') + ' in ' + JSON.stringify(sc, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)))
    }),
    {
      numRuns: 30,
      seed: 20261130,
      // Named cases beside the random ones: the bridge goes away right after relaying and the payee
      // fulfils (it loses), and the bridge is away from the start (both release).
      examples: [
        [{ amount: 100n, rateNum: 3n, rateDen: 2n, bridgeAway: [2, 40], fulfilAt: 3, aheadMs: 0, seed: 1 }],
        [{ amount: 100n, rateNum: 1n, rateDen: 1n, bridgeAway: [0, 30], fulfilAt: 0, aheadMs: 0, seed: 2 }],
        [{ amount: 5n, rateNum: 1n, rateDen: 1n, bridgeAway: [0, 0], fulfilAt: 1, aheadMs: 50 * SECOND, seed: 3 }]
      ]
    }
  )
  t.ok(completed > 0, `${completed} payments completed on both ledgers`)
  t.ok(released > 0, `${released} released on both`)
  t.ok(bridgeLost > 0, `${bridgeLost} paid on B and refunded on A, at the cost of a bridge that was away`)
  t.comment(`${completed} completed, ${released} released, ${bridgeLost} lost by an absent bridge`)
})
