/** Writes test/vectors/entries.json. Run only for a deliberate wire change (and say so in SPEC.md). */
import fs from 'fs'
import path from 'path'
import { fileURLToPath } from 'url'
import b4a from 'b4a'
import { encodeUnsigned, sealEntry, signingBytes, toHex } from '../../protocol/index.js'
import { ALICE, BOB, ENTRIES, LEDGER_KEY, type Vector } from './entries.js'

export function makeVectors(): Vector[] {
  return ENTRIES.map(({ name, signer, entry }) => {
    const keys = signer === 'alice' ? ALICE : BOB
    const { block, id } = sealEntry(LEDGER_KEY, entry, keys.secretKey)
    return {
      name,
      block: toHex(block),
      signingBytes: toHex(signingBytes(LEDGER_KEY, entry.type, encodeUnsigned(entry))),
      id,
      signature: toHex(block.subarray(block.byteLength - 64)),
      author: toHex(keys.publicKey)
    }
  })
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')
  const out = path.join(root, 'test/vectors/entries.json')
  fs.writeFileSync(out, JSON.stringify({ ledgerKey: b4a.toString(LEDGER_KEY, 'hex'), vectors: makeVectors() }, null, 2) + '\n')
  console.log('wrote ' + out)
}
