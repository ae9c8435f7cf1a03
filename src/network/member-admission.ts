/**
 * Answering a join request made with a member invite, from the ledger alone (docs/member-invites.md
 * §2), so any member's running node can answer it and carry on what another node started:
 *
 * - no admit proposal cites the invite for this candidate yet → append `propose admit` citing it and
 *   give no answer (the candidate asks again); if another node's proposal got there first the rules
 *   refuse ours (`invite_used`) and the next request finds theirs;
 * - the proposal is open → no answer;
 * - passed, and the view binds the candidate's writer to its account → the ledger key and the
 *   encryption key: the only message that carries them, sent only once the members admitted it;
 * - refused, withdrawn or void → denied; expired → denied with DENY_ADMISSION_EXPIRED.
 */
import type Hyperbee from 'hyperbee'
import { fromHex, toHex, type Hex, type LedgerInvite } from '../../protocol/index.js'
import { BeeReaderStore } from '../bee-store.js'
import { LedgerError } from '../errors.js'
import type { Ledger } from '../ledger.js'
import type { ProposalView } from '../governance-api.js'
import * as K from '../view-keys.js'
import { inviteFromJson } from '../governance-records.js'
import { decodeJoinRequest, denyStatusOf, DENY_ADMISSION_EXPIRED, DENY_EXPIRED, DENY_REJECTED, DENY_USED, type JoinRequest } from './invite-code.js'

/**
 * The part of a blind-pairing request this file uses (blind-pairing's MemberRequest has it); its
 * own shape, so the library's shipped declarations need none of blind-pairing's (which it does not ship).
 */
export interface PairingRequest {
  open(publicKey: Uint8Array): Uint8Array
  confirm(opts: { key: Uint8Array; encryptionKey?: Uint8Array | null }): void
  deny(opts?: { status?: number }): void
}

/** What answering a request did, for the host's events. */
export type AdmissionAnswer =
  | { kind: 'proposed'; name: string; account: Hex; proposal: Hex; deadline: number }
  | { kind: 'admitted'; name: string; account: Hex }
  | { kind: 'refused'; name?: string; reason: string }
  | { kind: 'silent' }

/** The invite recorded in the ledger under this id, or null. */
export async function ledgerInvite(view: Hyperbee, id: Hex): Promise<LedgerInvite | null> {
  return new BeeReaderStore(view).getInvite(id)
}

/** The ledger invite whose id is `query` or starts with it (at least 8 hex characters); throws UNKNOWN_INVITE. */
export async function findLedgerInvite(view: Hyperbee, query: string): Promise<LedgerInvite> {
  const q = String(query).trim().toLowerCase()
  if (!/^[0-9a-f]{8,64}$/.test(q)) throw LedgerError.BAD_INPUT(`an invite id is 8 to 64 hex characters, got ${JSON.stringify(query)}`)
  const found: LedgerInvite[] = []
  for await (const node of view.createReadStream(K.prefixRange(K.inviteKey(q as Hex)))) found.push(inviteFromJson(node.value))
  if (found.length !== 1) throw LedgerError.UNKNOWN_INVITE(found.length === 0 ? `no invite ${q} in the ledger` : `${found.length} invites start with ${q}: give more of the id`)
  return found[0]
}

/** Whether the ledger holds an open, unexpired invite (then the node listens for join requests). */
export async function hasOpenInvites(view: Hyperbee, now: number): Promise<boolean> {
  for await (const node of view.createReadStream(K.prefixRange('invite/'))) {
    const inv = inviteFromJson(node.value)
    if (inv.status === 'open' && (inv.expires === 0 || inv.expires > now)) return true
  }
  return false
}

/** The admit proposal that cites this invite for this candidate, if any (newest first). */
async function admissionOf(ledger: Ledger, invite: Hex, account: Hex): Promise<ProposalView | null> {
  const all = await ledger.proposals({ all: true })
  return all.find((p) => p.action.action === 'admit' && p.action.account === account && p.action.invite === invite) ?? null
}

/** Answers one request made with the ledger invite `invite`. */
export async function answerFromLedger(ledger: Ledger, request: PairingRequest, invite: LedgerInvite, now: number): Promise<AdmissionAnswer> {
  let join: JoinRequest
  try {
    join = decodeJoinRequest(invite.id, request.open(fromHex(invite.publicKey)))
  } catch (err) {
    request.deny({ status: DENY_REJECTED })
    return { kind: 'refused', reason: (err as Error).message }
  }
  const account = toHex(join.account)
  const existing = await admissionOf(ledger, invite.id, account)
  if (existing !== null) return decided(ledger, request, existing, join)
  if (invite.status !== 'open') {
    request.deny({ status: invite.status === 'used' ? DENY_USED : DENY_REJECTED })
    return { kind: 'refused', name: join.name, reason: `invite ${invite.status}` }
  }
  if (invite.expires !== 0 && invite.expires < now) {
    request.deny({ status: DENY_EXPIRED })
    return { kind: 'refused', name: join.name, reason: 'invite expired' }
  }
  try {
    const receipt = await ledger.propose({
      action: 'admit',
      account: join.account,
      writer: join.writer,
      name: join.name,
      creditLimit: invite.creditLimit ?? undefined,
      invite: invite.id
    })
    const p = await ledger.proposal(receipt.id)
    // No answer: blind-pairing drops an unanswered request, and the candidate sends a fresh one later.
    request.deny({ status: 0 })
    return { kind: 'proposed', name: join.name, account, proposal: receipt.id, deadline: p.deadline }
  } catch (err) {
    if (!refusesCandidate(err)) {
      request.deny({ status: 0 })
      return { kind: 'silent' }
    }
    request.deny({ status: denyStatusOf(err) })
    return { kind: 'refused', name: join.name, reason: (err as Error).message }
  }
}

/**
 * Whether a proposal that failed refuses the candidate: the rules refused what it asked for (a taken
 * or bad name, say) or its request was malformed. Anything else is this node's trouble, not the
 * candidate's (its write timed out on a busy machine, its ledger is closing, its disk failed) and
 * another member's node proposed it first (`invite_used`): no answer, so the candidate asks again
 * and this node or another one answers then. Refusing on a node's hiccup would tell the candidate
 * that the members refused it.
 */
export function refusesCandidate(err: unknown): boolean {
  if (!(err instanceof LedgerError)) return false
  if (err.reject === 'invite_used') return false
  return err.reject !== undefined || err.code === 'BAD_INPUT'
}

async function decided(ledger: Ledger, request: PairingRequest, p: ProposalView, join: JoinRequest): Promise<AdmissionAnswer> {
  const account = toHex(join.account)
  if (p.status === 'open') {
    request.deny({ status: 0 })
    return { kind: 'silent' }
  }
  if (p.status === 'passed') {
    const bound = await new BeeReaderStore(ledger.view).accountOfWriter(toHex(join.writer))
    if (bound !== account) {
      request.deny({ status: DENY_REJECTED })
      return { kind: 'refused', name: join.name, reason: 'the admitted writer is not the one asking' }
    }
    request.confirm({ key: ledger.key, encryptionKey: ledger.encryptionKey })
    return { kind: 'admitted', name: join.name, account }
  }
  request.deny({ status: p.status === 'expired' ? DENY_ADMISSION_EXPIRED : DENY_REJECTED })
  return { kind: 'refused', name: join.name, reason: `the members' decision: ${p.status}${p.reason ? ` (${p.reason})` : ''}` }
}
