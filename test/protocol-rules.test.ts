/**
 * Rule tables: each row is an entry and the outcome the rules must give, run through the same
 * pipeline as Autobase apply (decode, verify, look up, evaluate, write).
 */
import test from 'brittle'
import b4a from 'b4a'
import { RefLedger, code, type RefMember } from './helpers/reference.js'
import { AMOUNT_MAX, type EntryDraft } from '../protocol/index.js'

interface World {
  L: RefLedger
  alpha: RefMember
  beta: RefMember
  gamma: RefMember
  outsider: RefMember
}

/** alpha (steward, limit 100), beta (limit 50, max balance 80), gamma (limit 100); beta has an open invoice to alpha. */
async function world(): Promise<World & { invoiceId: Uint8Array }> {
  const L = new RefLedger()
  const alpha = L.person('alpha')
  const beta = L.person('beta')
  const gamma = L.person('gamma')
  const outsider = L.person('outsider')
  await L.genesis(alpha)
  await L.admit(alpha, beta, { creditLimit: 50n, maxBalance: 80n })
  await L.admit(alpha, gamma)
  const inv = await L.run(beta, { type: 'invoice', payer: alpha.keys.publicKey, amount: 10n })
  return { L, alpha, beta, gamma, outsider, invoiceId: b4a.from(inv.id, 'hex') }
}

type Row = [string, (w: World & { invoiceId: Uint8Array }) => Promise<string>, string]

