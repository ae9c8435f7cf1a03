/**
 * The apply batch's prefetch (src/apply-prefetch.ts) only reads: a Hyperbee view built with it has
 * the same bytes, block for block, as one built without it, and applying a log in batches that mix
 * governance decisions, suspensions, invoices and payments leaves the same records and state hash
 * as applying it one block at a time.
 */
import test from 'brittle'
import b4a from 'b4a'
import Hyperbee from 'hyperbee'
import { applyBlock, BeeStore, type Decided, type Ignored } from '../src/index.js'
import { prefetchInputs } from '../src/apply-prefetch.js'
import { toHex, type Hex } from '../protocol/index.js'
import { RefLedger } from './helpers/reference.js'
import { account, membersLedger, T0, WINDOW } from './helpers/governance.js'
import { makeStore, type T } from './helpers/index.js'

interface Block {
  writer: Hex
  block: number
  bytes: Uint8Array
}

/** A reference ledger that also keeps every block it decided, in order. */
async function mixedLog(): Promise<{ ledgerKey: Uint8Array; blocks: Block[]; stateHash: string }> {
  const blocks: Block[] = []
  const rawAll = RefLedger.prototype.rawAll
  RefLedger.prototype.rawAll = async function (this: RefLedger, writer: Uint8Array, bytes: Uint8Array, block?: number): Promise<Array<Decided | Ignored>> {
    const at = block ?? (this as any).writerBlocks.get(toHex(writer)) ?? 0
    blocks.push({ writer: toHex(writer), block: at, bytes })
    return rawAll.call(this, writer, bytes, block)
  }
  try {
    const { L, ms } = await membersLedger(['alpha', 'beta', 'gamma', 'delta'])
    const [a, b, c, d] = ms
    await L.run(a, { type: 'transfer', payee: account(b), amount: 10n, timestamp: T0 })
    const inv = await L.run(b, { type: 'invoice', payer: account(c), amount: 7n, timestamp: T0 })
    await L.run(d, { type: 'transfer', payee: account(c), amount: 3n, timestamp: T0 })
    // A suspension passes in the middle: delta's next payment is refused after it.
    const susp = await L.run(a, { type: 'propose', proposal: { action: 'suspend', account: account(d) }, timestamp: T0 + 1 })
    await L.run(c, { type: 'accept', invoice: b4a.from(inv.id, 'hex'), timestamp: T0 + 2 })
    await L.run(b, { type: 'vote', proposal: b4a.from(susp.id, 'hex'), yes: true, timestamp: T0 + 3 })
    await L.run(c, { type: 'vote', proposal: b4a.from(susp.id, 'hex'), yes: true, timestamp: T0 + 4 })
    const refused = await L.run(d, { type: 'transfer', payee: account(a), amount: 1n, timestamp: T0 + 5 })
    if (refused.outcome.ok) throw new Error('the suspension did not pass inside the log')
    // A limits proposal settles when its window has passed on the members' clocks, amid payments.
    await L.run(b, { type: 'propose', proposal: { action: 'limits', account: account(c), creditLimit: 500n, maxBalance: null }, timestamp: T0 + 6 })
    for (let i = 0; i < 6; i++) await L.run(ms[i % 3], { type: 'transfer', payee: account(ms[(i + 1) % 3]), amount: BigInt(i + 1), timestamp: T0 + 10 + i })
    await L.run(a, { type: 'tick', timestamp: T0 + WINDOW * 2 })
    await L.run(b, { type: 'tick', timestamp: T0 + WINDOW * 2 })
    await L.run(c, { type: 'transfer', payee: account(a), amount: 2n, timestamp: T0 + WINDOW * 2 + 1 })
    const meta = await L.store.getMeta()
    return { ledgerKey: L.ledgerKey, blocks, stateHash: meta!.stateHash }
  } finally {
    RefLedger.prototype.rawAll = rawAll
  }
}

/** Applies `blocks` to a fresh view in batches of `size`, as ledger-apply.ts does; returns the view. */
async function build(t: T, ledgerKey: Uint8Array, blocks: Block[], size: number, prefetch: boolean): Promise<Hyperbee> {
  const store = makeStore(t)
  const bee = new Hyperbee(store.get({ name: 'view' }), { keyEncoding: 'utf-8', valueEncoding: 'json' })
  t.teardown(() => bee.close())
  await bee.ready()
  for (let i = 0; i < blocks.length; i += size) {
    const batch = blocks.slice(i, i + size)
    const s = new BeeStore(bee.batch())
    if (prefetch) await prefetchInputs(s, batch.map((b) => ({ writer: b.writer, value: b.bytes })))
    for (const b of batch) await applyBlock(s, b.bytes, { ledgerKey, writer: b.writer, block: b.block })
    await s.flush()
  }
  return bee
}

async function allRecords(bee: Hyperbee): Promise<Array<[string, unknown]>> {
  const out: Array<[string, unknown]> = []
  for await (const node of bee.createReadStream()) out.push([node.key as string, node.value])
  return out
}

test('apply prefetch - the view has the same bytes with and without it', async (t) => {
  const { ledgerKey, blocks, stateHash } = await mixedLog()
  const withIt = await build(t, ledgerKey, blocks, 8, true)
  const without = await build(t, ledgerKey, blocks, 8, false)
  t.is(withIt.core.length, without.core.length, 'as many view blocks')
  for (let i = 0; i < withIt.core.length; i++) {
    if (!b4a.equals((await withIt.core.get(i, { valueEncoding: 'binary' })) as Uint8Array, (await without.core.get(i, { valueEncoding: 'binary' })) as Uint8Array)) {
      t.fail(`view block ${i} differs`)
      return
    }
  }
  t.pass(`all ${withIt.core.length} view blocks are identical`)
  t.is(((await withIt.get('meta'))!.value as { stateHash: string }).stateHash, stateHash, 'the state hash of the reference ledger')
})

test('apply prefetch - a batch mixing governance decisions and payments decides as one block at a time does', async (t) => {
  const { ledgerKey, blocks, stateHash } = await mixedLog()
  const batched = await build(t, ledgerKey, blocks, blocks.length, true)
  const single = await build(t, ledgerKey, blocks, 1, true)
  t.is(((await batched.get('meta'))!.value as { stateHash: string }).stateHash, stateHash, 'one batch: the reference state hash')
  t.alike(await allRecords(batched), await allRecords(single), 'every record equal')
})
