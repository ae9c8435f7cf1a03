import { acrossLines, type AcrossState } from '../../src/cli-surface.js'
import type { LedgerCommand } from '../command.js'
import { money, short, table } from '../output.js'
import { countArg, ledgerMeta, namesOf, unitOf, type UnitInfo, type Who } from '../values.js'
import type { EntryType, Hex, Hold, NodeContext, RejectCode } from '../../src/cli-surface.js'

const LIMIT_DEFAULT = 20
const LIMIT_MAX = 10_000

export interface HistoryRow {
  /** The entry's id; for a payment across ledgers, its hold's. */
  id: Hex
  /** Position in the ledger's order. */
  index: number
  /** `across`: a payment across ledgers, its hold and the fulfil or release that closed it in one row. */
  type: EntryType | 'across' | null
  status: 'applied' | 'rejected'
  code: RejectCode | null
  reason: string | null
  author: Who | null
  payer: Who | null
  payee: Who | null
  /** Minor units, for entries that move money. */
  amount: bigint | null
  invoice: Hex | null
  memo: string
  /** The author's clock, ms since the epoch (informational). */
  timestamp: number
  confirmed: boolean
  /** For `across`: held, completed or released, and the other ledger (its name here; the final payee's account on the payer's side). */
  state?: AcrossState
  other?: { ledger: Hex; name: string; account: Hex | null }
}

export interface HistoryResult extends UnitInfo {
  name: string
  account: Hex
  entries: HistoryRow[]
}

/** Entries touching a member (default: you), newest first. */
export async function history(ctx: NodeContext, opts: { member?: string; limit?: string }): Promise<HistoryResult> {
  const meta = await ledgerMeta(ctx.ledger)
  const limit = opts.limit === undefined ? LIMIT_DEFAULT : countArg(opts.limit, '--limit', 1, LIMIT_MAX)
  const who = opts.member === undefined ? await ctx.ledger.self() : await ctx.ledger.findMember(opts.member)
  const items = await ctx.ledger.history(who.account, { limit })
  const name = await namesOf(ctx.ledger)
  const holds = new Map<Hex, Hold>()
  for (const e of items) if (e.hold !== undefined && !holds.has(e.hold)) holds.set(e.hold, await ctx.ledger.getHold(e.hold))
  const lines = acrossLines(items, holds, holds.size === 0 ? [] : await ctx.ledger.links())
  return {
    name: who.name,
    account: who.account,
    entries: lines.map((l): HistoryRow => {
      if ('across' in l) {
        const a = l.across
        return { id: a.hold, index: a.index, type: 'across', status: 'applied', code: null, reason: null, author: null, payer: name(a.payer), payee: name(a.payee), amount: a.amount, invoice: null, memo: a.memo, timestamp: a.timestamp, confirmed: a.confirmed, state: a.state, other: a.other }
      }
      const e = l.entry
      return {
      id: e.id,
      index: e.index,
      type: e.type,
      status: e.status,
      code: e.code,
      reason: e.reason,
      author: name(e.author),
      payer: name(e.payer),
      payee: name(e.payee),
      amount: e.amount === null ? null : BigInt(e.amount),
      invoice: e.invoice,
      memo: e.memo,
      timestamp: e.timestamp,
      confirmed: e.confirmed
      }
    }),
    ...unitOf(meta)
  }
}

export const historyCommand: LedgerCommand<{ member?: string; limit?: string }, HistoryResult> = {
  name: 'history',
  scope: 'ledger',
  summary: 'entries touching a member (default: you), newest first; a payment across ledgers is one line with its state',
  args: [{ name: 'member', optional: true, help: 'name or account key prefix' }],
  flags: { limit: { type: 'string', value: 'N', help: `how many entries (default ${LIMIT_DEFAULT})` } },
  examples: ['tally history', 'tally history beta --limit 5'],
  run: history,
  render: (r) =>
    r.entries.length === 0
      ? `no entries for ${r.name}`
      : table(
          ['#', 'WHEN', 'TYPE', 'FROM', 'TO', 'AMOUNT', 'STATE', 'MEMO'],
          r.entries.map((e) => [
            String(e.index),
            new Date(e.timestamp).toISOString().slice(0, 16).replace('T', ' '),
            e.type ?? '?',
            e.type === 'across' && e.other && e.other.account === null ? `${e.payer?.name ?? ''} (from ${e.other.name})` : (e.payer?.name ?? e.author?.name ?? ''),
            e.type === 'across' && e.other && e.other.account !== null ? `${short(e.other.account)}@${e.other.name} via ${e.payee?.name ?? ''}` : (e.payee?.name ?? ''),
            e.amount === null ? '' : money(e.amount, r.decimals),
            e.state !== undefined ? e.state + (e.confirmed ? '' : ', pending') : e.status === 'rejected' ? `rejected: ${e.code}` : e.confirmed ? 'confirmed' : 'pending',
            e.memo
          ]),
          ['right', 'left', 'left', 'left', 'left', 'right', 'left', 'left']
        )
}
