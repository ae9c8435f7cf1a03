/**
 * Fuzzing with fast-check (fixed seeds, bounded runs; fast-check prints the seed and the
 * shrunk counterexample on failure). The decoder and the text parsers take arbitrary input;
 * the apply pipeline takes arbitrary sequences of entries, junk, mutations and replays from
 * members and strangers; and a real two-peer ledger takes arbitrary blocks from a modified
 * client. No throw may escape, and DESIGN.md properties 1-6 must hold throughout.
 */
import test from 'brittle'
import fc from 'fast-check'
import b4a from 'b4a'
import {
  AmountError,
  membersPolicy,
  decodeEntry,
  encodeEntry,
  conditionOf,
  entryIdOf,
  fromHex,
  keyPairFromSeed,
  parseAmount,
  sealEntry,
  toHex,
  verifyEntry,
  AMOUNT_MAX,
  ENTRY_BYTES_MAX,
  SIGNATURE_BYTES,
  type Entry,
  type EntryDraft,
  type Hex,
  type KeyPair,
  type SignedEntry
} from '../protocol/index.js'
import { MemoryStore, applyBlock, type Decided, type Ignored } from '../src/index.js'
import { addMember, converge, createPeer } from './helpers/index.js'
import { running } from './helpers/adversary.js'

const SEED = 20240611

function runs(t: { comment(...a: unknown[]): void }, what: string, numRuns: number): { seed: number; numRuns: number } {
  t.comment(`${what}: fast-check seed ${SEED}, ${numRuns} runs`)
  return { seed: SEED, numRuns }
}

// ---------------------------------------------------------------- decoders

const LEDGER = keyPairFromSeed(b4a.alloc(32, 7)).publicKey
const SIGNER = keyPairFromSeed(b4a.alloc(32, 9))

/** Any entry the encoder accepts, signed by SIGNER. */
const anyKey = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((a) => b4a.from(a))
const anyAmount = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n })
const anyName = fc.string({ maxLength: 64 }).filter((s) => b4a.byteLength(s) <= 64)
const anyMemo = fc.string({ maxLength: 120 })
const anyDraft: fc.Arbitrary<EntryDraft> = fc.oneof(
  fc.record({ type: fc.constant('genesis' as const), name: anyName, unitCode: fc.stringMatching(/^[A-Z0-9]{1,12}$/), decimals: fc.integer({ min: 0, max: 18 }), defaultCreditLimit: anyAmount, defaultMaxBalance: fc.option(anyAmount), creatorName: anyName, writer: anyKey }),
  fc.record({ type: fc.constant('admit' as const), account: anyKey, writer: anyKey, name: anyName, role: fc.constantFrom('member' as const, 'steward' as const), creditLimit: anyAmount, maxBalance: fc.option(anyAmount), indexer: fc.boolean() }),
  fc.record({ type: fc.constant('set-limits' as const), account: anyKey, creditLimit: anyAmount, maxBalance: fc.option(anyAmount) }),
  fc.record({ type: fc.constant('transfer' as const), payee: anyKey, amount: anyAmount }),
  fc.record({ type: fc.constant('invoice' as const), payer: anyKey, amount: anyAmount }),
  fc.record({ type: fc.constantFrom('accept' as const, 'decline' as const, 'cancel' as const), invoice: anyKey }),
  fc.record({ type: fc.constant('suspend' as const), account: anyKey }),
  fc.record({ type: fc.constant('leave' as const) })
) as fc.Arbitrary<EntryDraft>

function fullEntry(draft: EntryDraft, memo: string, seq: number, timestamp: number): Entry {
  return { version: 1, author: SIGNER.publicKey, seq, timestamp, memo, ...draft } as Entry
}
const anyEntry = fc.tuple(anyDraft, anyMemo, fc.nat(), fc.nat()).map(([d, m, s, ts]) => fullEntry(d, m, s, ts))

