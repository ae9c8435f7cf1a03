/**
 * How the federation records (protocol/federation-types.ts) are stored as JSON in the view:
 * bigints as decimal strings, as records.ts does for members and invoices.
 */
import type { Hold, Link } from '../protocol/index.js'

export type LinkJson = Omit<Link, 'rateNum' | 'rateDen' | 'capacity' | 'held'> & { rateNum: string; rateDen: string; capacity: string; held: string }
export type HoldJson = Omit<Hold, 'amount'> & { amount: string }

export function linkToJson(l: Link): LinkJson {
  return { ...l, rateNum: l.rateNum.toString(), rateDen: l.rateDen.toString(), capacity: l.capacity.toString(), held: l.held.toString() }
}
export function linkFromJson(j: LinkJson): Link {
  return { ...j, rateNum: BigInt(j.rateNum), rateDen: BigInt(j.rateDen), capacity: BigInt(j.capacity), held: BigInt(j.held) }
}
export function holdToJson(h: Hold): HoldJson {
  return { ...h, amount: h.amount.toString() }
}
export function holdFromJson(j: HoldJson): Hold {
  return { ...j, amount: BigInt(j.amount) }
}
