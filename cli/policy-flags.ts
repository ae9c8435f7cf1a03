/**
 * The policy flags `tally ledger create` and `tally propose policy` share: --decisions members|steward,
 * --objection-window (the window of what passes unless a member objects), --vote-window (the window
 * of what needs a majority), --window (every window), --majority KINDS (decided by majority instead
 * of no-objection), --rate N.
 */
import { DECISION_KINDS, LedgerError, membersPolicy, stewardPolicy, type Policy } from '../src/cli-surface.js'

type CoreKind = (typeof DECISION_KINDS)[number]
import type { FlagSpec } from './command.js'
import { countArg, durationArg } from './values.js'

export interface PolicyFlags {
  decisions?: string
  objectionWindow?: string
  voteWindow?: string
  window?: string
  majority?: string
  rate?: string
  links?: string
}

export const POLICY_FLAGS: Record<string, FlagSpec> = {
  decisions: { type: 'string', value: 'WHO', help: 'members (default: admits and limits pass unless a member objects, the rest by majority) or steward (one steward decides, as in 0.1)' },
  'objection-window': { type: 'string', value: 'DURATION', help: 'members: how long members have to object to an admit or a limit change, e.g. 72h (default)' },
  'vote-window': { type: 'string', value: 'DURATION', help: 'members: how long members have to vote on what needs a majority, e.g. 72h (default)' },
  window: { type: 'string', value: 'DURATION', help: 'members: every window at once' },
  majority: { type: 'string', value: 'KINDS', help: `members: kinds decided by majority instead of no-objection, comma-separated (${DECISION_KINDS.join(', ')})` },
  rate: { type: 'string', value: 'N', help: 'most entries a member may write per hour (default 0: none)' },
  links: { type: 'string', value: 'METHOD', help: "members: the members decide links (majority or no-objection); default: a link is its bridge's own act" }
}

/** The policy the flags ask for; `fallback` is the decisions a missing --decisions means. */
export function policyFromFlags(opts: PolicyFlags, fallback: 'members' | 'steward'): Policy {
  const decisions = opts.decisions ?? fallback
  if (decisions !== 'members' && decisions !== 'steward') throw LedgerError.BAD_INPUT(`--decisions must be members or steward, got ${JSON.stringify(decisions)}`)
  const ratePerHour = opts.rate === undefined ? 0 : countArg(opts.rate, '--rate', 0, 1_000_000)
  if (decisions === 'steward') {
    for (const flag of ['objectionWindow', 'voteWindow', 'window', 'majority', 'links'] as const) {
      if (opts[flag] !== undefined) throw LedgerError.BAD_INPUT(`--${flag.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())} needs --decisions members`)
    }
    return { ...stewardPolicy(), ratePerHour }
  }
  const every = window(opts.window, '--window')
  const objection = window(opts.objectionWindow, '--objection-window') ?? every
  const vote = window(opts.voteWindow, '--vote-window') ?? every
  if (opts.links !== undefined && opts.links !== 'majority' && opts.links !== 'no-objection') throw LedgerError.BAD_INPUT(`--links must be majority or no-objection, got ${JSON.stringify(opts.links)}`)
  const policy = membersPolicy({ windowMs: every ?? undefined, ratePerHour, ...(opts.links === undefined ? {} : { link: opts.links }) })
  for (const kind of majorityKinds(opts.majority)) policy.rules[kind].method = 'majority'
  for (const rule of [...DECISION_KINDS.map((k) => policy.rules[k]), ...(policy.rules.link ? [policy.rules.link] : [])]) {
    const w = rule.method === 'no-objection' ? objection : vote
    if (w !== null) rule.windowMs = w
  }
  return policy
}

function window(text: string | undefined, flag: string): number | null {
  if (text === undefined) return null
  const ms = durationArg(text, flag)
  if (ms === 0) throw LedgerError.BAD_INPUT(`${flag} must be at least 1s`)
  return ms
}

function majorityKinds(text: string | undefined): CoreKind[] {
  if (text === undefined) return []
  const kinds = text.split(',').map((k) => k.trim()).filter((k) => k !== '')
  for (const k of kinds) {
    if (!(DECISION_KINDS as readonly string[]).includes(k)) throw LedgerError.BAD_INPUT(`--majority: ${JSON.stringify(k)} is not a kind of decision; kinds: ${DECISION_KINDS.join(', ')}`)
  }
  return kinds as CoreKind[]
}