const rows: Row[] = [
  ['pay alpha -> beta 30', (w) => w.L.run(w.alpha, { type: 'transfer', payee: w.beta.keys.publicKey, amount: 30n }).then(code), 'ok'],
  ['pay to an unknown account', (w) => w.L.run(w.alpha, { type: 'transfer', payee: w.outsider.keys.publicKey, amount: 1n }).then(code), 'unknown_member'],
  ['pay yourself', (w) => w.L.run(w.alpha, { type: 'transfer', payee: w.alpha.keys.publicKey, amount: 1n }).then(code), 'self_transfer'],
  ['pay zero', (w) => w.L.run(w.alpha, { type: 'transfer', payee: w.beta.keys.publicKey, amount: 0n }).then(code), 'amount_not_positive'],
  ['pay over the amount bound', (w) => w.L.run(w.alpha, { type: 'transfer', payee: w.gamma.keys.publicKey, amount: AMOUNT_MAX + 1n }).then(code), 'amount_too_large'],
  ['pay the u64 maximum', (w) => w.L.run(w.alpha, { type: 'transfer', payee: w.gamma.keys.publicKey, amount: 2n ** 64n - 1n }).then(code), 'amount_too_large'],
  ['pay past the credit limit', (w) => w.L.run(w.beta, { type: 'transfer', payee: w.alpha.keys.publicKey, amount: 51n }).then(code), 'over_credit_limit'],
  ['pay exactly the credit limit', (w) => w.L.run(w.beta, { type: 'transfer', payee: w.alpha.keys.publicKey, amount: 50n }).then(code), 'ok'],
  ['pay past the payee max balance', (w) => w.L.run(w.alpha, { type: 'transfer', payee: w.beta.keys.publicKey, amount: 81n }).then(code), 'over_max_balance'],
  ['an outsider pays', (w) => w.L.run(w.outsider, { type: 'transfer', payee: w.alpha.keys.publicKey, amount: 1n }).then(code), 'author_not_writer'],
  ['beta signs, gamma\'s writer appends', (w) => w.L.run(w.beta, { type: 'transfer', payee: w.alpha.keys.publicKey, amount: 1n }, { writer: w.gamma.writer }).then(code), 'author_not_writer'],
  ['a bad signature', (w) => w.L.run(w.beta, { type: 'transfer', payee: w.alpha.keys.publicKey, amount: 1n }, { secretKey: w.gamma.keys.secretKey }).then(code), 'bad_signature'],
  ['a flipped signature byte', (w) => w.L.run(w.beta, { type: 'transfer', payee: w.alpha.keys.publicKey, amount: 1n }, { tamper: flipLast }).then(code), 'bad_signature'],
  ['a flipped amount byte', (w) => w.L.run(w.beta, { type: 'transfer', payee: w.alpha.keys.publicKey, amount: 1n }, { tamper: (b) => flipAt(b, 2 + 32 + 2 + 6 + 32) }).then(code), 'bad_signature'],
  ['random bytes', (w) => w.L.raw(w.beta.writer, b4a.from('not an entry at all, just some bytes that are long enough to pass the length check......')).then(code), 'malformed'],
  ['an empty block (no entry: skipped without a record, as Autobase gives it to peers as an ack)', (w) => w.L.rawAll(w.beta.writer, b4a.alloc(0)).then((all) => (all.length === 0 ? 'skipped' : code(all[0]))), 'skipped'],
  ['a truncated entry', (w) => w.L.run(w.beta, { type: 'transfer', payee: w.alpha.keys.publicKey, amount: 1n }, { tamper: (b) => b.subarray(0, b.byteLength - 1) }).then(code), 'malformed'],
  ['an oversized block', (w) => w.L.raw(w.beta.writer, b4a.alloc(5000, 1)).then(code), 'malformed'],
  ['version 2', (w) => w.L.run(w.beta, { type: 'transfer', payee: w.alpha.keys.publicKey, amount: 1n }, { tamper: (b) => setAt(b, 0, 2) }).then(code), 'unsupported_version'],
  ['a second genesis', (w) => w.L.run(w.alpha, genesisDraft(w.alpha)).then(code), 'genesis_exists'],
  ['a non-steward admits', (w) => w.L.admit(w.beta, w.outsider).then(code), 'not_steward'],
  ['admit an existing member', (w) => w.L.admit(w.alpha, w.beta).then(code), 'member_exists'],
  ['admit with a writer in use', (w) => w.L.run(w.alpha, admitDraft(w.outsider, 'x', w.beta.writer)).then(code), 'writer_in_use'],
  ['admit a taken name (other case)', (w) => w.L.run(w.alpha, admitDraft(w.outsider, 'BETA', w.outsider.writer)).then(code), 'name_taken'],
  ['admit a look-alike of a name (Cyrillic е)', (w) => w.L.run(w.alpha, admitDraft(w.outsider, 'b\u0435ta', w.outsider.writer)).then(code), 'bad_name'],
  ['admit a name with a zero-width space', (w) => w.L.run(w.alpha, admitDraft(w.outsider, 'be\u200bta', w.outsider.writer)).then(code), 'bad_name'],
  ['admit a full-width name', (w) => w.L.run(w.alpha, admitDraft(w.outsider, '\uff22\uff25\uff34\uff21', w.outsider.writer)).then(code), 'bad_name'],
  ['admit a name with a right-to-left override', (w) => w.L.run(w.alpha, admitDraft(w.outsider, '\u202eateb', w.outsider.writer)).then(code), 'bad_name'],
  ['admit a name that is an account key', (w) => w.L.run(w.alpha, admitDraft(w.outsider, b4a.toString(w.beta.keys.publicKey, 'hex'), w.outsider.writer)).then(code), 'bad_name'],
  ['admit a name that is a key prefix', (w) => w.L.run(w.alpha, admitDraft(w.outsider, b4a.toString(w.beta.keys.publicKey, 'hex').slice(0, 8), w.outsider.writer)).then(code), 'bad_name'],
  ['admit an all-Cyrillic look-alike of a name', (w) => w.L.run(w.alpha, admitDraft(w.outsider, '\u0412\u0415\u0422\u0410', w.outsider.writer)).then(code), 'name_taken'],
  ['admit an accented copy of a name', (w) => w.L.run(w.alpha, admitDraft(w.outsider, 'b\u00eata', w.outsider.writer)).then(code), 'name_taken'],
  ['admit an empty name', (w) => w.L.run(w.alpha, admitDraft(w.outsider, ' ', w.outsider.writer)).then(code), 'bad_name'],
  ['admit with a limit over the bound', (w) => w.L.admit(w.alpha, w.outsider, { creditLimit: AMOUNT_MAX + 1n }).then(code), 'limit_too_large'],
  ['a non-steward sets limits', (w) => w.L.run(w.beta, { type: 'set-limits', account: w.beta.keys.publicKey, creditLimit: 1000n, maxBalance: null }).then(code), 'not_steward'],
  ['set limits of an unknown account', (w) => w.L.run(w.alpha, { type: 'set-limits', account: w.outsider.keys.publicKey, creditLimit: 1n, maxBalance: null }).then(code), 'unknown_member'],
  ['accept an unknown invoice', (w) => w.L.run(w.alpha, { type: 'accept', invoice: b4a.alloc(32, 7) }).then(code), 'unknown_invoice'],
  ['accept someone else\'s invoice', (w) => w.L.run(w.gamma, { type: 'accept', invoice: w.invoiceId }).then(code), 'not_invoice_payer'],
  ['the payer accepts', (w) => w.L.run(w.alpha, { type: 'accept', invoice: w.invoiceId }).then(code), 'ok'],
  ['cancel by a non-author', (w) => w.L.run(w.alpha, { type: 'cancel', invoice: w.invoiceId }).then(code), 'not_invoice_author'],
  ['leave with a non-zero balance', async (w) => { await w.L.run(w.beta, { type: 'transfer', payee: w.gamma.keys.publicKey, amount: 5n }); return code(await w.L.run(w.beta, { type: 'leave' })) }, 'balance_not_zero'],
  ['leave with a zero balance', (w) => w.L.run(w.gamma, { type: 'leave' }).then(code), 'ok'],
  ['invoice a member who left', async (w) => { await w.L.run(w.gamma, { type: 'leave' }); return code(await w.L.run(w.beta, { type: 'invoice', payer: w.gamma.keys.publicKey, amount: 1n })) }, 'counterparty_not_active'],
  ['a suspended member pays', async (w) => { await w.L.run(w.alpha, { type: 'suspend', account: w.beta.keys.publicKey }); return code(await w.L.run(w.beta, { type: 'transfer', payee: w.alpha.keys.publicKey, amount: 1n })) }, 'author_not_active'],
  ['a suspended member still receives', async (w) => { await w.L.run(w.alpha, { type: 'suspend', account: w.beta.keys.publicKey }); return code(await w.L.run(w.alpha, { type: 'transfer', payee: w.beta.keys.publicKey, amount: 1n })) }, 'ok'],
  ['a non-steward suspends', (w) => w.L.run(w.beta, { type: 'suspend', account: w.gamma.keys.publicKey }).then(code), 'not_steward']
]

