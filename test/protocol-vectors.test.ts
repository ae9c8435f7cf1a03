/** Golden vectors: the wire format, signing bytes, ids and signatures may not change by accident. */
import test from 'brittle'
import fs from 'fs'
import path from 'path'
import { fileURLToPath } from 'url'
import b4a from 'b4a'
import { decodeEntry, encodeEntry, entryIdOf, fromHex, verifyEntry } from '../protocol/index.js'
import { makeVectors } from './vectors/generate.js'
import type { Vector } from './vectors/entries.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const golden = JSON.parse(fs.readFileSync(path.join(root, 'test/vectors/entries.json'), 'utf8')) as { ledgerKey: string; vectors: Vector[] }

test('vectors - the code produces exactly the golden bytes, ids and signatures', async (t) => {
  const now = makeVectors()
  t.is(now.length, golden.vectors.length)
  for (let i = 0; i < now.length; i++) t.alike(now[i], golden.vectors[i], golden.vectors[i].name)
})

test('vectors - every golden block decodes, verifies and re-encodes to itself', async (t) => {
  const ledgerKey = fromHex(golden.ledgerKey)
  for (const v of golden.vectors) {
    const block = fromHex(v.block)
    const d = decodeEntry(block)
    if (!d.ok) {
      t.fail(v.name + ': ' + d.reason)
      continue
    }
    t.is(d.entry.type, v.name)
    t.ok(verifyEntry(ledgerKey, d.entry.type, d.unsigned, d.entry.author, d.entry.signature), v.name + ' verifies')
    t.is(entryIdOf(ledgerKey, d.entry.type, d.unsigned), v.id)
    t.ok(b4a.equals(encodeEntry(d.entry), block), v.name + ' round-trips')
    t.absent(verifyEntry(b4a.alloc(32, 1), d.entry.type, d.unsigned, d.entry.author, d.entry.signature), v.name + ' does not verify for another ledger')
  }
})
