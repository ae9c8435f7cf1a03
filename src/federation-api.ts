/**
 * The library side of federation (protocol/SPEC.md §12): reading links and holds from the view,
 * sealing a preimage to a payee, parsing a rate, and when this member's clock should witness an
 * open hold. The Ledger's methods of the same names delegate here; the bridge (federation-bridge.ts)
 * uses the same reads.
 */
import type Hyperbee from 'hyperbee'
import type { BeeReader } from 'hyperbee'
import sodium from 'sodium-native'
import b4a from 'b4a'
import { PREIMAGE_BYTES, SEALED_BYTES, type Hex, type Hold, type Link, type Member } from '../protocol/index.js'
import { BeeReaderStore } from './bee-store.js'
import { LedgerError } from './errors.js'
import { holdFromJson, linkFromJson } from './federation-records.js'
import * as K from './view-keys.js'

export { parseRate } from './federation-rate.js'

/** Every link the ledger knows (all bridges), in key order. */
export async function listLinks(view: Hyperbee): Promise<Link[]> {
  const out: Link[] = []
  for await (const node of view.createReadStream(K.prefixRange(K.LINK_PREFIX))) out.push(linkFromJson(node.value))
  return out
}

/** Every hold, oldest first by position; `open` keeps only those still held (read from the open list, not a scan of every hold). */
export async function listHolds(view: BeeReader, opts: { open?: boolean } = {}): Promise<Hold[]> {
  const out: Hold[] = []
  if (opts.open) {
    // The open ones are listed in `fed/open` (at most OPEN_HOLDS_MAX): no walk over every hold ever made,
    // which Claims and the bridge half read on every update.
    const reader = new BeeReaderStore(view)
    for (const id of (await reader.getFed()).open) {
      const h = await reader.getHold(id)
      if (h !== null && h.status === 'held') out.push(h)
    }
  } else {
    for await (const node of view.createReadStream(K.prefixRange(K.HOLD_PREFIX))) out.push(holdFromJson(node.value))
  }
  return out.sort((a, b) => a.position - b.position)
}

/** A hold by id or unique prefix. */
export async function findHold(view: Hyperbee, query: string): Promise<Hold> {
  const q = query.toLowerCase()
  if (!/^[0-9a-f]{1,64}$/.test(q)) throw LedgerError.BAD_INPUT(`a hold is named by its id or a prefix of it (hex digits), not ${JSON.stringify(query)}`)
  const found: Hold[] = []
  for await (const node of view.createReadStream(K.prefixRange(K.holdKey(q as Hex)))) found.push(holdFromJson(node.value))
  if (found.length === 0) throw LedgerError.UNKNOWN_HOLD(`no hold ${q}`)
  if (found.length > 1) throw LedgerError.AMBIGUOUS_HOLD(`${found.length} holds start with ${q}: give more of the id`)
  return found[0]
}

/** A fresh random preimage (the payer's node makes one per payment). */
export function newPreimage(): Uint8Array {
  const p = b4a.alloc(PREIMAGE_BYTES)
  sodium.randombytes_buf(p)
  return p
}

/** Seals a preimage to a member's account key (ed25519 → X25519 sealed box): only its node can open it. */
export function sealPreimage(preimage: Uint8Array, payeeAccount: Uint8Array): Uint8Array {
  const pk = b4a.alloc(sodium.crypto_box_PUBLICKEYBYTES)
  try {
    sodium.crypto_sign_ed25519_pk_to_curve25519(pk, payeeAccount)
  } catch {
    // 32 bytes that are not an ed25519 point: no member can have this key, and nothing could open the box.
    throw LedgerError.BAD_INPUT(`${b4a.toString(payeeAccount, 'hex').slice(0, 16)}... is not an account key (not a point of ed25519): check the payee's key`)
  }
  const out = b4a.alloc(SEALED_BYTES)
  sodium.crypto_box_seal(out, preimage, pk)
  return out
}

/** Opens a sealed preimage with this member's keys; null if it was not sealed to them. */
export function openPreimage(sealed: Uint8Array, keys: { publicKey: Uint8Array; secretKey: Uint8Array }): Uint8Array | null {
  const pk = b4a.alloc(sodium.crypto_box_PUBLICKEYBYTES)
  const sk = b4a.alloc(sodium.crypto_box_SECRETKEYBYTES)
  try {
    sodium.crypto_sign_ed25519_pk_to_curve25519(pk, keys.publicKey)
    sodium.crypto_sign_ed25519_sk_to_curve25519(sk, keys.secretKey)
  } catch {
    return null
  }
  const out = b4a.alloc(PREIMAGE_BYTES)
  return sodium.crypto_box_seal_open(out, sealed, pk, sk) ? out : null
}

/**
 * When this member's node should append a tick for the open holds (time.ts): now for a hold it has
 * not yet witnessed, or once its witness's period has run on its clock. Null when it has nothing to witness.
 */
export async function nextHoldTick(reader: BeeReaderStore, self: Member, now: number): Promise<number | null> {
  const fed = await reader.getFed()
  let next: number | null = null
  for (const id of fed.open) {
    const h = await reader.getHold(id)
    if (h === null || h.status !== 'held') continue
    const w = h.witnesses[self.account]
    if (w?.passed) continue
    const due = w === undefined ? now : Math.max(w.from + h.expiresMs, (self.clock ?? 0) + 1)
    if (next === null || due < next) next = due
  }
  return next
}
