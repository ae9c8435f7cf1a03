import type { LedgerCommand } from '../command.js'
import { money, table } from '../output.js'
import { ledgerMeta, unitOf, type UnitInfo } from '../values.js'
import { LedgerError, parsePercent, SOFT_LIMIT_PERCENT_DEFAULT, softLimit, type Hex, type MemberBalance, type MemberStatus, type NodeContext, type Role, type SoftLimit } from '../../src/cli-surface.js'

/** A member's figures as `balance` and `members` print them. */
export interface BalanceRow {
  name: string
  account: Hex
  role: Role
  status: MemberStatus
  /** Balance with every entry applied here, pending ones included. */
  balance: bigint
  /** Balance with only confirmed (quorum-signed) entries. */
  confirmed: bigint
  /** balance - confirmed. */
  pending: bigint
  creditLimit: bigint
  maxBalance: bigint | null
  /** What it can still spend: creditLimit + balance (at least 0). */
  available: bigint
}

export type BalanceResult = BalanceRow & UnitInfo & { softLimit: SoftLimit }

export function balanceRow(m: MemberBalance): BalanceRow {
  return {
    name: m.name,
    account: m.account,
    role: m.role,
    status: m.status,
    balance: m.balance,
    confirmed: m.confirmed,
    pending: m.balance - m.confirmed,
    creditLimit: m.creditLimit,
    maxBalance: m.maxBalance,
    available: m.available
  }
}

/** The table `balance` and `members` print. */
export function balanceTable(rows: BalanceRow[], u: UnitInfo): string {
  const f = (v: bigint) => money(v, u.decimals)
  return table(
    ['MEMBER', 'ACCOUNT', 'BALANCE', 'CONFIRMED', 'AVAILABLE', 'LIMIT', 'ROLE'],
    rows.map((r) => [r.name, r.account.slice(0, 8), f(r.balance), f(r.confirmed), f(r.available), f(r.creditLimit), r.role + (r.status === 'active' ? '' : ` (${r.status})`)]),
    ['left', 'left', 'right', 'right', 'right', 'right', 'left']
  )
}

/** One member's balance (default: your own), with the soft-limit warning line (default 80 % of the credit limit). */
export async function balance(ctx: NodeContext, opts: { member?: string; warnAt?: string }): Promise<BalanceResult> {
  const percent = opts.warnAt === undefined ? SOFT_LIMIT_PERCENT_DEFAULT : parsePercent(opts.warnAt)
  if (percent === null) throw LedgerError.BAD_INPUT(`--warn-at must be a percentage from 1 to 100, got ${JSON.stringify(opts.warnAt)}`)
  const meta = await ledgerMeta(ctx.ledger)
  const m = await ctx.ledger.balance(opts.member)
  return { ...balanceRow(m), ...unitOf(meta), softLimit: softLimit(m.balance, m.creditLimit, percent) }
}

/** The warning `balance` prints under the table once the soft limit is reached. */
export function softLimitLine(r: BalanceResult): string {
  if (!r.softLimit.reached) return ''
  return `\nwarning: ${r.name} has used ${r.softLimit.percent} % or more of the credit limit (balance ${money(r.balance, r.decimals, r.unit)}, warning at ${money(r.softLimit.threshold, r.decimals, r.unit)}, limit ${money(-r.creditLimit, r.decimals, r.unit)})`
}

export const balanceCommand: LedgerCommand<{ member?: string; warnAt?: string }, BalanceResult> = {
  name: 'balance',
  scope: 'ledger',
  summary: "a member's balance (default: yours), confirmed and pending",
  args: [{ name: 'member', optional: true, help: 'name or account key prefix' }],
  flags: { 'warn-at': { type: 'string', value: 'PERCENT', help: `warn when this much of the credit limit is used (default ${SOFT_LIMIT_PERCENT_DEFAULT})` } },
  examples: ['tally balance', 'tally balance beta --json', 'tally balance --warn-at 90'],
  run: balance,
  render: (r) => balanceTable([r], r) + `\n(${r.unit}; pending ${money(r.pending, r.decimals, r.unit)})` + softLimitLine(r)
}
