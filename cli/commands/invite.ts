import type { LedgerCommand } from '../command.js'
import { money } from '../output.js'
import { assertWriter, amountArg, durationArg, ledgerMeta, unitOf, type UnitInfo } from '../values.js'
import type { Hex, NodeContext } from '../../src/cli-surface.js'

export interface InviteOpts {
  creditLimit?: string
  expires?: string
  auditor?: boolean
}

export interface InviteResult extends UnitInfo {
  /** The one-time code to hand to the new member (z32). */
  code: string
  /** The invite id (hex), as the node logs it. */
  invite: Hex
  /** ISO time after which the code is refused, or null for never. */
  expires: string | null
  auditor: boolean
  /** The credit limit the member is admitted with; null for the ledger default. */
  creditLimit: bigint | null
  /** Whether this data dir's node is running. */
  nodeRunning: boolean
  /** True where the members decide admissions: the invite is in the ledger and any member's running node answers it. */
  inLedger: boolean
}

/**
 * Issues a one-time invite code: stewards, or any member where the members decide admissions (the
 * invite then goes in the ledger, and any member's running node answers it).
 */
export async function invite(ctx: NodeContext, opts: InviteOpts): Promise<InviteResult> {
  assertWriter(ctx)
  const meta = await ledgerMeta(ctx.ledger)
  const creditLimit = opts.creditLimit === undefined ? null : amountArg(opts.creditLimit, meta, '--credit-limit')
  const expiresInMs = durationArg(opts.expires ?? '24h', '--expires')
  const { issueInvite } = await import('../../src/index.js')
  const { code, record, inLedger } = await issueInvite(ctx.ledger, ctx.invites, { creditLimit, expiresInMs, auditor: opts.auditor === true })
  ctx.node?.invitesChanged()
  return {
    code,
    invite: record.id,
    expires: record.expires === 0 ? null : new Date(record.expires).toISOString(),
    auditor: record.auditor,
    creditLimit,
    nodeRunning: ctx.node !== null,
    inLedger,
    ...unitOf(meta)
  }
}

export const inviteCommand: LedgerCommand<InviteOpts, InviteResult> = {
  name: 'invite',
  scope: 'ledger',
  summary: 'print a one-time invite code for a new member (stewards; any member where the members decide admissions)',
  flags: {
    'credit-limit': { type: 'string', value: 'AMOUNT', help: 'credit limit to admit with (default: the ledger default)' },
    expires: { type: 'string', value: 'DURATION', help: 'how long the code is valid: 90s, 30m, 24h (default), 7d, never' },
    auditor: { type: 'boolean', help: 'read-only access for an auditor; admits no member' }
  },
  examples: ['tally invite', 'tally invite --credit-limit 300 --expires 2h', 'tally invite --auditor'],
  run: invite,
  render: (r) =>
    [
      r.code,
      '',
      `one-time ${r.auditor ? 'auditor ' : ''}invite ${r.invite.slice(0, 8)}, valid until ${r.expires ?? 'used'}` +
        (r.auditor ? '' : `, credit limit ${r.creditLimit === null ? 'ledger default' : money(r.creditLimit, r.decimals, r.unit)}`),
      'the new member runs: tally join CODE   (with the same --bootstrap, on a private network)',
      r.inLedger
        ? "the members decide the admission; any member's running node (`tally up`) answers the code"
        : r.nodeRunning
          ? 'your node is up: it will admit them'
          : 'start your node with `tally up` so it can admit them'
    ].join('\n')
}
