/**
 * Property tests (fast-check, fixed seeds) of DESIGN.md properties 1-3, 6 and 7 on the apply
 * pipeline: zero-sum, limits, determinism (also across the memory and Hyperbee stores), at most
 * once, and payer safety under causally consistent reorderings.
 */
import test from 'brittle'
import fc from 'fast-check'
import b4a from 'b4a'
import Hyperbee from 'hyperbee'
import { applyBlock, BeeStore, type Decided } from '../src/index.js'
import { RefLedger, type RefMember } from './helpers/reference.js'
import { makeStore } from './helpers/index.js'
import { toHex, type EntryDraft } from '../protocol/index.js'

const SEED = 20261123
const NAMES = ['alpha', 'beta', 'gamma', 'delta']

type Cmd =
  | { k: 'pay'; from: number; to: number; amount: number }
  | { k: 'invoice'; from: number; to: number; amount: number }
  | { k: 'reply'; who: number; pick: number; how: 'accept' | 'decline' | 'cancel' }
  | { k: 'limit'; target: number; limit: number; max: number | null }
  | { k: 'replay'; pick: number }

const member = fc.integer({ min: 0, max: NAMES.length - 1 })
const cmd: fc.Arbitrary<Cmd> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ k: fc.constant('pay' as const), from: member, to: member, amount: fc.integer({ min: 0, max: 160 }) }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('invoice' as const), from: member, to: member, amount: fc.integer({ min: 0, max: 160 }) }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('reply' as const), who: member, pick: fc.nat(), how: fc.constantFrom('accept' as const, 'decline' as const, 'cancel' as const) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('limit' as const), target: member, limit: fc.integer({ min: 0, max: 200 }), max: fc.option(fc.integer({ min: 0, max: 300 })) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('replay' as const), pick: fc.nat() }) }
)

/** Builds a ledger with four members and runs the commands; returns each decision with its block. */
async function play(cmds: Cmd[], onDecided: (L: RefLedger, d: Decided, ms: RefMember[]) => void): Promise<{ L: RefLedger; blocks: Array<[Uint8Array, Uint8Array]> }> {
  const L = new RefLedger()
  const ms = NAMES.map((n) => L.person(n))
  const blocks: Array<[Uint8Array, Uint8Array]> = []
  const invoices: Uint8Array[] = []
  const exec = async (author: RefMember, draft: EntryDraft) => {
    const block = L.seal(author, draft)
    blocks.push([author.writer, block])
    const d = await L.raw(author.writer, block)
    onDecided(L, d, ms)
    return d
  }
  await exec(ms[0], { type: 'genesis', name: 'P', unitCode: 'P', decimals: 0, defaultCreditLimit: 100n, defaultMaxBalance: null, creatorName: 'alpha', writer: ms[0].writer })
  for (const m of ms.slice(1)) await exec(ms[0], { type: 'admit', account: m.keys.publicKey, writer: m.writer, name: m.name, role: 'member', creditLimit: 100n, maxBalance: null, indexer: false })
  for (const c of cmds) {
    if (c.k === 'pay') await exec(ms[c.from], { type: 'transfer', payee: ms[c.to].keys.publicKey, amount: BigInt(c.amount) })
    else if (c.k === 'invoice') {
      const d = await exec(ms[c.from], { type: 'invoice', payer: ms[c.to].keys.publicKey, amount: BigInt(c.amount) })
      if (d.outcome.ok) invoices.push(b4a.from(d.id, 'hex'))
    } else if (c.k === 'reply' && invoices.length > 0) await exec(ms[c.who], { type: c.how, invoice: invoices[c.pick % invoices.length] })
    else if (c.k === 'limit') await exec(ms[0], { type: 'set-limits', account: ms[c.target].keys.publicKey, creditLimit: BigInt(c.limit), maxBalance: c.max === null ? null : BigInt(c.max) })
    else if (c.k === 'replay' && blocks.length > 0) {
      const [writer, block] = blocks[c.pick % blocks.length]
      blocks.push([writer, block])
      onDecided(L, await L.raw(writer, block), ms)
    }
  }
  return { L, blocks }
}

test('property - zero-sum and limits hold after every entry; replays never apply twice', async (t) => {
  let checked = 0
  await fc.assert(
    fc.asyncProperty(fc.array(cmd, { minLength: 20, maxLength: 80 }), async (cmds) => {
      const applied = new Set<string>()
      await play(cmds, (L, d) => {
        checked++
        if (L.sum() !== 0n) throw new Error('balances do not sum to zero')
        if (!d.outcome.ok) return
        if (applied.has(d.id)) throw new Error('an entry id applied twice')
        applied.add(d.id)
        const [payer, payee] = d.outcome.moves
        if (payer) {
          const m = L.store.members.get(payer.account)!
          if (m.balance < -m.creditLimit) throw new Error(`${m.name} spent past its credit limit`)
        }
        if (payee) {
          const m = L.store.members.get(payee.account)!
          if (m.maxBalance !== null && m.balance > m.maxBalance) throw new Error(`${m.name} received past its max balance`)
        }
      })
    }),
    { seed: SEED, numRuns: 300 }
  )
  t.comment(`${checked} entries checked`)
  t.ok(checked > 5000, `fast-check found no counterexample in ${checked} entries`)
})

