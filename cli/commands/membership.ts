/**
 * suspend and leave: ending a membership. A steward suspends a member (its spending stops; under a
 * members' policy this fails with decided_by_members: `tally propose suspend` then); a member
 * leaves the ledger itself, with a zero balance.
 */
import type { LedgerCommand } from '../command.js'
import { short } from '../output.js'
import { assertWriter, ledgerMeta } from '../values.js'
import type { Hex, NodeContext } from '../../src/cli-surface.js'

export interface SuspendOpts {
  member?: string
}

export interface MembershipResult {
  /** The suspend or leave entry. */
  id: Hex
  type: 'suspend' | 'leave'
  name: string
  account: Hex
  status: string
}

/** Suspends a member (stewards only). */
export async function suspend(ctx: NodeContext, opts: SuspendOpts): Promise<MembershipResult> {
  assertWriter(ctx)
  await ledgerMeta(ctx.ledger)
  const m = await ctx.ledger.findMember(String(opts.member ?? ''))
  const receipt = await ctx.ledger.suspend(m.account)
  const after = await ctx.ledger.findMember(m.account)
  return { id: receipt.id, type: 'suspend', name: m.name, account: m.account, status: after.status }
}

/** Leaves the ledger (needs a zero balance). */
export async function leave(ctx: NodeContext): Promise<MembershipResult> {
  assertWriter(ctx)
  await ledgerMeta(ctx.ledger)
  const me = await ctx.ledger.self()
  const receipt = await ctx.ledger.leave()
  const after = await ctx.ledger.findMember(me.account)
  return { id: receipt.id, type: 'leave', name: me.name, account: me.account, status: after.status }
}

const render = (r: MembershipResult) => `${r.type === 'suspend' ? 'suspended' : 'left'}: ${r.name} (${short(r.account)}) is now ${r.status} (entry ${short(r.id)})`

export const suspendCommand: LedgerCommand<SuspendOpts, MembershipResult> = {
  name: 'suspend',
  scope: 'ledger',
  summary: "stop a member's spending (stewards)",
  args: [{ name: 'member', help: 'name or account key prefix' }],
  examples: ['tally suspend beta'],
  run: suspend,
  render
}

export const leaveCommand: LedgerCommand<Record<string, never>, MembershipResult> = {
  name: 'leave',
  scope: 'ledger',
  summary: 'leave the ledger (your balance must be zero)',
  examples: ['tally leave'],
  run: (ctx) => leave(ctx),
  render
}
