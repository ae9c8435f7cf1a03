import type { Hex } from '../../protocol/index.js'
import type { NodeContext } from '../../src/node/context.js'
import type { LedgerCommand } from '../command.js'
import { money, short } from '../output.js'
import { assertWriter, explain, ledgerMeta, positiveAmountArg, unitOf, type UnitInfo, type Who } from '../values.js'

export interface PayOpts {
  member?: string
  amount?: string
  memo?: string
}

export interface PayResult extends UnitInfo {
  id: Hex
  type: 'transfer'
  payer: Who
  payee: Who
  amount: bigint
  memo: string
  /** Confirmed once the indexers' quorum signs it; until then it is pending. */
  confirmed: boolean
  /** The payer's balance and what it can still spend, with this payment. */
  balance: bigint
  available: bigint
}

/** Pays a member now (appended locally at once; replicated when the node is up). */
export async function pay(ctx: NodeContext, opts: PayOpts): Promise<PayResult> {
  assertWriter(ctx)
  const meta = await ledgerMeta(ctx.ledger)
  const amount = positiveAmountArg(opts.amount, meta)
  const payee = await ctx.ledger.findMember(String(opts.member ?? ''))
  let receipt
  try {
    receipt = await ctx.ledger.transfer(payee.account, amount, { memo: opts.memo ?? '' })
  } catch (err) {
    throw explain(err, meta, amount)
  }
  const me = await ctx.ledger.balance()
  return {
    id: receipt.id,
    type: 'transfer',
    payer: { name: me.name, account: me.account },
    payee: { name: payee.name, account: payee.account },
    amount,
    memo: opts.memo ?? '',
    confirmed: false,
    balance: me.balance,
    available: me.available,
    ...unitOf(meta)
  }
}

export const payCommand: LedgerCommand<PayOpts, PayResult> = {
  name: 'pay',
  scope: 'ledger',
  summary: 'pay a member now',
  args: [
    { name: 'member', help: 'name or account key prefix' },
    { name: 'amount', help: 'decimal in the ledger unit, e.g. 12.50' }
  ],
  flags: { memo: { type: 'string', value: 'TEXT', help: 'what it is for (at most 280 bytes)' } },
  examples: ['tally pay beta 12.50 --memo "design work"'],
  run: pay,
  render: (r) =>
    `paid ${r.payee.name} ${money(r.amount, r.decimals, r.unit)} (entry ${short(r.id)}, pending confirmation)\n` +
    `your balance ${money(r.balance, r.decimals, r.unit)}, available ${money(r.available, r.decimals, r.unit)}`
}
