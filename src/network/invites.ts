/**
 * Joining a ledger by invite, over blind-pairing (as holepunchto/autopass pairs devices).
 *
 * Steward side: `issueInvite` creates a one-time code and records it in the node's InviteBook;
 * `InviteHost` answers requests made with those codes while the node runs: it opens the request
 * with the invite's public key, checks the signed join request, refuses used or expired invites
 * (blind-pairing checks neither), marks the invite used, appends `admit` and only then confirms
 * with the ledger key and encryption key. An auditor invite confirms without `admit`: the auditor
 * can read (decrypt and replicate) but never write.
 *
 * Candidate side: `joinByInvite` sends the signed join request, learns of a refusal through the
 * request's 'rejected' event, and on success opens the Ledger with the keys it received and waits
 * until it can write (members) or has the ledger (auditors).
 */
import { EventEmitter } from 'events'
import BlindPairing, { type MemberRequest, type PairingResult } from 'blind-pairing'
import type Corestore from 'corestore'
import type Hyperswarm from 'hyperswarm'
import b4a from 'b4a'
import { fromHex, statusAllows, toHex, type Hex, type KeyPair } from '../../protocol/index.js'
import { LedgerError } from '../errors.js'
import { Ledger, type LedgerOptions } from '../ledger.js'
import { decodeInviteCode, decodeJoinRequest, encodeInviteCode, encodeJoinRequest } from './invite-code.js'
import type { InviteBook, InviteRecord } from './invite-book.js'
import { createSwarm, type SwarmOptions } from './swarm.js'
import { downloadView } from './view-sync.js'

/** blind-pairing polls the DHT for offline candidates every 7-10 min by default; a node wants seconds. */
export const DEFAULT_PAIRING_POLL_MS = 3000
export const DEFAULT_INVITE_EXPIRES_MS = 24 * 60 * 60 * 1000
export const DEFAULT_JOIN_TIMEOUT_MS = 10 * 60 * 1000
export const DEFAULT_JOIN_RETRY_MS = 10_000
const ROLE_MEMBER = 'member'
const ROLE_AUDITOR = 'auditor'
/** blind-pairing deny statuses. */
const DENY_REJECTED = 1
const DENY_USED = 2
const DENY_EXPIRED = 3

export type JoinRole = 'member' | 'auditor'

export interface IssueOptions {
  /** Credit limit to admit with, in minor units; null or omitted for the ledger default. */
  creditLimit?: bigint | null
  /** How long the code stays valid, in ms (default 24 h); 0 for no expiry. */
  expiresInMs?: number
  auditor?: boolean
  /** Clock, for tests. */
  now?: number
}

/** Whether the policy in force gives admissions to the members (not to a steward). */
async function membersAdmit(ledger: Ledger): Promise<boolean> {
  return (await ledger.policy()).policy.rules.admit.method !== 'steward'
}

