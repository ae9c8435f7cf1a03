import type { LedgerCommand } from '../command.js'
import { money } from '../output.js'
import { assertWriter, ledgerMeta, positiveAmountArg, unitOf, type UnitInfo, type Who } from '../values.js'
import type { Hex, NodeContext } from '../../src/cli-surface.js'

export interface InvoiceOpts {
  member?: string
  amount?: string
  memo?: string
}

export interface InvoiceResult extends UnitInfo {
  /** The invoice id: what the payer accepts or declines. */
  id: Hex
  type: 'invoice'
  status: 'pending'
  payer: Who
  payee: Who
  amount: bigint
  memo: string
}

/** Asks a member to pay; the member accepts or declines it. */
export async function invoice(ctx: NodeContext, opts: InvoiceOpts): Promise<InvoiceResult> {
  assertWriter(ctx)
  const meta = await ledgerMeta(ctx.ledger)
  const amount = positiveAmountArg(opts.amount, meta)
  const payer = await ctx.ledger.findMember(String(opts.member ?? ''))
  const receipt = await ctx.ledger.invoice(payer.account, amount, { memo: opts.memo ?? '' })
  const me = await ctx.ledger.self()
  return {
    id: receipt.id,
    type: 'invoice',
    status: 'pending',
    payer: { name: payer.name, account: payer.account },
    payee: { name: me.name, account: me.account },
    amount,
    memo: opts.memo ?? '',
    ...unitOf(meta)
  }
}

export const invoiceCommand: LedgerCommand<InvoiceOpts, InvoiceResult> = {
  name: 'invoice',
  scope: 'ledger',
  summary: 'ask a member to pay you',
  args: [
    { name: 'member', help: 'who pays: name or account key prefix' },
    { name: 'amount', help: 'decimal in the ledger unit' }
  ],
  flags: { memo: { type: 'string', value: 'TEXT', help: 'what it is for' } },
  examples: ['tally invoice gamma 40 --memo "catering"'],
  run: invoice,
  render: (r) =>
    `invoiced ${r.payer.name} ${money(r.amount, r.decimals, r.unit)}: invoice ${r.id.slice(0, 12)}\n` +
    `${r.payer.name} pays it with \`tally accept ${r.id.slice(0, 12)}\` (or declines it)`
}
