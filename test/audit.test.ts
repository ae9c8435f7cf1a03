import test from 'brittle'
import fs from 'fs'
import path from 'path'
import createTestnet from 'hyperdht/testnet.js'
import { Replicator, audit, exportReport, formatAmount, toHex, verifyReceipt, type AuditReport, type Ledger } from '../src/index.js'
import { audit as auditCommand, renderAudit } from '../cli/commands/audit.js'
import { addMember, converge, createPeer, openPeer, tmpdir, type Peer } from './helpers/index.js'
import { appendRaw, hasTool, hledgerBalances, run, seal } from './helpers/audit.js'

/** Three co-ops that pay, invoice, accept, decline and cancel. */
async function tradingLedger(t: Parameters<typeof createPeer>[0]): Promise<{ alpha: Peer; beta: Peer; gamma: Peer }> {
  const alpha = await createPeer(t, 'alpha')
  const beta = await addMember(t, alpha, 'beta')
  const gamma = await addMember(t, alpha, 'gamma')
  await alpha.ledger.transfer('beta', 25_00n, { memo: 'design work' })
  await beta.ledger.transfer('gamma', 10_50n)
  const inv = await gamma.ledger.invoice('alpha', 7_25n, { memo: 'catering' })
  const declined = await gamma.ledger.invoice('beta', 1_00n)
  const cancelled = await beta.ledger.invoice('alpha', 2_00n)
  await converge([alpha.ledger, beta.ledger, gamma.ledger])
  await alpha.ledger.accept(inv.id)
  await beta.ledger.decline(declined.id)
  await beta.ledger.cancel(cancelled.id)
  await converge([alpha.ledger, beta.ledger, gamma.ledger])
  return { alpha, beta, gamma }
}

async function expectBalancesOf(t: any, report: AuditReport, ledger: Ledger): Promise<void> {
  const members = await ledger.members()
  t.alike(
    report.members.map((m) => [m.name, m.balance, m.confirmed]),
    members.map((m) => [m.name, m.balance, m.confirmed]),
    'replayed balances equal the ledger\'s'
  )
}

test('audit - a clean ledger passes from a member\'s store and from an auditor that downloads it over the swarm', async (t) => {
  const { alpha, beta } = await tradingLedger(t)
  const fromMember = await audit(alpha.ledger)
  t.is(fromMember.ok, true, 'no findings: ' + fromMember.findings.map((f) => f.detail).join('; '))
  t.is(fromMember.stateHash, await alpha.ledger.stateHash())
  t.is(fromMember.entriesChecked, (await alpha.ledger.meta())!.entries)
  t.is(fromMember.rejected, 0)
  t.is(fromMember.totalVolume, 25_00n + 10_50n + 7_25n)
  t.is(fromMember.signaturesFailed, 0)
  t.ok(fromMember.writers.every((w) => w.verified), 'every writer core\'s signed tree verified')
  await expectBalancesOf(t, fromMember, alpha.ledger)

  // An auditor that is not a member joins the ledger's topic and downloads everything.
  const testnet = await createTestnet(3)
  t.teardown(() => testnet.destroy(), { order: 60 })
  const auditor = await openPeer(t, alpha.ledger, 'auditor')
  const ra = new Replicator(alpha.ledger, { dht: testnet.createNode() })
  t.teardown(() => ra.close(), { order: 0 })
  await ra.join()
  const rb = new Replicator(beta.ledger, { dht: testnet.createNode() })
  t.teardown(() => rb.close(), { order: 0 })
  await rb.join()
  const rc = new Replicator(auditor.ledger, { dht: testnet.createNode() })
  t.teardown(() => rc.close(), { order: 0 })
  await rc.join()
  await rc.waitForPeers(1)
  await converge([alpha.ledger, auditor.ledger])
  const phases = new Set<string>()
  const report = await audit(auditor.ledger, { onProgress: (p) => phases.add(p.phase) })
  t.is(report.ok, true, 'no findings: ' + report.findings.map((f) => f.detail).join('; '))
  t.is(report.stateHash, fromMember.stateHash, 'the auditor reproduces the state hash')
  t.is(report.viewStateHash, report.stateHash)
  await expectBalancesOf(t, report, alpha.ledger)
  t.ok(phases.has('download') && phases.has('verify') && phases.has('replay'), 'progress reported for each phase')
  t.ok(report.timing.entriesPerSecond > 0, 'entries per second reported')
})

