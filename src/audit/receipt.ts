/**
 * Checking one entry as a portable receipt: the signed bytes its author wrote, the ledger key,
 * nothing else. Anyone can redo this with any ed25519 and BLAKE2b implementation
 * (docs/audit.md, "Checking a receipt").
 */
import { decodeEntry, entryIdOf, fromHex, toHex, verifyEntry, type Hex, type SignedEntry } from '../../protocol/index.js'

export type ReceiptCheck =
  | { ok: true; id: Hex; author: Hex; entry: SignedEntry }
  | { ok: false; reason: string }

/**
 * Verifies an exported entry: decodes `entryHex`, checks the author's signature over
 * "tally/v1/" + type + NUL + ledger key + unsigned bytes, and that the id is their BLAKE2b-256.
 *
 * @example
 * const check = verifyReceipt(exported.ledger.key, e.entry, e.id)
 */
export function verifyReceipt(ledgerKeyHex: string, entryHex: string, expectedId?: string): ReceiptCheck {
  let ledgerKey: Uint8Array
  let bytes: Uint8Array
  try {
    ledgerKey = fromHex(ledgerKeyHex)
    bytes = fromHex(entryHex)
  } catch {
    return { ok: false, reason: 'ledger key and entry must be hex' }
  }
  if (ledgerKey.byteLength !== 32) return { ok: false, reason: 'the ledger key must be 32 bytes' }
  const decoded = decodeEntry(bytes)
  if (!decoded.ok) return { ok: false, reason: 'the entry does not decode: ' + decoded.reason }
  const { entry, unsigned } = decoded
  if (!verifyEntry(ledgerKey, entry.type, unsigned, entry.author, entry.signature)) {
    return { ok: false, reason: 'the signature is not the author\'s over this entry in this ledger' }
  }
  const id = entryIdOf(ledgerKey, entry.type, unsigned)
  if (expectedId !== undefined && id !== expectedId.toLowerCase()) return { ok: false, reason: `the entry's id is ${id}, not ${expectedId}` }
  return { ok: true, id, author: toHex(entry.author), entry }
}
