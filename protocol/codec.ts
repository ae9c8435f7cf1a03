/**
 * The v1 wire format of an entry (protocol/SPEC.md, "Encoding").
 *
 * block = version u8 | type u8 | author 32 | seq uint | timestamp uint | body | memo string | signature 64
 *
 * Decoding is strict: bounded strings, no trailing bytes, and the block must be the canonical
 * encoding of what it decodes to, so one entry has exactly one byte form (and one id).
 */
import c, { type State } from 'compact-encoding'
import b4a from 'b4a'
import {
  DECIMALS_MAX,
  ENTRY_BYTES_MAX,
  KEY_BYTES,
  MEMO_BYTES_MAX,
  NAME_BYTES_MAX,
  PROTOCOL_VERSION,
  SIGNATURE_BYTES,
  UNIT_CODE_PATTERN
} from './constants.js'
import type { Entry, EntryType, Role, SignedEntry } from './types.js'
import { assertNever } from './types.js'
import { decodeGovernanceBody, governanceBody, isGovernanceEntry, isGovernanceType } from './governance-codec.js'
import { decodeFederationBody, federationBody, isFederationEntry, isFederationType } from './federation-codec.js'

/** Wire numbers of entry types. Never reuse a number. */
export const TYPE_CODES: Record<EntryType, number> = {
  genesis: 1,
  admit: 2,
  'set-limits': 3,
  transfer: 4,
  invoice: 5,
  accept: 6,
  decline: 7,
  cancel: 8,
  suspend: 9,
  leave: 10,
  charter: 11,
  propose: 12,
  vote: 13,
  object: 14,
  withdraw: 15,
  tick: 16,
  invite: 17,
  uninvite: 18,
  link: 20,
  hold: 21,
  fulfil: 22,
  release: 23
}
const TYPE_NAMES = new Map<number, EntryType>(Object.entries(TYPE_CODES).map(([k, v]) => [v, k as EntryType]))

/** Thrown by the encoder for a programmer error, and by the decoder for bad bytes (caught in decodeEntry). */
export class CodecError extends Error {
  code = 'MALFORMED_ENTRY'
}

export function fail(msg: string): never {
  throw new CodecError(msg)
}

function boundedString(maxBytes: number, what: string) {
  return {
    preencode(state: State, s: string) {
      const n = b4a.byteLength(s)
      if (n > maxBytes) fail(`${what} is ${n} bytes, at most ${maxBytes}`)
      c.string.preencode(state, s)
    },
    encode(state: State, s: string) {
      c.string.encode(state, s)
    },
    decode(state: State): string {
      const start = state.start
      const len = c.uint.decode(state)
      if (len > maxBytes) fail(`${what} is ${len} bytes, at most ${maxBytes}`)
      state.start = start
      const s = c.string.decode(state)
      // Invalid UTF-8 decodes to U+FFFD and would not round-trip; the canonical check catches it.
      return s
    }
  }
}

export const name = boundedString(NAME_BYTES_MAX, 'name')
const memo = boundedString(MEMO_BYTES_MAX, 'memo')
const unitCode = boundedString(12, 'unit code')

export const strictBool = {
  preencode(state: State) {
    state.end++
  },
  encode(state: State, b: boolean) {
    c.uint8.encode(state, b ? 1 : 0)
  },
  decode(state: State): boolean {
    const v = c.uint8.decode(state)
    if (v > 1) fail('boolean byte is ' + v)
    return v === 1
  }
}

export const amount = {
  preencode(state: State) {
    state.end += 8
  },
  encode(state: State, n: bigint) {
    if (n < 0n || n > 0xffffffffffffffffn) fail('amount out of the u64 range')
    c.biguint64.encode(state, n)
  },
  decode(state: State): bigint {
    return c.biguint64.decode(state)
  }
}

