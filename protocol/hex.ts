import b4a from 'b4a'
import type { AccountKey, Hex, WriterKey } from './types.js'

/** Lower-case hex of bytes. */
export function toHex(buf: Uint8Array): Hex {
  return b4a.toString(buf, 'hex') as Hex
}

/** The hex of an account key (an entry's author, payee, payer, an admitted account). */
export function accountHex(key: Uint8Array): AccountKey {
  return toHex(key) as AccountKey
}

/** The hex of an Autobase writer core's key. */
export function writerHex(key: Uint8Array): WriterKey {
  return toHex(key) as WriterKey
}

/** Bytes of a hex string; throws a TypeError on anything but even-length hex. */
export function fromHex(hex: string): Uint8Array {
  if (!/^([0-9a-f]{2})*$/i.test(hex)) throw new TypeError('not hex: ' + JSON.stringify(hex.slice(0, 80)))
  return b4a.from(hex, 'hex')
}

/** Whether a string is hex of a 32-byte key. */
export function isKeyHex(s: string): s is Hex {
  return /^[0-9a-f]{64}$/.test(s)
}

/** The first 8 hex characters of a key or id, as people quote them in messages and tables. */
export function short(hex: string): string {
  return hex.slice(0, 8)
}
