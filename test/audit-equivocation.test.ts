import test from 'brittle'
import fs from 'fs'
import path from 'path'
import { Ledger, audit, generateKeyPair, toHex, type EquivocationEvidence } from '../src/index.js'
import { audit as auditCommand, renderAudit } from '../cli/commands/audit.js'
import { connect, converge, createPeer, openPeer, tmpdir, until } from './helpers/index.js'

test('equivocation - a writer core forked into two signed histories is reported with both signatures as evidence', async (t) => {
  const alpha = await createPeer(t, 'alpha')
  const key = alpha.ledger.key
  const encryptionKey = alpha.ledger.encryptionKey!
  const identity = generateKeyPair()
  const open = async (dir: string) => {
    const ledger = await Ledger.open({ store: dir, identity, key, encryptionKey, ackIntervalMs: 50 })
    t.teardown(() => ledger.close(), { order: 10 })
    return ledger
  }

  // beta joins and trades once, then stops.
  const betaDir = tmpdir(t)
  const beta = await open(betaDir)
  const cut = connect(alpha.ledger, beta)
  await alpha.ledger.admit({ account: identity.publicKey, writer: beta.writerKey, name: 'beta' })
  await until(async () => beta.writable && (await beta.self().catch(() => null)) !== null, 'beta admitted', () => beta.update())
  await beta.transfer('alpha', 1_00n)
  await converge([alpha.ledger, beta])
  cut()
  const writer = beta.writerKey
  await beta.close()

  // A restored backup of beta's data dir (same writer key pair) writes on, and so does the original.
  const copyDir = tmpdir(t)
  fs.cpSync(path.join(betaDir, 'db'), path.join(copyDir, 'db'), { recursive: true })
  const original = await open(betaDir)
  const restored = await open(copyDir)
  t.alike(restored.writerKey, writer, 'both hold the same writer core')
  await original.transfer('alpha', 2_00n, { memo: 'original' })
  await restored.transfer('alpha', 3_00n, { memo: 'restored' })
  await restored.transfer('alpha', 4_00n, { memo: 'restored, again' })

  // An auditor syncs with alpha and the original, then meets the restored copy.
  const auditor = await openPeer(t, alpha.ledger, 'auditor')
  connect(alpha.ledger, original)
  connect(alpha.ledger, auditor.ledger)
  connect(original, auditor.ledger)
  await converge([alpha.ledger, original, auditor.ledger])
  t.is((await audit(auditor.ledger)).ok, true, 'clean before meeting the fork')
  let stored: unknown = undefined
  auditor.ledger.once('equivocation', (s: unknown) => (stored = s))
  connect(restored, auditor.ledger)
  await until(() => stored !== undefined, 'hypercore to find the fork')
  t.ok(stored, 'the auditor node kept the evidence')

  const report = await audit(auditor.ledger)
  t.is(report.ok, false)
  const found = report.findings.filter((f) => f.kind === 'equivocation')
  t.is(found.length, 1, report.findings.map((f) => f.detail).join('; '))
  t.is(found[0].rule, 'forked_writer')
  t.is(found[0].writer, toHex(writer), 'the writer at fault')
  const evidence = found[0].evidence as EquivocationEvidence
  t.is(evidence.writer, toHex(writer))
  t.is(evidence.histories.length, 2)
  const [a, b] = evidence.histories
  t.not(a.treeHash, b.treeHash, 'two different trees at the same length')
  t.ok(/^[0-9a-f]+$/.test(a.signature) && /^[0-9a-f]+$/.test(b.signature) && a.signature !== b.signature, 'both signatures')
  t.ok(a.signedLength >= evidence.length && b.signedLength >= evidence.length, 'each signature covers the disputed length')
  t.is(report.stateHash, report.viewStateHash, 'the replay of the history the auditor holds still agrees with its view')

  const command = await auditCommand({ ledger: auditor.ledger })
  t.is(command.exitCode, 1, 'tally audit exits 1')
  const text = renderAudit(command)
  t.ok(text.includes('[equivocation] forked_writer') && text.includes(a.signature) && text.includes(b.signature), 'the summary shows both signatures')
})
