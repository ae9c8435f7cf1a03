/**
 * The records the Hyperbee view keeps, and how they are stored as JSON: bigints as decimal
 * strings, so a view read by any tool shows exact amounts. An entry's record is built here too.
 */
import { toHex, EMPTY_STATE_HASH, type ChainedMeta, type Decision, type Entry, type Hex, type Invoice, type Member, type Outcome, type RejectCode, type EntryType } from '../protocol/index.js'

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

/** Ledger meta plus the running totals that change with every entry (protocol/position.ts decides them). */
export type ViewMeta = ChainedMeta
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

/** The record of an entry decided at log position `index`, before its effects (the pipeline adds them). */
export function baseRecord(id: Hex, index: number, ctx: { writer: Hex; block: number; slot: number }, entry: Entry | null, outcome: Outcome): EntryRecord {
  return {
    id,
    index,
    writer: ctx.writer,
    block: ctx.block,
    slot: ctx.slot,
    type: entry ? entry.type : null,
    author: entry ? toHex(entry.author) : null,
    seq: entry ? entry.seq : 0,
    timestamp: entry ? entry.timestamp : 0,
    memo: entry ? entry.memo : '',
    status: outcome.ok ? 'applied' : 'rejected',
    code: outcome.ok ? null : outcome.code,
    reason: outcome.ok ? null : outcome.reason,
    payer: null,
    payee: null,
    amount: null,
    invoice: null,
    account: null,
    stateHash: EMPTY_STATE_HASH
  }
}

/** Who pays whom, for history and exports; filled from the entry whether or not it applied. */
export function moneyFields(entry: Entry | null, outcome: Outcome, invoice: Invoice | null): Partial<EntryRecord> {
  if (entry === null) return {}
  const author = toHex(entry.author)
  switch (entry.type) {
    case 'transfer':
      return { payer: author, payee: toHex(entry.payee), amount: entry.amount.toString() }
    case 'invoice':
      return { payer: toHex(entry.payer), payee: author, amount: entry.amount.toString(), invoice: outcome.ok ? outcome.invoice!.id : null }
    case 'accept':
    case 'decline':
    case 'cancel':
      return invoice
        ? { payer: invoice.payer, payee: invoice.payee, amount: invoice.amount.toString(), invoice: invoice.id }
        : { invoice: toHex(entry.invoice) }
    case 'admit':
    case 'set-limits':
    case 'suspend':
      return { account: toHex(entry.account) }
    case 'hold':
      return { payer: author, payee: toHex(entry.payee), amount: entry.amount.toString(), ...(outcome.ok ? { hold: outcome.hold!.id } : {}) }
    case 'fulfil':
    case 'release':
      return outcome.ok && outcome.hold
        ? { payer: outcome.hold.payer, payee: outcome.hold.payee, amount: outcome.hold.amount.toString(), hold: outcome.hold.id }
        : { hold: toHex(entry.hold) }
    case 'link':
      return { account: toHex(entry.ledger) }
    default:
      return {}
  }
}
