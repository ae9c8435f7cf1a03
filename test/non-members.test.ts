/**
 * Non-members: a peer without the encryption key sees only ciphertext; a writer that was never
 * admitted has no effect even when its modified client appends; a suspended or departed
 * member's new spending has no effect on any peer.
 */
import test from 'brittle'
import b4a from 'b4a'
import { LedgerError, Ledger } from '../src/index.js'
import { fromHex, generateKeyPair, toHex } from '../protocol/index.js'
import { addMember, connect, converge, createPeer, makeStore, openPeer, until } from './helpers/index.js'
import { Forger, balancesOf, outcomeCounts, recordsOfWriter, running } from './helpers/adversary.js'

const MEMO = 'invoice 2024-117 for the Zebra Bakery roof'
const NAME = 'Zebra Bakery Cooperative'

/** Downloads every block of a core through a store that has no encryption key, and counts plaintext hits. */
async function rawScan(store: ReturnType<typeof makeStore>, key: Uint8Array, needles: string[]): Promise<{ blocks: number; hits: number }> {
  const core = store.get({ key })
  await core.ready()
  await until(async () => (await core.update({ wait: true })) || core.length > 0, 'core length known')
  let hits = 0
  for (let i = 0; i < core.length; i++) {
    const block: Uint8Array = await core.get(i, { timeout: 10_000 })
    for (const n of needles) if (b4a.indexOf(block, b4a.from(n)) !== -1) hits++
  }
  const blocks = core.length
  await core.close()
  return { blocks, hits }
}

test('non-members - a peer that has the keys but not the encryption key downloads only ciphertext', async (t) => {
  const alpha = await createPeer(t, 'alpha')
  const zebra = await addMember(t, alpha, NAME)
  const { id } = await zebra.ledger.transfer('alpha', 12_00n, { memo: MEMO })
  await converge([alpha.ledger, zebra.ledger])
  t.ok(alpha.ledger.encryptionKey, 'the ledger is encrypted by default')

  // Positive control: members read the memo, in the view and in zebra's own decrypted writer block.
  t.is((await alpha.ledger.entry(id))?.memo, MEMO)
  let plainInWriter = 0
  for (let i = 0; i < zebra.ledger.base.local.length; i++) {
    if (b4a.indexOf(await zebra.ledger.base.local.get(i, { valueEncoding: 'binary' }), b4a.from(MEMO)) !== -1) plainInWriter++
  }
  t.is(plainInWriter, 1, 'a member with the key reads the memo in the writer block')

  // Eve knows more than the discovery key: the ledger key, zebra's writer key and the view key.
  const eve = makeStore(t)
  const s1 = alpha.store.replicate(true)
  const s2 = eve.replicate(false)
  s1.pipe(s2).pipe(s1)
  t.teardown(() => {
    s1.destroy()
    s2.destroy()
  }, { order: 0 })
  const cores = { bootstrap: alpha.ledger.key, writer: zebra.ledger.writerKey, view: alpha.ledger.view.core.key }
  let blocks = 0
  for (const [what, key] of Object.entries(cores)) {
    const scan = await rawScan(eve, key, [MEMO, NAME])
    t.ok(scan.blocks > 0, `eve downloaded ${scan.blocks} blocks of the ${what} core`)
    t.is(scan.hits, 0, `no plaintext memo or member name in the ${what} core`)
    blocks += scan.blocks
  }

  // A Ledger opened with the ledger key but no encryption key is refused at open, saying why
  // (it used to open and show an empty ledger for ever).
  const eveLedger = new Ledger({ store: makeStore(t), identity: generateKeyPair(), key: alpha.ledger.key, ackIntervalMs: 50 })
  t.teardown(() => eveLedger.close(), { order: 10 })
  try {
    await eveLedger.ready()
    t.fail('a keyless ledger opened')
  } catch (err) {
    t.is((err as LedgerError).code, 'NO_ENCRYPTION_KEY', (err as Error).message)
  }
  t.comment(`ciphertext only: ${blocks} blocks downloaded by a keyless peer, 0 with plaintext`)
})

