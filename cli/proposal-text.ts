/** How proposals read on the command line: one line each, and the action in words. */
import { money, short } from './output.js'
import { ruleOf, type DecisionKind, type DecisionMethod, type Policy, type ProposalView, type ViewMeta } from '../src/cli-surface.js'

/** "limits gamma: credit limit 777.00 CTC" and the like. */
export function actionText(p: ProposalView, meta: ViewMeta): string {
  const a = p.action
  const fmt = (v: bigint) => money(v, meta.decimals, meta.unitCode)
  const who = p.targetName ?? ''
  switch (a.action) {
    case 'admit':
      return `admit ${a.name} (${short(a.account)}), credit limit ${fmt(a.creditLimit)}`
    case 'limits':
      return `limits ${who}: credit limit ${fmt(a.creditLimit)}, max balance ${a.maxBalance === null ? 'none' : fmt(a.maxBalance)}`
    case 'policy':
      return `policy: admit ${a.policy.rules.admit.method}, limits ${a.policy.rules.limits.method}, roles ${a.policy.rules.steward.method}${a.policy.rules.link ? `, links ${a.policy.rules.link.method}` : ''}, window ${formatDuration(a.policy.rules.admit.windowMs)}`
    case 'link':
      return `link ${p.proposerName}'s to ${a.name} (${short(a.ledger)}) at ${a.rateNum}/${a.rateDen}, capacity ${fmt(a.capacity)}`
    default:
      return `${a.action} ${who}`
  }
}

/** The count so far: "yes 2, no 0 of 4 active; window passed for 1 of 3 needed". */
export function countText(p: ProposalView): string {
  const window = p.status === 'open' ? `; window ${formatDuration(p.windowMs)}, passed on ${p.witnessed} of ${p.needed} needed clocks` : ''
  return `yes ${p.yes}, no ${p.no} of ${p.active} active${window}`
}

/** One line: id, status, method, action, count, proposer. */
export function proposalLine(p: ProposalView, meta: ViewMeta): string {
  const decided = p.status === 'open' ? '' : ` (${p.reason ?? ''})`
  return `${short(p.id)}  ${p.status}${decided}  ${p.method}  ${actionText(p, meta)}  [${countText(p)}]  by ${p.proposerName}`
}

/** Who decides a kind under a policy, in words. */
export function describeRule(policy: Policy, kind: DecisionKind): string {
  const r = ruleOf(policy, kind)
  const method: Record<DecisionMethod, string> = { steward: 'a steward decides', 'no-objection': 'passes unless a member objects', majority: 'needs a majority of active members' }
  return `${method[r.method]} (window ${formatDuration(r.windowMs)})`
}

/** 72 h, 90 min, 30 s: the largest whole unit. */
export function formatDuration(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000} d`
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`
  if (ms % 60_000 === 0) return `${ms / 60_000} min`
  if (ms % 1000 === 0) return `${ms / 1000} s`
  return `${ms} ms`
}

