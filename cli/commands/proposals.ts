import type { LedgerCommand } from '../command.js'
import { proposalLine } from '../proposal-text.js'
import { ledgerMeta } from '../values.js'
import type { NodeContext, ProposalView } from '../../src/cli-surface.js'

export interface ProposalsOpts {
  all?: boolean
}

export interface ProposalsResult {
  proposals: ProposalView[]
  lines: string[]
}

/** Open proposals with their counts (oldest first); with --all, decided ones too (newest first). */
export async function proposals(ctx: NodeContext, opts: ProposalsOpts): Promise<ProposalsResult> {
  const meta = await ledgerMeta(ctx.ledger)
  const list = await ctx.ledger.proposals({ all: opts.all === true })
  return { proposals: list, lines: list.map((p) => proposalLine(p, meta)) }
}

export const proposalsCommand: LedgerCommand<ProposalsOpts, ProposalsResult> = {
  name: 'proposals',
  scope: 'ledger',
  summary: 'open proposals with ids, counts and windows (--all: decided ones too)',
  flags: { all: { type: 'boolean', help: 'also list decided proposals' } },
  examples: ['tally proposals', 'tally proposals --all --json'],
  run: proposals,
  render: (r) => (r.lines.length === 0 ? 'no open proposals' : r.lines.join('\n'))
}