test('audit - reading blocks one by one through hypercore\'s public API and walking the view\'s tree gives the same report', async (t) => {
  const alpha = await createPeer(t, 'alpha')
  await addMember(t, alpha, 'beta')
  await alpha.ledger.transfer('beta', 3_00n)
  const bulk = await audit(alpha.ledger)
  const each = await audit(alpha.ledger, { bulk: false })
  t.is(each.ok, true)
  t.is(each.stateHash, bulk.stateHash)
  t.alike(each.writers, bulk.writers)
  t.alike(each.members, bulk.members)
  t.alike(each.entries.map((e) => e.record), bulk.entries.map((e) => e.record))
})

test('audit - an overspend appended raw by a modified client is recorded as rejected and reported, not a finding', async (t) => {
  const alpha = await createPeer(t, 'alpha', { creditLimit: 100_00n })
  const beta = await addMember(t, alpha, 'beta')
  const overspend = seal(alpha.ledger, { type: 'transfer', payee: beta.identity.publicKey, amount: 500_00n, memo: 'more than allowed' })
  await appendRaw(alpha.ledger, [overspend.block])
  const report = await audit(alpha.ledger)
  t.is(report.ok, true, 'a rule rejection is not a verification failure')
  t.is(report.rejected, 1)
  t.is(report.rejectedEntries.length, 1)
  const r = report.rejectedEntries[0]
  t.is(r.id, overspend.id)
  t.is(r.code, 'over_credit_limit')
  t.is(r.writer, toHex(alpha.ledger.writerKey))
  t.ok(/can spend 10000, not 50000/.test(r.reason), r.reason)
  t.is(report.members.find((m) => m.name === 'alpha')!.balance, 0n, 'the overspend moved nothing')
  t.ok(renderAudit(await auditCommand({ ledger: alpha.ledger })).includes('over_credit_limit'), 'the summary lists it')
})

test('audit - exports: JSON receipts verify, CSV has one row per payment, hledger and beancount accept the journals and agree with Tally', async (t) => {
  const alpha = await createPeer(t, 'alpha', { decimals: 3 })
  // Names keep SPEC §5a (no quotes or semicolons); the memo below carries the characters exports must escape.
  const beta = await addMember(t, alpha, "Café Zoë & Sons' (co-op), Ltd.")
  await beta.ledger.transfer('alpha', 1_234n, { memo: '=SUM(A1); "quoted"\nsecond line' })
  // Claimed times out of ledger order: dates go back and forth.
  const day = (d: number, h = 0) => Date.UTC(2024, 5, d, h)
  await appendRaw(alpha.ledger, [
    seal(alpha.ledger, { type: 'transfer', payee: beta.identity.publicKey, amount: 100n, timestamp: day(3) }).block,
    seal(alpha.ledger, { type: 'transfer', payee: beta.identity.publicKey, amount: 200n, timestamp: day(1) }).block,
    seal(alpha.ledger, { type: 'transfer', payee: beta.identity.publicKey, amount: 300n, timestamp: day(2) }).block,
    seal(alpha.ledger, { type: 'transfer', payee: beta.identity.publicKey, amount: 50n, timestamp: day(1, 12) }).block
  ])
  const inv = await alpha.ledger.invoice(beta.name, 75n)
  await converge([alpha.ledger, beta.ledger])
  await beta.ledger.accept(inv.id)
  await converge([alpha.ledger, beta.ledger])
  const report = await audit(alpha.ledger)
  t.is(report.ok, true)
  const dir = tmpdir(t)

  const json = JSON.parse(exportReport(report, 'json'))
  t.is(json.format, 'tally-audit-export')
  t.is(json.entries.length, report.entriesChecked)
  for (const e of json.entries) {
    const check = verifyReceipt(json.ledger.key, e.entry, e.id)
    if (!check.ok) t.fail(`receipt ${e.id} does not verify: ${check.reason}`)
  }
  const flipped = json.entries[2].entry.slice(0, -2) + (json.entries[2].entry.endsWith('00') ? '01' : '00')
  t.is(verifyReceipt(json.ledger.key, flipped).ok, false, 'a receipt with a changed byte fails')

  const csv = exportReport(report, 'csv').trim().split('\r\n')
  t.is(csv[0], 'index,date,time,id,type,payer,payer_name,payee,payee_name,amount,unit,memo,confirmed')
  t.is(csv.length - 1, 6, 'one row per transfer and accepted invoice')
  t.ok(csv.some((l) => l.includes(`"'=SUM(A1); ""quoted""\nsecond line"`)), 'memo quoted, formula defused')
  t.ok(csv.some((l) => l.includes(',accept,') && l.includes(',0.075,CTC,')), 'the accepted invoice is a payment')

  const balances = new Map(report.members.map((m) => [m.name, formatAmount(m.balance, 3)]))
  if (!hasTool('hledger')) {
    t.comment('hledger is not installed (apt-get install hledger): skipping hledger check')
  } else {
    const file = path.join(dir, 'ledger.journal')
    fs.writeFileSync(file, exportReport(report, 'hledger'))
    const check = run('hledger', ['-f', file, 'check', '--strict', 'ordereddates'])
    t.is(check.status, 0, 'hledger check --strict ordereddates: ' + check.stderr)
    const hl = hledgerBalances(file)
    t.is(hl.get('members:alpha'), balances.get('alpha'), 'hledger balance of alpha equals Tally\'s')
    t.is(hl.get('members:Café Zoë co-op'), balances.get('Café "Zoë"; (co-op)'), 'hledger balance of beta equals Tally\'s')
  }
  if (!hasTool('bean-check')) {
    t.comment('beancount is not installed (apt-get install beancount): skipping bean-check')
  } else {
    const file = path.join(dir, 'ledger.beancount')
    fs.writeFileSync(file, exportReport(report, 'beancount'))
    const check = run('bean-check', [file])
    t.is(check.status, 0, 'bean-check accepts the journal: ' + check.stdout + check.stderr)
    const text = fs.readFileSync(file, 'utf8')
    t.ok(text.includes(`balance Assets:Members:Alpha ${balances.get('alpha')} CTC`), 'the closing balance of alpha is Tally\'s (bean-check proved it)')
  }
})

