/** Key layout of the Hyperbee view (ARCHITECTURE.md, "View"). One place, so readers and writers agree. */
import type { Hex } from '../protocol/index.js'

export const META_KEY = 'meta'
export const memberKey = (account: Hex) => 'acct/' + account
export const writerKey = (writer: Hex) => 'writer/' + writer
export const nameIndexKey = (nameKey: string) => 'name/' + nameKey
export const invoiceKey = (id: Hex) => 'inv/' + id
export const entryKey = (id: Hex) => 'tx/' + id
export const rejectedBlockKey = (writer: Hex, block: number) => 'rej/' + writer + '/' + pad(block)
export const junkKey = (writer: Hex) => 'junk/' + writer
/** History positions are zero-padded so the bee's byte order is numeric order. */
export const historyKey = (account: Hex, n: number) => 'hist/' + account + '/' + pad(n)
export const historyPrefix = (account: Hex) => 'hist/' + account + '/'

function pad(n: number): string {
  return n.toString().padStart(12, '0')
}

/** The key range of a prefix, for createReadStream. */
export function prefixRange(prefix: string): { gte: string; lt: string } {
  return { gte: prefix, lt: prefix + '\xff' }
}
