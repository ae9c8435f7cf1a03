/**
 * Answering join requests while the node runs, over blind-pairing (as holepunchto/autopass pairs
 * devices). A request names its invite by id:
 *
 * - an id in this node's InviteBook (steward and auditor invites): open the request with the
 *   invite's public key, check the signed join request, refuse used or expired invites
 *   (blind-pairing checks neither), mark the invite used, append `admit` and only then confirm
 *   with the ledger key and encryption key. An auditor invite confirms without `admit`.
 *   Where the members decided admissions when a book invite was issued earlier, its use is
 *   proposed as below (a book invite from before invites were in the ledger).
 * - an id recorded in the ledger (member invites): member-admission.ts answers it from the view,
 *   so any member's node answers, whichever issued the code.
 */
import { EventEmitter } from 'events'
import BlindPairing, { type MemberRequest } from 'blind-pairing'
import type Hyperswarm from 'hyperswarm'
import { fromHex, toHex, type Hex } from '../../protocol/index.js'
import { LedgerError } from '../errors.js'
import type { Ledger } from '../ledger.js'
import { decodeJoinRequest, denyStatusOf, DENY_ADMISSION_EXPIRED, DENY_EXPIRED, DENY_REJECTED, DENY_USED, ROLE_AUDITOR, ROLE_MEMBER, type JoinRole } from './invite-code.js'
import type { InviteBook, InviteRecord } from './invite-book.js'
import { admissionTerms } from './invite-issue.js'
import { answerFromLedger, hasOpenInvites, ledgerInvite } from './member-admission.js'

/** blind-pairing polls the DHT for offline candidates every 7-10 min by default; a node wants seconds. */
export const DEFAULT_PAIRING_POLL_MS = 3000

/** What InviteHost reports. */
export interface AdmittedEvent {
  inviteId: Hex
  name: string
  account: Hex
  role: JoinRole
}
/** The members decide admissions: a code was used and the admission proposed. */
export interface ProposedEvent {
  inviteId: Hex
  name: string
  account: Hex
  proposal: Hex
  /** The proposer's clock plus the window (informational: SPEC.md §11 says when a window passes). */
  deadline: number
}
export interface RefusedEvent {
  inviteId: Hex
  reason: string
  name?: string
}

/** The events an InviteHost emits, with their arguments. */
export interface InviteHostEvents {
  /** A joiner used a valid invite and was admitted (or, for an auditor invite, given the keys). */
  admitted: [event: AdmittedEvent]
  /** The members decide admissions: the code's use became an admit proposal; the keys go out once it passes. */
  proposed: [event: ProposedEvent]
  /** A request was refused: a used or expired invite, a bad signature, a taken name. */
  refused: [event: RefusedEvent]
}

/**
 * Answers join requests for the invites in `book` while the node runs, on the node's swarm.
 * Emits 'admitted' (AdmittedEvent) and 'refused' (RefusedEvent).
 */
export class InviteHost extends EventEmitter<InviteHostEvents> {
  private pairing: BlindPairing | null = null
  private member: ReturnType<BlindPairing['addMember']> | null = null
  /** Invites being answered now, so two requests with one code cannot both pass the used check. */
  private readonly busy = new Set<string>()

  constructor(
    readonly ledger: Ledger,
    readonly swarm: Hyperswarm,
    readonly book: InviteBook,
    private readonly opts: { pollMs?: number; now?: () => number } = {}
  ) {
    super()
  }

  /** Starts answering requests on the ledger's topic. */
  start(): void {
    if (this.pairing) return
    this.pairing = new BlindPairing(this.swarm, { poll: this.opts.pollMs ?? DEFAULT_PAIRING_POLL_MS })
    this.member = this.pairing.addMember({ discoveryKey: this.ledger.discoveryKey, onadd: (req) => this.answer(req) })
  }

  /** Whether it listens for requests (start() was called). */
  get answering(): boolean {
    return this.pairing !== null
  }

  async close(): Promise<void> {
    const { pairing, member } = this
    this.pairing = null
    this.member = null
    if (member) await member.close()
    if (pairing) await pairing.close()
  }

  /** Whether there is anything to answer: an open invite in this node's book or in the ledger. */
  async wanted(now = Date.now()): Promise<boolean> {
    if (this.book.list().some((r) => r.used === null && (r.expires === 0 || r.expires > now))) return true
    return hasOpenInvites(this.ledger.view, now)
  }

