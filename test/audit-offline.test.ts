/**
 * An audit while a writer's node is offline: blocks nobody online holds make the audit
 * incomplete (retry later, exit 3), never a finding of tampering; once that node is back, the
 * same auditor's audit is clean.
 */
import test from 'brittle'
import { audit, toHex } from '../src/index.js'
import { audit as auditCommand, auditCommand as spec, EXIT_AUDIT_INCOMPLETE } from '../cli/commands/audit.js'
import { addMember, connect, converge, createPeer, openPeer } from './helpers/index.js'

test('audit - a writer offline with blocks nobody else holds: incomplete, no findings, exit 3; clean once it is back', { timeout: 120_000 }, async (t) => {
  const alpha = await createPeer(t, 'alpha')
  const beta = await addMember(t, alpha, 'beta')
  for (let i = 0; i < 5; i++) await beta.ledger.transfer('alpha', 1_00n, { memo: 'dues ' + i })
  await alpha.ledger.transfer('beta', 50n)
  // The auditor syncs from both, as any newcomer does.
  const auditor = await openPeer(t, alpha.ledger, 'auditor')
  const cuts = [connect(alpha.ledger, auditor.ledger), connect(beta.ledger, auditor.ledger)]
  await converge([alpha.ledger, beta.ledger, auditor.ledger])
  t.is((await audit(auditor.ledger)).ok, true, 'clean while everyone is online')

  // Beta's node stops. Nobody online keeps beta's blocks: the auditor fast-forwarded past them
  // and alpha's node only kept the view (both modelled by clearing their copies).
  cuts[1]()
  for (const peer of [alpha, auditor]) {
    const core = peer.store.get({ key: beta.ledger.writerKey })
    await core.ready()
    await core.clear(0, core.length)
    await core.close()
  }
  const report = await audit(auditor.ledger, { stallMs: 2000 })
  t.is(report.complete, false, 'incomplete')
  t.is(report.ok, false)
  t.alike(report.findings, [], 'no finding of tampering: ' + report.findings.map((f) => f.rule).join(', '))
  t.is(report.unavailable.length, 1, 'one writer unavailable')
  t.is(report.unavailable[0].writer, toHex(beta.ledger.writerKey))
  t.is(report.unavailable[0].name, 'beta')
  t.ok(report.unavailable[0].missing >= 5, `${report.unavailable[0].missing} blocks missing`)
  t.is(report.entriesChecked, 0, 'nothing replayed')

  // What `tally audit` says and exits with.
  const ctxLedger = auditor.ledger
  const result = await auditCommand({ ledger: ctxLedger })
  t.is(result.exitCode, EXIT_AUDIT_INCOMPLETE)
  t.is(spec.exitCode!(result), 3)
  const text = spec.render(result)
  t.ok(/INCOMPLETE: \d+ blocks of writer [0-9a-f]{8} \(beta\) unavailable; retry when its node is online/.test(text), text.split('\n').find((l) => l.startsWith('INCOMPLETE')))
  t.ok(text.includes('not a finding of tampering'))
  t.absent(/FAILED/.test(text), 'never "the audit FAILED"')
  const exported = await auditCommand({ ledger: ctxLedger, export: 'hledger' })
  t.is(exported.exported, null, 'an incomplete audit exports nothing')
  t.is(exported.exitCode, 3)

  // Beta's node is back: the same auditor's audit is complete and clean.
  connect(beta.ledger, auditor.ledger)
  const again = await audit(auditor.ledger)
  t.is(again.complete, true)
  t.is(again.ok, true, 'clean: ' + again.findings.map((f) => f.detail).join('; '))
  t.is((await auditCommand({ ledger: auditor.ledger })).exitCode, 0)
})
