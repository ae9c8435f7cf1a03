import type { LedgerCommand } from '../command.js'
import { money } from '../output.js'
import { ledgerMeta, unitOf, type UnitInfo } from '../values.js'
import { readSiblings, type Hex, type NodeContext } from '../../src/cli-surface.js'

export interface LinkRow {
  bridge: { name: string; account: Hex }
  /** The other ledger's key and the name its link gives it. */
  ledger: Hex
  ledgerName: string
  /** From this ledger's minor unit to the other's: amount x rateNum / rateDen, rounded down. */
  rateNum: bigint
  rateDen: bigint
  capacity: bigint
  /** Sum of the open holds through it now. */
  held: bigint
  status: 'active' | 'withdrawn'
  /** For this member's own links: the data dir on the other ledger whose node this node carries payments to (null: none recorded, so payments toward it are refused). */
  sibling?: string | null
}

export interface LinksResult extends UnitInfo {
  links: LinkRow[]
}

/** The links this ledger knows, with their bridges (protocol/SPEC.md §12). */
export async function links(ctx: NodeContext): Promise<LinksResult> {
  const meta = await ledgerMeta(ctx.ledger)
  const names = new Map((await ctx.ledger.members()).map((m) => [m.account, m.name]))
  const siblings = await readSiblings(ctx.dir)
  const rows = (await ctx.ledger.links()).map((l) => ({
    bridge: { name: names.get(l.bridge) ?? l.bridge.slice(0, 8), account: l.bridge },
    ledger: l.ledger,
    ledgerName: l.name,
    rateNum: l.rateNum,
    rateDen: l.rateDen,
    capacity: l.capacity,
    held: l.held,
    status: l.status,
    ...(l.bridge === ctx.ledger.account ? { sibling: siblings.get(l.ledger) ?? null } : {})
  }))
  return { links: rows, ...unitOf(meta) }
}

export const linksCommand: LedgerCommand<Record<string, never>, LinksResult> = {
  name: 'links',
  scope: 'ledger',
  summary: 'links to other ledgers, with their bridges, rates and capacities',
  examples: ['tally links', 'tally links --json'],
  run: links,
  render: (r) =>
    r.links.length === 0
      ? 'no links: a co-op in two ledgers announces one with `tally link`'
      : r.links
          .map((l) => `${l.ledgerName} (${l.ledger.slice(0, 8)}) via ${l.bridge.name} (${l.bridge.account.slice(0, 8)}): rate ${l.rateNum}/${l.rateDen}, capacity ${money(l.capacity, r.decimals, r.unit)}, held ${money(l.held, r.decimals, r.unit)}, ${l.status}${
              l.sibling === undefined ? '' : l.sibling === null ? '; yours, not carried by this node (link it with the other data dir)' : `; yours, carried to ${l.sibling}'s node`
            }`)
          .join('\n')
}