  private async answer(request: MemberRequest): Promise<void> {
    const inviteId = toHex(request.inviteId)
    const record = this.book.get(inviteId)
    if (!record) return this.answerMember(request, inviteId)
    let userData: Uint8Array
    try {
      userData = request.open(fromHex(record.publicKey))
    } catch {
      return this.refused({ inviteId, reason: 'the request does not open with the invite key' })
    }
    let join
    try {
      join = decodeJoinRequest(inviteId, userData)
    } catch (err) {
      request.deny({ status: DENY_REJECTED })
      return this.refused({ inviteId, reason: (err as Error).message })
    }
    const account = toHex(join.account)
    const writer = toHex(join.writer)
    if (record.used) {
      // The same candidate asking again: the same answer, or, while the members decide, the decision so far.
      if (record.used.account === account && record.used.writer === writer) {
        if (record.used.proposal) return this.decided(request, record, record.used.proposal)
        return this.confirm(request, record)
      }
      request.deny({ status: DENY_USED })
      return this.refused({ inviteId, name: join.name, reason: `invite already used by ${record.used.name}` })
    }
    const now = this.opts.now ? this.opts.now() : Date.now()
    if (record.expires !== 0 && record.expires < now) {
      request.deny({ status: DENY_EXPIRED })
      return this.refused({ inviteId, name: join.name, reason: 'invite expired' })
    }
    if (this.busy.has(inviteId)) return // another request with this code is being answered; it decides
    this.busy.add(inviteId)
    try {
      if (!record.auditor && (await admissionTerms(this.ledger)) !== null) return await this.propose(request, record, join, now)
      // Burn the invite before anything is appended: a crash now wastes it, never lets it be used twice.
      await this.book.markUsed(inviteId, { at: now, account, writer, name: join.name })
      if (!record.auditor) {
        try {
          await this.ledger.admit({
            account: join.account,
            writer: join.writer,
            name: join.name,
            creditLimit: record.creditLimit === null ? undefined : BigInt(record.creditLimit)
          })
        } catch (err) {
          // Refused by the rules (name taken, already a member): nothing was appended, so the code stays usable.
          if (err instanceof LedgerError && err.code === 'REJECTED') await this.book.unmark(inviteId)
          request.deny({ status: denyStatusOf(err) })
          return this.refused({ inviteId, name: join.name, reason: (err as Error).message })
        }
      }
      this.confirm(request, record)
      this.emit('admitted', { inviteId, name: join.name, account, role: record.auditor ? ROLE_AUDITOR : ROLE_MEMBER } satisfies AdmittedEvent)
    } finally {
      this.busy.delete(inviteId)
    }
  }

  /**
   * The members decide admissions: append an admit proposal and give no answer yet. The candidate
   * asks again from time to time; `decided` answers once the proposal is decided. No key goes out before.
   */
  private async propose(request: MemberRequest, record: InviteRecord, join: { account: Uint8Array; writer: Uint8Array; name: string }, now: number): Promise<void> {
    const inviteId = record.id
    const used = { at: now, account: toHex(join.account), writer: toHex(join.writer), name: join.name }
    await this.book.markUsed(inviteId, { ...used, proposal: null })
    let proposal: Hex
    try {
      const receipt = await this.ledger.propose({
        action: 'admit',
        account: join.account,
        writer: join.writer,
        name: join.name,
        creditLimit: record.creditLimit === null ? undefined : BigInt(record.creditLimit)
      })
      proposal = receipt.id
    } catch (err) {
      if (err instanceof LedgerError && err.code === 'REJECTED') await this.book.unmark(inviteId)
      request.deny({ status: denyStatusOf(err) })
      return this.refused({ inviteId, name: join.name, reason: (err as Error).message })
    }
    await this.book.markUsed(inviteId, { ...used, proposal })
    const p = await this.ledger.proposal(proposal)
    this.emit('proposed', { inviteId, name: join.name, account: used.account, proposal, deadline: p.deadline } satisfies ProposedEvent)
    // No answer: blind-pairing drops an unanswered request and the candidate sends a fresh one later.
    request.deny({ status: 0 })
  }

  /** Answers a candidate whose admission the members are deciding: the keys once passed, a refusal once refused. */
  private async decided(request: MemberRequest, record: InviteRecord, proposal: Hex): Promise<void> {
    const p = await this.ledger.proposal(proposal).catch(() => null)
    if (p === null || p.status === 'open') return request.deny({ status: 0 }) // not decided (or not applied here) yet
    if (p.status === 'passed') {
      this.confirm(request, record)
      this.emit('admitted', { inviteId: record.id, name: record.used!.name, account: record.used!.account, role: ROLE_MEMBER } satisfies AdmittedEvent)
      return
    }
    request.deny({ status: p.status === 'expired' ? DENY_ADMISSION_EXPIRED : DENY_REJECTED })
    this.refused({ inviteId: record.id, name: record.used!.name, reason: `the members' decision: ${p.status}${p.reason ? ` (${p.reason})` : ''}` })
  }

  /**
   * A member invite recorded in the ledger (any member's node answers it). An id found nowhere may
   * be another steward's book invite: not a refusal, just not ours (this node cannot open it).
   */
  private async answerMember(request: MemberRequest, inviteId: Hex): Promise<void> {
    const invite = await ledgerInvite(this.ledger.view, inviteId)
    if (invite === null) return
    if (this.busy.has(inviteId)) return // this node is answering this code now; the candidate asks again
    this.busy.add(inviteId)
    try {
      const a = await answerFromLedger(this.ledger, request, invite, this.opts.now ? this.opts.now() : Date.now())
      if (a.kind === 'proposed') this.emit('proposed', { inviteId, name: a.name, account: a.account, proposal: a.proposal, deadline: a.deadline })
      else if (a.kind === 'admitted') this.emit('admitted', { inviteId, name: a.name, account: a.account, role: ROLE_MEMBER })
      else if (a.kind === 'refused') this.refused({ inviteId, name: a.name, reason: a.reason })
    } finally {
      this.busy.delete(inviteId)
    }
  }

  private confirm(request: MemberRequest, record: InviteRecord): void {
    request.confirm({
      key: this.ledger.key,
      encryptionKey: this.ledger.encryptionKey,
      additional: { data: fromHex(record.grant.data), signature: fromHex(record.grant.signature) }
    })
  }

  private refused(event: RefusedEvent): void {
    this.emit('refused', event)
  }
}