test('fuzz - decodeEntry never throws on arbitrary bytes, and whatever it accepts is canonical', async (t) => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: ENTRY_BYTES_MAX + 64 }), (bytes) => {
      const d = decodeEntry(bytes)
      if (!d.ok) return ['malformed', 'unsupported_version'].includes(d.code) && typeof d.reason === 'string'
      return b4a.equals(encodeEntry(d.entry), bytes)
    }),
    runs(t, 'arbitrary bytes', 20_000)
  )
  // Bytes that start like a v1 entry of each type reach deeper into the decoder.
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 12 }), fc.uint8Array({ maxLength: 400 }), (type, rest) => {
      const bytes = b4a.concat([b4a.from([1, type]), rest])
      const d = decodeEntry(bytes)
      return d.ok ? b4a.equals(encodeEntry(d.entry), bytes) : d.code === 'malformed'
    }),
    runs(t, 'v1-prefixed bytes', 20_000)
  )
  t.pass('no throw, no non-canonical acceptance')
})

test('fuzz - every valid entry round-trips, and any mutation of it is refused or fails its signature', async (t) => {
  fc.assert(
    fc.property(anyEntry, fc.nat(), fc.integer({ min: 1, max: 255 }), fc.nat(), (entry, pos, xor, cut) => {
      const { block, id } = sealEntry(LEDGER, entry, SIGNER.secretKey)
      const d = decodeEntry(block)
      if (!d.ok || entryIdOf(LEDGER, d.entry.type, d.unsigned) !== id) return false
      if (!verifyEntry(LEDGER, d.entry.type, d.unsigned, d.entry.author, d.entry.signature)) return false
      // One flipped byte: refused by the decoder, or decoded into something whose signature fails.
      const flipped = b4a.from(block)
      flipped[pos % flipped.length] ^= xor
      const f = decodeEntry(flipped)
      if (f.ok && verifyEntry(LEDGER, f.entry.type, f.unsigned, f.entry.author, f.entry.signature)) return false
      // A truncation or an extension: never a valid entry.
      const truncated = decodeEntry(block.subarray(0, cut % block.length))
      const extended = decodeEntry(b4a.concat([block, b4a.from([xor])]))
      const stillSigned = (r: ReturnType<typeof decodeEntry>) => r.ok && verifyEntry(LEDGER, r.entry.type, r.unsigned, r.entry.author, r.entry.signature)
      return !stillSigned(truncated) && !stillSigned(extended)
    }),
    runs(t, 'valid entries, mutated', 3_000)
  )
  t.pass('round-trips and mutations hold')
})

test('fuzz - the text parsers throw only their own errors', async (t) => {
  fc.assert(
    fc.property(fc.string({ maxLength: 40 }), fc.integer({ min: 0, max: 18 }), (text, decimals) => {
      try {
        const v = parseAmount(text, decimals)
        return v >= 0n && v <= AMOUNT_MAX
      } catch (err) {
        return err instanceof AmountError && !String((err as Error).message).includes('\n')
      }
    }),
    runs(t, 'parseAmount', 20_000)
  )
  fc.assert(
    fc.property(fc.string({ maxLength: 80 }), (text) => {
      try {
        return toHex(fromHex(text)) === text.toLowerCase()
      } catch (err) {
        return err instanceof TypeError
      }
    }),
    runs(t, 'fromHex', 20_000)
  )
  t.pass('parsers hold')
})

// ---------------------------------------------------------------- apply pipeline

/** Five would-be members; 0 creates the ledger, 1-3 are admitted in the prologue, 4 never is. */
const PEOPLE: Array<KeyPair & { writer: Hex }> = Array.from({ length: 5 }, (_, i) => ({ ...keyPairFromSeed(b4a.alloc(32, 100 + i)), writer: toHex(b4a.alloc(32, 200 + i)) }))
const STRANGER_KEY = b4a.alloc(32, 250)
const OTHER_LEDGER = b4a.alloc(32, 251)
const fuzzPreimage = (i: number) => b4a.alloc(32, 240 + i)

type Op =
  | { kind: 'entry'; author: number; writer: number; type: Entry['type']; target: number; amount: bigint; ref: number; flag: boolean; sign: 'ok' | 'bad' | 'other-ledger' }
  | { kind: 'bytes'; writer: number; bytes: Uint8Array }
  | { kind: 'mutate'; writer: number; ref: number; pos: number; xor: number }
  | { kind: 'truncate'; writer: number; ref: number; len: number }
  | { kind: 'replay'; writer: number; ref: number }