/** Creates a one-time invite code for `ledger` and records it in `book`. Stewards only. */
export async function issueInvite(ledger: Ledger, book: InviteBook, opts: IssueOptions = {}): Promise<{ code: string; record: InviteRecord }> {
  const self = await ledger.self()
  // Where the members decide admissions, any member may invite: using the code proposes the admission.
  const members = await membersAdmit(ledger)
  if (self.role !== 'steward' && !members) throw LedgerError.REJECTED(`${self.name} is not a steward: only stewards can invite`, { reject: 'not_steward' })
  // The rules would refuse the admit (or the proposal) this code leads to: a code that can never succeed is not issued.
  if (!statusAllows(self, members ? 'propose' : 'admit')) throw LedgerError.REJECTED(`${self.name} is ${self.status}: it cannot invite`, { reject: 'author_not_active' })
  const now = opts.now ?? Date.now()
  const ttl = opts.expiresInMs ?? DEFAULT_INVITE_EXPIRES_MS
  const expires = ttl > 0 ? now + ttl : 0
  const role: JoinRole = opts.auditor === true ? ROLE_AUDITOR : ROLE_MEMBER
  const created = BlindPairing.createInvite(ledger.key, { discoveryKey: ledger.discoveryKey, expires, data: b4a.from(role) })
  const record: InviteRecord = {
    id: toHex(created.id),
    publicKey: toHex(created.publicKey),
    createdAt: now,
    // The code stores whole seconds; keep the record in step so both sides agree on the instant.
    expires: expires === 0 ? 0 : Math.floor(expires / 1000) * 1000,
    auditor: role === ROLE_AUDITOR,
    creditLimit: opts.creditLimit === undefined || opts.creditLimit === null ? null : opts.creditLimit.toString(),
    grant: { data: toHex(created.additional!.data), signature: toHex(created.additional!.signature) },
    used: null
  }
  await book.add(record)
  return { code: encodeInviteCode(created.invite), record }
}

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

  async close(): Promise<void> {
    const { pairing, member } = this
    this.pairing = null
    this.member = null
    if (member) await member.close()
    if (pairing) await pairing.close()
  }

  private async answer(request: MemberRequest): Promise<void> {
    const inviteId = toHex(request.inviteId)
    // An id this node never issued cannot even be opened (it lacks the key): another steward's
    // node may answer it, so this is not a refusal, just not ours.
    const record = this.book.get(inviteId)
    if (!record) return
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
      if (!record.auditor && (await membersAdmit(this.ledger))) return await this.propose(request, record, join, now)
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
          request.deny({ status: DENY_REJECTED })
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
      request.deny({ status: DENY_REJECTED })
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
    request.deny({ status: p.status === 'expired' ? DENY_EXPIRED : DENY_REJECTED })
    this.refused({ inviteId: record.id, name: record.used!.name, reason: `the members' decision: ${p.status}${p.reason ? ` (${p.reason})` : ''}` })
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

/** Progress of a join, for a display. */
export type JoinProgress =
  | { phase: 'pairing'; inviteId: Hex }
  /** No answer yet: the inviting node may be offline, or the members are deciding the admission it proposed. */
  | { phase: 'waiting'; inviteId: Hex }
  | { phase: 'paired'; key: Hex; role: JoinRole }
  | { phase: 'syncing'; entries: number; members: number; writable: boolean }
  | { phase: 'ready'; entries: number }

export interface JoinOptions extends SwarmOptions {
  /** The node's root Corestore (the caller owns it and closes it after the ledger). */
  store: Corestore
  identity: KeyPair
  /** The member name to ask for. */
  name: string
  code: string
  /** How often to ask again while no answer came (default 10 s): where the members decide, the answer comes after their decision. */
  retryMs?: number
  /** blind-pairing poll interval, ms (default 3 s). */
  pollMs?: number
  /** Give up after this long, ms (default 10 min). */
  timeoutMs?: number
  onProgress?: (p: JoinProgress) => void
  /** Called with the keys as soon as pairing succeeds, before syncing (so they can be saved). */
  onKeys?: (keys: { key: Uint8Array; encryptionKey: Uint8Array | null; role: JoinRole }) => Promise<void> | void
  /** Extra options for the Ledger (ack interval in tests). */
  ledger?: Partial<Pick<LedgerOptions, 'ackIntervalMs' | 'namespace'>>
  signal?: AbortSignal
}

export interface Joined {
  ledger: Ledger
  role: JoinRole
  /** The swarm the join used; replication goes on over it until close(). */
  swarm: Hyperswarm
  /** Stops pairing, the swarm (if this join made it) and the ledger. The store stays open. */
  close(): Promise<void>
}

/**
 * Joins a ledger with an invite code: pairs with the steward's node, opens the ledger with the keys
 * it hands over and waits until this node can write (a member) or has the ledger (an auditor).
 * Throws BAD_INPUT for a malformed or forged code, INVITE_USED / INVITE_EXPIRED / INVITE_REFUSED
 * when refused, TIMEOUT when nobody answers in time.
 */
export async function joinByInvite(opts: JoinOptions): Promise<Joined> {
  const decoded = decodeInviteCode(opts.code)
  const writer = await Ledger.localWriterKey(opts.store, opts.ledger?.namespace)
  const userData = encodeJoinRequest(decoded.id, { writer, account: opts.identity.publicKey, name: opts.name }, opts.identity)
  const timeoutMs = opts.timeoutMs ?? DEFAULT_JOIN_TIMEOUT_MS
  const deadline = Date.now() + timeoutMs
  const { swarm, owned } = createSwarm(opts)
  const onConnection = (conn: any) => {
    conn.on('error', () => {}) // a dropped peer is normal while pairing
    opts.store.replicate(conn)
  }
  swarm.on('connection', onConnection)
  const pairing = new BlindPairing(swarm, { poll: opts.pollMs ?? DEFAULT_PAIRING_POLL_MS })
  let ledger: Ledger | null = null
  let closed: Promise<void> | null = null
  const close = () => {
    if (closed === null) {
      closed = (async () => {
        await pairing.close()
        if (owned) await swarm.destroy()
        else {
          swarm.off('connection', onConnection)
          if (ledger) await swarm.leave(ledger.discoveryKey)
        }
        if (ledger) await ledger.close()
      })()
    }
    return closed
  }
  try {
    opts.onProgress?.({ phase: 'pairing', inviteId: decoded.id })
    let waiting = false
    const result = await pair(pairing, decoded.invite, userData, deadline - Date.now(), opts.retryMs ?? DEFAULT_JOIN_RETRY_MS, opts.signal, () => {
      if (!waiting) opts.onProgress?.({ phase: 'waiting', inviteId: decoded.id })
      waiting = true
    })
    const role: JoinRole = result.data !== null && b4a.toString(result.data) === ROLE_AUDITOR ? ROLE_AUDITOR : ROLE_MEMBER
    await opts.onKeys?.({ key: result.key, encryptionKey: result.encryptionKey, role })
    opts.onProgress?.({ phase: 'paired', key: toHex(result.key), role })
    ledger = await Ledger.open({ store: opts.store, identity: opts.identity, key: result.key, encryptionKey: result.encryptionKey, ...opts.ledger })
    // Client only: this process exits after the join, and an announced dead peer would keep every
    // node on the topic dialling it until the DHT record expires.
    swarm.join(ledger.discoveryKey, { server: false, client: true })
    await waitSynced(ledger, role, deadline, opts)
    return { ledger, role, swarm, close }
  } catch (err) {
    await close()
    throw err
  }
}

function pair(pairing: BlindPairing, invite: Uint8Array, userData: Uint8Array, timeoutMs: number, retryMs: number, signal?: AbortSignal, onWaiting?: () => void): Promise<PairingResult> {
  return new Promise((resolve, reject) => {
    let done = false
    let candidate: ReturnType<BlindPairing['addCandidate']> | null = ask()
    // Where the members decide admissions, the inviting node proposes and answers only once they
    // have decided; blind-pairing drops an unanswered request, so ask again with a fresh one (one
    // candidate per ledger at a time: the old one is closed first).
    const retry = setInterval(() => {
      const old = candidate
      if (old === null) return
      candidate = null
      // No answer within retryMs: say so now, not once the old request has closed.
      onWaiting?.()
      old
        .close()
        .catch(() => {})
        .then(() => {
          if (done) return
          candidate = ask()
        })
    }, retryMs)
    const timer = setTimeout(
      () => finish(LedgerError.TIMEOUT(`no answer within ${Math.round(timeoutMs / 1000)} s: check that the inviting member's node is running (\`tally up\`) on the same network (--bootstrap) and that the code is the one it issued; where the members decide admissions, they may still be deciding (\`tally join\` again resumes)`)),
      Math.max(0, timeoutMs)
    )
    const onAbort = () => finish(LedgerError.INTERRUPTED('join interrupted before a steward answered'))
    signal?.addEventListener('abort', onAbort, { once: true })
    if (signal?.aborted) onAbort()
    function ask() {
      const c = pairing.addCandidate({ invite, userData, onadd: (result) => finish(null, result) })
      c.request.on('rejected', (err: any) => finish(refusal(err)))
      return c
    }
    function finish(err: Error | null, result?: PairingResult) {
      if (done) return
      done = true
      clearTimeout(timer)
      clearInterval(retry)
      signal?.removeEventListener('abort', onAbort)
      candidate?.close().catch(() => {})
      if (err) reject(err)
      else resolve(result!)
    }
  })
}

function refusal(err: any): LedgerError {
  switch (err?.code) {
    case 'INVITE_USED':
      return LedgerError.INVITE_USED('this invite was already used: ask the steward for a new one')
    case 'INVITE_EXPIRED':
      return LedgerError.INVITE_EXPIRED('this invite has expired: ask the steward for a new one')
    case 'PAIRING_REJECTED':
      // blind-pairing carries no reason beyond "rejected"; the inviting node's `tally up` logs the exact one.
      return LedgerError.INVITE_REFUSED("the inviting node refused this join request: the members refused the admission, or the name is taken or too like a member's, or this identity is already a member (the inviting node's `tally up` log says which)")
    default:
      return LedgerError.INVITE_REFUSED(`the steward's answer could not be read: ${err?.message ?? err}`)
  }
}

async function waitSynced(ledger: Ledger, role: JoinRole, deadline: number, opts: JoinOptions): Promise<void> {
  let last = -1
  let stableSince = 0
  for (;;) {
    if (opts.signal?.aborted) throw LedgerError.INTERRUPTED('join interrupted while syncing; `tally up` finishes the sync')
    if (Date.now() > deadline) throw LedgerError.TIMEOUT('joined, but the ledger did not sync in time; `tally up` finishes the sync')
    await ledger.update()
    const meta = await ledger.meta()
    const entries = meta?.entries ?? 0
    const status = meta ? await ledger.status() : null
    if (entries !== last) {
      opts.onProgress?.({ phase: 'syncing', entries, members: status?.members ?? 0, writable: ledger.writable })
      last = entries
      stableSince = Date.now()
    }
    if (role === ROLE_MEMBER) {
      if (ledger.writable && (await ledger.self().catch(() => null)) !== null) break
    } else if (meta !== null && Date.now() - stableSince > AUDITOR_SETTLE_MS) {
      break
    }
    await ledger.nextUpdate(250)
  }
  // A node that fast-forwarded holds only the blocks it read: fetch the rest while peers are here,
  // so commands run before `tally up` find the view on disk (what they cannot find says NOT_SYNCED).
  await downloadView(ledger, deadline)
  opts.onProgress?.({ phase: 'ready', entries: last })
}

/** An auditor has no own entry to wait for: it is synced once the view stops growing for this long. */
const AUDITOR_SETTLE_MS = 1000
