/**
 * The verified set lets apply skip signature checks it has made before (src/verified-set.ts).
 * It must never let a bad signature through: the key is the entry id and the signature itself.
 */
import test from 'brittle'
import b4a from 'b4a'
import { MemoryStore, applyBlock } from '../src/index.js'
import { VerifiedSet } from '../src/verified-set.js'
import { toHex } from '../protocol/index.js'
import { RefLedger } from './helpers/reference.js'

test('verified set - a copy of a verified entry with a forged signature is still rejected, and the set stays bounded', async (t) => {
  const L = new RefLedger()
  const alpha = L.person('alpha')
  const beta = L.person('beta')
  const genesis = L.seal(alpha, { type: 'genesis', name: 'V', unitCode: 'CTC', decimals: 2, defaultCreditLimit: 100n, defaultMaxBalance: null, creatorName: 'alpha', writer: alpha.writer })
  const admit = L.seal(alpha, { type: 'admit', account: beta.keys.publicKey, writer: beta.writer, name: 'beta', role: 'member', creditLimit: 100n, maxBalance: null, indexer: false })
  const pay = L.seal(alpha, { type: 'transfer', payee: beta.keys.publicKey, amount: 5n })
  const forged = b4a.from(pay)
  forged[forged.byteLength - 1] ^= 0xff
  const set = new VerifiedSet()
  const run = async (blocks: Uint8Array[]) => {
    const store = new MemoryStore()
    const out = []
    for (let i = 0; i < blocks.length; i++) out.push(...(await applyBlock(store, blocks[i], { ledgerKey: L.ledgerKey, writer: toHex(alpha.writer), block: i }, { verifiedSet: set })))
    return out.map((d) => (d.record === null ? d.ignored : (d.record.code ?? d.record.status)))
  }
  t.alike(await run([genesis, admit, pay]), ['applied', 'applied', 'applied'], 'checked once and remembered')
  t.alike(await run([genesis, admit, forged]), ['applied', 'applied', 'bad_signature'], 'same id, other signature: checked, rejected')
  t.alike(await run([genesis, admit, forged]), ['applied', 'applied', 'bad_signature'], 'and never remembered as good')

  const small = new VerifiedSet(8)
  const keys = Array.from({ length: 9 }, (_, i) => VerifiedSet.key(toHex(b4a.alloc(32, i)), b4a.alloc(64, i)))
  for (const k of keys) small.add(k)
  t.absent(small.has(keys[0]), 'the oldest key goes first when full')
  t.ok(small.has(keys[8]) && small.has(keys[1]), 'newer keys stay')
})
