import type { Hex, NodeContext } from '../../src/cli-surface.js'
import type { LedgerCommand } from '../command.js'
import { assertWriter, ledgerMeta } from '../values.js'

export interface UninviteOpts {
  id?: string
}

export interface UninviteResult {
  /** The invite withdrawn. */
  invite: Hex
  /** The id of the uninvite entry. */
  id: Hex
}

/** Withdraws an unused member invite recorded in the ledger (its issuer or a steward). */
export async function uninvite(ctx: NodeContext, opts: UninviteOpts): Promise<UninviteResult> {
  assertWriter(ctx)
  await ledgerMeta(ctx.ledger)
  const { findLedgerInvite, withdrawInvite } = await import('../../src/index.js')
  const inv = await findLedgerInvite(ctx.ledger.view, String(opts.id ?? ''))
  const receipt = await withdrawInvite(ctx.ledger, inv.id)
  return { invite: inv.id, id: receipt.id }
}

export const uninviteCommand: LedgerCommand<UninviteOpts, UninviteResult> = {
  name: 'uninvite',
  scope: 'ledger',
  summary: 'withdraw an unused invite recorded in the ledger (where the members decide admissions)',
  args: [{ name: 'id', help: 'the invite id `tally invite` printed, or a unique prefix (8+ hex)' }],
  examples: ['tally uninvite 1ce198f1'],
  run: uninvite,
  render: (r) => `withdrew invite ${r.invite.slice(0, 8)}: no member's node will answer it`
}
