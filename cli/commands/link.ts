import path from 'path'
import type { LedgerCommand } from '../command.js'
import { money } from '../output.js'
import { amountArg, assertWriter, ledgerMeta, unitOf, type UnitInfo } from '../values.js'
import { DataDir, LedgerError, membersDecide, parseRate, recordSibling, type Hex, type NodeContext } from '../../src/cli-surface.js'

export interface LinkOpts {
  /** The other ledger's data dir (this co-op's own, in that ledger), or its 64-hex key. */
  other?: string
  rate?: string
  capacity?: string
  name?: string
}

export interface LinkResult extends UnitInfo {
  id: Hex
  ledger: Hex
  ledgerName: string
  rateNum: bigint
  rateDen: bigint
  capacity: bigint
  /** True when the members decide links (policy kind `link`): `id` is then the proposal's. */
  proposed: boolean
  /** The co-op's data dir on the other ledger, which this node's bridge half reaches; null when linked by key. */
  sibling: string | null
}

/**
 * Announces (or changes; capacity 0 withdraws) this member's link from this ledger to another it
 * belongs to. The other ledger announces its own side: `tally --dir DIR2 link DIR1 --rate 1/R`.
 */
export async function link(ctx: NodeContext, opts: LinkOpts): Promise<LinkResult> {
  assertWriter(ctx)
  const meta = await ledgerMeta(ctx.ledger)
  const other = String(opts.other ?? '').trim()
  if (other === '') throw LedgerError.BAD_INPUT('name the other ledger: its data dir, or its 64-hex key')
  const byKey = /^[0-9a-fA-F]{64}$/.test(other)
  const key = byKey ? (other.toLowerCase() as Hex) : (await new DataDir(path.resolve(other)).readLedgerConfig()).key
  const rate = parseRate(opts.rate ?? '1')
  if (opts.capacity === undefined) throw LedgerError.BAD_INPUT('--capacity is needed: the most this link carries at once (0 withdraws it)')
  const capacity = amountArg(opts.capacity, meta, 'capacity')
  const ledgerName = opts.name ?? (/^[0-9a-fA-F]{64}$/.test(other) ? key.slice(0, 8) : path.basename(path.resolve(other)))
  // Where the policy gives links to the members, Ledger.link proposes it: the link stands once they decide.
  const proposed = capacity > 0n && membersDecide((await ctx.ledger.policy()).policy, 'link')
  const receipt = await ctx.ledger.link(key, { name: ledgerName, rate, capacity })
  // The node's bridge half reaches the other ledger through that dir's node (src/node/bridge-half.ts).
  const sibling = byKey ? null : path.resolve(other)
  if (sibling !== null) await recordSibling(ctx.dir, key, sibling)
  return { id: receipt.id, ledger: key, ledgerName, ...rate, capacity, sibling, proposed, ...unitOf(meta) }
}

export const linkCommand: LedgerCommand<LinkOpts, LinkResult> = {
  name: 'link',
  scope: 'ledger',
  summary: 'announce, change or withdraw your link to another ledger you belong to',
  args: [{ name: 'other', help: "the other ledger's data dir (yours there), or its key" }],
  flags: {
    rate: { type: 'string', value: 'R', help: "this ledger's unit in the other's: 3/2 or 1.5 (default 1)" },
    capacity: { type: 'string', value: 'AMOUNT', help: 'the most the link carries at once; 0 withdraws it' },
    name: { type: 'string', value: 'TEXT', help: "the other ledger's name here (default: the dir's name)" }
  },
  examples: ['tally --dir coop-a link coop-b --rate 3/2 --capacity 500', 'tally --dir coop-b link coop-a --rate 2/3 --capacity 750'],
  run: link,
  // A dir is resolved where the command is typed: the node that runs it may have another working dir.
  prepare: (opts) => (typeof opts.other === 'string' && opts.other.trim() !== '' && !/^[0-9a-fA-F]{64}$/.test(opts.other.trim()) ? { ...opts, other: path.resolve(opts.other) } : opts),
  render: (r) =>
    (r.proposed
      ? `proposed a link to ${r.ledgerName} (${r.ledger.slice(0, 8)}) at ${r.rateNum}/${r.rateDen}, capacity ${money(r.capacity, r.decimals, r.unit)}: the members decide (proposal ${r.id.slice(0, 12)}; \`tally proposals\`)\n`
      : `linked to ${r.ledgerName} (${r.ledger.slice(0, 8)}) at ${r.rateNum}/${r.rateDen}, capacity ${money(r.capacity, r.decimals, r.unit)}: entry ${r.id.slice(0, 12)}\n`) +
    (r.sibling === null
      ? 'linked by key: no node carries payments for this link until you run `tally link` with the data dir instead'
      : `this node's bridge carries payments to ${r.sibling}'s node while \`tally up\` runs in both dirs`)
}