for (const [name, act, expected] of rows) {
  test(`rules - ${name} => ${expected}`, async (t) => {
    const w = await world()
    const before = w.L.sum()
    t.is(await act(w), expected)
    t.is(w.L.sum(), before, 'balances still sum to zero')
  })
}

test('rules - an overspend names what is available', async (t) => {
  const w = await world()
  await w.L.run(w.beta, { type: 'transfer', payee: w.alpha.keys.publicKey, amount: 20n })
  const d = await w.L.run(w.beta, { type: 'transfer', payee: w.alpha.keys.publicKey, amount: 31n })
  t.is(code(d), 'over_credit_limit')
  t.is(d.outcome.ok ? null : d.outcome.available, 30n)
  t.is(w.L.balance(w.beta), -20n, 'the rejected entry had no effect')
})

test('rules - a replayed entry is rejected as a duplicate and applies once', async (t) => {
  const w = await world()
  const first = await w.L.run(w.alpha, { type: 'transfer', payee: w.gamma.keys.publicKey, amount: 7n })
  t.is(code(first), 'ok')
  const block = await reEncode(w, first.id)
  const again = await w.L.raw(w.alpha.writer, block)
  t.is(code(again), 'duplicate_entry')
  t.is(w.L.balance(w.gamma), 7n)
})

test('rules - a copy appended by another writer does not burn the genuine entry', async (t) => {
  const w = await world()
  const { sealEntry } = await import('../protocol/index.js')
  const entry = { version: 1, author: w.beta.keys.publicKey, seq: 99, timestamp: 1, memo: '', type: 'transfer' as const, payee: w.alpha.keys.publicKey, amount: 3n }
  const { block } = sealEntry(w.L.ledgerKey, entry, w.beta.keys.secretKey)
  t.is(code(await w.L.raw(w.gamma.writer, block)), 'author_not_writer')
  t.is(code(await w.L.raw(w.beta.writer, block)), 'ok')
  t.is(w.L.balance(w.alpha), 3n)
})

test('rules - entries before genesis are rejected, then genesis applies', async (t) => {
  const L = new RefLedger()
  const a = L.person('alpha')
  t.is(code(await L.run(a, { type: 'leave' })), 'no_genesis')
  t.is(code(await L.run(a, { ...(genesisDraft(a) as Extract<EntryDraft, { type: 'genesis' }>), writer: b4a.alloc(32, 1) })), 'genesis_writer_mismatch')
  t.is(code(await L.genesis(a)), 'ok')
})

test('rules - accept racing cancel: whichever is first in linear order wins', async (t) => {
  for (const acceptFirst of [true, false]) {
    const w = await world()
    const accept = () => w.L.run(w.alpha, { type: 'accept', invoice: w.invoiceId })
    const cancel = () => w.L.run(w.beta, { type: 'cancel', invoice: w.invoiceId })
    const [first, second] = acceptFirst ? [await accept(), await cancel()] : [await cancel(), await accept()]
    t.is(code(first), 'ok')
    t.is(code(second), 'invoice_closed')
    t.is(w.L.balance(w.beta), acceptFirst ? 10n : 0n)
  }
})

function genesisDraft(m: RefMember): EntryDraft {
  return { type: 'genesis', name: 'x', unitCode: 'X', decimals: 0, defaultCreditLimit: 0n, defaultMaxBalance: null, creatorName: m.name, writer: m.writer }
}
function admitDraft(m: RefMember, name: string, writer: Uint8Array): EntryDraft {
  return { type: 'admit', account: m.keys.publicKey, writer, name, role: 'member', creditLimit: 1n, maxBalance: null, indexer: false }
}
function flipLast(b: Uint8Array): Uint8Array {
  return flipAt(b, b.byteLength - 1)
}
function flipAt(b: Uint8Array, i: number): Uint8Array {
  const c = b4a.from(b)
  c[i] ^= 1
  return c
}
function setAt(b: Uint8Array, i: number, v: number): Uint8Array {
  const c = b4a.from(b)
  c[i] = v
  return c
}
/** Re-signs nothing: rebuilds the exact block of an applied entry from the reference ledger's record. */
async function reEncode(w: World, id: string): Promise<Uint8Array> {
  const rec = w.L.store.log.find((r) => r.id === id)!
  const { sealEntry } = await import('../protocol/index.js')
  const entry = { version: 1, author: w.alpha.keys.publicKey, seq: rec.seq, timestamp: rec.timestamp, memo: rec.memo, type: 'transfer' as const, payee: w.gamma.keys.publicKey, amount: 7n }
  return sealEntry(w.L.ledgerKey, entry, w.alpha.keys.secretKey).block
}
