import test from 'brittle'
import b4a from 'b4a'
import { audit, generateKeyPair, toHex, type AuditReport } from '../src/index.js'
import { sealEntry, type Entry, type Hex } from '../protocol/index.js'
import { INLINE_MAX, SIG_INVALID, SIG_VALID, SignatureVerifier, runningVerifyWorkers } from '../src/audit/signatures.js'
import { appendRaw, ledgerOnDir, seal } from './helpers/audit.js'

/** The report without its timings (the only part that differs from run to run). */
function comparable(report: AuditReport): Omit<AuditReport, 'timing'> {
  const { timing: _timing, ...rest } = report
  return rest
}

test('audit workers - a bad signature among thousands of blocks, found on a worker thread, is reported exactly as on the calling thread', { timeout: 300_000 }, async (t) => {
  const { ledger, beta } = await ledgerOnDir(t)
  // More blocks than one core verifies inline, so the workers start; one broken signature and one
  // block that does not decode among them.
  const blocks: Uint8Array[] = []
  const n = INLINE_MAX + 300
  const badAt = INLINE_MAX - 100
  const junkAt = INLINE_MAX + 50
  let badId: Hex | null = null
  for (let i = 0; i < n; i++) {
    if (i === junkAt) {
      blocks.push(b4a.from('not an entry'))
      continue
    }
    const sealed = seal(ledger, { type: 'transfer', payee: beta.publicKey, amount: 1n, memo: 'bulk ' + i })
    if (i === badAt) {
      const broken = b4a.from(sealed.block)
      broken[broken.byteLength - 1] ^= 0x80
      blocks.push(broken)
      badId = sealed.id
    } else {
      blocks.push(sealed.block)
    }
  }
  const before = (await ledger.meta())!.entries
  await appendRaw(ledger, blocks)

  let workersSeen = 0
  const onWorkers = await audit(ledger, { onProgress: () => (workersSeen = Math.max(workersSeen, runningVerifyWorkers())) })
  t.ok(workersSeen > 0, 'a worker thread verified signatures')
  t.is(runningVerifyWorkers(), 0, 'no worker outlives the audit')
  const inline = await audit(ledger, { workers: 0 })
  t.is(runningVerifyWorkers(), 0)

  t.is(onWorkers.ok, false)
  t.is(onWorkers.signaturesFailed, 1)
  const bad = onWorkers.findings.filter((f) => f.rule === 'bad_signature')
  t.is(bad.length, 1, onWorkers.findings.map((f) => f.rule + ': ' + f.detail).join('\n'))
  t.alike([bad[0].kind, bad[0].writer, bad[0].id], ['signature', toHex(ledger.writerKey), badId], 'the entry whose signature fails')
  t.is(bad[0].index, before + badAt, 'at its position in the order')
  t.ok(onWorkers.rejectedEntries.some((r) => r.index === before + junkAt), 'the undecodable block is rejected, not a finding')
  t.alike(comparable(onWorkers), comparable(inline), 'the same report with and without workers')
})

test('audit workers - a worker that throws or exits loses no batch, and none outlives the verifier', async (t) => {
  const ledgerKey = generateKeyPair().publicKey
  const author = generateKeyPair()
  const values: Array<Uint8Array | null> = []
  for (let i = 0; i < 5000; i++) {
    if (i % 7 === 3) {
      values.push(null) // an ack
      continue
    }
    const entry = { version: 1, type: 'transfer', author: author.publicKey, seq: i, timestamp: 1_700_000_000_000 + i, memo: '', payee: generateKeyPair().publicKey, amount: 1n } as Entry
    const block = b4a.from(sealEntry(ledgerKey, entry, author.secretKey).block)
    if (i === 4321) block[block.byteLength - 1] ^= 0x01
    values.push(block)
  }
  const key = 'ab'.repeat(32) as Hex
  const run = async (opts: ConstructorParameters<typeof SignatureVerifier>[1]) => {
    const verifier = new SignatureVerifier(ledgerKey, opts)
    verifier.begin(key, values.length)
    verifier.chunk(key, 0, values.slice(0, 3000))
    verifier.chunk(key, 3000, values.slice(3000))
    return verifier.finish()
  }
  const inline = await run({ workers: 0 })
  t.is(inline.status.get(key)![4321], SIG_INVALID)
  t.is(inline.status.get(key)![4323], SIG_VALID)
  t.is(inline.status.get(key)![4322], 2, 'an ack carries no signature')
  t.is(inline.failed, 1)
  t.is(inline.times.get(key)![2 * 11], 1_700_000_000_011, 'block times')

  const failing = await run({ workers: 2, inlineMax: 1, workerUrl: new URL('./helpers/failing-verify-worker.js', import.meta.url) })
  t.alike(failing, inline, 'the calling thread verified the failed workers\' batches')
  t.is(runningVerifyWorkers(), 0, 'the failed workers are gone')

  const working = await run({ workers: 2, inlineMax: 1 })
  t.alike(working, inline, 'workers give the same statuses and times')
  t.is(runningVerifyWorkers(), 0, 'finish stops the workers')

  // An audit that fails midway closes its verifier with batches still queued.
  const abandoned = new SignatureVerifier(ledgerKey, { workers: 1, inlineMax: 1 })
  abandoned.begin(key, values.length)
  abandoned.chunk(key, 0, values)
  t.ok(runningVerifyWorkers() > 0)
  await abandoned.close()
  t.is(runningVerifyWorkers(), 0, 'close stops the workers with batches left')
})