test('audit - the CLI command writes an export, renders a summary and refuses bad options', async (t) => {
  const alpha = await createPeer(t, 'alpha')
  await addMember(t, alpha, 'beta')
  await alpha.ledger.transfer('beta', 12_50n)
  const out = path.join(tmpdir(t), 'ledger.csv')
  const lines: string[] = []
  const result = await auditCommand({ ledger: alpha.ledger, export: 'csv', out, log: (l) => lines.push(l) })
  t.is(result.ok, true)
  t.alike(result.exported, { format: 'csv', path: out, bytes: fs.statSync(out).size })
  t.is(fs.readFileSync(out, 'utf8').trim().split('\r\n').length, 2)
  t.ok(lines.some((l) => l.startsWith('audit: ')), 'progress lines')
  t.is(JSON.parse(JSON.stringify(result)).members.find((m: any) => m.name === 'beta').balance, 1250, 'JSON amounts are minor units')
  const text = renderAudit(result)
  t.ok(text.includes('No findings'), 'the summary says there are no findings')
  t.ok(text.includes('12.50'), 'balances in the unit')
  await t.exception(() => auditCommand({ ledger: alpha.ledger, export: 'xlsx' }), /unknown export format "xlsx"/)
  await t.exception(() => auditCommand({ ledger: alpha.ledger, out }), /--out needs --export/)
  const stdout = await auditCommand({ ledger: alpha.ledger, export: 'hledger' })
  t.ok(renderAudit(stdout).startsWith('; Tally ledger'), 'without --out the export is the output')

  // A node that has not synced anything yet: an empty, passing audit, and nothing to export.
  const fresh = await openPeer(t, alpha.ledger, 'fresh')
  const empty = await auditCommand({ ledger: fresh.ledger })
  t.is(empty.ok, true)
  t.is(empty.entriesChecked, 0)
  await t.exception(() => auditCommand({ ledger: fresh.ledger, export: 'csv' }), /no genesis here yet/)
})

test('audit - an entry whose signed time runs ahead of an entry that causally follows it is flagged, not failed', { timeout: 120_000 }, async (t) => {
  const alpha = await createPeer(t, 'alpha')
  const beta = await addMember(t, alpha, 'beta')
  await converge([alpha.ledger, beta.ledger])
  const clean = await audit(beta.ledger)
  t.is(clean.clockAhead.flags.length, 0, 'no flag while the clocks agree')
  // Alpha claims a time an hour ahead; beta, having seen it, pays alpha at its own (true) time.
  const ahead = await alpha.ledger.write({ type: 'tick', timestamp: Date.now() + 3_600_000 })
  await converge([alpha.ledger, beta.ledger])
  await beta.ledger.transfer('alpha', 1_00n)
  await converge([alpha.ledger, beta.ledger])
  const report = await audit(beta.ledger)
  t.is(report.ok, true, 'a clock running ahead proves no tampering: the audit passes')
  const flags = report.clockAhead.flags
  t.is(flags.length, 1, 'one flag')
  t.is(flags[0].writer, toHex(alpha.ledger.writerKey), "on alpha's writer")
  t.is(flags[0].block, ahead.record.block, 'at the block of the tick')
  t.is(flags[0].followedBy.writer, toHex(beta.ledger.writerKey), "followed by beta's payment")
  t.ok(flags[0].aheadMs > 3_000_000, `ahead by ${flags[0].aheadMs} ms`)
  t.ok(/Clocks running ahead \(1;/.test(renderAudit(await auditCommand({ ledger: beta.ledger }))), 'tally audit lists it')
})
