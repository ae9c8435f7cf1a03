import type { NodeContext } from '../../src/node/context.js'
import type { LedgerCommand } from '../command.js'
import { money } from '../output.js'
import { ledgerMeta, unitOf, type UnitInfo } from '../values.js'
import { balanceRow, balanceTable, type BalanceRow } from './balance.js'

export interface MembersResult extends UnitInfo {
  ledger: string
  members: BalanceRow[]
  /** Sum of every balance: always 0 in mutual credit. */
  total: bigint
}

/** Every member with balances, by name. */
export async function members(ctx: NodeContext): Promise<MembersResult> {
  const meta = await ledgerMeta(ctx.ledger)
  const rows = (await ctx.ledger.members()).map(balanceRow)
  return { ledger: meta.name, members: rows, total: rows.reduce((s, r) => s + r.balance, 0n), ...unitOf(meta) }
}

export const membersCommand: LedgerCommand<Record<string, never>, MembersResult> = {
  name: 'members',
  scope: 'ledger',
  summary: 'every member with balances and limits',
  examples: ['tally members', 'tally members --json'],
  run: members,
  render: (r) => balanceTable(r.members, r) + `\n${r.members.length} member${r.members.length === 1 ? "" : "s"} of "${r.ledger}"; balances sum to ${money(r.total, r.decimals, r.unit)}`
}
