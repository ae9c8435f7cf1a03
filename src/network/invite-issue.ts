/**
 * Issuing invite codes. Two kinds, told apart by who decides admissions:
 *
 * - **Steward and auditor invites** (the steward policy, and every auditor code): the code is
 *   recorded in the issuing node's InviteBook, and only that node answers it: it admits at once
 *   (or, for an auditor, hands over the keys to read), with no decision by the members.
 * - **Member invites** (a policy that gives admissions to the members): any active member may
 *   issue one; it is recorded in the ledger (an `invite` entry, SPEC.md §10 "Invites"), so any
 *   member's running node can answer it; using it proposes the admission. The code carries the
 *   admission terms (method and window) so the candidate can be told until about when it waits.
 */
import BlindPairing from 'blind-pairing'
import b4a from 'b4a'
import { fromHex, mayAdmit, stewardPolicy, toHex, type Hex, type Policy } from '../../protocol/index.js'
import { LedgerError } from '../errors.js'
import type { Ledger } from '../ledger.js'
import type { Receipt } from '../local-writer.js'
import { encodeInviteCode, ROLE_AUDITOR, ROLE_MEMBER, type AdmissionTerms, type JoinRole } from './invite-code.js'
import type { InviteBook, InviteRecord } from './invite-book.js'

export const DEFAULT_INVITE_EXPIRES_MS = 24 * 60 * 60 * 1000

export interface IssueOptions {
  /** Credit limit to admit with, in minor units; null or omitted for the ledger default. */
  creditLimit?: bigint | null
  /** How long the code stays valid, in ms (default 24 h); 0 for no expiry. */
  expiresInMs?: number
  auditor?: boolean
  /** Clock, for tests. */
  now?: number
}

/** An issued code and what it is. */
export interface Issued {
  code: string
  /** The invite as recorded: in the node's book (steward, auditor) or, for a member invite, as the book would keep it. */
  record: InviteRecord
  /** True when the invite is in the ledger (members decide): any member's node answers it. */
  inLedger: boolean
}

/** The admission terms where the members decide admissions, else null (a steward admits at once). */
export async function admissionTerms(ledger: Ledger): Promise<AdmissionTerms | null> {
  return termsOf((await ledger.policy()).policy)
}

function termsOf(policy: Policy): AdmissionTerms | null {
  const rule = policy.rules.admit
  return rule.method === 'steward' ? null : { method: rule.method, windowMs: rule.windowMs }
}

/** Creates a one-time invite code for `ledger`. Stewards only, unless the members decide admissions. */
export async function issueInvite(ledger: Ledger, book: InviteBook, opts: IssueOptions = {}): Promise<Issued> {
  const self = await ledger.self()
  const auditor = opts.auditor === true
  // An auditor is the issuing node's guest (its book), not a member: only a steward's node lets one in, whatever
  // the policy. A member invite follows the policy: the rules would refuse the admission (or the `invite` entry)
  // a code leads to, so a code that can never succeed is not issued (protocol/rules.ts mayAdmit).
  const policy = auditor ? stewardPolicy() : (await ledger.policy()).policy
  const may = mayAdmit(self, policy)
  if (!may.ok) {
    const reason = may.code === 'not_steward' ? `${self.name} is not a steward: only stewards can ${auditor ? 'invite an auditor' : 'invite'}` : `${self.name} is ${self.status}: it cannot invite`
    throw LedgerError.REJECTED(reason, { reject: may.code })
  }
  const terms = termsOf(policy)
  const now = opts.now ?? Date.now()
  const ttl = opts.expiresInMs ?? DEFAULT_INVITE_EXPIRES_MS
  // The code stores whole seconds; keep the record in step so both sides agree on the instant.
  const expires = ttl > 0 ? Math.floor((now + ttl) / 1000) * 1000 : 0
  const role: JoinRole = auditor ? ROLE_AUDITOR : ROLE_MEMBER
  const created = BlindPairing.createInvite(ledger.key, { discoveryKey: ledger.discoveryKey, expires, data: b4a.from(role) })
  const record: InviteRecord = {
    id: toHex(created.id),
    publicKey: toHex(created.publicKey),
    createdAt: now,
    expires,
    auditor,
    creditLimit: opts.creditLimit === undefined || opts.creditLimit === null ? null : opts.creditLimit.toString(),
    grant: { data: toHex(created.additional!.data), signature: toHex(created.additional!.signature) },
    used: null
  }
  if (terms !== null) {
    await ledger.write({ type: 'invite', invite: created.id, publicKey: created.publicKey, expires, creditLimit: opts.creditLimit ?? null })
    return { code: encodeInviteCode(created.invite, terms), record, inLedger: true }
  }
  await book.add(record)
  return { code: encodeInviteCode(created.invite), record, inLedger: false }
}

/** Withdraws an unused member invite recorded in the ledger (its issuer or a steward). */
export async function withdrawInvite(ledger: Ledger, id: Hex): Promise<Receipt> {
  return ledger.write({ type: 'uninvite', invite: fromHex(id) })
}
