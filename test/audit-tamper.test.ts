import test from 'brittle'
import Corestore from 'corestore'
import b4a from 'b4a'
import { Ledger, audit, toHex, type AuditReport, type Finding } from '../src/index.js'
import { addMember, converge, createPeer } from './helpers/index.js'
import { appendRaw, confirmed, ledgerOnDir, seal } from './helpers/audit.js'

function findingsOf(report: AuditReport, rule: string): Finding[] {
  return report.findings.filter((f) => f.rule === rule)
}

function describe(report: AuditReport): string {
  return report.findings.map((f) => `${f.kind}/${f.rule}: ${f.detail}`).join('\n')
}


test('tamper - an entry whose signature was altered in storage after the fact is named, with the block its writer never signed', async (t) => {
  const { dir, identity, ledger, beta } = await ledgerOnDir(t)
  const genuine = seal(ledger, { type: 'transfer', payee: beta.publicKey, amount: 40_00n, memo: 'genuine' })
  await appendRaw(ledger, [genuine.block])
  await ledger.transfer('beta', 5_00n)
  await confirmed(ledger)
  t.is((await audit(ledger)).ok, true, 'clean before the tampering')
  const record = (await findRecord(ledger, genuine.id))!
  const writerKey = ledger.writerKey
  // Where the entry's last signature byte sits in the stored (encrypted) block. Writer blocks
  // are encrypted with a stream cipher, so flipping a stored bit flips the same plaintext bit.
  const session = ledger.store.get({ key: writerKey, encryption: ledger.base.getWriterEncryption(), valueEncoding: 'binary' })
  await session.ready()
  const raw: Uint8Array = await session.get(record.block, { raw: true })
  const plain: Uint8Array = await session.get(record.block)
  await session.close()
  const at = raw.byteLength - plain.byteLength + b4a.indexOf(plain, genuine.block) + genuine.block.byteLength - 1
  const key = ledger.key
  const encryptionKey = ledger.encryptionKey!
  await ledger.close()

  // Someone with the data dir rewrites the block in the RocksDB store through hypercore's storage layer.
  const store = new Corestore(dir)
  const core = store.get({ key: writerKey })
  await core.ready()
  const altered = b4a.from(raw)
  altered[at] ^= 0x01
  const tx = core.state.storage.write()
  tx.putBlock(record.block, altered)
  await tx.flush()
  await core.close()
  await store.close()

  const reopened = await Ledger.open({ store: dir, identity, key, encryptionKey, ackIntervalMs: 50 })
  t.teardown(() => reopened.close(), { order: 10 })
  const report = await audit(reopened)
  t.is(report.ok, false, 'the audit fails')
  const notSigned = findingsOf(report, 'block_not_signed')
  t.is(notSigned.length, 1, describe(report))
  t.alike([notSigned[0].kind, notSigned[0].writer, notSigned[0].block], ['hypercore', toHex(writerKey), record.block], 'the block its writer never signed')
  const bad = findingsOf(report, 'bad_signature')
  t.is(bad.length, 1)
  t.alike([bad[0].kind, bad[0].writer, bad[0].block, bad[0].id, bad[0].index], ['signature', toHex(writerKey), record.block, genuine.id, record.index], 'the entry whose signature fails')
  t.ok(findingsOf(report, 'record_mismatch').some((f) => f.id === genuine.id), 'the view applied it; the replay rejects it')
  t.ok(findingsOf(report, 'member_mismatch').some((f) => /balance/.test(f.detail)), 'balances disagree with the view')
})

test('tamper - a modified client appending an entry with a broken signature is named', async (t) => {
  const { ledger, beta } = await ledgerOnDir(t)
  const entry = seal(ledger, { type: 'transfer', payee: beta.publicKey, amount: 1_00n })
  const broken = b4a.from(entry.block)
  broken[broken.byteLength - 1] ^= 0x80
  await appendRaw(ledger, [broken])
  const report = await audit(ledger)
  t.is(report.ok, false)
  t.is(report.signaturesFailed, 1)
  const bad = findingsOf(report, 'bad_signature')
  t.is(bad.length, 1, describe(report))
  t.is(bad[0].kind, 'signature')
  t.is(bad[0].id, entry.id)
  t.is(bad[0].writer, toHex(ledger.writerKey))
  t.is(findingsOf(report, 'record_mismatch').length, 0, 'the view recorded it as rejected too')
})

