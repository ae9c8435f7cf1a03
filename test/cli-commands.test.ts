import test from 'brittle'
import fs from 'fs'
import path from 'path'
import { main } from '../cli/main.js'
import { pay } from '../cli/commands/pay.js'
import { invoice } from '../cli/commands/invoice.js'
import { reply } from '../cli/commands/reply.js'
import { invoices } from '../cli/commands/invoices.js'
import { members } from '../cli/commands/members.js'
import { balance } from '../cli/commands/balance.js'
import { history } from '../cli/commands/history.js'
import { status } from '../cli/commands/status.js'
import { limits } from '../cli/commands/limits.js'
import { invite } from '../cli/commands/invite.js'
import { leave, leaveCommand, suspend } from '../cli/commands/membership.js'

import { toHex } from '../protocol/index.js'
import { addMember, converge, createPeer, tmpdir } from './helpers/index.js'
import { contextOf, refused } from './helpers/context.js'
import { captureIO } from './helpers/cli.js'

test('cli commands - pay, invoice, accept and the reads give minor units with names and accounts', async (t) => {
  const a = await createPeer(t, 'alpha')
  const b = await addMember(t, a, 'beta')
  const ca = await contextOf(t, a)
  const cb = await contextOf(t, b)

  const paid = await pay(cb, { member: 'alpha', amount: '12.50', memo: 'design' })
  t.is(paid.amount, 1250n)
  t.alike(paid.payer, { name: 'beta', account: toHex(b.identity.publicKey) })
  t.is(paid.payee.name, 'alpha')
  t.is(paid.balance, -1250n)
  t.is(paid.available, 100_00n - 1250n)
  t.is(paid.unit, 'CTC')
  t.is(paid.decimals, 2)

  const inv = await invoice(ca, { member: 'beta', amount: '3', memo: 'tea' })
  t.is(inv.amount, 300n)
  t.is(inv.status, 'pending')
  await converge([a.ledger, b.ledger])
  const open = await invoices(cb, {})
  t.is(open.invoices.length, 1)
  t.is(open.invoices[0].direction, 'to-pay')
  const accepted = await reply(cb, 'accept', { id: inv.id.slice(0, 10) })
  t.is(accepted.invoice.status, 'accepted')
  t.is(accepted.invoice.payee.name, 'alpha')

  await converge([a.ledger, b.ledger])
  const list = await members(ca)
  t.alike(
    list.members.map((m) => [m.name, m.balance]),
    [
      ['alpha', 1550n],
      ['beta', -1550n]
    ]
  )
  t.is(list.total, 0n)
  const bal = await balance(ca, { member: 'bet' })
  t.is(bal.name, 'beta')
  t.is(bal.balance, -1550n)
  t.is(bal.pending + bal.confirmed, bal.balance)

  const hist = await history(cb, { limit: '10' })
  t.is(hist.name, 'beta')
  const transfer = hist.entries.find((e) => e.type === 'transfer')!
  t.is(transfer.amount, 1250n)
  t.is(transfer.payer?.name, 'beta')
  t.is(transfer.memo, 'design')

  const st = await status(ca)
  t.is(st.node.running, false)
  t.is(st.members, 2)
  t.is(st.pendingEntries, st.entries - st.confirmedEntries)
  t.ok(st.stateHash)

  const lim = await limits(ca, { member: 'beta', creditLimit: '50' })
  t.is(lim.creditLimit, 5000n)
  t.is(lim.maxBalance, null)
  await converge([a.ledger, b.ledger])
  t.is((await balance(cb, {})).creditLimit, 5000n)
})

