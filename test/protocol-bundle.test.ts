/**
 * Bundles (SPEC.md §2, "Blocks"): the framing, its strict decoding, and how apply decides the
 * entries of one block: each on its own, in order, as if each were its own block.
 */
import test from 'brittle'
import b4a from 'b4a'
import { BUNDLE_ENTRIES_MAX, BUNDLE_ENTRIES_WRITTEN, ENTRY_BYTES_MAX, WRITER_JUNK_MAX, encodeBundle, packEntries, splitBlock, toHex } from '../protocol/index.js'
import { RefLedger, decidedOnly } from './helpers/reference.js'

/** The framing written out by hand: 0x00, count, then each entry as length + bytes (counts and lengths below 0xfd are one byte). */
function handBundle(entries: Uint8Array[]): Uint8Array {
  const parts: Uint8Array[] = [b4a.from([0, entries.length])]
  for (const e of entries) {
    parts.push(e.byteLength < 0xfd ? b4a.from([e.byteLength]) : b4a.from([0xfd, e.byteLength & 0xff, e.byteLength >> 8]))
    parts.push(e)
  }
  return b4a.concat(parts)
}

test('bundle - the encoding is 0x00, a count and length-prefixed entries, and splits back to the same entries', async (t) => {
  const L = new RefLedger()
  const alpha = L.person('alpha')
  const entries = [0, 1, 2].map((i) => L.seal(alpha, { type: 'leave', memo: 'x'.repeat(i * 120) }))
  const bundle = encodeBundle(entries)
  t.alike(bundle, handBundle(entries), 'byte for byte as SPEC.md describes it')
  const split = splitBlock(bundle)
  t.ok(split.ok && split.bundled)
  if (split.ok) t.alike(split.entries.map((e) => toHex(e)), entries.map((e) => toHex(e)))
  const plain = splitBlock(entries[0])
  t.ok(plain.ok && !plain.bundled && plain.entries.length === 1, 'a plain block is one entry')
  t.alike(packEntries([entries[0]]), [entries[0]], 'one entry is written as a plain block')
  const many = Array.from({ length: BUNDLE_ENTRIES_WRITTEN + 1 }, () => entries[0])
  const packed = packEntries(many)
  t.is(packed.length, 2, 'more than BUNDLE_ENTRIES_WRITTEN entries take two blocks')
  t.alike(packed[1], entries[0], 'the lone last entry stays a plain block')
  const first = splitBlock(packed[0])
  t.ok(first.ok && first.entries.length === BUNDLE_ENTRIES_WRITTEN)
  t.is(packEntries(Array.from({ length: BUNDLE_ENTRIES_MAX }, () => entries[0]), BUNDLE_ENTRIES_MAX).length, 1, 'up to BUNDLE_ENTRIES_MAX in one block when asked')
})

test('bundle - malformed framing is refused with a reason, never thrown', async (t) => {
  const L = new RefLedger()
  const alpha = L.person('alpha')
  const e = L.seal(alpha, { type: 'leave' })
  const good = encodeBundle([e, e])
  const cases: Array<[string, Uint8Array, RegExp]> = [
    ['a bundle of one', b4a.concat([b4a.from([0, 1, e.byteLength]), e]), /2-256 entries, not 1/],
    ['a bundle of none', b4a.from([0, 0]), /not 0/],
    ['too many entries', b4a.from([0, 0xfd, 0x01, 0x01]), /not 257/],
    ['the marker alone', b4a.from([0]), /undecodable/],
    ['an empty entry', b4a.concat([b4a.from([0, 2, 0, e.byteLength]), e]), /is 0 bytes/],
    ['an oversized entry', b4a.concat([b4a.from([0, 2, 0xfd, 0x01, 0x04]), b4a.alloc(ENTRY_BYTES_MAX + 1, 1), b4a.from([e.byteLength]), e]), /1025 bytes/],
    ['a nested bundle', handBundle([good, e]), /itself a bundle/],
    ['an entry past the end', good.subarray(0, good.byteLength - 1), /runs past the block/],
    ['trailing bytes', b4a.concat([good, b4a.from([7])]), /trailing bytes/],
    ['a length not in its shortest form', b4a.concat([b4a.from([0, 2, 0xfd, e.byteLength, 0]), e, b4a.from([e.byteLength]), e]), /canonical/]
  ]
  for (const [what, bytes, reason] of cases) {
    const split = splitBlock(bytes)
    t.absent(split.ok, what + ' is refused')
    if (!split.ok) t.ok(reason.test(split.reason), `${what}: ${split.reason}`)
  }
  const thrown = (fn: () => unknown) => {
    try {
      fn()
      return ''
    } catch (err) {
      return (err as Error).message
    }
  }
  t.ok(/2-256/.test(thrown(() => encodeBundle([e]))), 'the encoder refuses a bundle of one')
  t.ok(/cannot be bundled/.test(thrown(() => encodeBundle([e, b4a.alloc(0)]))), 'and an empty entry')
})

