/**
 * `node dist/bench/apply-cost.js [entries]`: where one entry's apply time goes, in one process,
 * without Autobase or the network: the protocol alone (decode, rules, state hash) with and
 * without the signature check, then the same blocks written to a Hyperbee view on disk, one
 * batch per 256 entries as Ledger's apply does. The gap between the lines is what the view costs.
 */
import fs from 'fs'
import os from 'os'
import path from 'path'
import Corestore from 'corestore'
import Hyperbee from 'hyperbee'
import b4a from 'b4a'
import { applyBlock, BeeStore, generateKeyPair, MemoryStore, type StateStore } from '../src/index.js'
import { sealEntry, toHex, type Entry, type Hex } from '../protocol/index.js'

const BATCH = 256

/** A genesis, 7 admits and `count` transfers, all by one steward, as signed blocks. */
export function sampleBlocks(count: number): { ledgerKey: Uint8Array; writer: Hex; blocks: Uint8Array[] } {
  const ledgerKey = b4a.alloc(32, 7)
  const writer = b4a.alloc(32, 1)
  const steward = generateKeyPair()
  const payees = Array.from({ length: 7 }, () => generateKeyPair().publicKey)
  let seq = 1
  const header = () => ({ version: 1, author: steward.publicKey, seq: seq++, timestamp: 1, memo: '' })
  const seal = (e: Entry) => sealEntry(ledgerKey, e, steward.secretKey).block
  const blocks = [seal({ ...header(), type: 'genesis', name: 'Bench', unitCode: 'BEN', decimals: 2, defaultCreditLimit: 10n ** 12n, defaultMaxBalance: null, creatorName: 'steward', writer })]
  payees.forEach((account, i) =>
    blocks.push(seal({ ...header(), type: 'admit', account, writer: b4a.alloc(32, 10 + i), name: `member-${i}`, role: 'member', creditLimit: 10n ** 12n, maxBalance: null, indexer: false }))
  )
  for (let i = 0; i < count; i++) blocks.push(seal({ ...header(), memo: `bench #${i}`, type: 'transfer', payee: payees[i % payees.length], amount: 100n + BigInt(i % 5000) }))
  return { ledgerKey, writer: toHex(writer), blocks }
}

/** Applies every block in batches; returns microseconds per block. */
async function timeApply(blocks: Uint8Array[], ctx: { ledgerKey: Uint8Array; writer: Hex }, open: () => StateStore & { flush?: () => Promise<void> }, verified: boolean): Promise<number> {
  const start = performance.now()
  for (let i = 0; i < blocks.length; i += BATCH) {
    const store = open()
    for (let j = i; j < Math.min(blocks.length, i + BATCH); j++) {
      for (const d of await applyBlock(store, blocks[j], { ledgerKey: ctx.ledgerKey, writer: ctx.writer, block: j }, { verified })) {
        if (d.ignored !== null || !d.outcome.ok) throw new Error(`block ${j} was not applied: ${d.ignored ?? (d.outcome.ok ? '' : d.outcome.code)}`)
      }
    }
    if (store.flush) await store.flush()
  }
  return ((performance.now() - start) * 1000) / blocks.length
}

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 10_000)
  if (!Number.isInteger(count) || count < 1) throw new RangeError('usage: apply-cost.js [entries]')
  const sample = sampleBlocks(count)
  const rows: Array<[string, number]> = []
  const memory = new MemoryStore()
  rows.push(['protocol in memory (decode, verify, rules, state hash)', await timeApply(sample.blocks, sample, () => memory, false)])
  const unverified = new MemoryStore()
  rows.push(['protocol in memory, signature check skipped', await timeApply(sample.blocks, sample, () => unverified, true)])
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tally-apply-cost-'))
  const store = new Corestore(dir)
  const bee = new Hyperbee(store.get({ name: 'view' }), { keyEncoding: 'utf-8', valueEncoding: 'json' })
  try {
    await bee.ready()
    rows.push(['protocol + Hyperbee view on disk (as Ledger apply)', await timeApply(sample.blocks, sample, () => new BeeStore(bee.batch()), false)])
    console.log(`${count} transfers; view blocks per entry: ${(bee.core.length / sample.blocks.length).toFixed(2)}`)
  } finally {
    await bee.close()
    await store.close()
    fs.rmSync(dir, { recursive: true, force: true })
  }
  for (const [what, us] of rows) console.log(`${what.padEnd(56)} ${us.toFixed(0).padStart(5)} us/entry  ${(1e6 / us).toFixed(0).padStart(6)} entries/s`)
}

main().catch((err) => {
  process.stderr.write(`apply-cost failed: ${(err as Error)?.stack ?? err}\n`)
  process.exit(1)
})
