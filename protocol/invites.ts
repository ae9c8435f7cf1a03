/**
 * Invites in the ledger (protocol/SPEC.md §10, "Invites"), pure: an `invite` entry records a
 * code's public half so that any member's node can answer it; the first admit proposal that
 * cites it (in log order) uses it, so two nodes answering one request at once make one proposal;
 * an `uninvite` withdraws an unused one. Called by governance.ts with the invite looked up.
 */
import { toHex, short } from './hex.js'
import type { InviteEntry, LedgerInvite, UninviteEntry } from './governance-types.js'
import { policyOf } from './governance.js'
import { AMOUNT_MAX } from './constants.js'
import type { Member, Outcome, Rejection, RuleInput } from './types.js'

/** Latest expiry an invite may carry (ms since the epoch): year 2100, so a bad one cannot overflow a reader. */
export const INVITE_EXPIRES_MAX = 4_102_444_800_000

function reject(code: Rejection['code'], reason: string): Rejection {
  return { ok: false, code, reason }
}

/** An active member records an invite; under the steward policy for admissions, only a steward. */
export function decideInvite(input: RuleInput, e: InviteEntry, author: Member, position: number): Outcome {
  if (policyOf(input.gov).rules.admit.method === 'steward' && author.role !== 'steward') {
    return reject('not_steward', `${author.name} is not a steward, and stewards decide admissions`)
  }
  if (input.invite) return reject('invite_exists', `invite ${short(input.invite.id)} is already recorded`)
  if (e.creditLimit !== null && e.creditLimit > AMOUNT_MAX) return reject('limit_too_large', `credit limit ${e.creditLimit} is over ${AMOUNT_MAX}`)
  const invite: LedgerInvite = {
    id: toHex(e.invite),
    issuer: author.account,
    publicKey: toHex(e.publicKey),
    expires: e.expires,
    creditLimit: e.creditLimit,
    status: 'open',
    proposal: null,
    index: position
  }
  return { ok: true, members: [{ ...author, entries: author.entries + 1 }], moves: [], invite, note: `invite:${invite.id}` }
}

/** Its issuer or a steward withdraws an unused invite. */
export function decideUninvite(input: RuleInput, e: UninviteEntry, author: Member): Outcome {
  const inv = input.invite ?? null
  if (inv === null) return reject('unknown_invite', `no invite ${short(toHex(e.invite))}`)
  if (inv.issuer !== author.account && author.role !== 'steward') return reject('not_inviter', `${author.name} did not issue invite ${short(inv.id)} and is not a steward`)
  const closed = usable(inv, null)
  if (closed) return closed
  return { ok: true, members: [{ ...author, entries: author.entries + 1 }], moves: [], invite: { ...inv, status: 'withdrawn' }, note: `uninvite:${inv.id}` }
}

/**
 * Whether an admit proposal may cite `inv` at the proposer's clock `clock` (null: no time check),
 * or why not: unknown, used, withdrawn, or expired by the proposer's clock.
 */
export function usable(inv: LedgerInvite | null, clock: number | null, id?: Uint8Array): Rejection | null {
  if (inv === null) return reject('unknown_invite', `no invite ${id ? short(toHex(id)) : ''} in the ledger`)
  if (inv.status === 'used') return reject('invite_used', `invite ${short(inv.id)} was already used by proposal ${short(inv.proposal ?? '')}`)
  if (inv.status === 'withdrawn') return reject('invite_withdrawn', `invite ${short(inv.id)} was withdrawn`)
  if (clock !== null && inv.expires !== 0 && clock > inv.expires) return reject('invite_expired', `invite ${short(inv.id)} expired at ${new Date(inv.expires).toISOString()}`)
  return null
}
