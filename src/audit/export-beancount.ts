/**
 * The beancount journal: the commodity and every member's account (`Assets:Members:<Name>`)
 * opened, each payment as a transaction with two postings in date order (ties in ledger order),
 * and `balance` assertions from the replay. Beancount checks a balance at the start of its
 * day, so the journal asserts, on each day that follows payments, the balances those payments
 * left, and on the day after the last payment every member's replayed balance. `bean-check`
 * accepts it. Pending (unconfirmed) payments carry the `!` flag, confirmed ones `*`.
 */
import type { Hex } from '../../protocol/index.js'
import { accountNames, Balances, checkTotals, heldAccounts, dateOf, decimal, nextDay, oneLine, paymentsByDate, unitOf, type Payment } from './export-common.js'
import type { AuditReport } from './types.js'

export const BEANCOUNT_ROOT = 'Assets:Members'

/** Beancount currencies: 2-24 characters, A-Z first, A-Z or 0-9 last. Other unit codes get a prefix. */
export function beancountCurrency(unitCode: string): string {
  return /^[A-Z][A-Z0-9'._-]{0,22}[A-Z0-9]$/.test(unitCode) ? unitCode : `TALLY-${unitCode}`
}

/** A member name as one account component: ASCII letters, digits and dashes, capital or digit first. */
function component(name: string): string {
  const ascii = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
  if (ascii === '') return 'Member'
  return /^[A-Za-z]/.test(ascii) ? ascii[0].toUpperCase() + ascii.slice(1) : /^[0-9]/.test(ascii) ? ascii : 'M' + ascii
}

/** A beancount string literal. */
function str(text: string): string {
  return '"' + oneLine(text).replace(/\\/g, '\\\\').replace(/"/g, '\\"') + '"'
}

export function exportBeancount(report: AuditReport): string {
  const { unitCode, decimals, name } = unitOf(report)
  const currency = beancountCurrency(unitCode)
  const names = accountNames(report, component, (n, account) => `${n}-${account.slice(0, 8)}`)
  const account = (key: Hex) => `${BEANCOUNT_ROOT}:${names.get(key) ?? 'M' + key.slice(0, 8)}`
  const memberName = new Map(report.members.map((m) => [m.account, m.name]))
  const amount = (v: bigint) => `${decimal(v, decimals)} ${currency}`

  const payments = paymentsByDate(report)
  const dates = report.entries.map((e) => e.record).filter((r) => r.type !== null)
  const opened = [...dates.map((r) => dateOf(r.timestamp)), ...payments.map((p) => p.date)].sort()[0] ?? '1970-01-01'

  const out: string[] = [
    `; Tally ledger ${JSON.stringify(name)}, key ${report.ledger.key}`,
    `; Exported by tally audit: ${report.entriesChecked} entries checked, ${report.findings.length} findings, state hash ${report.stateHash}`,
    '; Dates are the authors\' claimed times (UTC), informational only; ties keep the ledger\'s order.',
    '; Flag * = confirmed (quorum-signed), ! = pending.',
    '',
    `option "title" ${str('Tally: ' + name)}`,
    `option "operating_currency" "${currency}"`,
    '',
    `${opened} commodity ${currency}`,
    `  name: ${str(unitCode)}`,
    ''
  ]
  for (const m of report.members) {
    out.push(`${opened} open ${account(m.account)} ${currency}`)
    out.push(`  tally-account: "${m.account}"`)
  }
  for (const h of heldAccounts(report)) {
    out.push(`${opened} open ${account(h)} ${currency}`)
    out.push(`  tally-hold: "${h.slice(5)}"`)
  }
  out.push('')

  const balances = new Balances()
  const touched = new Set<Hex>()
  let day: string | null = null
  for (const p of payments) {
    if (day !== null && p.date !== day) {
      // The start of a new day: assert what the earlier days left.
      out.push(...assertions(p.date, touched, balances, account, amount), '')
      touched.clear()
    }
    day = p.date
    out.push(...transaction(p, balances, account, memberName, amount), '')
    touched.add(p.payer)
    touched.add(p.payee)
  }
  checkTotals(report, balances)
  const closing = nextDay(day ?? opened)
  // A balance holds at the start of its day: no room after the last representable day.
  if (day === null || closing > day) {
    out.push(`; Balances from the Tally replay after ${report.entriesChecked} entries, state hash ${report.stateHash}`)
    for (const m of report.members) out.push(`${closing} balance ${account(m.account)} ${amount(m.balance)}`)
    out.push('')
  }
  return out.join('\n')
}

function assertions(date: string, accounts: Set<Hex>, balances: Balances, account: (key: Hex) => string, amount: (v: bigint) => string): string[] {
  return [...accounts].sort().map((a) => `${date} balance ${account(a)} ${amount(balances.get(a))}`)
}

function transaction(p: Payment, balances: Balances, account: (key: Hex) => string, memberName: Map<Hex, string>, amount: (v: bigint) => string): string[] {
  balances.apply(p)
  const who = `${memberName.get(p.payer) ?? p.payer.slice(0, 8)} pays ${memberName.get(p.payee) ?? p.payee.slice(0, 8)}`
  const lines = [
    `${p.date} ${p.confirmed ? '*' : '!'} ${str(who)} ${str(p.memo)}`,
    `  tally-id: "${p.id}"`,
    `  tally-index: ${p.index}`,
    `  tally-type: "${p.type}"`
  ]
  if (p.invoice) lines.push(`  tally-invoice: "${p.invoice}"`)
  lines.push(`  ${account(p.payee)} ${amount(p.amount)}`, `  ${account(p.payer)} ${amount(-p.amount)}`)
  return lines
}
