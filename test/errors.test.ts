/**
 * One reproducer per error code (docs/errors.md lists each code with the test that reproduces it;
 * codes reproduced elsewhere are named there). Each runs on the real stack.
 */
import test from 'brittle'
import fs from 'fs'
import { spawnSync } from 'child_process'
import dgram from 'dgram'
import path from 'path'
import {
  Ledger,
  LedgerError,
  ERROR_CODES,
  DataDir,
  NodeService,
  callNode,
  createIdentity,
  InviteBook,
  generateKeyPair
} from '../src/index.js'
import { addMember, connect, createPeer, makeStore, openPeer, tmpdir, until, failsWith } from './helpers/index.js'

test('errors - every code has a situation, an exit code and a line in docs/errors.md', async (t) => {
  const doc = fs.readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8')
  for (const [code, info] of Object.entries(ERROR_CODES)) {
    t.ok(info.situation.length > 0 && Number.isInteger(info.exit), code)
    t.ok(doc.includes('`' + code + '`'), `${code} is in docs/errors.md`)
    t.is(LedgerError[code as keyof typeof ERROR_CODES]('m').code, code, `LedgerError.${code} makes a ${code}`)
  }
})

test('errors - NOT_SYNCED: no genesis here yet', async (t) => {
  const a = await createPeer(t)
  const b = await openPeer(t, a.ledger, 'beta')
  await failsWith(t, b.ledger.self(), 'NOT_SYNCED')
  await failsWith(t, b.ledger.admit({ account: generateKeyPair().publicKey, writer: generateKeyPair().publicKey, name: 'x' }), 'NOT_SYNCED')
  // The README's mistake in issue 15: paying a member before the ledger synced said UNKNOWN_MEMBER, "members: none".
  await failsWith(t, b.ledger.transfer('alpha', 1n), 'NOT_SYNCED')
  await failsWith(t, b.ledger.balance('alpha'), 'NOT_SYNCED')
})

test('errors - NOT_MEMBER and NOT_WRITABLE: synced but not admitted', async (t) => {
  const a = await createPeer(t)
  const b = await openPeer(t, a.ledger, 'beta')
  connect(a.ledger, b.ledger)
  await until(async () => (await b.ledger.meta()) !== null, 'genesis', () => b.ledger.update())
  await failsWith(t, b.ledger.self(), 'NOT_MEMBER')
  await failsWith(t, b.ledger.leave(), 'NOT_WRITABLE')
})

test('errors - WRONG_IDENTITY: a store whose writer is bound to another member', async (t) => {
  const dir = tmpdir(t)
  const identity = generateKeyPair()
  const a = await Ledger.create({ store: dir, identity, name: 'X', unitCode: 'X', memberName: 'alpha', ackIntervalMs: 50 })
  const key = a.key
  await a.close()
  const other = await Ledger.open({ store: dir, identity: generateKeyPair(), key, ackIntervalMs: 50 })
  t.teardown(() => other.close(), { order: 10 })
  await failsWith(t, other.leave(), 'WRONG_IDENTITY')
})

test('errors - AMBIGUOUS_INVOICE: an id prefix two invoices share', async (t) => {
  const a = await createPeer(t)
  await addMember(t, a, 'beta')
  // Ids are hashes: with enough invoices two share their first 4 hex characters.
  const seen = new Map<string, string>()
  let shared: string | null = null
  while (shared === null) {
    const receipts = await Promise.all(Array.from({ length: 500 }, (_, i) => a.ledger.invoice('beta', 1n, { memo: String(i) })))
    for (const r of receipts) {
      const p = r.id.slice(0, 4)
      if (seen.has(p)) shared = p
      seen.set(p, r.id)
    }
  }
  await failsWith(t, a.ledger.findInvoice(shared), 'AMBIGUOUS_INVOICE')
  await failsWith(t, a.ledger.accept(shared), 'AMBIGUOUS_INVOICE')
})

test('errors - UNKNOWN_INVITE: marking an invite the book does not have', async (t) => {
  const book = new InviteBook(path.join(tmpdir(t), 'invites.json'))
  await book.load()
  await failsWith(t, book.markUsed('00'.repeat(32), { account: 'a', name: 'x', at: 0 } as any), 'UNKNOWN_INVITE')
})

