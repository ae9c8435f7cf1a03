/**
 * `tally link` and `tally links` as plain functions on a real ledger (no argv), as
 * test/cli-commands.test.ts runs the other commands.
 */
import test from 'brittle'
import { link, linkCommand } from '../cli/commands/link.js'
import { links } from '../cli/commands/links.js'
import { main } from '../cli/main.js'
import { DataDir } from '../src/node/data-dir.js'

import { LedgerError, parseRate } from '../src/index.js'
import { toHex } from '../protocol/index.js'
import { createPeer, tmpdir, type T } from './helpers/index.js'
import { contextOf } from './helpers/context.js'

async function refused(t: T & { is: (a: unknown, b: unknown, m?: string) => void; fail: (m: string) => void }, p: Promise<unknown>, code: string): Promise<void> {
  try {
    await p
    t.fail('expected ' + code)
  } catch (err) {
    t.is((err as LedgerError).code, code, (err as Error).message)
  }
}

test('federation cli - link names the other ledger by its data dir; links lists it with its bridge', async (t) => {
  const a = await createPeer(t, 'coopa')
  const b = await createPeer(t, 'coopb')
  const ctx = await contextOf(t, a)
  const otherDir = new DataDir(tmpdir(t))
  await otherDir.ensure()
  await otherDir.writeLedgerConfig({ version: 1, key: toHex(b.ledger.key), encryptionKey: null, role: 'member', bootstrap: null })
  const r = await link(ctx, { other: otherDir.root, rate: '1.5', capacity: '500', name: 'Leeds' })
  t.is(r.ledger, toHex(b.ledger.key))
  t.is(r.rateNum, 3n)
  t.is(r.rateDen, 2n)
  t.is(r.capacity, 500_00n)
  const listed = await links(ctx)
  t.is(listed.links.length, 1)
  t.is(listed.links[0].bridge.name, 'coopa')
  t.is(listed.links[0].ledgerName, 'Leeds')
  t.is(listed.links[0].status, 'active')
  await link(ctx, { other: toHex(b.ledger.key), capacity: '0' })
  t.is((await links(ctx)).links[0].status, 'withdrawn', 'capacity 0 withdraws it')
})

test('federation cli - bad input to link changes nothing', async (t) => {
  const a = await createPeer(t, 'coopa')
  const ctx = await contextOf(t, a)
  const key = 'ab'.repeat(32)
  await refused(t, link(ctx, { other: key, rate: '1,5', capacity: '1' }), 'BAD_INPUT')
  await refused(t, link(ctx, { other: key, rate: '0', capacity: '1' }), 'BAD_INPUT')
  await refused(t, link(ctx, { other: key }), 'BAD_INPUT')
  await refused(t, link(ctx, { other: '' , capacity: '1' }), 'BAD_INPUT')
  await refused(t, link(ctx, { other: toHex(a.ledger.key), capacity: '1' }), 'REJECTED')
  t.is((await links(ctx)).links.length, 0)
  t.alike(parseRate('3/2'), { rateNum: 3n, rateDen: 2n })
  t.alike(parseRate('0.75'), { rateNum: 3n, rateDen: 4n })
})

test('federation cli - link and links are commands of tally', async (t) => {
  let out = ''
  const io = { stdout: (s: string) => void (out += s), stderr: (s: string) => void (out += s), env: {} }
  await main(['link', '--help'], io)
  t.ok(/--capacity/.test(out), 'help shows link\'s flags')
})

test('federation cli - where the policy gives links to the members, link proposes it; the link stands once they pass it', async (t) => {
  const { Ledger, generateKeyPair, membersPolicy } = await import('../src/index.js')
  const { makeStore } = await import('./helpers/index.js')
  const store = makeStore(t)
  const identity = generateKeyPair()
  const ledger = await Ledger.create({ store, identity, name: 'Members Exchange', unitCode: 'CTC', decimals: 2, creditLimit: 100_00n, memberName: 'coopa', ackIntervalMs: 50, decisions: membersPolicy({ windowMs: 10_000, link: 'majority' }) })
  t.teardown(() => ledger.close(), { order: 10 })
  const ctx = await contextOf(t, { ledger, store, identity, name: 'coopa' })
  const key = 'cd'.repeat(32)
  const r = await link(ctx, { other: key, capacity: '100', name: 'Leeds' })
  t.is(r.proposed, true, 'proposed, not announced')
  t.ok(linkCommand.render(r).startsWith('proposed a link to Leeds'), linkCommand.render(r).split('\n')[0])
  // One active member: the proposer's own yes is a majority, so it passed at once.
  t.is((await ledger.proposal(r.id)).status, 'passed')
  const listed = await links(ctx)
  t.is(listed.links.length, 1)
  t.is(listed.links[0].status, 'active', 'the link stands')
  const withdrawn = await link(ctx, { other: key, capacity: '0' })
  t.is(withdrawn.proposed, false, 'withdrawing is the bridge\'s own act')
  t.is((await links(ctx)).links[0].status, 'withdrawn')
  const { audit } = await import('../src/index.js')
  t.alike((await audit(ledger)).findings, [], 'the auditor\'s replay decides the link proposal as the view did')
})
