import type { LedgerCommand } from '../command.js'
import { money } from '../output.js'
import { ledgerMeta, unitOf, type UnitInfo } from '../values.js'
import { balanceRow, balanceTable, type BalanceRow } from './balance.js'
import type { NodeContext } from '../../src/cli-surface.js'

export interface MembersResult extends UnitInfo {
  ledger: string
  members: BalanceRow[]
  /** Sum of every balance: 0 in mutual credit, less what open holds (federation) keep aside. */
  total: bigint
  /** Held in open holds: taken off their payers, not yet paid to their payees. `total + held` is always 0. */
  held: bigint
}

/** Every member with balances, by name. */
export async function members(ctx: NodeContext): Promise<MembersResult> {
  const meta = await ledgerMeta(ctx.ledger)
  const rows = (await ctx.ledger.members()).map(balanceRow)
  const held = (await ctx.ledger.holds({ open: true })).reduce((s, h) => s + h.amount, 0n)
  return { ledger: meta.name, members: rows, total: rows.reduce((s, r) => s + r.balance, 0n), held, ...unitOf(meta) }
}

export const membersCommand: LedgerCommand<Record<string, never>, MembersResult> = {
  name: 'members',
  scope: 'ledger',
  summary: 'every member with balances and limits',
  examples: ['tally members', 'tally members --json'],
  run: members,
  render: (r) =>
    balanceTable(r.members, r) +
    `\n${r.members.length} member${r.members.length === 1 ? '' : 's'} of "${r.ledger}"; balances sum to ${money(r.total, r.decimals, r.unit)}` +
    (r.held === 0n ? '' : `, and ${money(r.held, r.decimals, r.unit)} is held in open holds: together ${money(r.total + r.held, r.decimals, r.unit)}`)
}