test('cli commands - bad input is refused with a clear message and changes nothing', async (t) => {
  const a = await createPeer(t, 'alpha')
  const b = await addMember(t, a, 'beta')
  await addMember(t, a, 'bravo')
  const ca = await contextOf(t, a)
  const cb = await contextOf(t, b)
  await converge([a.ledger, b.ledger])
  const before = await a.ledger.status()

  await refused(t, () => pay(ca, { member: 'gamma', amount: '1' }), 'UNKNOWN_MEMBER', /no member matches "gamma"; members: alpha, beta, bravo/)
  await refused(t, () => pay(ca, { member: 'b', amount: '1' }), 'AMBIGUOUS_MEMBER', /beta \(.{8}\), bravo/)
  await refused(t, () => pay(ca, { member: 'beta', amount: '-5' }), 'BAD_INPUT', /must not be negative/)
  await refused(t, () => pay(ca, { member: 'beta', amount: '12,50' }), 'BAD_INPUT', /not an amount/)
  await refused(t, () => pay(ca, { member: 'beta', amount: '1.234' }), 'BAD_INPUT', /too many decimals/)
  await refused(t, () => pay(ca, { member: 'beta', amount: '0' }), 'BAD_INPUT', /more than zero/)
  await refused(t, () => pay(ca, { member: 'beta', amount: '100.01' }), 'REJECTED', /overspend: cannot pay 100.01 CTC; 100.00 CTC is available/)
  await refused(t, () => pay(ca, { member: 'alpha', amount: '1' }), 'REJECTED', /cannot trade with itself/)
  await refused(t, () => reply(cb, 'accept', { id: 'abcdef' }), 'UNKNOWN_INVOICE', /no invoice abcdef/)
  await refused(t, () => limits(cb, { member: 'bravo', creditLimit: '1000' }), 'REJECTED', /not a steward/)
  await refused(t, () => invite(cb, {}), 'REJECTED', /only stewards can invite/)
  await refused(t, () => invite(ca, { expires: 'tomorrow' }), 'BAD_INPUT', /like 90s/)
  await refused(t, () => history(ca, { limit: '0' }), 'BAD_INPUT', /--limit/)

  const after = await a.ledger.status()
  t.is(after.stateHash, before.stateHash, 'state hash unchanged')
  t.is(after.entries, before.entries, 'no entry appended')
  t.is(ca.invites.list().length, 0, 'no invite recorded')
})