export const optionalAmount = {
  preencode(state: State, n: bigint | null) {
    state.end++
    if (n !== null) amount.preencode(state)
  },
  encode(state: State, n: bigint | null) {
    strictBool.encode(state, n !== null)
    if (n !== null) amount.encode(state, n)
  },
  decode(state: State): bigint | null {
    return strictBool.decode(state) ? amount.decode(state) : null
  }
}

const role = {
  preencode(state: State) {
    state.end++
  },
  encode(state: State, r: Role) {
    c.uint8.encode(state, r === 'steward' ? 1 : 0)
  },
  decode(state: State): Role {
    const v = c.uint8.decode(state)
    if (v > 1) fail('unknown role ' + v)
    return v === 1 ? 'steward' : 'member'
  }
}

/** 32-byte keys. Typed out, so the published declarations name no compact-encoding type it does not export. */
export const key: { preencode(state: State, k: Uint8Array): void; encode(state: State, k: Uint8Array): void; decode(state: State): Uint8Array } = c.fixed32

/** The body fields of each type, in wire order. */
function body(state: State, e: Entry, op: 'preencode' | 'encode'): void {
  switch (e.type) {
    case 'genesis':
      name[op](state, e.name)
      unitCode[op](state, e.unitCode)
      c.uint8[op](state, e.decimals)
      amount[op](state, e.defaultCreditLimit)
      optionalAmount[op](state, e.defaultMaxBalance)
      name[op](state, e.creatorName)
      key[op](state, e.writer)
      return
    case 'admit':
      key[op](state, e.account)
      key[op](state, e.writer)
      name[op](state, e.name)
      role[op](state, e.role)
      amount[op](state, e.creditLimit)
      optionalAmount[op](state, e.maxBalance)
      strictBool[op](state, e.indexer)
      return
    case 'set-limits':
      key[op](state, e.account)
      amount[op](state, e.creditLimit)
      optionalAmount[op](state, e.maxBalance)
      return
    case 'transfer':
      key[op](state, e.payee)
      amount[op](state, e.amount)
      return
    case 'invoice':
      key[op](state, e.payer)
      amount[op](state, e.amount)
      return
    case 'accept':
    case 'decline':
    case 'cancel':
      key[op](state, e.invoice)
      return
    case 'suspend':
      key[op](state, e.account)
      return
    case 'leave':
      return
    default:
      if (isGovernanceEntry(e)) return governanceBody(state, e, op)
      if (isFederationEntry(e)) return federationBody(state, e, op)
      assertNever(e)
  }
}

function decodeBody(state: State, type: EntryType): Record<string, unknown> {
  switch (type) {
    case 'genesis':
      return {
        name: name.decode(state),
        unitCode: unitCode.decode(state),
        decimals: c.uint8.decode(state),
        defaultCreditLimit: amount.decode(state),
        defaultMaxBalance: optionalAmount.decode(state),
        creatorName: name.decode(state),
        writer: key.decode(state)
      }
    case 'admit':
      return {
        account: key.decode(state),
        writer: key.decode(state),
        name: name.decode(state),
        role: role.decode(state),
        creditLimit: amount.decode(state),
        maxBalance: optionalAmount.decode(state),
        indexer: strictBool.decode(state)
      }
    case 'set-limits':
      return { account: key.decode(state), creditLimit: amount.decode(state), maxBalance: optionalAmount.decode(state) }
    case 'transfer':
      return { payee: key.decode(state), amount: amount.decode(state) }
    case 'invoice':
      return { payer: key.decode(state), amount: amount.decode(state) }
    case 'accept':
    case 'decline':
    case 'cancel':
      return { invoice: key.decode(state) }
    case 'suspend':
      return { account: key.decode(state) }
    case 'leave':
      return {}
    default:
      if (isGovernanceType(type)) return decodeGovernanceBody(state, type)
      if (isFederationType(type)) return decodeFederationBody(state, type)
      return assertNever(type)
  }
}

function header(state: State, e: Entry, op: 'preencode' | 'encode'): void {
  c.uint8[op](state, e.version)
  c.uint8[op](state, TYPE_CODES[e.type])
  key[op](state, e.author)
  c.uint[op](state, e.seq)
  c.uint[op](state, e.timestamp)
}

