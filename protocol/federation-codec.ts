/**
 * Wire bodies of the federation entries (protocol/SPEC.md §2 and §12). The header, memo and
 * signature are codec.ts's; this file only adds the four bodies, with the same strictness.
 */
import c, { type State } from 'compact-encoding'
import { amount, fail, key, name } from './codec.js'
import type { Entry, EntryType } from './types.js'
import { assertNever } from './types.js'
import { HOLD_EXPIRES_MAX_MS, HOLD_EXPIRES_MIN_MS, SEALED_BYTES, type FederationEntry, type FederationType } from './federation-types.js'

const FEDERATION_TYPES: ReadonlySet<EntryType> = new Set<EntryType>(['link', 'hold', 'fulfil', 'release'])

export function isFederationType(type: EntryType): type is FederationType {
  return FEDERATION_TYPES.has(type)
}

export function isFederationEntry(e: Entry): e is FederationEntry {
  return FEDERATION_TYPES.has(e.type)
}

/** The sealed preimage: exactly SEALED_BYTES. */
const sealed = {
  preencode(state: State, b: Uint8Array) {
    if (b.byteLength !== SEALED_BYTES) fail(`a sealed preimage is ${SEALED_BYTES} bytes, not ${b.byteLength}`)
    state.end += SEALED_BYTES
  },
  encode(state: State, b: Uint8Array) {
    state.buffer!.set(b, state.start)
    state.start += SEALED_BYTES
  },
  decode(state: State): Uint8Array {
    if (state.end - state.start < SEALED_BYTES) fail('a sealed preimage runs past the entry')
    const b = state.buffer!.subarray(state.start, state.start + SEALED_BYTES)
    state.start += SEALED_BYTES
    return b
  }
}

/** A hold's period in ms, bounded on both encode and decode. */
const expires = {
  preencode(state: State, n: number) {
    if (!Number.isSafeInteger(n) || n < HOLD_EXPIRES_MIN_MS || n > HOLD_EXPIRES_MAX_MS) {
      fail(`a hold's period must be ${HOLD_EXPIRES_MIN_MS}-${HOLD_EXPIRES_MAX_MS} ms, not ${n}`)
    }
    c.uint.preencode(state, n)
  },
  encode(state: State, n: number) {
    c.uint.encode(state, n)
  },
  decode(state: State): number {
    const n = c.uint.decode(state)
    if (n < HOLD_EXPIRES_MIN_MS || n > HOLD_EXPIRES_MAX_MS) fail(`a hold's period must be ${HOLD_EXPIRES_MIN_MS}-${HOLD_EXPIRES_MAX_MS} ms, not ${n}`)
    return n
  }
}

/** The body fields of each federation type, in wire order. */
export function federationBody(state: State, e: FederationEntry, op: 'preencode' | 'encode'): void {
  switch (e.type) {
    case 'link':
      key[op](state, e.ledger)
      name[op](state, e.name)
      amount[op](state, e.rateNum)
      amount[op](state, e.rateDen)
      amount[op](state, e.capacity)
      return
    case 'hold':
      key[op](state, e.payee)
      amount[op](state, e.amount)
      key[op](state, e.bridge)
      key[op](state, e.ledger)
      key[op](state, e.condition)
      key[op](state, e.peer)
      sealed[op](state, e.sealed)
      expires[op](state, e.expiresMs)
      return
    case 'fulfil':
      key[op](state, e.hold)
      key[op](state, e.preimage)
      return
    case 'release':
      key[op](state, e.hold)
      return
    default:
      assertNever(e)
  }
}

export function decodeFederationBody(state: State, type: FederationType): Record<string, unknown> {
  switch (type) {
    case 'link':
      return { ledger: key.decode(state), name: name.decode(state), rateNum: amount.decode(state), rateDen: amount.decode(state), capacity: amount.decode(state) }
    case 'hold':
      return {
        payee: key.decode(state),
        amount: amount.decode(state),
        bridge: key.decode(state),
        ledger: key.decode(state),
        condition: key.decode(state),
        peer: key.decode(state),
        sealed: sealed.decode(state),
        expiresMs: expires.decode(state)
      }
    case 'fulfil':
      return { hold: key.decode(state), preimage: key.decode(state) }
    case 'release':
      return { hold: key.decode(state) }
    default:
      return assertNever(type)
  }
}