test('property - determinism: two replays, and the memory and Hyperbee stores, give one state hash', async (t) => {
  const runs = 12
  let replayed = 0
  await fc.assert(
    fc.asyncProperty(fc.array(cmd, { minLength: 5, maxLength: 40 }), async (cmds) => {
      const { L, blocks } = await play(cmds, () => {})
      const again = new RefLedger()
      for (const [w, b] of blocks) await again.raw(w, b)
      if (again.store.meta!.stateHash !== L.store.meta!.stateHash) throw new Error('two memory replays differ')
      const bee = new Hyperbee(beeCore(), { keyEncoding: 'utf-8', valueEncoding: 'json' })
      await bee.ready()
      const counts = new Map<string, number>()
      // Flush in uneven batches, as Autobase apply does.
      for (let i = 0; i < blocks.length; ) {
        const store = new BeeStore(bee.batch())
        const end = Math.min(blocks.length, i + 1 + (i % 7))
        for (; i < end; i++) {
          const w = toHex(blocks[i][0])
          const n = counts.get(w) ?? 0
          counts.set(w, n + 1)
          await applyBlock(store, blocks[i][1], { ledgerKey: L.ledgerKey, writer: w, block: n })
        }
        await store.flush()
      }
      const meta = (await bee.get('meta'))!.value
      if (meta.stateHash !== L.store.meta!.stateHash) throw new Error('the Hyperbee store decided differently from memory')
      for (const m of L.store.members.values()) {
        const rec = await bee.get('acct/' + m.account)
        if (rec === null || rec.value.balance !== m.balance.toString()) throw new Error('a member record differs between the bee and memory')
      }
      await bee.close()
      replayed++
    }),
    { seed: SEED, numRuns: runs }
  )
  t.is(replayed, runs, `${runs} sequences replayed three ways with equal state hashes`)
  function beeCore() {
    const store = makeStore(t)
    return store.get({ name: 'bee-' + Math.random() })
  }
})

test('property - payer safety: transfers a payer validated stay valid in every causally consistent order', async (t) => {
  let total = 0
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.record({ who: fc.integer({ min: 0, max: 2 }), to: fc.integer({ min: 0, max: 2 }), amount: fc.integer({ min: 1, max: 120 }), sync: fc.integer({ min: 0, max: 3 }) }), { minLength: 3, maxLength: 40 }),
      fc.integer(),
      async (steps, orderSeed) => {
        // Shared prefix: genesis and two admits.
        const base = new RefLedger()
        const ms = ['alpha', 'beta', 'gamma'].map((n) => base.person(n))
        const prefix: Array<[Uint8Array, Uint8Array]> = []
        const pre = async (a: RefMember, d: EntryDraft) => {
          const b = base.seal(a, d)
          prefix.push([a.writer, b])
          await base.raw(a.writer, b)
        }
        await pre(ms[0], { type: 'genesis', name: 'P', unitCode: 'P', decimals: 0, defaultCreditLimit: 100n, defaultMaxBalance: null, creatorName: 'alpha', writer: ms[0].writer })
        for (const m of ms.slice(1)) await pre(ms[0], { type: 'admit', account: m.keys.publicKey, writer: m.writer, name: m.name, role: 'member', creditLimit: 100n, maxBalance: null, indexer: false })

        // Each member's local view: the prefix plus the entries it has made or synced, in its own order.
        interface E { i: number; writer: Uint8Array; block: Uint8Array; deps: Set<number> }
        const entries: E[] = []
        const views = await Promise.all(ms.map(async () => {
          const v = new RefLedger(base.ledgerKey)
          for (const [w, b] of prefix) await v.raw(w, b)
          return { ledger: v, known: new Set<number>() }
        }))
        for (const s of steps) {
          const view = views[s.who]
          if (s.sync < 3 && s.sync !== s.who) {
            // Sync: learn everything the other member knows, in creation order (causal).
            const other = views[s.sync]
            for (const i of [...other.known].sort((a, b) => a - b)) {
              if (view.known.has(i)) continue
              view.known.add(i)
              await view.ledger.raw(entries[i].writer, entries[i].block)
            }
          }
          if (s.to === s.who) continue
          const author = ms[s.who]
          const block = base.seal(author, { type: 'transfer', payee: ms[s.to].keys.publicKey, amount: BigInt(s.amount) })
          // The payer's node checks locally; only what passes is appended (as Ledger.write does).
          const probe = new RefLedger(base.ledgerKey)
          for (const [w, b] of prefix) await probe.raw(w, b)
          for (const i of [...view.known].sort((a, b) => a - b)) await probe.raw(entries[i].writer, entries[i].block)
          const d = await probe.raw(author.writer, block)
          if (!d.outcome.ok) continue
          const e: E = { i: entries.length, writer: author.writer, block, deps: new Set(view.known) }
          entries.push(e)
          view.known.add(e.i)
          await view.ledger.raw(author.writer, block)
        }
        // A random topological order of the causal DAG.
        let rnd = orderSeed >>> 0
        const next = () => (rnd = (rnd * 1103515245 + 12345) >>> 0)
        const placed = new Set<number>()
        const final = new RefLedger(base.ledgerKey)
        for (const [w, b] of prefix) await final.raw(w, b)
        while (placed.size < entries.length) {
          const ready = entries.filter((e) => !placed.has(e.i) && [...e.deps].every((d) => placed.has(d)))
          const e = ready[next() % ready.length]
          placed.add(e.i)
          const d = await final.raw(e.writer, e.block)
          total++
          if (!d.outcome.ok) throw new Error(`a payer-validated transfer was rejected (${d.outcome.code}) in a causally consistent order`)
        }
        if (final.sum() !== 0n) throw new Error('not zero-sum')
      }
    ),
    { seed: SEED, numRuns: 150 }
  )
  t.comment(`${total} payer-validated transfers re-applied in random causal orders`)
  t.ok(total > 500, `all ${total} stayed valid`)
})
