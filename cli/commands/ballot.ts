/** vote, object and withdraw: the three answers to a proposal, one shape. */
import type { LedgerCommand } from '../command.js'
import { proposalLine } from '../proposal-text.js'
import { assertWriter, ledgerMeta } from '../values.js'
import { LedgerError, type Hex, type NodeContext, type ProposalView } from '../../src/cli-surface.js'

export type BallotType = 'vote' | 'object' | 'withdraw'

export interface BallotOpts {
  id?: string
  choice?: string
  reason?: string
}

export interface BallotResult {
  /** The id of the vote/object/withdraw entry. */
  id: Hex
  type: BallotType
  proposal: ProposalView
  line: string
}

export async function ballot(ctx: NodeContext, type: BallotType, opts: BallotOpts): Promise<BallotResult> {
  assertWriter(ctx)
  const meta = await ledgerMeta(ctx.ledger)
  const p = await ctx.ledger.proposal(String(opts.id ?? ''))
  let receipt
  if (type === 'vote') {
    const choice = String(opts.choice ?? '').toLowerCase()
    if (choice !== 'yes' && choice !== 'no') throw LedgerError.BAD_INPUT(`vote yes or no, got ${JSON.stringify(opts.choice ?? '')}`)
    receipt = await ctx.ledger.vote(p.id, choice, { memo: opts.reason ?? '' })
  } else if (type === 'object') receipt = await ctx.ledger.object(p.id, { reason: opts.reason ?? '' })
  else receipt = await ctx.ledger.withdraw(p.id)
  const after = await ctx.ledger.proposal(p.id)
  return { id: receipt.id, type, proposal: after, line: proposalLine(after, meta) }
}

const SUMMARY: Record<BallotType, string> = {
  vote: 'vote yes or no on an open proposal (you may change it until the decision)',
  object: 'object to an open proposal (under no-objection this refuses it)',
  withdraw: 'withdraw a proposal you made'
}

export function ballotCommand(type: BallotType): LedgerCommand<BallotOpts, BallotResult> {
  return {
    name: type,
    scope: 'ledger',
    summary: SUMMARY[type],
    args: [{ name: 'id', help: 'proposal id or a unique prefix (see `tally proposals`)' }, ...(type === 'vote' ? [{ name: 'choice', help: 'yes or no' }] : [])],
    flags: type === 'withdraw' ? {} : { reason: { type: 'string', value: 'TEXT', help: 'why, for the other members' } },
    examples: type === 'vote' ? ['tally vote 3f2a9c01 yes'] : type === 'object' ? ['tally object 3f2a9c01 --reason "we have not met them"'] : ['tally withdraw 3f2a9c01'],
    run: (ctx, opts) => ballot(ctx, type, opts),
    render: (r) => `${r.type === 'vote' ? 'voted' : r.type === 'object' ? 'objected' : 'withdrew'}\n${r.line}`
  }
}

export const voteCommand = ballotCommand('vote')
export const objectCommand = ballotCommand('object')
export const withdrawCommand = ballotCommand('withdraw')