test('bundle - apply decides each entry on its own, in order, exactly as separate blocks', async (t) => {
  const build = () => {
    const L = new RefLedger()
    return { L, alpha: L.person('alpha'), beta: L.person('beta') }
  }
  const a = build()
  const b = build()
  for (const w of [a, b]) {
    await w.L.genesis(w.alpha, { creditLimit: 100n })
    await w.L.admit(w.alpha, w.beta)
  }
  // A payment, an overspend, a forged signature, bytes that do not decode, a second payment.
  const drafts = (w: typeof a) => [
    w.L.seal(w.alpha, { type: 'transfer', payee: w.beta.keys.publicKey, amount: 40n }),
    w.L.seal(w.alpha, { type: 'transfer', payee: w.beta.keys.publicKey, amount: 500n }),
    w.L.seal(w.alpha, { type: 'transfer', payee: w.beta.keys.publicKey, amount: 1n }, w.beta.keys.secretKey),
    // Version 1, then bytes that are no entry (another version byte from a steward's writer would stop the ledger, SPEC.md §6).
    b4a.concat([b4a.from([1, 99]), b4a.alloc(120, 7)]),
    w.L.seal(w.alpha, { type: 'transfer', payee: w.beta.keys.publicKey, amount: 25n })
  ]
  const bundled = decidedOnly(await a.L.rawAll(a.alpha.writer, encodeBundle(drafts(a))))
  const separate = []
  for (const block of drafts(b)) separate.push(await b.L.raw(b.alpha.writer, block))
  t.alike(bundled.map((d) => d.record.code), ['applied', 'over_credit_limit', 'bad_signature', 'malformed', 'applied'].map((c) => (c === 'applied' ? null : c)))
  t.alike(bundled.map((d) => d.id), separate.map((d) => d.id), 'the same ids')
  t.alike(bundled.map((d) => d.record.slot), [0, 1, 2, 3, 4], 'each entry records its place in the block')
  t.ok(bundled.every((d) => d.record.block === bundled[0].record.block), 'all in one block')
  t.alike(bundled.map((d) => d.record.index), separate.map((d) => d.record.index), 'one log position each')
  t.is((await a.L.store.getMember(a.alpha.account))!.balance, -65n)
  t.is(a.L.store.meta!.entries, b.L.store.meta!.entries)
  // The state hash chains the same decisions; only the records' block numbers differ.
  t.is(a.L.store.meta!.rejected, b.L.store.meta!.rejected)

  const again = await a.L.rawAll(a.alpha.writer, encodeBundle(drafts(a)), bundled[0].record.block)
  t.ok(again.every((d) => d.ignored === 'redelivered'), 'a block decided before is not decided again')
  t.ok(again.every((d) => d.record === null && d.outcome === null), 'nothing recorded for it, and no reject code')
  t.is(a.L.store.meta!.entries, b.L.store.meta!.entries, 'and changes nothing')
})

test('bundle - malformed framing is one junk entry; a bundle of junk reaches the writer junk limit and the rest is ignored', async (t) => {
  const L = new RefLedger()
  const alpha = L.person('alpha')
  const mallory = L.person('mallory')
  await L.genesis(alpha)
  await L.admit(alpha, mallory)
  const broken = decidedOnly(await L.rawAll(mallory.writer, b4a.from([0, 2, 9, 1, 2, 3])))
  t.is(broken.length, 1)
  t.is(broken[0].record.code, 'malformed')
  t.ok(/runs past the block/.test(String(broken[0].record.reason)))
  const forged = Array.from({ length: WRITER_JUNK_MAX + 5 }, () => L.seal(mallory, { type: 'transfer', payee: alpha.keys.publicKey, amount: 1n }, alpha.keys.secretKey))
  const decided = await L.rawAll(mallory.writer, encodeBundle(forged))
  const recorded = decided.filter((d) => d.ignored === null)
  t.is(recorded.length, WRITER_JUNK_MAX - 1, 'junk counted per entry, up to the limit (one was the broken bundle)')
  t.ok(recorded[recorded.length - 1].removeWriter !== null, 'the last one removes the writer')
  t.ok(decided.slice(recorded.length).every((d) => d.ignored === 'writer_removed' && d.record === null), 'the rest of the bundle is ignored: no record, no reject code')
  t.is((await L.store.getMember(mallory.account))!.status, 'suspended')
})
