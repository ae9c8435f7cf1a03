/**
 * Embedding the library: two co-ops on one ledger, replicated over an in-process stream.
 * In your project, import from 'tally-ledger' instead of '../src/index.js'.
 *
 * Run: npm run build && node dist/examples/embed.js
 */
import fs from 'fs'
import os from 'os'
import path from 'path'
import { fileURLToPath } from 'url'
import { Ledger, LedgerError, formatAmount, generateKeyPair } from '../src/index.js'

export async function main(log: (line: string) => void = console.log): Promise<{ alpha: bigint; beta: bigint }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tally-example-'))
  const alphaKeys = generateKeyPair()
  const betaKeys = generateKeyPair()

  // Alpha creates the ledger: it is the first steward. Amounts are bigint minor units (2 decimals: 50000n = 500.00).
  const alpha = await Ledger.create({
    store: path.join(dir, 'alpha'),
    identity: alphaKeys,
    name: 'CoTech Exchange',
    unitCode: 'CTC',
    decimals: 2,
    creditLimit: 500_00n,
    memberName: 'alpha',
    ackIntervalMs: 100 // how often alpha, the only indexer, confirms; the default is 1 s
  })

  // Beta opens the same ledger with its key and encryption key (in practice they come in an invite).
  const beta = await Ledger.open({ store: path.join(dir, 'beta'), identity: betaKeys, key: alpha.key, encryptionKey: alpha.encryptionKey, ackIntervalMs: 100 })

  // Any duplex stream works; nodes use Hyperswarm connections (see Replicator).
  const s1 = alpha.replicate(true)
  const s2 = beta.replicate(false)
  s1.pipe(s2).pipe(s1)

  await alpha.admit({ account: betaKeys.publicKey, writer: beta.writerKey, name: 'beta' })
  await beta.waitWritable({ timeoutMs: 30_000 }) // until beta has synced its admission and may write

  await beta.transfer('alpha', 120_00n, { memo: 'web design, March' })
  const inv = await alpha.invoice('beta', 30_00n, { memo: 'hosting' })
  while ((await beta.invoices({ status: 'pending' })).length === 0) await beta.update()
  await beta.accept(inv.id)

  try {
    await beta.transfer('alpha', 1000_00n)
  } catch (err) {
    if (err instanceof LedgerError && err.reject === 'over_credit_limit') log(`refused: beta can spend ${formatAmount(err.available!, 2)} CTC`)
  }

  while ((await alpha.stateHash()) !== (await beta.stateHash())) await alpha.update()
  const result = { alpha: (await alpha.balance()).balance, beta: (await beta.balance()).balance }
  for (const m of await alpha.members()) log(`${m.name.padEnd(6)} ${formatAmount(m.balance, 2).padStart(9)} CTC`)

  s1.destroy()
  s2.destroy()
  await beta.close()
  await alpha.close()
  fs.rmSync(dir, { recursive: true, force: true })
  return result
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) await main()