test('cli main - init, ledger create and local commands, exit codes and one-line errors', async (t) => {
  const dir = path.join(tmpdir(t), 'alpha')
  let io = captureIO()
  t.is(await main(['--dir', dir, 'init', '--name', 'alpha'], io), 0)
  t.is(fs.statSync(path.join(dir, 'identity.json')).mode & 0o777, 0o600, 'identity file is 0600')
  io = captureIO()
  t.is(await main(['--dir', dir, 'init', '--name', 'other'], io), 1, 'a second init is refused')
  t.ok(/refusing to overwrite/.test(io.err))
  t.is(io.err.trim().split('\n').length, 1, 'one line on stderr')

  io = captureIO({ TALLY_DIR: dir })
  t.is(await main(['ledger', 'create', '--name', 'Test', '--unit', 'ctc', '--decimals', '2', '--credit-limit', '50'], io), 0, '$TALLY_DIR is the data dir')
  t.ok(/created\s+ledger "Test" \(CTC/.test(io.out))
  io = captureIO()
  t.is(await main(['--dir', dir, 'ledger', 'create', '--name', 'Again', '--unit', 'X'], io), 1)
  t.ok(/already has a ledger/.test(io.err))

  io = captureIO()
  t.is(await main(['--dir', dir, '--json', 'balance'], io), 0)
  const bal = JSON.parse(io.out)
  t.is(bal.name, 'alpha')
  t.is(bal.creditLimit, 5000)
  t.is(typeof bal.account, 'string')

  io = captureIO()
  t.is(await main(['--dir', dir, 'pay', 'nobody', '5'], io), 1)
  t.is(io.err, 'tally: no member matches "nobody"; members: alpha\n')

  io = captureIO()
  t.is(await main(['--dir', dir, 'pay', 'nobody'], io), 2, 'usage errors exit 2')
  t.ok(io.err.includes('usage: tally pay MEMBER AMOUNT [--memo TEXT]'))

  // --json: errors are one JSON object on stderr, with the same exit codes.
  io = captureIO()
  t.is(await main(['--dir', dir, '--json', 'pay', 'nobody', '5'], io), 1)
  t.is(JSON.parse(io.err).error.code, 'UNKNOWN_MEMBER')
  t.is(JSON.parse(io.err).error.message, 'no member matches "nobody"; members: alpha')
  t.is(io.out, '', 'nothing on stdout')
  io = captureIO()
  t.is(await main(['--dir', dir, '--json', 'pay', 'alpha', '5'], io), 1, 'paying oneself is refused by the rules')
  t.is(JSON.parse(io.err).error.code, 'REJECTED')
  t.is(typeof JSON.parse(io.err).error.reject, 'string', 'a refusal carries the protocol code')
  io = captureIO()
  t.is(await main(['--dir', dir, '--json', 'pay', 'nobody'], io), 2, 'usage errors exit 2 in --json too')
  t.is(JSON.parse(io.err).error.code, 'USAGE')
  io = captureIO()
  t.is(await main(['--dir', path.join(dir, 'none'), '--json', 'balance'], io), 1)
  t.is(JSON.parse(io.err).error.code, 'NO_IDENTITY')

  io = captureIO()
  t.is(await main(['--dir', dir, 'members'], io), 0)
  t.ok(/^MEMBER\s+ACCOUNT\s+BALANCE/.test(io.out), 'an aligned table')

  io = captureIO()
  t.is(await main(['--dir', dir, 'audit'], io), 0, 'tally audit passes on a clean ledger')
  t.ok(/No findings: the signed logs, the replay and the view agree/.test(io.out))
  const journal = path.join(dir, 'ledger.journal')
  io = captureIO()
  t.is(await main(['--dir', dir, 'audit', '--export', 'hledger', '--out', journal], io), 0)
  t.ok(/^commodity .*CTC$/m.test(fs.readFileSync(journal, 'utf8')), 'the hledger export declares the commodity')
  io = captureIO()
  t.is(await main(['--dir', dir, 'audit', '--export', 'xls'], io), 1)
  t.ok(/json|csv|hledger|beancount/.test(io.err), 'an unknown export format names the known ones')

  io = captureIO()
  t.is(await main(['--dir', path.join(dir, 'none'), 'status'], io), 1)
  t.ok(/no identity in .*tally init --name NAME/.test(io.err))
})

test('cli main - a command may choose its exit code from its result (an audit that finds problems exits 1)', async (t) => {
  const spec = {
    name: 'check',
    scope: 'standalone' as const,
    summary: 'test',
    flags: { fail: { type: 'boolean' as const, help: 'fail' } },
    run: async (_env: unknown, opts: { fail?: boolean }) => ({ ok: !opts.fail }),
    render: (r: { ok: boolean }) => (r.ok ? 'fine' : 'FINDINGS'),
    exitCode: (r: { ok: boolean }) => (r.ok ? 0 : 1)
  }
  let io = captureIO()
  t.is(await main(['check'], io, [spec]), 0)
  t.is(io.out, 'fine\n')
  io = captureIO()
  t.is(await main(['check', '--fail'], io, [spec]), 1)
  t.is(io.out, 'FINDINGS\n')
})

test('cli commands - suspend (stewards) and leave (zero balance), refusals with their codes', async (t) => {
  const a = await createPeer(t, 'alpha')
  const b = await addMember(t, a, 'beta')
  const c = await addMember(t, a, 'gamma')
  const [ca, cb, cc] = await Promise.all([contextOf(t, a), contextOf(t, b), contextOf(t, c)])
  await refused(t, () => suspend(cb, { member: 'gamma' }), 'REJECTED', /steward/)
  const s = await suspend(ca, { member: 'beta' })
  t.is(s.type, 'suspend')
  t.is(s.name, 'beta')
  t.is(s.status, 'suspended')
  await converge([a.ledger, b.ledger, c.ledger])
  await refused(t, () => pay(cb, { member: 'alpha', amount: '1' }), 'REJECTED', /suspended|not active/)
  await refused(t, () => suspend(ca, { member: 'nobody' }), 'UNKNOWN_MEMBER', /no member matches/)
  const l = await leave(cc)
  t.is(l.type, 'leave')
  t.is(l.name, 'gamma')
  t.is(l.status, 'left')
  t.ok(/^left: gamma \([0-9a-f]{8}\) is now left/.test(leaveCommand.render(l)), 'one line for people')
})

