import { randomBytes } from 'crypto'
import type { LedgerCommand } from '../command.js'
import { money, short } from '../output.js'
import { payAcross, renderAcross, type PayAcrossResult } from './pay-across.js'
import { assertWriter, explain, ledgerMeta, positiveAmountArg, unitOf, type UnitInfo, type Who } from '../values.js'
import type { Hex, NodeContext } from '../../src/cli-surface.js'

export interface PayOpts {
  member?: string
  amount?: string
  memo?: string
  /** Idempotency key: a payment retried with the same key is made once (made up when not given). */
  key?: string
  /** For MEMBER@LEDGER: how long the payment may take before it is released (default 10m). */
  expires?: string
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
  /** The idempotency key, and whether this call found the payment already made with it (nothing paid again). */
  key: string
  repeated: boolean
}

/** Pays a member now (appended locally at once; replicated when the node is up). */
export async function pay(ctx: NodeContext, opts: PayOpts): Promise<PayResult> {
  assertWriter(ctx)
  const meta = await ledgerMeta(ctx.ledger)
  const amount = positiveAmountArg(opts.amount, meta)
  const payee = await ctx.ledger.findMember(String(opts.member ?? ''))
  const key = opts.key ?? newPayKey()
  let paid
  try {
    paid = await ctx.payKeys.payOnce(ctx.ledger, key, payee.account, amount, opts.memo ?? '')
  } catch (err) {
    throw explain(err, meta, amount)
  }
  const receipt = paid.receipt
  const me = await ctx.ledger.balance()
  return {
    id: receipt.id,
    type: 'transfer',
    payer: { name: me.name, account: me.account },
    payee: { name: payee.name, account: payee.account },
    amount,
    memo: opts.memo ?? '',
    balance: me.balance,
    available: me.available,
    key,
    repeated: paid.repeated,
    confirmed: false,
    ...unitOf(meta)
  }
}

/** `tally pay`: a member of this ledger, or KEY@LEDGER, a member of a linked ledger (protocol/SPEC.md §12). */
export async function payOrAcross(ctx: NodeContext, opts: PayOpts): Promise<PayResult | PayAcrossResult> {
  if (!String(opts.member ?? '').includes('@')) return pay(ctx, opts)
  assertWriter(ctx)
  return payAcross(ctx, await ledgerMeta(ctx.ledger), String(opts.member), opts)
}

export const payCommand: LedgerCommand<PayOpts, PayResult | PayAcrossResult> = {
  name: 'pay',
  scope: 'ledger',
  summary: 'pay a member now',
  args: [
    { name: 'member', help: 'name or account key prefix; or KEY@LEDGER for a member of a linked ledger' },
    { name: 'amount', help: 'decimal in the ledger unit, e.g. 12.50' }
  ],
  flags: {
    memo: { type: 'string', value: 'TEXT', help: 'what it is for (at most 280 bytes)' },
    expires: { type: 'string', value: 'DURATION', help: 'KEY@LEDGER only: released if not completed within this (default 10m)' },
    key: { type: 'string', value: 'KEY', help: 'idempotency key: retried with the same key, the payment is made once (default: a new one, printed)' }
  },
  examples: ['tally pay beta 12.50 --memo "design work"', 'tally pay beta 12.50 --key rent-2026-11   # safe to run again'],
  run: payOrAcross,
  prepare: (opts) => ({ ...opts, key: typeof opts.key === 'string' ? opts.key : newPayKey() }),
  retryHint: (opts) => `retry with \`--key ${String(opts.key)}\`: a payment with the same key is made once`,
  render: (r) =>
    r.type === 'across'
      ? renderAcross(r)
      : (r.repeated
      ? `already paid ${r.payee.name} ${money(r.amount, r.decimals, r.unit)} with key ${r.key} (entry ${short(r.id)}): nothing paid again\n`
      : `paid ${r.payee.name} ${money(r.amount, r.decimals, r.unit)} (entry ${short(r.id)}, pending confirmation; key ${r.key})\n`) +
      `your balance ${money(r.balance, r.decimals, r.unit)}, available ${money(r.available, r.decimals, r.unit)}`
}

/** A fresh idempotency key: 12 hex characters. */
function newPayKey(): string {
  return randomBytes(6).toString('hex')
}