test('non-members - a writer that was never admitted has no effect on any peer, even through a modified client', async (t) => {
  const alpha = await createPeer(t, 'alpha')
  const beta = await addMember(t, alpha, 'beta')
  const eve = await openPeer(t, alpha.ledger, 'eve') // has the ledger and encryption keys, was never admitted
  connect(alpha.ledger, eve.ledger)
  connect(beta.ledger, eve.ledger)
  await until(async () => (await eve.ledger.findMember('beta').catch(() => null)) !== null, 'eve reads the ledger', () => eve.ledger.update())

  await t.exception(() => eve.ledger.transfer('beta', 5n), /not a writer/, 'the Ledger refuses: NOT_WRITABLE')
  const forger = new Forger(eve.ledger.key, eve.identity)
  const blocks = [
    forger.seal({ type: 'transfer', payee: fromHex(beta.ledger.account), amount: 5n, memo: 'from eve' }),
    forger.seal({ type: 'admit', account: eve.identity.publicKey, writer: eve.ledger.writerKey, name: 'eve', role: 'steward', creditLimit: 10n ** 15n, maxBalance: null, indexer: true }),
    // An admit of eve genuinely signed by the steward (say, leaked) but appended by eve herself.
    new Forger(alpha.ledger.key, alpha.identity).seal({ type: 'admit', account: eve.identity.publicKey, writer: eve.ledger.writerKey, name: 'eve', role: 'member', creditLimit: 0n, maxBalance: null, indexer: false })
  ]
  await t.exception(() => eve.ledger.base.append(blocks[0].block), /Not writable/, 'Autobase refuses a plain append')
  // The modified client's way in: an optimistic append lands in eve's own core.
  for (const b of blocks) await eve.ledger.base.append(b.block, { optimistic: true })
  t.ok(eve.ledger.base.local.length >= blocks.length, 'eve\'s writer core holds her entries')

  for (let i = 0; i < 10; i++) {
    await Promise.all([alpha, beta, eve].map((p) => p.ledger.update()))
    await new Promise((r) => setTimeout(r, 100))
  }
  await alpha.ledger.transfer('beta', 1_00n, { memo: 'a later honest entry' })
  const hash = await converge([alpha.ledger, beta.ledger, eve.ledger])
  for (const p of [alpha, beta, eve]) {
    for (const b of blocks) t.is(await p.ledger.entry(b.id), null, `${p.name}: eve's ${b.id.slice(0, 8)} was never decided`)
    t.alike(outcomeCounts(await recordsOfWriter(p.ledger, toHex(eve.ledger.writerKey))), {}, `${p.name}: nothing recorded from eve's writer`)
    t.alike(await balancesOf(p.ledger), { alpha: '-100', beta: '100' }, `${p.name}: balances untouched by eve`)
    t.is(await p.ledger.stateHash(), hash)
  }
  await t.exception(() => alpha.ledger.findMember('eve'), /no member/, 'eve did not admit herself')
  t.absent(eve.ledger.writable, 'eve is still not a writer')
})

test('non-members - a suspended or departed member\'s new spending has no effect on any peer', async (t) => {
  const alpha = await createPeer(t, 'alpha')
  const beta = await addMember(t, alpha, 'beta')
  const gamma = await addMember(t, alpha, 'gamma')
  const delta = await addMember(t, alpha, 'delta')
  const peers = [alpha, beta, gamma, delta]
  for (let i = 1; i < peers.length; i++) for (let j = i + 1; j < peers.length; j++) connect(peers[i].ledger, peers[j].ledger)
  const ledgers = peers.map((p) => p.ledger)

  await gamma.ledger.transfer('beta', 10_00n)
  const inv = await gamma.ledger.invoice('beta', 3_00n, { memo: 'before the suspension' })
  await converge(ledgers)
  await alpha.ledger.suspend('beta')
  await delta.ledger.leave()
  await converge(ledgers)
  const before = await balancesOf(alpha.ledger)

  // Through the Ledger: refused locally with the protocol code.
  const local = await beta.ledger.transfer('gamma', 1_00n).catch((err) => err)
  t.is(local.reject, 'author_not_active', 'beta\'s own node refuses: author_not_active')
  const left = await delta.ledger.transfer('gamma', 1n).catch((err) => err)
  t.is(left.reject, 'author_not_active', 'delta\'s own node refuses: author_not_active')

  // Through a modified client: appended anyway, rejected on every peer.
  const b = new Forger(beta.ledger.key, beta.identity)
  const d = new Forger(delta.ledger.key, delta.identity)
  const spends = [
    b.seal({ type: 'transfer', payee: fromHex(gamma.ledger.account), amount: 5_00n }),
    b.seal({ type: 'transfer', payee: fromHex(alpha.ledger.account), amount: 1n }),
    b.seal({ type: 'accept', invoice: fromHex(inv.id) })
  ]
  const departed = [d.seal({ type: 'transfer', payee: fromHex(gamma.ledger.account), amount: 1n }), d.seal({ type: 'invoice', payer: fromHex(gamma.ledger.account), amount: 1n })]
  await beta.ledger.base.append(spends.map((s) => s.block))
  await delta.ledger.base.append(departed.map((s) => s.block))
  const hash = await converge(ledgers)
  for (const p of peers) {
    t.ok(running(p.ledger), `${p.name} keeps running`)
    for (const s of [...spends, ...departed]) t.is((await p.ledger.entry(s.id))?.code, 'author_not_active', `${p.name}: ${s.id.slice(0, 8)} rejected author_not_active`)
    t.alike(await balancesOf(p.ledger), before, `${p.name}: balances unchanged`)
    t.is((await p.ledger.invoices({ status: 'pending' })).length, 1, `${p.name}: the invoice stays pending`)
    t.is(await p.ledger.stateHash(), hash)
  }
  t.comment(`suspended/departed spending tried: ${spends.length + departed.length + 2} entries, 0 applied`)
})
