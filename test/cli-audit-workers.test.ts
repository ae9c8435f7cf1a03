/**
 * `tally audit --workers N`: the same report as without (on a ledger large enough that the
 * signature workers start), and a count that is not a whole number of at least 1 is refused
 * before any work, as the CLI's other numeric flags are.
 */
import test from 'brittle'
import fs from 'fs'
import path from 'path'
import Corestore from 'corestore'
import { main } from '../cli/main.js'
import { createIdentity, Ledger } from '../src/index.js'
import { INLINE_MAX } from '../src/audit/signatures.js'
import { DataDir } from '../src/node/data-dir.js'
import { generateKeyPair, toHex } from '../protocol/index.js'
import { appendRaw, seal } from './helpers/audit.js'
import { tmpdir } from './helpers/index.js'
import { captureIO } from './helpers/cli.js'

/** A data dir whose own writer core holds more entry blocks than one core verifies inline, so `audit` starts its workers. */
async function bigDataDir(t: { teardown(fn: () => unknown, opts?: { order?: number }): void }): Promise<string> {
  const dir = path.join(tmpdir(t), 'alpha')
  const identity = await createIdentity(path.join(dir, 'identity.json'), 'alpha')
  const store = new Corestore(path.join(dir, 'store'))
  const ledger = await Ledger.create({ store, identity, name: 'Audit Exchange', unitCode: 'CTC', memberName: 'alpha', creditLimit: 1000_00n, ackIntervalMs: 50 })
  const beta = generateKeyPair()
  await ledger.admit({ account: beta.publicKey, writer: generateKeyPair().publicKey, name: 'beta' })
  const blocks = Array.from({ length: INLINE_MAX + 100 }, (_, i) => seal(ledger, { type: 'transfer', payee: beta.publicKey, amount: 1n, memo: 'bulk ' + i }).block)
  await appendRaw(ledger, blocks)
  const key = toHex(ledger.key)
  const encryptionKey = ledger.encryptionKey ? toHex(ledger.encryptionKey) : null
  await ledger.close()
  await store.close()
  fs.writeFileSync(new DataDir(dir).ledgerFile, JSON.stringify({ version: 1, key, encryptionKey, role: 'creator', bootstrap: null }), { mode: 0o600 })
  return dir
}

/** `tally --json audit` without its timings (the only part that differs from run to run). */
async function auditJson(t: { is(a: unknown, b: unknown, m?: string): void }, dir: string, extra: string[]): Promise<unknown> {
  const io = captureIO()
  t.is(await main(['--dir', dir, '--json', 'audit', ...extra], io), 0, `tally audit ${extra.join(' ')} passes: ${io.err.trim().split('\n').pop() ?? ''}`)
  const { timing: _timing, ...rest } = JSON.parse(io.out)
  return rest
}

test('cli audit --workers - two workers give the same report as the default', { timeout: 300_000 }, async (t) => {
  const dir = await bigDataDir(t)
  const plain = (await auditJson(t, dir, [])) as { entriesChecked: number; signaturesChecked: number; ok: boolean }
  t.ok(plain.ok, 'the ledger audits clean')
  t.ok(plain.signaturesChecked > INLINE_MAX, `${plain.signaturesChecked} signatures: more than one core verifies inline, so the workers ran`)
  t.alike(await auditJson(t, dir, ['--workers', '2']), plain, '--workers 2: the same report')
  t.alike(await auditJson(t, dir, ['--workers', '1']), plain, '--workers 1: the same report')
})

test('cli audit --workers - not a whole number of at least 1: refused with the flag named, exit 1; no value: usage, exit 2', async (t) => {
  const dir = path.join(tmpdir(t), 'none') // refused before the data dir is read
  for (const bad of ['0', 'two', '2x', '1.5', ' ', '65']) {
    const io = captureIO()
    t.is(await main(['--dir', dir, 'audit', '--workers', bad], io), 1, `--workers ${JSON.stringify(bad)} exits 1`)
    t.ok(/^tally: --workers must be a whole number from 1 to 64, got /.test(io.err), io.err.trim())
    t.is(io.out, '', 'nothing on stdout')
  }
  const json = captureIO()
  t.is(await main(['--dir', dir, '--json', 'audit', '--workers', '0'], json), 1)
  t.is(JSON.parse(json.err).error.code, 'BAD_INPUT', '--json: BAD_INPUT')
  const missing = captureIO()
  t.is(await main(['--dir', dir, 'audit', '--workers'], missing), 2, 'a missing value is a usage error')
  t.ok(missing.err.includes('[--workers N]'), 'with the usage line')
  const help = captureIO()
  t.is(await main(['audit', '--help'], help), 0)
  t.ok(/--workers N\s+worker threads verifying signatures/.test(help.out), 'tally audit --help lists --workers')
})