function checkFields(e: Entry): void {
  if (e.author.byteLength !== KEY_BYTES) fail('author must be 32 bytes')
  if (!Number.isSafeInteger(e.seq) || e.seq < 0) fail('seq must be a non-negative safe integer')
  if (!Number.isSafeInteger(e.timestamp) || e.timestamp < 0) fail('timestamp must be a non-negative safe integer')
  if (e.type === 'genesis') {
    if (!UNIT_CODE_PATTERN.test(e.unitCode)) fail('unit code must be 1-12 of A-Z and 0-9')
    if (!Number.isInteger(e.decimals) || e.decimals < 0 || e.decimals > DECIMALS_MAX) fail(`decimals must be 0-${DECIMALS_MAX}`)
  }
}

/** Encodes an entry without its signature: the tail of its signing bytes. */
export function encodeUnsigned(e: Entry): Uint8Array {
  checkFields(e)
  const state = c.state()
  header(state, e, 'preencode')
  body(state, e, 'preencode')
  memo.preencode(state, e.memo)
  state.buffer = b4a.allocUnsafe(state.end)
  header(state, e, 'encode')
  body(state, e, 'encode')
  memo.encode(state, e.memo)
  return state.buffer
}

/** Encodes a signed entry: the block a writer appends. */
export function encodeEntry(e: SignedEntry): Uint8Array {
  if (e.signature.byteLength !== SIGNATURE_BYTES) fail('signature must be 64 bytes')
  return b4a.concat([encodeUnsigned(e), e.signature])
}

export type DecodeResult =
  | { ok: true; entry: SignedEntry; unsigned: Uint8Array }
  | { ok: false; code: 'malformed' | 'unsupported_version'; reason: string; version?: number }

/** Decodes a block. Never throws: bad bytes give `{ ok: false }` with a reason. */
export function decodeEntry(block: Uint8Array): DecodeResult {
  if (!(block instanceof Uint8Array)) return { ok: false, code: 'malformed', reason: 'block is not bytes' }
  if (block.byteLength > ENTRY_BYTES_MAX) {
    return { ok: false, code: 'malformed', reason: `block is ${block.byteLength} bytes, at most ${ENTRY_BYTES_MAX}` }
  }
  if (block.byteLength < 2 + KEY_BYTES + SIGNATURE_BYTES) return { ok: false, code: 'malformed', reason: 'block too short' }
  const version = block[0]
  if (version !== PROTOCOL_VERSION) {
    return { ok: false, code: 'unsupported_version', reason: `entry version ${version}, this build reads ${PROTOCOL_VERSION}`, version }
  }
  try {
    const unsignedEnd = block.byteLength - SIGNATURE_BYTES
    const state = c.state(0, unsignedEnd, block)
    c.uint8.decode(state)
    const type = TYPE_NAMES.get(c.uint8.decode(state))
    if (type === undefined) return { ok: false, code: 'malformed', reason: `unknown entry type ${block[1]}` }
    const author = key.decode(state)
    const seq = c.uint.decode(state)
    const timestamp = c.uint.decode(state)
    const fields = decodeBody(state, type)
    const memoText = memo.decode(state)
    if (state.start !== unsignedEnd) return { ok: false, code: 'malformed', reason: 'trailing bytes after memo' }
    const signature = block.subarray(unsignedEnd)
    const entry = { version, type, author, seq, timestamp, memo: memoText, ...fields, signature } as SignedEntry
    const unsigned = block.subarray(0, unsignedEnd)
    if (!b4a.equals(encodeUnsigned(entry), unsigned)) return { ok: false, code: 'malformed', reason: 'not the canonical encoding' }
    return { ok: true, entry, unsigned }
  } catch (err) {
    return { ok: false, code: 'malformed', reason: (err as Error).message || 'undecodable' }
  }
}
