import { describeRule } from '../proposal-text.js'
import type { LedgerCommand } from '../command.js'
import { fields, short } from '../output.js'
import { namesOf, ledgerMeta, type Who } from '../values.js'
import { DECISION_KINDS, type Hex, type NodeContext, type PolicyView } from '../../src/cli-surface.js'

export interface PolicyResult extends PolicyView {
  indexerNames: Who[]
}

/** The policy in force: who decides each kind of decision, the windows, the rate limit, the indexers. */
export async function policy(ctx: NodeContext): Promise<PolicyResult> {
  await ledgerMeta(ctx.ledger)
  const view = await ctx.ledger.policy()
  const name = await namesOf(ctx.ledger)
  return { ...view, indexerNames: view.indexers.map((a: Hex) => name(a)!) }
}

export const policyCommand: LedgerCommand<Record<string, never>, PolicyResult> = {
  name: 'policy',
  scope: 'ledger',
  summary: 'the decision policy in force, and the indexers',
  examples: ['tally policy', 'tally policy --json'],
  run: policy,
  render: (r) =>
    fields([
      ...DECISION_KINDS.map((k): [string, string] => [k, describeRule(r.policy, k)]),
      ['link', r.policy.rules.link === undefined ? "a link is its bridge's own act" : describeRule(r.policy, 'link')],
      ['rate limit', r.policy.ratePerHour === 0 ? 'none' : `${r.policy.ratePerHour} entries an hour per member`],
      ['indexers', r.indexerNames.map((w) => `${w.name} (${short(w.account)})`).join(', ') || 'none known'],
      ['active members', String(r.activeMembers)],
      ...(r.stewardDefault ? [['note', 'no charter: the steward policy of 0.1 ledgers'] as [string, string]] : [])
    ])
}
