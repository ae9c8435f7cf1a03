/**
 * The hledger journal: the commodity and every member's account (`members:<name>`) declared,
 * each payment as a transaction with two postings in date order (ties in ledger order), every
 * posting with a balance assertion, and a closing transaction asserting each member's balance
 * from the replay. `hledger check --strict` accepts it; `hledger balance` equals Tally's
 * balances. Pending (unconfirmed) payments are marked `!`, confirmed ones `*`.
 */
import type { Hex } from '../../protocol/index.js'
import { accountNames, Balances, heldAccounts, checkTotals, decimal, oneLine, paymentsByDate, unitOf, type Payment } from './export-common.js'
import type { AuditReport } from './types.js'

export const HLEDGER_ROOT = 'members'

/** A commodity symbol hledger reads bare (letters only) or quoted. */
export function hledgerCommodity(unitCode: string): string {
  return /^[A-Za-z]+$/.test(unitCode) ? unitCode : `"${unitCode}"`
}

/** A member name as one account-name component: no colon, comment or virtual-posting marks; single spaces. */
function component(name: string): string {
  const cleaned = oneLine(name)
    .replace(/[:;()[\]"|#=*!]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
  return cleaned === '' ? 'member' : cleaned
}

/** Text for a description: one line, no `;` (which would start a comment), no leading `(` (a transaction code). */
function descriptionText(text: string): string {
  return oneLine(text).replace(/;/g, ',').replace(/^\(/, '[')
}

export function exportHledger(report: AuditReport): string {
  const { unitCode, decimals, name } = unitOf(report)
  const commodity = hledgerCommodity(unitCode)
  const names = accountNames(report, component, (n, account) => `${n}-${account.slice(0, 8)}`)
  const account = (key: Hex) => `${HLEDGER_ROOT}:${names.get(key) ?? key.slice(0, 8)}`
  const memberName = new Map(report.members.map((m) => [m.account, oneLine(m.name)]))
  const amount = (v: bigint) => `${decimal(v, decimals)} ${commodity}`
  // hledger wants a decimal mark in the directive even for a unit without decimals ("1000.").
  const sample = decimal(10n ** BigInt(decimals + 3), decimals) + (decimals === 0 ? '.' : '')

  const out: string[] = [
    `; Tally ledger ${JSON.stringify(name)}, key ${report.ledger.key}`,
    `; Exported by tally audit: ${report.entriesChecked} entries checked, ${report.findings.length} findings, state hash ${report.stateHash}`,
    '; Dates are the authors\' claimed times (UTC), informational only; ties keep the ledger\'s order.',
    '; Status * = confirmed (quorum-signed), ! = pending.',
    '',
    'decimal-mark .',
    `commodity ${sample} ${commodity}`,
    ''
  ]
  for (const m of report.members) out.push(`account ${account(m.account)}  ; account:${m.account}`)
  for (const h of heldAccounts(report)) out.push(`account ${account(h)}  ; held by hold:${h.slice(5)}`)
  out.push('')

  const payments = paymentsByDate(report)
  const balances = new Balances()
  for (const p of payments) out.push(...transaction(p, balances, account, memberName, amount), '')
  checkTotals(report, balances)

  const last = payments.length > 0 ? payments[payments.length - 1].date : null
  if (last !== null) {
    out.push(`${last} * Tally balances after ${report.entriesChecked} entries  ; state-hash:${report.stateHash}`)
    for (const m of report.members) out.push(`    ${account(m.account)}  ${amount(0n)} = ${amount(m.balance)}`)
    out.push('')
  }
  return out.join('\n')
}

function transaction(
  p: Payment,
  balances: Balances,
  account: (key: Hex) => string,
  memberName: Map<Hex, string>,
  amount: (v: bigint) => string
): string[] {
  const after = balances.apply(p)
  const who = `${memberName.get(p.payer) ?? p.payer.slice(0, 8)} pays ${memberName.get(p.payee) ?? p.payee.slice(0, 8)}`
  const description = descriptionText(who.replace(/\|/g, '/') + (p.memo ? ' | ' + p.memo : ''))
  const tags = [`id:${p.id}`, `index:${p.index}`, `type:${p.type}`, ...(p.invoice ? [`invoice:${p.invoice}`] : [])]
  return [
    `${p.date} ${p.confirmed ? '*' : '!'} ${description}  ; ${tags.join(', ')}`,
    `    ${account(p.payee)}  ${amount(p.amount)} = ${amount(after.payee)}`,
    `    ${account(p.payer)}  ${amount(-p.amount)} = ${amount(after.payer)}`
  ]
}
