/**
 * accept, decline and cancel: the three answers to an invoice, one shape.
 */
import type { LedgerCommand } from '../command.js'
import { money, short } from '../output.js'
import { assertWriter, explain, ledgerMeta, namesOf, unitOf, type UnitInfo, type Who } from '../values.js'
import type { Hex, InvoiceStatus, NodeContext } from '../../src/cli-surface.js'

export type ReplyType = 'accept' | 'decline' | 'cancel'

export interface ReplyOpts {
  id?: string
  memo?: string
}

export interface ReplyResult extends UnitInfo {
  /** The id of the accept/decline/cancel entry. */
  id: Hex
  type: ReplyType
  invoice: { id: Hex; payer: Who; payee: Who; amount: bigint; memo: string; status: InvoiceStatus }
}

/** Appends an answer to an invoice (id or unique id prefix). */
export async function reply(ctx: NodeContext, type: ReplyType, opts: ReplyOpts): Promise<ReplyResult> {
  assertWriter(ctx)
  const meta = await ledgerMeta(ctx.ledger)
  const inv = await ctx.ledger.findInvoice(String(opts.id ?? ''))
  let receipt
  try {
    receipt = await ctx.ledger[type](inv.id, { memo: opts.memo ?? '' })
  } catch (err) {
    throw explain(err, meta, inv.amount)
  }
  const name = await namesOf(ctx.ledger)
  const after = (await ctx.ledger.findInvoice(inv.id)).status
  return {
    id: receipt.id,
    type,
    invoice: { id: inv.id, payer: name(inv.payer)!, payee: name(inv.payee)!, amount: inv.amount, memo: inv.memo, status: after },
    ...unitOf(meta)
  }
}

const DONE: Record<ReplyType, string> = { accept: 'accepted', decline: 'declined', cancel: 'cancelled' }
const SUMMARY: Record<ReplyType, string> = {
  accept: 'pay an invoice addressed to you',
  decline: 'refuse an invoice addressed to you',
  cancel: 'withdraw an invoice you wrote'
}

/** The command for one kind of answer. */
export function replyCommand(type: ReplyType): LedgerCommand<ReplyOpts, ReplyResult> {
  return {
    name: type,
    scope: 'ledger',
    summary: SUMMARY[type],
    args: [{ name: 'id', help: 'invoice id or a unique prefix (see `tally invoices`)' }],
    flags: { memo: { type: 'string', value: 'TEXT', help: 'a note' } },
    examples: [`tally ${type} 3f2a9c01`],
    run: (ctx, opts) => reply(ctx, type, opts),
    render: (r) =>
      `${DONE[r.type]} invoice ${short(r.invoice.id)} from ${r.invoice.payee.name} to ${r.invoice.payer.name}: ` +
      `${money(r.invoice.amount, r.decimals, r.unit)}${r.type === 'accept' ? ' paid' : ''} (entry ${short(r.id)})`
  }
}
