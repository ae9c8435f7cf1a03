/**
 * The two small wire formats of joining a ledger:
 *
 * - the **invite code** a member hands out: z32 of a blind-pairing invite followed by a 4-byte
 *   BLAKE2b checksum, so a code that was mistyped, cut short or edited is refused at once instead of
 *   waiting for a node that can never answer it. Where the members decide admissions the code also
 *   carries the admission terms as the issuing node saw them (method and window), between the
 *   invite and the checksum, so the candidate can be told what it waits for and until about when
 *   (docs/member-invites.md §3). The terms are informational: the rules on the log decide;
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

/** What a code grants: a member (admitted) or an auditor (reads only). */
export type JoinRole = 'member' | 'auditor'
export const ROLE_MEMBER = 'member'
export const ROLE_AUDITOR = 'auditor'

/**
 * The statuses a node denies a request with. blind-pairing knows 1-3 (its candidate throws its own
 * errors for them); 4 and 5 are Tally's: the members did not decide the admission in time, and the
 * name asked for is taken (or too like a member's), which the candidate can fix by asking again
 * with the same code and another name. The candidate reads any status from the request's response (join.ts).
 */
export const DENY_REJECTED = 1
export const DENY_USED = 2
export const DENY_EXPIRED = 3
export const DENY_ADMISSION_EXPIRED = 4
export const DENY_NAME_TAKEN = 5

/** The status that refuses a candidate whose admission (or admit proposal) the rules rejected. */
export function denyStatusOf(err: unknown): number {
  return (err as { reject?: string } | null)?.reject === 'name_taken' ? DENY_NAME_TAKEN : DENY_REJECTED
}
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
  /** Where the members decide admissions: how, and the window, as the issuing node's policy said. */
  admission: AdmissionTerms | null
}

/** How the members decide the admission a code leads to (informational for the candidate). */
export interface AdmissionTerms {
  method: 'no-objection' | 'majority'
  windowMs: number
}

const TERMS_METHODS = ['no-objection', 'majority'] as const

/**
 * Encodes blind-pairing invite bytes as a Tally invite code. With `admission`, the code is
 * `invite || terms || terms length (1 byte) || checksum` under its own checksum domain, so a plain
 * code (`invite || checksum`) and a code with terms are told apart by which checksum matches.
 */
export function encodeInviteCode(invite: Uint8Array, admission: AdmissionTerms | null = null): string {
  if (admission === null) return z32.encode(b4a.concat([invite, checksum(invite)]))
  const terms = c.encode(termsEncoding, admission)
  const body = b4a.concat([invite, terms, b4a.from([terms.byteLength])])
  return z32.encode(b4a.concat([body, checksum(body, TERMS_DOMAIN)]))
}

const termsEncoding: Encoding<AdmissionTerms> = {
  preencode(state, t) {
    c.uint8.preencode(state, 0)
    c.uint.preencode(state, t.windowMs)
  },
  encode(state, t) {
    c.uint8.encode(state, TERMS_METHODS.indexOf(t.method))
    c.uint.encode(state, t.windowMs)
  },
  decode(state) {
    const method = TERMS_METHODS[c.uint8.decode(state)]
    if (method === undefined) throw new Error('unknown admission method')
    return { method, windowMs: c.uint.decode(state) }
  }
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
  const body = bytes.subarray(0, bytes.byteLength - CHECKSUM_BYTES)
  const sum = bytes.subarray(bytes.byteLength - CHECKSUM_BYTES)
  let invite = body
  let admission: AdmissionTerms | null = null
  if (!b4a.equals(checksum(body), sum)) {
    if (!b4a.equals(checksum(body, TERMS_DOMAIN), sum)) throw bad('the checksum does not match: mistyped, cut short or forged')
    const length = body[body.byteLength - 1]
    if (length === undefined || length + 1 >= body.byteLength) throw bad('its admission terms do not decode')
    invite = body.subarray(0, body.byteLength - 1 - length)
    try {
      admission = c.decode(termsEncoding, body.subarray(body.byteLength - 1 - length, body.byteLength - 1))
    } catch {
      throw bad('its admission terms do not decode')
    }
  }
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
  return { invite: b4a.from(invite), id: toHex(decoded.id), discoveryKey: decoded.discoveryKey, expires: decoded.expires, admission }
}

const PLAIN_DOMAIN = 'tally/invite-code\0'
const TERMS_DOMAIN = 'tally/invite-code/terms\0'

function checksum(bytes: Uint8Array, domain = PLAIN_DOMAIN): Uint8Array {
  return hash(b4a.from(domain), bytes).subarray(0, CHECKSUM_BYTES)
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