test('errors - LEDGER_CLOSED: every public method after close()', async (t) => {
  const a = await createPeer(t)
  await a.ledger.close()
  const calls: Array<[string, () => unknown]> = [
    ['ready', () => a.ledger.ready()],
    ['update', () => a.ledger.update()],
    ['meta', () => a.ledger.meta()],
    ['balance', () => a.ledger.balance()],
    ['members', () => a.ledger.members()],
    ['history', () => a.ledger.history()],
    ['log', async () => { for await (const _ of a.ledger.log()) break }],
    ['invoices', () => a.ledger.invoices()],
    ['entry', () => a.ledger.entry('00')],
    ['entryAt', () => a.ledger.entryAt(0)],
    ['stateHash', () => a.ledger.stateHash()],
    ['status', () => a.ledger.status()],
    ['self', () => a.ledger.self()],
    ['findMember', () => a.ledger.findMember('alpha')],
    ['findInvoice', () => a.ledger.findInvoice('abcd')],
    ['transfer', () => a.ledger.transfer('alpha', 1n)],
    ['invoice', () => a.ledger.invoice('alpha', 1n)],
    ['accept', () => a.ledger.accept('abcd')],
    ['decline', () => a.ledger.decline('abcd')],
    ['cancel', () => a.ledger.cancel('abcd')],
    ['setLimits', () => a.ledger.setLimits('alpha', { creditLimit: 1n })],
    ['suspend', () => a.ledger.suspend('alpha')],
    ['leave', () => a.ledger.leave()],
    ['admit', () => a.ledger.admit({ account: generateKeyPair().publicKey, writer: generateKeyPair().publicKey, name: 'x' })],
    ['waitWritable', () => a.ledger.waitWritable({ timeoutMs: 100 })],
    ['confirmedView', () => a.ledger.confirmedView()],
    ['replicate', () => a.ledger.replicate(true)]
  ]
  for (const [name, call] of calls) {
    const err = await (async () => call())().then(() => null, (e: unknown) => e)
    t.is((err as LedgerError | null)?.code, 'LEDGER_CLOSED', name)
  }
})

test('errors - LEDGER_CLOSED: writes the close overtakes mid-way (reading the view, appending, applying) say so, not hypercore\'s SESSION_CLOSED', async (t) => {
  const codes = new Map<string, number>()
  for (let round = 0; round < 4; round++) {
    const a = await createPeer(t)
    await a.ledger.admit({ account: generateKeyPair().publicKey, writer: generateKeyPair().publicKey, name: 'beta' })
    // Started at once and a few ms apart, so the close lands before, during and after their reads of the view.
    const writes = [0, 0, 1, 2, 5, 10].map((ms) => new Promise((r) => setTimeout(r, ms)).then(() => a.ledger.transfer('beta', 1n)))
    setTimeout(() => void a.ledger.close(), round)
    for (const r of await Promise.allSettled(writes)) {
      const code = r.status === 'fulfilled' ? 'written' : ((r.reason as LedgerError).code ?? String(r.reason))
      codes.set(code, (codes.get(code) ?? 0) + 1)
    }
  }
  t.absent(codes.has('SESSION_CLOSED'), 'no hypercore error reaches the caller: ' + JSON.stringify([...codes]))
  t.ok([...codes.keys()].every((c) => c === 'written' || c === 'LEDGER_CLOSED'), 'each write was written, or refused with LEDGER_CLOSED: ' + JSON.stringify([...codes]))
  t.ok((codes.get('LEDGER_CLOSED') ?? 0) > 0, 'the close overtook some')
})

test('errors - NO_ENCRYPTION_KEY: opening an existing ledger on a new store without its key', async (t) => {
  const a = await createPeer(t)
  await failsWith(t, Ledger.open({ store: makeStore(t), identity: generateKeyPair(), key: a.ledger.key }), 'NO_ENCRYPTION_KEY')
})

