import type { LedgerCommand } from '../command.js'
import { money, table } from '../output.js'
import { ledgerMeta, namesOf, unitOf, type UnitInfo, type Who } from '../values.js'
import type { Hex, InvoiceStatus, NodeContext } from '../../src/cli-surface.js'

export interface InvoiceRow {
  id: Hex
  payer: Who
  payee: Who
  amount: bigint
  memo: string
  status: InvoiceStatus
  /** From your side: you are asked to pay it, you wrote it, or neither. */
  direction: 'to-pay' | 'to-receive' | 'other'
}

export interface InvoicesResult extends UnitInfo {
  invoices: InvoiceRow[]
}

/** Invoices you are asked to pay or wrote: pending ones, or all with --all. */
export async function invoices(ctx: NodeContext, opts: { all?: boolean }): Promise<InvoicesResult> {
  const meta = await ledgerMeta(ctx.ledger)
  const me = ctx.ledger.account
  const list = await ctx.ledger.invoices(opts.all ? {} : { status: 'pending' })
  const name = await namesOf(ctx.ledger)
  const rows: InvoiceRow[] = list
    .filter((i) => opts.all || i.payer === me || i.payee === me)
    .map((i) => ({
      id: i.id,
      payer: name(i.payer)!,
      payee: name(i.payee)!,
      amount: i.amount,
      memo: i.memo,
      status: i.status,
      direction: i.payer === me ? 'to-pay' : i.payee === me ? 'to-receive' : 'other'
    }))
  return { invoices: rows, ...unitOf(meta) }
}

export const invoicesCommand: LedgerCommand<{ all?: boolean }, InvoicesResult> = {
  name: 'invoices',
  scope: 'ledger',
  summary: 'pending invoices to you and from you (with ids to accept, decline or cancel)',
  flags: { all: { type: 'boolean', help: "every invoice of the ledger, closed ones too" } },
  examples: ['tally invoices', 'tally invoices --all --json'],
  run: invoices,
  render: (r) =>
    r.invoices.length === 0
      ? 'no pending invoices'
      : table(
          // FROM pays TO, as in `history`: the invoice's payer, then the member who asked for it.
          ['ID', 'FROM', 'TO', 'AMOUNT', 'STATUS', 'MEMO'],
          r.invoices.map((i) => [i.id.slice(0, 12), i.payer.name, i.payee.name, money(i.amount, r.decimals), i.status, i.memo]),
          ['left', 'left', 'left', 'right', 'left', 'left']
        )
}
