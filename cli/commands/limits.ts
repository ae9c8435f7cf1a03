import type { LedgerCommand } from '../command.js'
import { money } from '../output.js'
import { assertWriter, amountArg, ledgerMeta, unitOf, type UnitInfo } from '../values.js'
import { LedgerError, type Hex, type NodeContext } from '../../src/cli-surface.js'

export interface LimitsOpts {
  member?: string
  creditLimit?: string
  maxBalance?: string
}

export interface LimitsResult extends UnitInfo {
  id: Hex
  name: string
  account: Hex
  creditLimit: bigint
  maxBalance: bigint | null
  /** True when the policy gives limits to the members: `id` is then the proposal's, and the limits change once it passes. */
  proposed: boolean
}

/** Sets a member's credit limit and (optionally) max balance. Stewards only. */
export async function limits(ctx: NodeContext, opts: LimitsOpts): Promise<LimitsResult> {
  assertWriter(ctx)
  const meta = await ledgerMeta(ctx.ledger)
  if (opts.creditLimit === undefined) throw LedgerError.BAD_INPUT('limits needs --credit-limit AMOUNT')
  const creditLimit = amountArg(opts.creditLimit, meta, '--credit-limit')
  const m = await ctx.ledger.findMember(String(opts.member ?? ''))
  // Without --max-balance the member keeps the one it has; "none" removes it.
  const maxBalance = opts.maxBalance === undefined ? m.maxBalance : opts.maxBalance === 'none' ? null : amountArg(opts.maxBalance, meta, '--max-balance')
  const receipt = await ctx.ledger.setLimits(m.account, { creditLimit, maxBalance })
  return { id: receipt.id, name: m.name, account: m.account, creditLimit, maxBalance, proposed: receipt.record.type === 'propose', ...unitOf(meta) }
}

export const limitsCommand: LedgerCommand<LimitsOpts, LimitsResult> = {
  name: 'limits',
  scope: 'ledger',
  summary: "set a member's credit limit and max balance (stewards; proposes it when the members decide limits)",
  args: [{ name: 'member', help: 'name or account key prefix' }],
  flags: {
    'credit-limit': { type: 'string', required: true, value: 'AMOUNT', help: 'how far below zero the member may go' },
    'max-balance': { type: 'string', value: 'AMOUNT', help: 'highest balance, or "none"' }
  },
  examples: ['tally limits beta --credit-limit 800', 'tally limits beta --credit-limit 800 --max-balance none'],
  run: limits,
  render: (r) =>
    (r.proposed ? `proposed ${r.id} (the members decide limits: \`tally proposals\`)\n` : '') +
    `${r.name}: credit limit ${money(r.creditLimit, r.decimals, r.unit)}, max balance ${r.maxBalance === null ? 'none' : money(r.maxBalance, r.decimals, r.unit)}`
}