test('tamper - a writer appending another member\'s genuine entry is named as not its author', async (t) => {
  const alpha = await createPeer(t, 'alpha')
  const beta = await addMember(t, alpha, 'beta')
  const genuine = seal(alpha.ledger, { type: 'transfer', payee: beta.identity.publicKey, amount: 10_00n, memo: 'alpha pays beta' })
  await appendRaw(alpha.ledger, [genuine.block])
  await converge([alpha.ledger, beta.ledger])
  // beta's modified client re-appends alpha's signed entry to beta's own writer core.
  await appendRaw(beta.ledger, [genuine.block])
  await converge([alpha.ledger, beta.ledger])
  const report = await audit(alpha.ledger)
  t.is(report.ok, false)
  const found = findingsOf(report, 'author_not_writer')
  t.is(found.length, 1, describe(report))
  t.is(found[0].kind, 'authorship')
  t.is(found[0].writer, toHex(beta.ledger.writerKey), 'the writer at fault')
  t.is(found[0].id, genuine.id, 'the entry')
  t.is(typeof found[0].block, 'number')
  t.is(report.members.find((m) => m.name === 'beta')!.balance, 10_00n, 'the copy moved nothing')
})

test('tamper - a doctored view (a balance its rules never computed) is named', async (t) => {
  const { ledger, beta } = await ledgerOnDir(t)
  await ledger.transfer('beta', 1_00n)
  const account = toHex(beta.publicKey)
  // A modified node writes a balance of its own into its view after applying the next entry.
  const node = ledger as any
  const apply = node.apply.bind(node)
  let armed = true
  node.apply = async (nodes: unknown, view: any, host: unknown) => {
    await apply(nodes, view, host)
    if (!armed) return
    armed = false
    const member = await view.get('acct/' + account)
    await view.put('acct/' + account, { ...member.value, balance: '100000' })
  }
  await ledger.transfer('beta', 2_00n)
  t.is((await ledger.balance('beta')).balance, 1000_00n, 'the node now shows the doctored balance')
  const report = await audit(ledger)
  t.is(report.ok, false)
  const found = findingsOf(report, 'member_mismatch')
  t.is(found.length, 1, describe(report))
  t.is(found[0].kind, 'view')
  t.ok(/beta/.test(found[0].detail) && /balance 1000\.00 in the view, 3\.00 by replay/.test(found[0].detail), found[0].detail)
  t.is(report.members.find((m) => m.name === 'beta')!.balance, 3_00n, 'the replay keeps the true balance')
})

test('tamper - a view that decides the entries of a bundle out of their order is named', async (t) => {
  const { ledger } = await ledgerOnDir(t)
  // A modified node swaps the first two records of the next bundle in its log chunk (indexes kept in sequence).
  const node = ledger as any
  const apply = node.apply.bind(node)
  const tampered: { records: Array<{ block: number; slot: number }> | null } = { records: null }
  node.apply = async (nodes: unknown, view: any, host: unknown) => {
    await apply(nodes, view, host)
    if (tampered.records !== null) return
    for await (const { key, value } of view.createReadStream({ gte: 'log/', lt: 'log0' })) {
      const i = (value as Array<{ slot: number; index: number }>).findIndex((r, k, all) => r.slot === 0 && all[k + 1]?.slot === 1)
      if (i === -1) continue
      const chunk = value.slice()
      ;[chunk[i], chunk[i + 1]] = [{ ...chunk[i + 1], index: chunk[i].index }, { ...chunk[i], index: chunk[i + 1].index }]
      await view.put(key, chunk)
      tampered.records = [chunk[i], chunk[i + 1]]
    }
  }
  await Promise.all([1n, 2n, 3n].map((n) => ledger.transfer('beta', n)))
  t.alike(tampered.records?.map((r) => r.slot), [1, 0], 'the node wrote slot 1 before slot 0')
  const report = await audit(ledger)
  t.is(report.ok, false)
  const found = findingsOf(report, 'bundle_order')
  t.is(found.length, 1, describe(report))
  t.is(found[0].kind, 'order')
  t.is(found[0].block, tampered.records![0].block, 'the bundle')
  t.ok(/entry 1 of block/.test(found[0].detail), found[0].detail)
})

/** The log record of an entry id (the view keys records by position). */
async function findRecord(ledger: { log(): AsyncIterable<{ id: string; block: number; index: number }> }, id: string) {
  for await (const r of ledger.log()) if (r.id === id) return r
  return null
}
