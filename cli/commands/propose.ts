import type { LedgerCommand } from '../command.js'
import { proposalLine } from '../proposal-text.js'
import { amountArg, assertWriter, ledgerMeta } from '../values.js'
import { POLICY_FLAGS, policyFromFlags, type PolicyFlags } from '../policy-flags.js'
import { LedgerError, type ActionName, type Hex, type NodeContext, type Policy, type ProposalInput, type ProposalView } from '../../src/cli-surface.js'

export interface ProposeOpts {
  action?: string
  target?: string
  creditLimit?: string
  maxBalance?: string
  account?: string
  writer?: string
  decisions?: string
  window?: string
  objectionWindow?: string
  voteWindow?: string
  majority?: string
  rate?: string
  /** policy: how the members decide links (majority or no-objection); absent, a link is its bridge's own act. */
  links?: string
  reason?: string
}

export interface ProposeResult {
  id: Hex
  proposal: ProposalView
  line: string
}

const ACTIONS: ActionName[] = ['admit', 'limits', 'suspend', 'reinstate', 'steward', 'unsteward', 'indexer', 'unindexer', 'policy']

/** Proposes a decision to the members (or, under the steward policy, to the stewards). */
export async function propose(ctx: NodeContext, opts: ProposeOpts): Promise<ProposeResult> {
  assertWriter(ctx)
  const meta = await ledgerMeta(ctx.ledger)
  const action = String(opts.action ?? '') as ActionName
  if (!ACTIONS.includes(action)) throw LedgerError.BAD_INPUT(`propose what? one of ${ACTIONS.join(', ')}; got ${JSON.stringify(opts.action ?? '')}`)
  const target = opts.target === undefined ? '' : String(opts.target)
  let input: ProposalInput
  if (action === 'admit') {
    if (!target) throw LedgerError.BAD_INPUT('propose admit needs the new member\'s NAME (invites normally propose admits: `tally invite`)')
    if (!opts.account || !opts.writer) throw LedgerError.BAD_INPUT('propose admit needs --account KEY and --writer KEY (both 64 hex characters)')
    input = {
      action,
      name: target,
      account: opts.account,
      writer: opts.writer,
      creditLimit: opts.creditLimit === undefined ? undefined : amountArg(opts.creditLimit, meta, '--credit-limit'),
      maxBalance: opts.maxBalance === undefined ? undefined : opts.maxBalance === 'none' ? null : amountArg(opts.maxBalance, meta, '--max-balance')
    }
  } else if (action === 'policy') {
    input = { action, policy: policyArg(opts) }
  } else {
    if (!target) throw LedgerError.BAD_INPUT(`propose ${action} needs a MEMBER (name or account key prefix)`)
    if (action === 'limits') {
      if (opts.creditLimit === undefined) throw LedgerError.BAD_INPUT('propose limits needs --credit-limit AMOUNT')
      const m = await ctx.ledger.findMember(target)
      const maxBalance = opts.maxBalance === undefined ? m.maxBalance : opts.maxBalance === 'none' ? null : amountArg(opts.maxBalance, meta, '--max-balance')
      input = { action, member: m.account, creditLimit: amountArg(opts.creditLimit, meta, '--credit-limit'), maxBalance }
    } else input = { action: action as Exclude<ActionName, 'admit' | 'limits' | 'policy' | 'link'>, member: target }
  }
  const receipt = await ctx.ledger.propose(input, { memo: opts.reason ?? '' })
  const proposal = await ctx.ledger.proposal(receipt.id)
  return { id: receipt.id, proposal, line: proposalLine(proposal, meta) }
}

/** The policy a `propose policy` asks for (cli/policy-flags.ts): members decide unless --decisions steward. */
export function policyArg(opts: PolicyFlags): Policy {
  return policyFromFlags(opts, 'members')
}

export const proposeCommand: LedgerCommand<ProposeOpts, ProposeResult> = {
  name: 'propose',
  scope: 'ledger',
  summary: 'propose a decision: admit, limits, suspend, reinstate, steward, unsteward, indexer, unindexer or policy',
  args: [
    { name: 'action', help: ACTIONS.join('|') },
    { name: 'target', optional: true, help: 'the member (for admit: the new name); none for policy' }
  ],
  flags: {
    'credit-limit': { type: 'string', value: 'AMOUNT', help: 'limits, admit: the credit limit' },
    'max-balance': { type: 'string', value: 'AMOUNT', help: 'limits, admit: the highest balance, or "none"' },
    account: { type: 'string', value: 'KEY', help: "admit: the candidate's account key" },
    writer: { type: 'string', value: 'KEY', help: "admit: the candidate's writer key" },
    ...Object.fromEntries(Object.entries(POLICY_FLAGS).map(([k, f]) => [k, { ...f, help: 'policy: ' + f.help }])),
    reason: { type: 'string', value: 'TEXT', help: 'why, for the other members' }
  },
  examples: [
    'tally propose indexer beta',
    'tally propose limits gamma --credit-limit 800',
    'tally propose suspend delta --reason "unpaid for 6 months"',
    'tally propose policy --decisions members --window 48h',
    'tally propose policy --objection-window 24h --majority limits'
  ],
  run: propose,
  render: (r) => `proposed ${r.proposal.id}\n${r.line}`
}
