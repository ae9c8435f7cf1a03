/**
 * How protocol records are stored as JSON in the Hyperbee view: bigints as decimal strings,
 * so a view read by any tool shows exact amounts.
 */
import type { Decision, Hex, Invoice, LedgerMeta, Member, RejectCode, EntryType } from '../protocol/index.js'

type Json<T> = { [K in keyof T]: T[K] extends bigint ? string : T[K] extends bigint | null ? string | null : T[K] }

const big = (v: string) => BigInt(v)
const bigOrNull = (v: string | null) => (v === null ? null : BigInt(v))
const str = (v: bigint | null) => (v === null ? null : v.toString())

export function memberToJson(m: Member): Json<Member> {
  return { ...m, creditLimit: m.creditLimit.toString(), maxBalance: str(m.maxBalance), balance: m.balance.toString() }
}
export function memberFromJson(j: Json<Member>): Member {
  return { ...j, creditLimit: big(j.creditLimit), maxBalance: bigOrNull(j.maxBalance), balance: big(j.balance) }
}
export function invoiceToJson(i: Invoice): Json<Invoice> {
  return { ...i, amount: i.amount.toString() }
}
export function invoiceFromJson(j: Json<Invoice>): Invoice {
  return { ...j, amount: big(j.amount) }
}

/** Ledger meta plus the running totals that change with every entry. */
export interface ViewMeta extends LedgerMeta {
  /** State hash after the last decided entry. */
  stateHash: Hex
  /** Entries decided so far (applied + rejected); numbers entry records. */
  entries: number
  /** Of those, how many were rejected. */
  rejected: number
}
export function metaToJson(m: ViewMeta): Json<ViewMeta> {
  return { ...m, defaultCreditLimit: m.defaultCreditLimit.toString(), defaultMaxBalance: str(m.defaultMaxBalance) }
}
export function metaFromJson(j: Json<ViewMeta>): ViewMeta {
  return { ...j, defaultCreditLimit: big(j.defaultCreditLimit), defaultMaxBalance: bigOrNull(j.defaultMaxBalance) }
}

/** What the view keeps of each decided entry (`log/<index>`), applied or rejected. */
export interface EntryRecord {
  id: Hex
  /** Position in the ledger's linear order (0 = genesis). */
  index: number
  /** Writer core that appended it, its block number there, and its place in that block (0 unless a bundle). */
  writer: Hex
  block: number
  slot: number
  type: EntryType | null
  author: Hex | null
  seq: number
  timestamp: number
  memo: string
  status: 'applied' | 'rejected'
  code: RejectCode | null
  reason: string | null
  /** For money entries: who paid whom how much (minor units, decimal string). */
  payer: Hex | null
  payee: Hex | null
  amount: string | null
  /** For invoice replies: the invoice. For others naming an account: that account. */
  invoice: Hex | null
  account: Hex | null
  /** For hold, fulfil and release: the hold (its id is the hold entry's). For a link, `account` is the other ledger. */
  hold?: Hex
  /** State hash after this entry (and the decisions made at it). */
  stateHash: Hex
  /** Proposals decided at this position (absent when none). */
  decisions?: Decision[]
  /** For governance entries: the proposal they create or name. */
  proposal?: Hex
}
