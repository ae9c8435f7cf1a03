/**
 * The candidate's side of joining by invite: send the signed join request over blind-pairing, ask
 * again while no answer comes (where the members decide, the answer comes after their decision),
 * turn a denial into its own error, and on success open the Ledger with the keys received and wait
 * until this node can write (a member) or has the ledger (an auditor).
 */
import BlindPairing, { type PairingResult } from 'blind-pairing'
import type Corestore from 'corestore'
import type Hyperswarm from 'hyperswarm'
import b4a from 'b4a'
import { toHex, type Hex, type KeyPair } from '../../protocol/index.js'
import { LedgerError } from '../errors.js'
import { Ledger, type LedgerOptions } from '../ledger.js'
import { DEFAULT_PAIRING_POLL_MS } from './invite-host.js'
import { decodeInviteCode, encodeJoinRequest, DENY_ADMISSION_EXPIRED, DENY_NAME_TAKEN, ROLE_AUDITOR, ROLE_MEMBER, type AdmissionTerms, type JoinRole } from './invite-code.js'
import { createSwarm, type SwarmOptions } from './swarm.js'
import { downloadView } from './view-sync.js'

export const DEFAULT_JOIN_TIMEOUT_MS = 10 * 60 * 1000
export const DEFAULT_JOIN_RETRY_MS = 10_000

/** Progress of a join, for a display. */
export type JoinProgress =
  | { phase: 'pairing'; inviteId: Hex }
  /** No answer yet: the inviting node may be offline, or the members are deciding the admission it proposed. */
  /**
   * No answer yet: the inviting node may be offline, or the members are deciding the admission.
   * Where the code carries the admission terms: how they decide, and about when the window
   * closes (the request's time plus the window; informational, the rules decide: SPEC.md §11).
   */
  | { phase: 'waiting'; inviteId: Hex; admission: AdmissionTerms | null; deadline: number | null }
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
  const onConnection = (conn: import('events').EventEmitter & { destroy(): void }) => {
    conn.on('error', () => {}) // a dropped peer is normal while pairing
    // A connection the swarm hands over while the join is closing: dropped, never thrown from this event.
    try {
      opts.store.replicate(conn)
    } catch {
      conn.destroy()
    }
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
    const asked = Date.now()
    const admission = decoded.admission
    const result = await pair(pairing, decoded.invite, userData, deadline - Date.now(), opts.retryMs ?? DEFAULT_JOIN_RETRY_MS, opts.signal, () => {
      if (!waiting) opts.onProgress?.({ phase: 'waiting', inviteId: decoded.id, admission, deadline: admission ? asked + admission.windowMs : null })
      waiting = true
    }, admission !== null)
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

function pair(pairing: BlindPairing, invite: Uint8Array, userData: Uint8Array, timeoutMs: number, retryMs: number, signal?: AbortSignal, onWaiting?: () => void, admissionByMembers = false): Promise<PairingResult> {
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
      void old
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
      c.request.on('rejected', (err: unknown) => finish(refusal(err, c.request.response?.status, admissionByMembers)))
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

function refusal(error: unknown, status?: number, members = false): LedgerError {
  const err = error as { code?: string; message?: string } | null
  // Tally's own status: blind-pairing's candidate does not know it and fails on the missing key.
  if (status === DENY_ADMISSION_EXPIRED) return LedgerError.ADMISSION_EXPIRED('expired: the members did not decide your admission in time; ask a member for a new invite')
  if (status === DENY_NAME_TAKEN) return LedgerError.NAME_TAKEN("the name asked for is taken, or too like a member's name: join again with the same code and another name")
  switch (err?.code) {
    case 'INVITE_USED':
      return LedgerError.INVITE_USED('this invite was already used: ask the steward for a new one')
    case 'INVITE_EXPIRED':
      return LedgerError.INVITE_EXPIRED('this invite has expired: ask the steward for a new one')
    case 'PAIRING_REJECTED':
      if (members) return LedgerError.INVITE_REFUSED('refused: the members refused your admission (a member objected, or no majority)')
      // blind-pairing carries no reason beyond "rejected"; the inviting node's `tally up` logs the exact one.
      return LedgerError.INVITE_REFUSED("the inviting node refused this join request: the members refused the admission, or this identity is already a member (the inviting node's `tally up` log says which)")
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