const person = fc.integer({ min: 0, max: 4 })
const amounts = fc.oneof(fc.bigInt({ min: 0n, max: 300n }), fc.constantFrom(0n, 1n, 100n, 101n, AMOUNT_MAX, AMOUNT_MAX + 1n, (1n << 64n) - 1n))
const entryOp = fc.record({
  kind: fc.constant('entry' as const),
  author: person,
  writer: fc.oneof({ weight: 5, arbitrary: fc.constant(-1) }, { weight: 1, arbitrary: person }),
  type: fc.constantFrom<Entry['type']>('genesis', 'admit', 'set-limits', 'transfer', 'transfer', 'transfer', 'invoice', 'invoice', 'accept', 'decline', 'cancel', 'suspend', 'leave', 'charter', 'propose', 'vote', 'vote', 'object', 'withdraw', 'tick', 'invite', 'uninvite', 'link', 'hold', 'hold', 'fulfil', 'release'),
  target: fc.integer({ min: 0, max: 5 }),
  amount: amounts,
  ref: fc.nat(),
  flag: fc.boolean(),
  sign: fc.oneof({ weight: 8, arbitrary: fc.constant('ok' as const) }, { weight: 1, arbitrary: fc.constantFrom('bad' as const, 'other-ledger' as const) })
})
const anyOp: fc.Arbitrary<Op> = fc.oneof(
  { weight: 12, arbitrary: entryOp },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('bytes' as const), writer: person, bytes: fc.uint8Array({ maxLength: 300 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('mutate' as const), writer: person, ref: fc.nat(), pos: fc.nat(), xor: fc.integer({ min: 1, max: 255 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncate' as const), writer: person, ref: fc.nat(), len: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('replay' as const), writer: person, ref: fc.nat() }) }
) as fc.Arbitrary<Op>

/** Turns ops into blocks on writers, deterministically. */
class Script {
  readonly blocks: Array<{ writer: Hex; block: number; bytes: Uint8Array }> = []
  private readonly lengths = new Map<Hex, number>()
  private readonly invoices: Uint8Array[] = []
  private readonly proposals: Uint8Array[] = []
  private readonly holds: Uint8Array[] = []
  private seq = 0

  constructor(readonly ledgerKey: Uint8Array) {
    this.push(0, this.sign(0, { type: 'genesis', name: 'Fuzz', unitCode: 'CTC', decimals: 2, defaultCreditLimit: 100n, defaultMaxBalance: null, creatorName: 'p0', writer: fromHex(PEOPLE[0].writer) }, '', 'ok'))
    for (let i = 1; i <= 3; i++) {
      this.push(0, this.sign(0, { type: 'admit', account: PEOPLE[i].publicKey, writer: fromHex(PEOPLE[i].writer), name: 'p' + i, role: 'member', creditLimit: 100n, maxBalance: i === 3 ? 250n : null, indexer: false }, '', 'ok'))
    }
  }

  private push(writer: number, bytes: Uint8Array): void {
    const w = PEOPLE[writer].writer
    const block = this.lengths.get(w) ?? 0
    this.lengths.set(w, block + 1)
    this.blocks.push({ writer: w, block, bytes })
  }

  private sign(author: number, draft: EntryDraft, memo: string, how: 'ok' | 'bad' | 'other-ledger'): Uint8Array {
    const entry = { version: 1, author: PEOPLE[author].publicKey, seq: this.seq++, timestamp: 0, memo, ...draft } as Entry
    const { block } = sealEntry(how === 'other-ledger' ? STRANGER_KEY : this.ledgerKey, entry, PEOPLE[author].secretKey)
    if (how === 'bad') block[block.length - 1 - (this.seq % SIGNATURE_BYTES)] ^= 0x10
    return block
  }

  private key(target: number): Uint8Array {
    return target === 5 ? STRANGER_KEY : PEOPLE[target].publicKey
  }

  private draft(op: Extract<Op, { kind: 'entry' }>): EntryDraft {
    const key = this.key(op.target)
    const invoice = this.invoices.length > 0 && op.ref % 5 !== 0 ? this.invoices[op.ref % this.invoices.length] : STRANGER_KEY
    switch (op.type) {
      case 'genesis':
        return { type: 'genesis', name: 'Again', unitCode: 'CTC', decimals: 2, defaultCreditLimit: op.amount, defaultMaxBalance: null, creatorName: 'x', writer: fromHex(PEOPLE[op.author].writer) }
      case 'admit':
        return { type: 'admit', account: key, writer: fromHex(PEOPLE[op.ref % 5].writer), name: op.flag ? 'p' + (op.ref % 6) : 'n' + op.ref, role: op.flag ? 'steward' : 'member', creditLimit: op.amount, maxBalance: null, indexer: false }
      case 'set-limits':
        return { type: 'set-limits', account: key, creditLimit: op.amount, maxBalance: op.flag ? op.amount : null }
      case 'transfer':
        return { type: 'transfer', payee: key, amount: op.amount }
      case 'invoice':
        return { type: 'invoice', payer: key, amount: op.amount }
      case 'accept':
      case 'decline':
      case 'cancel':
        return { type: op.type, invoice }
      case 'suspend':
        return { type: 'suspend', account: key }
      case 'leave':
        return { type: 'leave' }
      case 'charter':
        return { type: 'charter', policy: membersPolicy({ windowMs: 1000 + Number(op.amount % 5000n) }) }
      case 'propose':
        if (op.ref % 7 === 3) return { type: 'propose', proposal: { action: 'admit', account: key, writer: fromHex(PEOPLE[op.ref % 5].writer), name: 'i' + (op.ref % 6), creditLimit: op.amount, maxBalance: null, invite: b4a.alloc(32, op.ref % 4) } }
        return { type: 'propose', proposal: op.flag ? { action: 'suspend', account: key } : { action: 'limits', account: key, creditLimit: op.amount, maxBalance: null } }
      case 'vote':
      case 'object':
      case 'withdraw': {
        const proposal = this.proposals.length > 0 && op.ref % 5 !== 0 ? this.proposals[op.ref % this.proposals.length] : STRANGER_KEY
        return op.type === 'vote' ? { type: 'vote', proposal, yes: op.flag } : { type: op.type, proposal }
      }
      case 'tick':
        return { type: 'tick' }
      // Invite ids from a small set, so uninvites and admits citing them meet recorded ones.
      case 'invite':
        return { type: 'invite', invite: b4a.alloc(32, op.ref % 4), publicKey: key, expires: op.flag ? 0 : op.ref * 1000, creditLimit: op.flag ? null : op.amount }
      case 'uninvite':
        return { type: 'uninvite', invite: b4a.alloc(32, op.ref % 4) }
      case 'link':
        return { type: 'link', ledger: OTHER_LEDGER, name: 'Other', rateNum: 1n + (op.amount % 3n), rateDen: op.flag ? 0n : 2n, capacity: op.amount }
      case 'hold':
        return { type: 'hold', payee: key, amount: op.amount, bridge: op.flag ? key : PEOPLE[op.author].publicKey, ledger: OTHER_LEDGER, condition: conditionOf(fuzzPreimage(op.ref % 3)), peer: key, sealed: b4a.alloc(80, op.ref % 256), expiresMs: 1000 + (op.ref % 5000) }
      case 'fulfil':
      case 'release': {
        const hold = this.holds.length > 0 && op.ref % 5 !== 0 ? this.holds[op.ref % this.holds.length] : STRANGER_KEY
        return op.type === 'fulfil' ? { type: 'fulfil', hold, preimage: fuzzPreimage(op.ref % 4) } : { type: 'release', hold }
      }
    }
  }

  add(op: Op): void {
    const previous = () => this.blocks[op.kind === 'entry' || op.kind === 'bytes' ? 0 : op.ref % this.blocks.length].bytes
    const writer = op.kind === 'entry' && op.writer === -1 ? op.author : op.writer
    switch (op.kind) {
      case 'entry': {
        const memo = op.flag ? 'memo ' + op.ref : ''
        const bytes = this.sign(op.author, this.draft(op), memo, op.sign)
        if (op.type === 'hold') this.holds.push(fromHex(entryIdOf(this.ledgerKey, 'hold', bytes.subarray(0, bytes.length - SIGNATURE_BYTES))))
        if (op.type === 'invoice') this.invoices.push(fromHex(entryIdOf(this.ledgerKey, 'invoice', bytes.subarray(0, bytes.length - SIGNATURE_BYTES))))
        if (op.type === 'propose') this.proposals.push(fromHex(entryIdOf(this.ledgerKey, 'propose', bytes.subarray(0, bytes.length - SIGNATURE_BYTES))))
        return this.push(writer, bytes)
      }
      case 'bytes':
        return this.push(writer, op.bytes)
      case 'mutate': {
        const bytes = b4a.from(previous())
        if (bytes.length > 0) bytes[op.pos % bytes.length] ^= op.xor
        return this.push(writer, bytes)
      }
      case 'truncate': {
        const bytes = previous()
        return this.push(writer, bytes.subarray(0, op.len % Math.max(1, bytes.length)))
      }
      case 'replay':
        return this.push(writer, previous())
    }
  }
}

/** Applies every block, checking properties 1, 2, 4, 5 and 6 after each; returns the store. */
async function applyAll(script: Script, check: boolean): Promise<{ store: MemoryStore; decided: Array<Decided | Ignored> }> {
  const store = new MemoryStore()
  const decided: Array<Decided | Ignored> = []
  const appliedIds = new Set<Hex>()
  for (const b of script.blocks) {
    let list: Array<Decided | Ignored>
    try {
      list = await applyBlock(store, b.bytes, { ledgerKey: script.ledgerKey, writer: b.writer, block: b.block })
    } catch (err) {
      throw new Error(`property 4: applyBlock threw on block ${b.block} of ${b.writer.slice(0, 8)}: ${(err as Error).stack}`, { cause: err })
    }
    // An empty block is no entry (SPEC.md §9): skipped without a record.
    if (list.length === 0 && b.bytes.byteLength === 0) continue
    if (list.length !== 1) throw new Error(`block ${b.block} of ${b.writer.slice(0, 8)} held ${list.length} entries, the script writes one per block`)
    const d = list[0]
    decided.push(d)
    if (!check || d.ignored !== null || !d.outcome.ok) continue
    const e = d.entry as SignedEntry
    // 6: an id applies at most once.
    if (appliedIds.has(d.id)) throw new Error(`property 6: ${d.id} applied twice`)
    appliedIds.add(d.id)
    // 5: the author signed it and owns the writer that appended it.
    const unsigned = b.bytes.subarray(0, b.bytes.length - SIGNATURE_BYTES)
    if (!verifyEntry(script.ledgerKey, e.type, unsigned, e.author, e.signature)) throw new Error('property 5: applied entry does not verify')
    if (e.type !== 'genesis' && (await store.accountOfWriter(b.writer)) !== toHex(e.author)) throw new Error('property 5: author does not own the writer')
    // 2: a move never takes a payer past its credit limit or a payee past its max balance.
    for (const mv of d.outcome.moves) {
      const m = (await store.getMember(mv.account))!
      if (mv.delta < 0n && m.balance < -m.creditLimit) throw new Error(`property 2: ${m.name} at ${m.balance} below -${m.creditLimit}`)
      if (mv.delta > 0n && m.maxBalance !== null && m.balance > m.maxBalance) throw new Error(`property 2: ${m.name} at ${m.balance} above ${m.maxBalance}`)
    }
    // 1: zero-sum.
    let sum = 0n
    for (const m of store.members.values()) sum += m.balance
    if (sum !== 0n) throw new Error(`property 1: balances sum to ${sum}`)
  }
  return { store, decided }
}

/** Balances recomputed from the applied records alone (property 5: every change is backed by an entry). */
function balancesFromRecords(store: MemoryStore): Map<Hex, bigint> {
  const out = new Map<Hex, bigint>()
  for (const m of store.members.values()) out.set(m.account, 0n)
  for (const r of store.log) {
    if (r.status !== 'applied' || r.amount === null || r.payer === null || r.payee === null) continue
    if (r.type !== 'transfer' && r.type !== 'accept') continue
    out.set(r.payer, (out.get(r.payer) ?? 0n) - BigInt(r.amount))
    out.set(r.payee, (out.get(r.payee) ?? 0n) + BigInt(r.amount))
  }
  return out
}

test('fuzz - arbitrary sequences of entries, junk, mutations and replays through apply: no throw, properties 1-6 hold', { timeout: 120_000 }, async (t) => {
  let blocks = 0
  let applied = 0
  const codes = new Set<string>()
  await fc.assert(
    fc.asyncProperty(fc.array(anyOp, { minLength: 1, maxLength: 80 }), async (ops) => {
      const script = new Script(LEDGER)
      for (const op of ops) script.add(op)
      const { store, decided } = await applyAll(script, true)
      // 3: the same blocks give the same view, record for record.
      const again = await applyAll(script, false)
      if (again.store.meta?.stateHash !== store.meta?.stateHash) throw new Error('property 3: state hashes differ')
      if (JSON.stringify([...again.store.members.values()], big) !== JSON.stringify([...store.members.values()], big)) throw new Error('property 3: members differ')
      // 5: balances are exactly what the applied transfers and accepts say.
      const fromRecords = balancesFromRecords(store)
      for (const m of store.members.values()) if (fromRecords.get(m.account) !== m.balance) throw new Error(`property 5: ${m.name} holds ${m.balance}, records say ${fromRecords.get(m.account)}`)
      blocks += script.blocks.length
      for (const d of decided) {
        if (d.ignored !== null) codes.add(d.ignored)
        else if (d.outcome.ok) applied++
        else codes.add(d.outcome.code)
      }
      return true
    }),
    runs(t, 'entry sequences', 400)
  )
  t.comment(`blocks applied through the pipeline: ${blocks} (${applied} applied), reject codes seen: ${[...codes].sort().join(' ')}`)
  t.ok(codes.size >= 15, `the fuzzer reached ${codes.size} distinct reject codes`)
})

function big(_k: string, v: unknown): unknown {
  return typeof v === 'bigint' ? v.toString() : v
}

// ---------------------------------------------------------------- the real stack

test('fuzz - a real ledger takes arbitrary blocks from a modified client: it keeps running and matches a replay', { timeout: 120_000 }, async (t) => {
  let total = 0
  await fc.assert(
    fc.asyncProperty(fc.array(fc.oneof(fc.uint8Array({ maxLength: 200 }), anyDraft.map((d) => d)), { minLength: 1, maxLength: 30 }), async (items) => {
      const scope: Array<[number, () => unknown]> = []
      const local = { teardown: (fn: () => unknown, opts?: { order?: number }) => void scope.push([opts?.order ?? 0, fn]) }
      try {
        const alpha = await createPeer(local, 'alpha')
        const mallory = await addMember(local, alpha, 'mallory')
        const blocks = items.map((it, i) => (it instanceof Uint8Array ? b4a.from(it) : sealEntry(mallory.ledger.key, { version: 1, author: mallory.identity.publicKey, seq: i, timestamp: 0, memo: '', ...it } as Entry, mallory.identity.secretKey).block))
        await mallory.ledger.base.append(blocks)
        await alpha.ledger.transfer('mallory', 1n, { memo: 'honest, after the junk' })
        const hash = await converge([alpha.ledger, mallory.ledger])
        if (!running(alpha.ledger) || !running(mallory.ledger)) throw new Error('a ledger stopped')
        // Replay both writers' blocks in the order the view decided them: same state hash.
        const byPosition = new Map<string, Uint8Array>()
        for (const p of [alpha, mallory]) {
          const core = p.ledger.base.local
          for (let i = 0; i < core.length; i++) {
            const v = ((await core.get(i)) as { node: { value: Uint8Array | null } }).node.value
            if (v !== null) byPosition.set(toHex(p.ledger.writerKey) + '/' + i, v)
          }
        }
        const order: Array<{ writer: Hex; block: number; slot: number }> = []
        for await (const rec of alpha.ledger.log()) order.push(rec)
        const replay = new MemoryStore()
        // A bundle's entries have consecutive records; its block is applied once, at the first.
        for (const o of order) if (o.slot === 0) await applyBlock(replay, byPosition.get(o.writer + '/' + o.block)!, { ledgerKey: alpha.ledger.key, writer: o.writer, block: o.block })
        if (replay.meta?.stateHash !== hash) throw new Error('the view differs from a replay of the writer cores')
        total += blocks.length
        return true
      } finally {
        for (const [, fn] of scope.sort((a, b) => a[0] - b[0])) await fn()
      }
    }),
    runs(t, 'real ledger, modified client', 20)
  )
  t.comment(`arbitrary blocks through a real two-peer ledger: ${total}`)
})
