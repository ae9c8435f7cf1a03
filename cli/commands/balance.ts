import type { Hex, MemberStatus, Role } from '../../protocol/index.js'
import type { MemberBalance } from '../../src/ledger.js'
import type { NodeContext } from '../../src/node/context.js'
import type { LedgerCommand } from '../command.js'
import { money, table } from '../output.js'
import { ledgerMeta, unitOf, type UnitInfo } from '../values.js'

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

export type BalanceResult = BalanceRow & UnitInfo

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

/** One member's balance (default: your own). */
export async function balance(ctx: NodeContext, opts: { member?: string }): Promise<BalanceResult> {
  const meta = await ledgerMeta(ctx.ledger)
  const m = await ctx.ledger.balance(opts.member)
  return { ...balanceRow(m), ...unitOf(meta) }
}

export const balanceCommand: LedgerCommand<{ member?: string }, BalanceResult> = {
  name: 'balance',
  scope: 'ledger',
  summary: "a member's balance (default: yours), confirmed and pending",
  args: [{ name: 'member', optional: true, help: 'name or account key prefix' }],
  examples: ['tally balance', 'tally balance beta --json'],
  run: balance,
  render: (r) => balanceTable([r], r) + `\n(${r.unit}; pending ${money(r.pending, r.decimals, r.unit)})`
}
