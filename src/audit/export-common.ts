/**
 * What every export shares: the payments of an audit (applied transfers and accepted invoices)
 * with their members' names, and dates from the authors' claimed timestamps.
 */
import { escrowOf, formatAmount, type Hex } from '../../protocol/index.js'
import type { AuditedEntry, AuditReport } from './types.js'

/**
 * One completed payment: a transfer, the acceptance of an invoice, or a step of a conditional
 * transfer (SPEC.md §12): a hold moves the payer's amount into the hold's own account (`hold:<id>`,
 * shown as held), a fulfilment moves it on to the payee, a release back to the payer.
 */
export interface Payment {
  index: number
  id: Hex
  type: 'transfer' | 'accept' | 'hold' | 'fulfil' | 'release'
  /** The invoice an accept paid. */
  invoice: Hex | null
  payer: Hex
  payee: Hex
  amount: bigint
  memo: string
  /** The author's claimed time (ms since the epoch): informational, no rule reads it. */
  timestamp: number
  /** UTC date of `timestamp`, YYYY-MM-DD, clamped to years 1970-9999. */
  date: string
  confirmed: boolean
}

/** Thrown when a report cannot be exported (for example, a ledger without genesis). */
export class ExportError extends Error {
  readonly code = 'EXPORT_FAILED'
}

const DATE_MAX = '9999-12-31'

/** The UTC calendar date of a timestamp; out-of-range clocks give the nearest representable day. */
export function dateOf(timestamp: number): string {
  const d = new Date(timestamp)
  if (Number.isNaN(d.getTime()) || d.getUTCFullYear() > 9999) return DATE_MAX
  return d.toISOString().slice(0, 10)
}

/** ISO 8601 UTC time of a timestamp, or null when out of range. */
export function timeOf(timestamp: number): string | null {
  const d = new Date(timestamp)
  if (Number.isNaN(d.getTime()) || d.getUTCFullYear() > 9999) return null
  return d.toISOString()
}

/** The next calendar day of a YYYY-MM-DD date (the date itself at the end of the range). */
export function nextDay(date: string): string {
  if (date === DATE_MAX) return DATE_MAX
  const d = new Date(date + 'T00:00:00Z')
  d.setUTCDate(d.getUTCDate() + 1)
  return d.toISOString().slice(0, 10)
}

/** The account a hold keeps its amount in, as exports name it: the protocol's escrow key. */
export function isHeldAccount(account: Hex): boolean {
  return account.startsWith('hold:')
}

/** Who the money leaves and reaches in a record: for the steps of a hold, its escrow on one side. */
function sides(r: AuditedEntry['record']): { from: Hex; to: Hex } | null {
  if (r.payer === null || r.payee === null) return null
  switch (r.type) {
    case 'transfer':
    case 'accept':
      return { from: r.payer, to: r.payee }
    case 'hold':
      return r.hold ? { from: r.payer, to: escrowOf(r.hold) } : null
    case 'fulfil':
      return r.hold ? { from: escrowOf(r.hold), to: r.payee } : null
    case 'release':
      return r.hold ? { from: escrowOf(r.hold), to: r.payer } : null
    default:
      return null
  }
}

function paymentOf(e: AuditedEntry): Payment | null {
  const r = e.record
  if (r.status !== 'applied' || r.amount === null) return null
  if (r.type !== 'transfer' && r.type !== 'accept' && r.type !== 'hold' && r.type !== 'fulfil' && r.type !== 'release') return null
  const s = sides(r)
  if (s === null) return null
  return {
    index: r.index,
    id: r.id,
    type: r.type,
    invoice: r.type === 'accept' ? r.invoice : null,
    payer: s.from,
    payee: s.to,
    amount: BigInt(r.amount),
    memo: r.memo,
    timestamp: r.timestamp,
    date: dateOf(r.timestamp),
    confirmed: e.confirmed
  }
}

/** Payments in ledger order. */
export function paymentsOf(report: AuditReport): Payment[] {
  const out: Payment[] = []
  for (const e of report.entries) {
    const p = paymentOf(e)
    if (p) out.push(p)
  }
  return out
}

/**
 * Payments in date order, ties in ledger order. Journals list them so: hledger and beancount
 * check balances in date order, so assertions computed along this order hold in both.
 */
export function paymentsByDate(report: AuditReport): Payment[] {
  return paymentsOf(report).sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.index - b.index))
}

/** Unit and decimals of an audited ledger; a ledger without genesis has nothing to export. */
export function unitOf(report: AuditReport): { unitCode: string; decimals: number; name: string } {
  const { unitCode, decimals, name } = report.ledger
  if (unitCode === null || decimals === null || name === null) throw new ExportError('the ledger has no genesis entry: nothing to export')
  return { unitCode, decimals, name }
}

/** Amount as a decimal string in the ledger's unit. */
export function decimal(amount: bigint, decimals: number): string {
  return formatAmount(amount, decimals)
}

/** Names of accounts, made unique after `clean` by suffixing part of the account key. */
export function accountNames(report: AuditReport, clean: (name: string) => string, suffix: (name: string, account: Hex) => string): Map<Hex, string> {
  const out = new Map<Hex, string>()
  const taken = new Map<string, number>()
  const cleaned = report.members.map((m) => ({ account: m.account, name: clean(m.name) }))
  for (const m of cleaned) taken.set(m.name.toLowerCase(), (taken.get(m.name.toLowerCase()) ?? 0) + 1)
  for (const m of cleaned) out.set(m.account, taken.get(m.name.toLowerCase())! > 1 ? suffix(m.name, m.account) : m.name)
  // What holds keep: one account per hold, named after the hold's id, so an accountant sees held amounts as such.
  for (const account of heldAccounts(report)) out.set(account, clean('held ' + account.slice(5, 13)))
  return out
}

/** The accounts of the holds that moved money, in ledger order. */
export function heldAccounts(report: AuditReport): Hex[] {
  const out = new Set<Hex>()
  for (const p of paymentsOf(report)) for (const a of [p.payer, p.payee]) if (isHeldAccount(a)) out.add(a)
  return [...out]
}

/** Free text on one line: the display module's, so exports and the CLI agree on what is unsafe. */
export { oneLine } from '../display-text.js'

/** Running balances per account, along the order payments are given. */
export class Balances {
  private readonly map = new Map<Hex, bigint>()

  apply(p: Payment): { payer: bigint; payee: bigint } {
    const payer = (this.map.get(p.payer) ?? 0n) - p.amount
    const payee = (this.map.get(p.payee) ?? 0n) + p.amount
    this.map.set(p.payer, payer)
    this.map.set(p.payee, payee)
    return { payer, payee }
  }

  get(account: Hex): bigint {
    return this.map.get(account) ?? 0n
  }
}

/**
 * Checks that the payments add up to the replay's balances; a journal whose assertions would
 * disagree with Tally is a bug, never a file to hand an accountant.
 */
export function checkTotals(report: AuditReport, balances: Balances): void {
  for (const m of report.members) {
    if (balances.get(m.account) !== m.balance) {
      throw new ExportError(`payments of ${m.name} add up to ${balances.get(m.account)}, the replay says ${m.balance}`)
    }
  }
}
