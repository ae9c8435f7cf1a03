/**
 * The small things of issue 16: messages that leaked internals, flags that were silently
 * ignored, file modes, invite codes edited where the checksum cannot see, one invoice shown in
 * opposite directions, the writer count of `status`, old RocksDB logs.
 */
import test from 'brittle'
import fs from 'fs'
import path from 'path'
import z32 from 'z32'
import { main } from '../cli/main.js'
import { invoicesCommand, invoices } from '../cli/commands/invoices.js'
import { historyCommand, history } from '../cli/commands/history.js'
import { durationArg } from '../cli/values.js'
import { decodeInviteCode, encodeInviteCode } from '../src/network/invite-code.js'
import { openContext } from '../src/node/context.js'
import { DataDir } from '../src/node/data-dir.js'
import { openStore, storageError } from '../src/storage.js'
import { startPrivateDht } from '../src/network/bootstrap.js'
import { twoDataDirs } from './helpers/data-dirs.js'
import { tmpdir } from './helpers/index.js'
import BlindPairing from 'blind-pairing'
import b4a from 'b4a'
import { captureIO } from './helpers/cli.js'

test('minor - --dir "" is refused; --json with --help or --version prints JSON', async (t) => {
  const empty = captureIO()
  t.is(await main(['--dir', '', 'status'], empty), 2)
  t.ok(/--dir needs a path, got an empty one/.test(empty.err), empty.err.trim())
  const help = captureIO()
  t.is(await main(['--json', '--help'], help), 0)
  t.ok(JSON.parse(help.out).commands.some((c: any) => c.name === 'pay'), 'the command list as JSON')
  const payHelp = captureIO()
  t.is(await main(['--json', 'pay', '--help'], payHelp), 0)
  t.is(JSON.parse(payHelp.out).usage, 'tally pay MEMBER AMOUNT [--memo TEXT] [--expires DURATION] [--key KEY]')
  const version = captureIO()
  t.is(await main(['--json', '--version'], version), 0)
  t.ok(typeof JSON.parse(version.out).version === 'string')
})

test('minor - a huge --expires is refused in words, not by an encoder', async (t) => {
  t.exception(() => durationArg('99999999999999d', '--expires'), /--expires must be at most 3650d \(or never\)/)
  t.is(durationArg('3650d', '--expires'), 3650 * 86_400_000)
})

test('minor - an invite code edited in its last character, or upper-cased', async (t) => {
  // A code whose bit length leaves unused bits in its last character (as most real codes do).
  const code = ['member', 'auditor', 'x', 'xy', 'xyz']
    .map((role) => encodeInviteCode(BlindPairing.createInvite(b4a.alloc(32, 1), { expires: Date.now() + 3_600_000, data: b4a.from(role) }).invite))
    .find((c) => (z32.decode(c).byteLength * 8) % 5 !== 0)!
  t.is(decodeInviteCode(code.toUpperCase()).id, decodeInviteCode(code).id, 'upper case is the same code')
  // Characters of the same value in the bits the code uses: the bytes decode the same.
  const alphabet = 'ybndrfg8ejkmcpqxot1uwisza345h769'
  const last = code[code.length - 1]
  let edits = 0
  for (const ch of alphabet) {
    const edited = code.slice(0, -1) + ch
    if (ch === last || !b4a.equals(z32.decode(edited), z32.decode(code))) continue
    edits++
    t.exception(() => decodeInviteCode(edited), /not a valid invite code \(it was edited: it is not the code as issued\)/)
  }
  t.ok(edits > 0, `${edits} edits of the last character decode to the same bytes, and are refused`)
})

test('minor - a file size limit is a STORAGE error that says so', async (t) => {
  const dir = tmpdir(t)
  const efbig = Object.assign(new Error('EFBIG: file too large, write'), { code: 'EFBIG' })
  t.ok(/file size limit \(ulimit -f\)/.test(storageError(dir, efbig).message))
  const batch = new Error('Batch was not applied')
  const e = storageError(dir, batch)
  t.is(e.code, 'STORAGE')
  t.ok(/a write to the store .* failed \(the disk is full or read-only, or a file size limit was reached\)/.test(e.message), e.message)
})

test('minor - bootstrap --port refuses a port in use instead of binding the next one', async (t) => {
  const first = await startPrivateDht({ host: '127.0.0.1', port: 0 })
  t.teardown(() => first.destroy(), { order: 60 })
  await t.exception(() => startPrivateDht({ host: '127.0.0.1', port: first.port }), new RegExp(`port ${first.port} is in use`))
})

test('minor - modes, old logs, one invoice in one direction, writers counted the same on every node', { timeout: 120_000 }, async (t) => {
  const root = tmpdir(t)
  const existing = path.join(root, 'made-by-hand')
  fs.mkdirSync(existing, { mode: 0o755 })
  fs.chmodSync(existing, 0o755)
  const io = captureIO()
  t.is(await main(['--dir', existing, 'init', '--name', 'alpha'], io), 0, io.err)
  t.is(fs.statSync(existing).mode & 0o777, 0o700, 'init makes an existing data dir owner-only')

  const storeDir = path.join(root, 'store')
  fs.mkdirSync(path.join(storeDir, 'db'), { recursive: true })
  for (let i = 0; i < 10; i++) fs.writeFileSync(path.join(storeDir, 'db', `LOG.old.${1700000000000000 + i}`), 'log')
  const store = await openStore(storeDir)
  await store.close()
  t.is(fs.statSync(storeDir).mode & 0o777, 0o700, 'store/ is owner-only')
  const left = fs.readdirSync(path.join(storeDir, 'db')).filter((n) => n.startsWith('LOG.old.'))
  t.ok(left.length <= 4, `old logs pruned: ${left.length} left`)
  t.ok(left.includes('LOG.old.1700000000000009'), 'the newest kept')

  const dirs = await twoDataDirs(t)
  const a = await openContext(new DataDir(dirs.alpha))
  t.teardown(() => a.close(), { order: 10 })
  const inv = await a.ledger.invoice('beta', 300n, { memo: 'tea' })
  const asInvoice = invoicesCommand.render(await invoices(a, {}))
  const asHistory = historyCommand.render(await history(a, {}))
  const invoiceRow = asInvoice.split('\n').find((l) => l.startsWith(inv.id.slice(0, 12)))!
  const historyRow = asHistory.split('\n').find((l) => /invoice/.test(l))!
  t.ok(/^\S+\s+beta\s+alpha\s/.test(invoiceRow), `invoices: beta pays alpha: ${invoiceRow}`)
  t.ok(/invoice\s+beta\s+alpha\s/.test(historyRow), `history: beta pays alpha: ${historyRow}`)

  const out = path.join(root, 'ledger.csv')
  const audited = captureIO()
  await a.close()
  t.is(await main(['--dir', dirs.alpha, 'audit', '--export', 'csv', '--out', out], audited), 0, audited.err)
  t.is(fs.statSync(out).mode & 0o777, 0o600, 'exports are owner-only')

  const b = await openContext(new DataDir(dirs.beta))
  t.teardown(() => b.close(), { order: 10 })
  const alphaStatus = captureIO()
  await main(['--dir', dirs.alpha, '--json', 'status'], alphaStatus)
  t.is((await b.ledger.status()).writers, 2, 'two writers bound')
  t.is(JSON.parse(alphaStatus.out).writers, 2, 'and alpha counts the same')
})
