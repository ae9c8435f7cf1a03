/**
 * SPEC.md §9 as a pure function (protocol/position.ts): which positions are decided, junk strikes
 * and the writer's removal, the meta's counts and the state-hash chaining. No ledger needed.
 */
import test from 'brittle'
import { blockSkipped, decidePosition, entrySkipped, nextStateHash, EMPTY_STATE_HASH, WRITER_JUNK_MAX, type ChainedMeta, type Hex, type Member, type Outcome } from '../protocol/index.js'

const ID = '11'.repeat(32) as Hex
const meta: ChainedMeta = { ledgerKey: 'ee'.repeat(32) as Hex, name: 'X', unitCode: 'CTC', decimals: 2, defaultCreditLimit: 0n, defaultMaxBalance: null, genesis: ID, stateHash: '22'.repeat(32) as Hex, entries: 5, rejected: 1 }
const mallory = { account: 'aa'.repeat(32), name: 'mallory', writer: 'bb'.repeat(32), role: 'member', status: 'active', creditLimit: 0n, maxBalance: null, balance: 0n, entries: 1, lastSeq: 1 } as Member
const junk: Outcome = { ok: false, code: 'bad_signature', reason: 'signature does not verify' }
const raced: Outcome = { ok: false, code: 'over_credit_limit', reason: 'mallory can spend 0, not 1', available: 0n }

test('position - a block at or below the writer\'s last decided one is redelivered; a writer at the junk limit is skipped', async (t) => {
  t.is(blockSkipped({ block: 3, junk: 0 }, 3), 'redelivered')
  t.is(blockSkipped({ block: 3, junk: 0 }, 4), null)
  t.is(blockSkipped({ block: -1, junk: 0 }, 0), null, 'a new writer')
  t.is(entrySkipped({ block: 3, junk: WRITER_JUNK_MAX }, meta), 'writer_removed')
  t.is(entrySkipped({ block: 3, junk: WRITER_JUNK_MAX - 1 }, meta), null)
})

test('position - before genesis only a genesis takes a position', async (t) => {
  t.is(decidePosition(null, { block: -1, junk: 0 }, 0, ID, raced, null), null)
})

test('position - a rejection counts and chains; only junk strikes the writer', async (t) => {
  const p = decidePosition(meta, { block: 3, junk: 0 }, 4, ID, raced, null)!
  t.alike([p.index, p.meta.entries, p.meta.rejected, p.writer], [5, 6, 2, { block: 4, junk: 0 }])
  t.is(p.meta.stateHash, nextStateHash(meta.stateHash, ID, raced))
  t.is(p.strike, null, 'a race an honest client can lose is not junk')
  const j = decidePosition(meta, { block: 3, junk: 2 }, 4, ID, junk, mallory)!
  t.alike(j.writer, { block: 4, junk: 3 })
  t.is(j.reason, 'signature does not verify')
})

test('position - the junk that reaches the limit suspends the member, removes the writer and is chained twice', async (t) => {
  const p = decidePosition(meta, { block: 40, junk: WRITER_JUNK_MAX - 1 }, 41, ID, junk, mallory)!
  t.is(p.strike?.removeWriter, true)
  t.is(p.strike?.member?.status, 'suspended')
  t.is(p.reason, `signature does not verify; writer removed after ${WRITER_JUNK_MAX} junk blocks`)
  const once = nextStateHash(meta.stateHash, ID, junk)
  t.is(p.meta.stateHash, nextStateHash(once, ID, { ok: true, members: [p.strike!.member!], moves: [] }))
  t.not(EMPTY_STATE_HASH, p.meta.stateHash)
})