test('errors - TIMEOUT and waitWritable: resolves once admitted, times out, rejects on close', async (t) => {
  const a = await createPeer(t)
  const b = await openPeer(t, a.ledger, 'beta')
  await failsWith(t, b.ledger.waitWritable({ timeoutMs: 200 }), 'TIMEOUT')
  const closing = b.ledger.waitWritable({ timeoutMs: 60_000 }).catch((e: unknown) => e)
  const c = await openPeer(t, a.ledger, 'gamma')
  connect(a.ledger, c.ledger)
  const writable = c.ledger.waitWritable({ timeoutMs: 60_000 })
  await a.ledger.admit({ account: c.identity.publicKey, writer: c.ledger.writerKey, name: 'gamma' })
  await writable
  t.ok(c.ledger.writable, 'writable once waitWritable resolves')
  t.is((await c.ledger.self()).name, 'gamma', 'and its admission is applied')
  await b.ledger.close()
  t.is(((await closing) as LedgerError).code, 'LEDGER_CLOSED', 'a wait rejects when the ledger closes')
})

test('errors - IDENTITY_EXISTS: an identity file is never overwritten', async (t) => {
  const file = path.join(tmpdir(t), 'identity.json')
  await createIdentity(file, 'alpha')
  await failsWith(t, createIdentity(file, 'beta'), 'IDENTITY_EXISTS')
})

test('errors - NO_LEDGER and LEDGER_EXISTS: ledger.json missing, or already there', async (t) => {
  const dir = new DataDir(tmpdir(t))
  await failsWith(t, dir.readLedgerConfig(), 'NO_LEDGER')
  const config = { version: 1 as const, key: '00'.repeat(32), encryptionKey: null, role: 'member' as const, bootstrap: null }
  await dir.writeLedgerConfig(config as any)
  await failsWith(t, dir.writeLedgerConfig(config as any), 'LEDGER_EXISTS')
})

test('errors - NODE_RUNNING: a second node on the same socket', async (t) => {
  const sock = path.join(tmpdir(t), 'node.sock')
  const first = new NodeService(sock, async () => 'ok')
  await first.listen()
  t.teardown(() => first.close(), { order: 0 })
  await failsWith(t, new NodeService(sock, async () => 'ok').listen(), 'NODE_RUNNING')
})

test('errors - NODE_UNREACHABLE: a socket path that cannot be connected to', async (t) => {
  const file = path.join(tmpdir(t), 'not-a-dir')
  fs.writeFileSync(file, '')
  await failsWith(t, callNode(path.join(file, 'node.sock'), 'status', {}), 'NODE_UNREACHABLE')
})

test('errors - BIND_FAILED: `tally bootstrap` on a UDP port already taken (--json, exit 1)', async (t) => {
  const udp = dgram.createSocket('udp4')
  await new Promise<void>((resolve) => udp.bind(0, resolve))
  t.teardown(() => udp.close(), { order: 0 })
  const port = udp.address().port
  // In a child process: after a failed bind udx keeps the event loop alive, and the CLI exits regardless.
  const bin = new URL('../../bin/tally.js', import.meta.url).pathname
  const r = spawnSync(process.execPath, [bin, '--dir', tmpdir(t), '--json', 'bootstrap', '--host', '192.0.2.1', '--port', String(port)], { encoding: 'utf8', timeout: 60_000 })
  t.is(r.status, 1, r.stderr.trim())
  t.is(JSON.parse(r.stderr || '{}').error?.code, 'BIND_FAILED', r.stderr.trim())
})

test('errors - UNKNOWN_PROPOSAL: a vote on an id no proposal has', async (t) => {
  const a = await createPeer(t)
  await failsWith(t, a.ledger.vote('abcd', 'yes'), 'UNKNOWN_PROPOSAL')
  await failsWith(t, a.ledger.proposal('abcdef'), 'UNKNOWN_PROPOSAL')
})

test('errors - AMBIGUOUS_PROPOSAL: an id prefix two proposals share', async (t) => {
  const a = await createPeer(t)
  await addMember(t, a, 'beta')
  // Under the steward policy a steward's proposal is decided at once; ids are hashes, so with enough two share 4 hex characters.
  const seen = new Set<string>()
  let shared: string | null = null
  for (let round = 0; shared === null; round++) {
    const receipts = await Promise.all(Array.from({ length: 400 }, (_, i) => a.ledger.propose({ action: 'limits', member: 'beta', creditLimit: BigInt(round * 400 + i + 1) })))
    for (const r of receipts) {
      const p = r.id.slice(0, 4)
      if (seen.has(p)) shared = p
      seen.add(p)
    }
  }
  await failsWith(t, a.ledger.proposal(shared), 'AMBIGUOUS_PROPOSAL')
})
