/**
 * Signatures and hashes of the v1 protocol (SPEC.md, "Signing").
 * Deterministic: ed25519 signatures and BLAKE2b hashes depend only on their inputs.
 */
import sodium from 'sodium-native'
import b4a from 'b4a'
import { DOMAIN_PREFIX, KEY_BYTES } from './constants.js'
import { encodeUnsigned } from './codec.js'
import type { Entry, EntryId, EntryType, Hex, SignedEntry } from './types.js'
import { toHex } from './hex.js'

/** An ed25519 key pair: the account key of a member. */
export interface KeyPair {
  publicKey: Uint8Array
  secretKey: Uint8Array
}

/** A fresh random account key pair (the one impure helper here: randomness comes only from the caller's request). */
export function generateKeyPair(): KeyPair {
  const publicKey = b4a.alloc(sodium.crypto_sign_PUBLICKEYBYTES)
  const secretKey = b4a.alloc(sodium.crypto_sign_SECRETKEYBYTES)
  sodium.crypto_sign_keypair(publicKey, secretKey)
  return { publicKey, secretKey }
}

/** The key pair for a 32-byte seed; used by test vectors. */
export function keyPairFromSeed(seed: Uint8Array): KeyPair {
  if (seed.byteLength !== sodium.crypto_sign_SEEDBYTES) throw new TypeError('seed must be 32 bytes')
  const publicKey = b4a.alloc(sodium.crypto_sign_PUBLICKEYBYTES)
  const secretKey = b4a.alloc(sodium.crypto_sign_SECRETKEYBYTES)
  sodium.crypto_sign_seed_keypair(publicKey, secretKey, seed)
  return { publicKey, secretKey }
}

/** BLAKE2b-256 of the concatenation of the parts. */
export function hash(...parts: Uint8Array[]): Uint8Array {
  const out = b4a.alloc(32)
  sodium.crypto_generichash_batch(out, parts)
  return out
}

/** The bytes an author signs: "tally/v1/" + type + NUL || ledger key || unsigned entry. */
export function signingBytes(ledgerKey: Uint8Array, type: EntryType, unsigned: Uint8Array): Uint8Array {
  if (ledgerKey.byteLength !== KEY_BYTES) throw new TypeError('ledger key must be 32 bytes')
  return b4a.concat([b4a.from(DOMAIN_PREFIX + type + '\0'), ledgerKey, unsigned])
}

/** An entry's id: BLAKE2b-256 of its signing bytes. */
export function entryIdOf(ledgerKey: Uint8Array, type: EntryType, unsigned: Uint8Array): EntryId {
  return <EntryId>toHex(hash(signingBytes(ledgerKey, type, unsigned)))
}

/** Signs an entry for a ledger with the author's secret key. */
export function signEntry(ledgerKey: Uint8Array, entry: Entry, secretKey: Uint8Array): SignedEntry {
  const signature = b4a.alloc(sodium.crypto_sign_BYTES)
  sodium.crypto_sign_detached(signature, signingBytes(ledgerKey, entry.type, encodeUnsigned(entry)), secretKey)
  return { ...entry, signature } as SignedEntry
}

/**
 * Signs and encodes in one step: the block to append, and its id. The block is the unsigned entry
 * followed by the signature (`encodeEntry`), and the id the hash of the signing bytes (`entryIdOf`):
 * both from one encoding and one set of signing bytes, on every local write.
 */
export function sealEntry(ledgerKey: Uint8Array, entry: Entry, secretKey: Uint8Array): { block: Uint8Array; id: Hex } {
  const unsigned = encodeUnsigned(entry)
  const signing = signingBytes(ledgerKey, entry.type, unsigned)
  const signature = b4a.alloc(sodium.crypto_sign_BYTES)
  sodium.crypto_sign_detached(signature, signing, secretKey)
  return { block: b4a.concat([unsigned, signature]), id: toHex(hash(signing)) }
}

/** Whether `signature` is the author's over the entry's signing bytes. */
export function verifyEntry(ledgerKey: Uint8Array, type: EntryType, unsigned: Uint8Array, author: Uint8Array, signature: Uint8Array): boolean {
  if (author.byteLength !== KEY_BYTES || signature.byteLength !== sodium.crypto_sign_BYTES) return false
  return sodium.crypto_sign_verify_detached(signature, signingBytes(ledgerKey, type, unsigned), author)
}

/** Signs arbitrary bytes under a domain tag (pairing requests); separate domain from entries. */
export function signMessage(domain: string, message: Uint8Array, secretKey: Uint8Array): Uint8Array {
  const signature = b4a.alloc(sodium.crypto_sign_BYTES)
  sodium.crypto_sign_detached(signature, b4a.concat([b4a.from('tally/msg/' + domain + '\0'), message]), secretKey)
  return signature
}

export function verifyMessage(domain: string, message: Uint8Array, signature: Uint8Array, publicKey: Uint8Array): boolean {
  if (publicKey.byteLength !== KEY_BYTES || signature.byteLength !== sodium.crypto_sign_BYTES) return false
  return sodium.crypto_sign_verify_detached(signature, b4a.concat([b4a.from('tally/msg/' + domain + '\0'), message]), publicKey)
}

/** Whether a secret key belongs to its public key: what it signs, the public key verifies. */
export function keyPairMatches(keyPair: KeyPair): boolean {
  try {
    const probe = b4a.from('key pair check')
    return verifyMessage('keypair-check', probe, signMessage('keypair-check', probe, keyPair.secretKey), keyPair.publicKey)
  } catch {
    return false
  }
}
