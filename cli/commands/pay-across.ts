import { money, short } from '../output.js'
import { durationArg, positiveAmountArg, unitOf, type UnitInfo } from '../values.js'
import { LedgerError, type Hex, type NodeContext, type ViewMeta } from '../../src/cli-surface.js'

/** A payment's period on this ledger unless --expires says otherwise. */
const DEFAULT_EXPIRES_MS = 10 * 60_000

export interface PayAcrossResult extends UnitInfo {
  type: 'across'
  /** The hold on this ledger (its id), toward the bridge. */
  id: Hex
  payee: { account: Hex; ledger: Hex; ledgerName: string }
  bridge: { account: Hex; name: string }
  amount: bigint
  /** What the payee gets, in the other ledger's minor unit, at the link's rate. */
  amountThere: bigint
  rateNum: bigint
  rateDen: bigint
  /** `completed` on both ledgers, or `released` (the payer has its amount back), or `pending` when the wait ran out. */
  outcome: 'completed' | 'released' | 'pending'
  reason: string
}

/**
 * `tally pay KEY@LEDGER AMOUNT`: finds a link to the ledger named (its name here or a key prefix),
 * holds the amount toward the link's bridge with a preimage sealed to the payee, and waits for the
 * outcome: the bridge's fulfilment (completed on both ledgers) or a release (nothing paid).
 */
export async function payAcross(ctx: NodeContext, meta: ViewMeta, target: string, opts: { amount?: string; memo?: string; expires?: string }): Promise<PayAcrossResult> {
  const at = target.lastIndexOf('@')
  const payee = target.slice(0, at).toLowerCase()
  const ledgerQuery = target.slice(at + 1).toLowerCase()
  if (!/^[0-9a-f]{64}$/.test(payee)) {
    // Names on the other ledger are not readable here, and one answered by the bridge could not be checked (SECURITY.md).
    throw LedgerError.BAD_INPUT(
      `a member of another ledger is named by its full account key (64 hex digits) before the @, not ${JSON.stringify(target.slice(0, at))}: ask the payee for its address (\`tally status\` shows it on their side: KEY@LEDGER); names are not used across ledgers, since this ledger cannot check them`
    )
  }
  const amount = positiveAmountArg(opts.amount, meta)
  const expiresMs = opts.expires === undefined ? DEFAULT_EXPIRES_MS : durationArg(opts.expires, '--expires')
  if (expiresMs === 0) throw LedgerError.BAD_INPUT('a payment across ledgers needs an expiry')
  const links = (await ctx.ledger.links()).filter((l) => l.status === 'active' && (l.name.toLowerCase() === ledgerQuery || l.ledger.startsWith(ledgerQuery)))
  if (links.length === 0) throw LedgerError.REJECTED(`no link to a ledger named ${JSON.stringify(ledgerQuery)}: \`tally links\` lists them`, { reject: 'unknown_link' })
  // Among several bridges to that ledger, the one with the most room.
  const link = links.sort((a, b) => (b.capacity - b.held > a.capacity - a.held ? 1 : -1))[0]
  const bridge = (await ctx.ledger.members()).find((m) => m.account === link.bridge)
  const paid = await ctx.ledger.payAcross({ bridge: link.bridge, ledger: link.ledger, payee, amount, expiresMs, memo: opts.memo })
  ctx.log?.(`quote: ${money(amount, meta.decimals, meta.unitCode)} here, ${paid.amountThere} minor units of ${link.name} to ${short(payee)} at ${link.rateNum}/${link.rateDen}; held ${short(paid.receipt.id)}, waiting for the outcome`)
  // The hold closes by the bridge's fulfilment, or by a release once its period passed (both ledgers' rules).
  const deadline = Date.now() + expiresMs * 3 + 60_000
  let status = 'held'
  while (Date.now() < deadline) {
    status = (await ctx.ledger.getHold(paid.receipt.id)).status
    if (status !== 'held') break
    await ctx.ledger.nextUpdate(1000)
  }
  const outcome = status === 'fulfilled' ? 'completed' : status === 'released' ? 'released' : 'pending'
  const reason =
    outcome === 'completed'
      ? 'the payee was paid on its ledger with the preimage it showed, and the bridge settled here with it'
      : outcome === 'released'
        ? `${await releaseReason(ctx, paid.receipt.id)}: the amount is back with you, and nothing was paid there`
        : 'still held: the bridge or the members\' clocks have not decided yet (`tally links`, and see the hold later)'
  return {
    type: 'across',
    id: paid.receipt.id,
    payee: { account: payee as Hex, ledger: link.ledger, ledgerName: link.name },
    bridge: { account: link.bridge, name: bridge?.name ?? short(link.bridge) },
    amount,
    amountThere: paid.amountThere,
    rateNum: link.rateNum,
    rateDen: link.rateDen,
    outcome,
    reason,
    ...unitOf(meta)
  }
}

/** Why a hold was released: the memo its release carries (the bridge's refusal, or "expired" from the payer's node). */
async function releaseReason(ctx: NodeContext, id: Hex): Promise<string> {
  const h = await ctx.ledger.getHold(id)
  const entry = (await ctx.ledger.history(h.payer, { limit: 100 })).find((e) => e.id === h.closedBy)
  return entry?.memo ? entry.memo : 'released'
}

export function renderAcross(r: PayAcrossResult): string {
  const head = `${money(r.amount, r.decimals, r.unit)} to ${short(r.payee.account)}@${r.payee.ledgerName} via ${r.bridge.name}: ${r.amountThere} minor units there at ${r.rateNum}/${r.rateDen} (hold ${short(r.id)})`
  return `${head}\n${r.outcome === 'completed' ? 'completed on both ledgers' : r.outcome}: ${r.reason}`
}
