/**
 * The two small wire formats of joining a ledger:
 *
 * - the **invite code** a steward hands out: z32 of a blind-pairing invite followed by a 4-byte
 *   BLAKE2b checksum, so a code that was mistyped, cut short or edited is refused at once instead of
 *   waiting for a steward's node that can never answer it;
 * - the **join request** the candidate sends as blind-pairing userData: its writer key, account key
 *   and member name, signed by the account key together with the invite id (so a request cannot be
 *   replayed against another invite, and the name and writer cannot be swapped in transit).
 */
import BlindPairing from 'blind-pairing'
import z32 from 'z32'
import b4a from 'b4a'
import c, { type Encoding } from 'compact-encoding'
import { checkName as checkNameRules, hash, signMessage, toHex, verifyMessage, type Hex, type KeyPair } from '../../protocol/index.js'
import { LedgerError } from '../errors.js'

const CHECKSUM_BYTES = 4
/** Signature domain of join requests (protocol/crypto.ts signMessage). */
export const JOIN_DOMAIN = 'join-request'

/** What a code says before anyone is asked. */
export interface DecodedInviteCode {
  /** The blind-pairing invite bytes. */
  invite: Uint8Array
  /** The invite id (hex): what the steward's node looks the invite up by. */
  id: Hex
  /** Discovery key of the ledger the code is for. */
  discoveryKey: Uint8Array
  /** Expiry in ms since the epoch (seconds resolution), or 0 for none. */
  expires: number
}

/** Encodes blind-pairing invite bytes as a Tally invite code. */
export function encodeInviteCode(invite: Uint8Array): string {
  return z32.encode(b4a.concat([invite, checksum(invite)]))
}

/**
 * Decodes and checks a code: throws BAD_INPUT for anything that is not a whole, unedited code and
 * INVITE_EXPIRED for one whose expiry has passed (`now` in ms).
 */
export function decodeInviteCode(code: string, now = Date.now()): DecodedInviteCode {
  // z-base-32 has one case; a code a phone or mail client capitalized is the same code.
  const text = String(code).trim().toLowerCase()
  const bad = (why: string) => LedgerError.BAD_INPUT(`not a valid invite code (${why}): ask the steward for a new one`)
  if (text === '') throw bad('it is empty')
  if (!/^[ybndrfg8ejkmcpqxot1uwisza345h769]+$/.test(text)) throw bad('it has characters an invite code never has')
  let bytes: Uint8Array
  try {
    bytes = z32.decode(text)
  } catch {
    throw bad('it does not decode')
  }
  if (bytes.byteLength <= CHECKSUM_BYTES) throw bad('it is too short')
  // The last character carries unused bits: a code edited there decodes to the same bytes. Only the code as issued passes.
  if (z32.encode(bytes) !== text) throw bad('it was edited: it is not the code as issued')
  const invite = bytes.subarray(0, bytes.byteLength - CHECKSUM_BYTES)
  if (!b4a.equals(checksum(invite), bytes.subarray(bytes.byteLength - CHECKSUM_BYTES))) throw bad('the checksum does not match: mistyped, cut short or forged')
  let decoded
  try {
    decoded = BlindPairing.decodeInvite(invite)
  } catch {
    throw bad('its contents do not decode')
  }
  if (!decoded.discoveryKey) throw bad('it names no ledger')
  if (decoded.expires && decoded.expires < now) {
    throw LedgerError.INVITE_EXPIRED(`this invite expired at ${new Date(decoded.expires).toISOString()}: ask the steward for a new one`)
  }
  return { invite: b4a.from(invite), id: toHex(decoded.id), discoveryKey: decoded.discoveryKey, expires: decoded.expires }
}

function checksum(bytes: Uint8Array): Uint8Array {
  return hash(b4a.from('tally/invite-code\0'), bytes).subarray(0, CHECKSUM_BYTES)
}

/** A candidate's join request, as carried in blind-pairing userData. */
export interface JoinRequest {
  /** The candidate node's Autobase writer key for this ledger. */
  writer: Uint8Array
  /** The candidate's account key. */
  account: Uint8Array
  /** The member name it asks for. */
  name: string
}

const requestBody: Encoding<JoinRequest> = {
  preencode(state, r) {
    c.fixed32.preencode(state, r.writer)
    c.fixed32.preencode(state, r.account)
    c.string.preencode(state, r.name)
  },
  encode(state, r) {
    c.fixed32.encode(state, r.writer)
    c.fixed32.encode(state, r.account)
    c.string.encode(state, r.name)
  },
  decode(state) {
    return { writer: c.fixed32.decode(state), account: c.fixed32.decode(state), name: c.string.decode(state) }
  }
}

/** Encodes and signs a join request for the invite `inviteId` (hex). */
export function encodeJoinRequest(inviteId: Hex, request: JoinRequest, identity: KeyPair): Uint8Array {
  checkName(request.name)
  const body = c.encode(requestBody, request)
  const signature = signMessage(JOIN_DOMAIN, b4a.concat([b4a.from(inviteId, 'hex'), body]), identity.secretKey)
  return b4a.concat([body, signature])
}

/** Decodes a join request and checks its signature; throws BAD_INPUT saying what is wrong. */
export function decodeJoinRequest(inviteId: Hex, userData: Uint8Array): JoinRequest {
  if (userData.byteLength < 64 + 65) throw LedgerError.BAD_INPUT('join request too short')
  const body = userData.subarray(0, userData.byteLength - 64)
  const signature = userData.subarray(userData.byteLength - 64)
  let request: JoinRequest
  try {
    request = c.decode(requestBody, body)
  } catch {
    throw LedgerError.BAD_INPUT('join request does not decode')
  }
  if (!verifyMessage(JOIN_DOMAIN, b4a.concat([b4a.from(inviteId, 'hex'), body]), signature, request.account)) {
    throw LedgerError.BAD_INPUT('join request signature is not the account key\'s')
  }
  checkName(request.name)
  return request
}

/** The protocol's name check (protocol/names.ts), as BAD_INPUT. */
function checkName(name: string): void {
  const check = checkNameRules(name)
  if (!check.ok) throw LedgerError.BAD_INPUT(check.reason, { reject: 'bad_name' })
}
