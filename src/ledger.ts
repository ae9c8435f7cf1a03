/**
 * The Ledger: one mutual-credit network on Corestore + Autobase, with a Hyperbee view.
 *
 * Writes are signed by the member's account key, checked against the local view (so an
 * overspend fails here with what is available, and nothing is appended), coalesced by group
 * commit and appended to this node's writer core. Autobase linearizes every writer's core and
 * `apply` runs the protocol rules on each entry to build the view, identically on every peer.
 */
import { EventEmitter } from 'events'
import type { Duplex } from 'stream'
import Autobase, { type ApplyNode, type HostCalls } from 'autobase'
import Corestore from 'corestore'
import Hyperbee from 'hyperbee'
import {
  fromHex,
  toHex,
  AMOUNT_MAX,
  keyPairMatches,
  conditionOf,
  convert,
  type Hold,
  type Link,
  type EntryDraft,
  type Hex,
  type KeyPair,
  type Member,
  type Role,
  type Invoice
} from '../protocol/index.js'
import { applyNodes } from './ledger-apply.js'
import { LocalWriter, type Receipt } from './local-writer.js'
import { findInvoice, findMember, keyBytes } from './member-lookup.js'
import { confirmedBalance, countKeys, historyOf, invoicesOf, logFrom, memberBalances, toBalance, withSnapshot, type HistoryItem, type MemberBalance } from './queries.js'
import { watchEquivocation } from './audit/equivocation.js'
import { BeeReaderStore } from './bee-store.js'
import { LedgerError } from './errors.js'
import type { LedgerEvents } from './ledger-events.js'
import type { ReplicationStream } from './replication-stream.js'
import { isStorageFailure, storageError, storeDir } from './storage.js'
import { ConfirmationNudge } from './confirmation-nudge.js'
import { Presence } from './presence.js'
import { indexerSummary, type IndexerStatus } from './indexers.js'
import type { EntryRecord, ViewMeta } from './records.js'
import { ViewCache } from './view-cache.js'
import { Claims } from './federation-agent.js'
import { findHold, linkDraft, listHolds, listLinks, newPreimage, sealPreimage } from './federation-api.js'
import { membersPolicy, type Decision, type Policy } from '../protocol/index.js'
import {
  findProposal,
  listProposals,
  nextTick,
  policyView,
  proposalAction,
  readGov,
  viewProposal,
  type PolicyView,
  type ProposalInput,
  type ProposalView
} from './governance-api.js'

const DEFAULT_NAMESPACE = 'tally'
const DEFAULT_ACK_INTERVAL_MS = 1000
const DEFAULT_BATCH_MAX = 256
/** A cross-ledger payment's period on the payer's ledger unless told (the bridge's hold gets half). */
const DEFAULT_HOLD_MS = 10 * 60_000

/** Options shared by creating, opening and joining a ledger. */
export interface LedgerOptions {
  /** A Corestore the caller owns, or a directory path for one the ledger owns (and closes). */
  store: Corestore | string
  /** This member's account key pair. */
  identity: KeyPair
  /** The ledger (Autobase) key; omit only when creating. */
  key?: Uint8Array | null
  /** The ledger's encryption key (from the invite); a creator gets a fresh one. */
  encryptionKey?: Uint8Array | null
  /** Corestore namespace of this ledger, so one store can hold several. Default "tally". */
  namespace?: string
  /** How often an indexer acks, in ms. Autobase's default is 10 s; ours is 1 s. */
  ackIntervalMs?: number
  /** Most entries group commit puts in one append. Default 256. */
  batchMax?: number
  /** Fast-forward to the quorum-signed view when far behind (default true). */
  fastForward?: boolean
  /** As an indexer, append an ack when confirmation has stalled (default true; src/confirmation-nudge.ts). Off only to show the stall in tests. */
  confirmNudge?: boolean
  /** Append a `tick` when this member's clock can witness an open proposal's window (default true; SPEC.md §11). */
  witness?: boolean
  /** Fulfil holds toward this member whose preimage was sealed to it (default true; SPEC.md §12, src/federation-agent.ts). */
  claim?: boolean
}

/** Everything `Ledger.create` needs beyond LedgerOptions. */
export interface CreateOptions extends Omit<LedgerOptions, 'key' | 'encryptionKey'> {
  /** Ledger name, e.g. "CoTech Exchange". */
  name: string
  /** Unit code, e.g. "CTC". */
  unitCode: string
  /** Decimal places of the unit (default 2). */
  decimals?: number
  /** Default credit limit for members, in minor units (default 0). */
  creditLimit?: bigint
  /** Default highest balance, in minor units, or null for none. */
  maxBalance?: bigint | null
  /** The creator's member name. */
  memberName: string
  /**
   * Who decides admits, limits, suspensions, roles, indexers and the policy (protocol/SPEC.md §10):
   * 'steward' (default, as in 0.1: no charter), 'members' (the members' default policy), or a policy.
   */
  decisions?: 'steward' | 'members' | Policy
  /** With `decisions: 'members'`: every window, in ms (default 72 h). */
  windowMs?: number
}

/** A decision made at a log position, as the `decision` event gives it. */
export interface DecisionEvent extends Decision {
  /** Log position of the entry at which it was made. */
  index: number
}

export type { MemberBalance, HistoryItem } from './queries.js'
export type { Receipt } from './local-writer.js'

/** Ledger-wide status for `tally status` and monitoring. */
export interface LedgerStatus {
  key: Hex
  discoveryKey: Hex
  writerKey: Hex
  account: Hex
  writable: boolean
  indexer: boolean
  name: string | null
  unitCode: string | null
  decimals: number | null
  members: number
  /** Writer cores the ledger bound to members (read from the view: the same on every node). */
  writers: number
  entries: number
  rejected: number
  stateHash: Hex | null
  confirmedEntries: number
  confirmedStateHash: Hex | null
  viewLength: number
  signedLength: number
  /** The indexers, with whether this node reaches each now (src/indexers.ts). */
  indexers: IndexerStatus[]
  /** How many indexers confirm (more than half), and how many are reachable from here now. */
  quorum: number
  reachableIndexers: number
}

/**
 * A Tally ledger.
 *
 * @example
 * const ledger = await Ledger.create({ store: dir, identity, name: 'CoTech', unitCode: 'CTC', memberName: 'alpha', creditLimit: 50000n })
 * await ledger.admit({ account: beta.publicKey, writer: betaWriterKey, name: 'beta' })
 * await ledger.transfer('beta', 1250n, { memo: 'design work' })
 * console.log(await ledger.balance())
 *
 * Events: `update`, `interrupt` (LedgerError UPGRADE_NEEDED), `error`, and `equivocation`
 * (the stored evidence, or null if it could not be kept) when hypercore finds that a writer
 * core was forked; `audit()` reports it.
 */
export class Ledger extends EventEmitter<LedgerEvents> {
  readonly base: Autobase<Hyperbee>
  readonly store: Corestore
  readonly identity: KeyPair
  /** This member's account key in hex. */
  readonly account: Hex
  private readonly ownsStore: boolean
  private readonly rootStore: Corestore
  private readonly namespace: string
  private readonly writer: LocalWriter
  private cache: ViewCache | null = null
  private opening: Promise<void> | null = null
  private closing: Promise<void> | null = null
  private readonly stopWatching: () => void
  /** Set when Autobase failed under the ledger (a full or read-only disk): the ledger has stopped. */
  private failure: Error | null = null
  /** The store's directory, for error messages. */
  private readonly dir: string
  /** Which members' nodes are connected now; the network fills it (src/network/presence-channel.ts). */
  readonly presence = new Presence()
  /** Keeps confirmation moving when Autobase's acks stop (src/confirmation-nudge.ts); null when turned off. */
  private readonly nudge: ConfirmationNudge | null
  private readonly witnessOn: boolean
  private witnessTimer: ReturnType<typeof setTimeout> | null = null
  private witnessing = false
  /** Fulfils holds sealed to this member (src/federation-agent.ts); null when turned off. */
  readonly claims: Claims | null
  /** Decisions already announced (a reorder can apply the same decision again). */
  private readonly announced = new Set<string>()
  /** Ticks this node has appended since open (for tests and monitoring). */
  ticks = 0

  constructor(opts: LedgerOptions) {
    super()
    this.ownsStore = typeof opts.store === 'string'
    const root = typeof opts.store === 'string' ? new Corestore(opts.store) : opts.store
    this.namespace = opts.namespace ?? DEFAULT_NAMESPACE
    this.store = root.namespace(this.namespace)
    this.identity = opts.identity
    this.account = toHex(opts.identity.publicKey)
    // Apply trusts the signatures this node makes (VerifiedSet), so the key pair must be a pair.
    if (!keyPairMatches(opts.identity)) throw LedgerError.BAD_INPUT("the identity's secret key does not belong to its public key")
    this.base = new Autobase<Hyperbee>(this.store, opts.key ?? null, {
      valueEncoding: 'binary',
      ackInterval: opts.ackIntervalMs ?? DEFAULT_ACK_INTERVAL_MS,
      encryptionKey: opts.encryptionKey ?? null,
      // Only a new ledger gets a fresh key: for an existing one a fresh key would read nothing, forever.
      encrypt: opts.key == null && !opts.encryptionKey,
      fastForward: opts.fastForward ?? true,
      open: (store) => new Hyperbee(store.get({ name: 'view' }), { keyEncoding: 'utf-8', valueEncoding: 'json', extension: false }),
      apply: (nodes, view, host) => this.apply(nodes, view, host),
      close: (view) => view.close()
    })
    this.base.on('update', () => this.emit('update'))
    this.base.on('interrupt', (reason: string) => this.emit('interrupt', LedgerError.UPGRADE_NEEDED(String(reason))))
    // Autobase closes itself after a storage failure; every later call reports why.
    this.base.on('error', (err: Error) => {
      this.failure = this.failure ?? this.stopped(err)
      if (this.listenerCount('error') > 0) this.emit('error', this.failure)
    })
    this.writer = new LocalWriter(
      { base: this.base, identity: this.identity, account: this.account, reader: () => this.reader(), appendFailed: (err) => this.appendFailed(err) },
      opts.batchMax ?? DEFAULT_BATCH_MAX
    )
    this.rootStore = root
    // Hypercore keeps no evidence when it finds a writer's fork; this keeps it for the auditor.
    this.stopWatching = watchEquivocation(this.store, (stored) => this.emit('equivocation', stored))
    this.dir = typeof opts.store === 'string' ? opts.store : (storeDir(root) ?? 'its store')
    this.nudge =
      opts.confirmNudge === false
        ? null
        : new ConfirmationNudge(
            { base: this.base, pending: () => this.writer.commit.pending, live: () => this.closing === null && this.failure === null },
            opts.ackIntervalMs ?? DEFAULT_ACK_INTERVAL_MS
          )
    this.witnessOn = opts.witness ?? true
    this.claims = opts.claim === false ? null : new Claims(this)
  }

  /**
   * Creates a new ledger: this member becomes its first steward and indexer.
   * Resolves once the genesis entry is applied.
   */
  static async create(opts: CreateOptions): Promise<Ledger> {
    const decimals = opts.decimals ?? 2
    const ledger = new Ledger({ ...opts, key: null })
    await ledger.ready()
    if ((await ledger.meta()) !== null) return ledger
    await ledger.write({
      type: 'genesis',
      name: opts.name,
      unitCode: opts.unitCode,
      decimals,
      defaultCreditLimit: opts.creditLimit ?? 0n,
      defaultMaxBalance: opts.maxBalance ?? null,
      creatorName: opts.memberName,
      writer: ledger.base.local.key
    })
    const decisions = opts.decisions ?? 'steward'
    if (decisions !== 'steward') {
      // The charter directly follows genesis: nobody else can write before it.
      await ledger.write({ type: 'charter', policy: decisions === 'members' ? membersPolicy({ windowMs: opts.windowMs }) : decisions })
    }
    return ledger
  }

  /** Opens an existing ledger (created here, or joined with its key and encryption key). */
  static async open(opts: LedgerOptions & { key: Uint8Array }): Promise<Ledger> {
    const ledger = new Ledger(opts)
    await ledger.ready()
    return ledger
  }

  /** The writer key this store would use for a ledger, before joining it (for invites). */
  static async localWriterKey(store: Corestore | string, namespace = DEFAULT_NAMESPACE): Promise<Uint8Array> {
    const root = typeof store === 'string' ? new Corestore(store) : store
    try {
      return await Autobase.getLocalKey(root.namespace(namespace))
    } finally {
      if (typeof store === 'string') await root.close()
    }
  }

  async ready(): Promise<void> {
    if (this.opening === null) this.opening = this.open()
    await this.opening
    this.assertOpen()
  }

  /** Throws LEDGER_CLOSED after close(), and the failure after a storage failure. */
  private assertOpen(): void {
    if (this.failure) throw this.failure
    if (this.closing !== null) throw LedgerError.LEDGER_CLOSED('the ledger is closed')
  }

  /**
   * Resolves when this node can write: its admission is applied here (it is a writer and has a
   * member record). Rejects with TIMEOUT after `timeoutMs` (default 60 s) and LEDGER_CLOSED on close.
   */
  async waitWritable(opts: { timeoutMs?: number } = {}): Promise<void> {
    await this.ready()
    const deadline = Date.now() + (opts.timeoutMs ?? 60_000)
    for (;;) {
      this.assertOpen()
      if (this.base.writable && (await this.reader().getMember(this.account)) !== null) return
      const left = deadline - Date.now()
      if (left <= 0) throw LedgerError.TIMEOUT(`this node was not admitted (or has not synced its admission) within ${opts.timeoutMs ?? 60_000} ms`)
      await this.nextUpdate(Math.min(left, 1000))
    }
  }

  private async open(): Promise<void> {
    try {
      await this.base.ready()
    } catch (err) {
      // A damaged, locked or read-only store: release what was opened and name the path.
      await this.base.close().catch(() => {})
      if (this.ownsStore) await this.rootStore.close().catch(() => {})
      this.closing = Promise.resolve()
      throw err instanceof LedgerError ? err : storageError(this.dir, err)
    }
    // Every Tally ledger is encrypted. Without the key (not given, not kept in this store) Autobase
    // would open it unencrypted and show an empty ledger for ever: refuse at open instead.
    if (this.base.encryptionKey === null) {
      await this.base.close().catch(() => {})
      if (this.ownsStore) await this.rootStore.close().catch(() => {})
      this.closing = Promise.resolve()
      throw LedgerError.NO_ENCRYPTION_KEY('this ledger is encrypted and its encryption key was not given (it comes with the invite) nor is it kept in this store')
    }
    this.cache = new ViewCache(this.base.view)
    this.nudge?.start()
    await this.writer.start()
    if (this.witnessOn) {
      this.on('update', () => this.scheduleWitness(0))
      this.scheduleWitness(0)
    }
    this.claims?.start()
  }

  /**
   * Windows pass only when a majority of active members' clocks witness them (protocol/time.ts):
   * this node appends a `tick` when its member has not yet witnessed an open proposal, or when
   * the window has passed on its clock, and sleeps until the next such time otherwise.
   */
  private scheduleWitness(ms: number): void {
    if (this.closing !== null || this.witnessTimer !== null) return
    this.witnessTimer = setTimeout(() => {
      this.witnessTimer = null
      void this.witnessOnce().catch(() => {})
    }, ms)
    this.witnessTimer.unref?.()
  }

  private async witnessOnce(): Promise<void> {
    if (this.witnessing || this.closing !== null || this.failure !== null || !this.base.writable) return
    this.witnessing = true
    try {
      const now = Date.now()
      const due = await nextTick(this.base.view, this.account, now)
      if (due === null) return
      if (due > now) return this.scheduleWitness(Math.min(due - now + 5, 60_000))
      await this.tick()
      this.ticks++
    } finally {
      this.witnessing = false
    }
  }

  /** The error for a ledger that stopped while it ran: a one-line STORAGE error for a storage failure. */
  private stopped(err: unknown): Error {
    if (!isStorageFailure(err)) return err instanceof Error ? err : new Error(String(err))
    const e = storageError(this.dir, err)
    return LedgerError.STORAGE(`${e.message}; the ledger has stopped and nothing more was written`, { cause: err })
  }

  /** The ledger id (Autobase key). */
  get key(): Uint8Array {
    return this.base.key
  }
  get discoveryKey(): Uint8Array {
    return this.base.discoveryKey
  }
  get encryptionKey(): Uint8Array | null {
    return this.base.encryptionKey
  }
  /** This node's Autobase writer key. */
  get writerKey(): Uint8Array {
    return this.base.local.key
  }
  get writable(): boolean {
    return this.base.writable
  }
  get view(): Hyperbee {
    return this.base.view
  }
  get closed(): boolean {
    return this.closing !== null
  }

  /**
   * A replication stream: `true`/`false` makes a new one as initiator/responder, to pipe to the
   * other side's; a connection (a Hyperswarm one, or any duplex) replicates over it.
   */
  replicate(isInitiator: boolean): ReplicationStream
  replicate(connection: ReplicationStream | Duplex): ReplicationStream
  replicate(stream: boolean | ReplicationStream | Duplex): ReplicationStream {
    this.assertOpen()
    return this.base.replicate(stream)
  }

  /** Pulls in what connected peers have and applies it. */
  async update(): Promise<void> {
    // With nothing new in memory, Autobase's update() settles on microtasks alone, so a caller's
    // `while (...) await update()` never lets the event loop run: replication data and storage
    // reads are never delivered and the entry it waits for is never applied. One turn fixes that.
    this.assertOpen()
    await new Promise<void>((resolve) => setImmediate(resolve))
    await this.base.update()
  }

  /** Resolves at the view's next change (an `update` event) or after `ms`, whichever comes first. */
  nextUpdate(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms)
      const self = this
      this.once('update', done)
      function done() {
        clearTimeout(timer)
        self.off('update', done)
        resolve()
      }
    })
  }

  async close(): Promise<void> {
    if (this.closing === null) this.closing = this.doClose()
    return this.closing
  }

  private async doClose(): Promise<void> {
    this.writer.rejectAll(LedgerError.LEDGER_CLOSED('the ledger closed before the entry applied'))
    this.stopWatching()
    this.nudge?.stop()
    if (this.witnessTimer) clearTimeout(this.witnessTimer)
    this.claims?.stop()
    try {
      await this.base.close()
    } finally {
      if (this.ownsStore) await this.rootStore.close()
    }
  }

  /** Acks the confirmation nudge has appended since open (for tests and monitoring). */
  get nudges(): number {
    return this.nudge?.acks ?? 0
  }

  // ---- writes ----

  /** Admits a member (stewards only). `writer` is the member node's writer key. */
  async admit(opts: {
    account: Uint8Array | Hex
    writer: Uint8Array | Hex
    name: string
    creditLimit?: bigint
    maxBalance?: bigint | null
    role?: Role
    indexer?: boolean
  }): Promise<Receipt> {
    const meta = await this.requireMeta()
    return this.write({
      type: 'admit',
      account: keyBytes(opts.account, 'account'),
      writer: keyBytes(opts.writer, 'writer'),
      name: opts.name,
      role: opts.role ?? 'member',
      creditLimit: opts.creditLimit ?? meta.defaultCreditLimit,
      maxBalance: opts.maxBalance === undefined ? meta.defaultMaxBalance : opts.maxBalance,
      indexer: opts.indexer ?? false
    })
  }

  /**
   * Changes a member's limits: directly (stewards only) when the policy leaves limits to a
   * steward; otherwise proposes the change to the members (the receipt's record is then a
   * `propose` entry, and its id the proposal's).
   */
  async setLimits(member: string | Uint8Array, limits: { creditLimit: bigint; maxBalance?: bigint | null }): Promise<Receipt> {
    const m = await this.findMember(member)
    if ((await this.policy()).policy.rules.limits.method !== 'steward') {
      return this.propose({ action: 'limits', member: m.account, creditLimit: limits.creditLimit, maxBalance: limits.maxBalance ?? null })
    }
    return this.write({ type: 'set-limits', account: fromHex(m.account), creditLimit: limits.creditLimit, maxBalance: limits.maxBalance ?? null })
  }

  // ---- decisions by the members (protocol/SPEC.md §10-11; src/governance-api.ts) ----

  /** Proposes a decision; the receipt's id is the proposal's id. The proposer's own vote is yes. */
  async propose(input: ProposalInput, opts: { memo?: string } = {}): Promise<Receipt> {
    const meta = await this.requireMeta()
    const proposal = await proposalAction(this, input, { creditLimit: meta.defaultCreditLimit, maxBalance: meta.defaultMaxBalance })
    return this.write({ type: 'propose', proposal, memo: opts.memo ?? '' })
  }

  /** Votes yes or no on an open proposal (id or unique prefix); a later vote replaces this one until the decision. */
  async vote(id: string, choice: 'yes' | 'no' | boolean, opts: { memo?: string } = {}): Promise<Receipt> {
    if (choice !== 'yes' && choice !== 'no' && typeof choice !== 'boolean') throw LedgerError.BAD_INPUT(`a vote is yes or no, not ${JSON.stringify(choice)}`)
    const p = await findProposal(this.base.view, id)
    return this.write({ type: 'vote', proposal: fromHex(p.id), yes: choice === 'yes' || choice === true, memo: opts.memo ?? '' })
  }

  /** Objects to an open proposal: under `no-objection` this refuses it; otherwise it is a no vote. */
  async object(id: string, opts: { reason?: string } = {}): Promise<Receipt> {
    const p = await findProposal(this.base.view, id)
    return this.write({ type: 'object', proposal: fromHex(p.id), memo: opts.reason ?? '' })
  }

  /** Withdraws this member's open proposal. */
  async withdraw(id: string): Promise<Receipt> {
    const p = await findProposal(this.base.view, id)
    return this.write({ type: 'withdraw', proposal: fromHex(p.id) })
  }

  /** Appends a `tick`: this member's signed time, which witnesses open windows (the node does it on its own). */
  async tick(): Promise<Receipt> {
    return this.write({ type: 'tick' })
  }

  /** Proposals with their counts: open ones first; `all` adds decided ones, newest first. */
  async proposals(opts: { all?: boolean } = {}): Promise<ProposalView[]> {
    await this.ready()
    return listProposals(this.base.view, opts)
  }

  /** One proposal by id or unique prefix. */
  async proposal(id: string): Promise<ProposalView> {
    await this.ready()
    return viewProposal(this.base.view, await findProposal(this.base.view, id), await readGov(this.base.view))
  }

  /** The policy in force, the indexers and the number of active members. */
  async policy(): Promise<PolicyView> {
    await this.ready()
    return policyView(this.base.view)
  }

  /** Pays `payee` (an account key, or a name or prefix: see `findMember`) `amount` minor units now. */
  async transfer(payee: string | Uint8Array, amount: bigint, opts: { memo?: string } = {}): Promise<Receipt> {
    const m = await this.findMember(payee)
    return this.write({ type: 'transfer', payee: fromHex(m.account), amount: checkAmountArg(amount), memo: opts.memo ?? '' })
  }

  // ---- federation (protocol/SPEC.md §12; src/federation-api.ts, src/federation-agent.ts) ----

  /**
   * Announces or changes this member's link to another ledger (its key); capacity 0 withdraws it. Where the
   * policy gives links to the members, proposes it instead (the receipt is the proposal's).
   */
  async link(ledger: Uint8Array | string, opts: { name: string; rate?: { rateNum: bigint; rateDen: bigint }; capacity: bigint; memo?: string }): Promise<Receipt> {
    const rate = opts.rate ?? { rateNum: 1n, rateDen: 1n }
    await this.ready()
    return this.write(await linkDraft(this.base.view, { ledger: keyArg(ledger, 'ledger key'), name: opts.name, rateNum: rate.rateNum, rateDen: rate.rateDen, capacity: opts.capacity, memo: opts.memo ?? '' }))
  }

  /** Every link this ledger knows, with its bridge. */
  async links(): Promise<Link[]> {
    await this.ready()
    return listLinks(this.base.view)
  }

  /** Holds, oldest first; `open` keeps those still held. */
  async holds(opts: { open?: boolean } = {}): Promise<Hold[]> {
    await this.ready()
    return listHolds(this.base.view, opts)
  }

  /** One hold by id or unique prefix. */
  async getHold(id: string): Promise<Hold> {
    await this.ready()
    return findHold(this.base.view, id)
  }

  /** Holds `amount` toward `payee` on a link (low level: `payAcross` and the bridge build the arguments). */
  async hold(payee: string | Uint8Array, amount: bigint, opts: { bridge: string | Uint8Array; ledger: Uint8Array | string; condition: Uint8Array; peer: Uint8Array; sealed: Uint8Array; expiresMs: number; memo?: string }): Promise<Receipt> {
    const m = await this.findMember(payee)
    const bridge = typeof opts.bridge === 'string' ? fromHex((await this.findMember(opts.bridge)).account) : opts.bridge
    return this.write({
      type: 'hold',
      payee: fromHex(m.account),
      amount: checkAmountArg(amount),
      bridge,
      ledger: keyArg(opts.ledger, 'ledger key'),
      condition: opts.condition,
      peer: opts.peer,
      sealed: opts.sealed,
      expiresMs: opts.expiresMs,
      memo: opts.memo ?? ''
    })
  }

  /** Fulfils a hold toward this member with its preimage: the held amount is paid to it. */
  async fulfil(hold: string, preimage: Uint8Array): Promise<Receipt> {
    const h = await this.getHold(hold)
    return this.write({ type: 'fulfil', hold: fromHex(h.id), preimage })
  }

  /** Releases a hold: its payer's amount goes back (the payee at any time, the payer once its period passed). */
  async release(hold: string, opts: { memo?: string } = {}): Promise<Receipt> {
    const h = await this.getHold(hold)
    return this.write({ type: 'release', hold: fromHex(h.id), memo: opts.memo ?? '' })
  }

  /**
   * Pays `payee` (an account key on the other ledger) through `bridge`'s link to that ledger: holds
   * `amount` toward the bridge with a fresh condition whose preimage is sealed to the payee. The
   * bridge's node carries it on; the payee's node fulfils; the bridge's fulfilment settles here.
   */
  async payAcross(opts: { bridge: string | Uint8Array; ledger: Uint8Array | string; payee: Uint8Array | string; amount: bigint; expiresMs?: number; memo?: string }): Promise<{ receipt: Receipt; condition: Hex; amountThere: bigint; link: Link }> {
    const ledger = keyArg(opts.ledger, 'ledger key')
    const payee = keyArg(opts.payee, 'payee account key')
    const bridge = await this.findMember(opts.bridge)
    const link = (await this.links()).find((l) => l.bridge === bridge.account && l.ledger === toHex(ledger) && l.status === 'active')
    if (!link) throw LedgerError.REJECTED(`${bridge.name} has no link to ledger ${toHex(ledger).slice(0, 8)}`, { reject: 'unknown_link' })
    const preimage = newPreimage()
    const condition = conditionOf(preimage)
    const receipt = await this.hold(fromHex(bridge.account), opts.amount, {
      bridge: fromHex(bridge.account),
      ledger,
      condition,
      peer: payee,
      sealed: sealPreimage(preimage, payee),
      expiresMs: opts.expiresMs ?? DEFAULT_HOLD_MS,
      memo: opts.memo
    })
    return { receipt, condition: toHex(condition), amountThere: convert(opts.amount, link.rateNum, link.rateDen), link }
  }

  /** Asks `payer` for `amount` minor units; the invoice id is the receipt's id. */
  async invoice(payer: string | Uint8Array, amount: bigint, opts: { memo?: string } = {}): Promise<Receipt> {
    const m = await this.findMember(payer)
    return this.write({ type: 'invoice', payer: fromHex(m.account), amount: checkAmountArg(amount), memo: opts.memo ?? '' })
  }

  /** Accepts (pays) an invoice addressed to this member. `id` may be a unique prefix. */
  async accept(id: string, opts: { memo?: string } = {}): Promise<Receipt> {
    return this.write({ type: 'accept', invoice: fromHex((await this.findInvoice(id)).id), memo: opts.memo ?? '' })
  }
  async decline(id: string, opts: { memo?: string } = {}): Promise<Receipt> {
    return this.write({ type: 'decline', invoice: fromHex((await this.findInvoice(id)).id), memo: opts.memo ?? '' })
  }
  /** Withdraws an invoice this member wrote. */
  async cancel(id: string, opts: { memo?: string } = {}): Promise<Receipt> {
    return this.write({ type: 'cancel', invoice: fromHex((await this.findInvoice(id)).id), memo: opts.memo ?? '' })
  }
  /** Stops a member's spending (stewards only). */
  async suspend(member: string | Uint8Array): Promise<Receipt> {
    const m = await this.findMember(member)
    return this.write({ type: 'suspend', account: fromHex(m.account) })
  }
  /** Leaves the ledger; needs a zero balance. */
  async leave(): Promise<Receipt> {
    return this.write({ type: 'leave' })
  }

  /**
   * Signs, checks against the local view, appends (group commit) and waits for the local apply
   * (local-writer.ts). Throws LedgerError REJECTED with the protocol code (and `available` for overspends).
   */
  async write(draft: EntryDraft): Promise<Receipt> {
    await this.ready()
    if (!this.base.writable) throw LedgerError.NOT_WRITABLE('this node is not a writer of the ledger yet (not admitted, or not synced)')
    return this.writer.write(draft)
  }

  /** Autobase's apply (ledger-apply.ts); a method, so a test can play a modified node around it. */
  private apply(nodes: ApplyNode[], view: Hyperbee, host: HostCalls): Promise<void> {
    return applyNodes(nodes, view, host, this.base.key, this.writer, this.cache, (made) => this.announce(made))
  }

  /** Emits `decision` once per decided proposal (a reorder can apply the same decision again). */
  private announce(made: DecisionEvent[]): void {
    for (const ev of made) {
      const key = ev.proposal + ':' + ev.status
      if (this.announced.has(key)) continue
      this.announced.add(key)
      this.emit('decision', ev)
    }
  }

  /** Why an append failed: the ledger closed, needs an upgrade, or its storage failed (then it has stopped). */
  private appendFailed(err: unknown): Error {
    if (this.closing) return LedgerError.LEDGER_CLOSED('the ledger closed before the entry was written')
    if (this.base.interrupted) return LedgerError.UPGRADE_NEEDED(String(this.base.interrupted))
    if (this.failure || isStorageFailure(err)) {
      // Autobase stops after a failed write; every later call reports the same error.
      this.failure = this.failure ?? this.stopped(err)
      return this.failure
    }
    return err instanceof Error ? err : new Error(String(err))
  }

  /** Reads the current view through the cache. */
  private reader(): BeeReaderStore {
    return new BeeReaderStore(this.cache ?? this.base.view)
  }

  // ---- reads ----

  /** Ledger name, unit and running totals, or null before genesis is applied here. */
  async meta(): Promise<ViewMeta | null> {
    await this.ready()
    return this.reader().getMeta()
  }

  private async requireMeta(): Promise<ViewMeta> {
    const meta = await this.meta()
    if (meta === null) throw LedgerError.NOT_SYNCED('this ledger has no genesis here yet: not synced')
    return meta
  }

  /** A snapshot of the view at the quorum-signed length: the confirmed state. Close it after use. */
  confirmedView(): Hyperbee {
    this.assertOpen()
    return this.base.view.checkout(this.base.view.core.signedLength)
  }

  /** Balances of one member (default: this one). */
  async balance(member?: string | Uint8Array): Promise<MemberBalance> {
    const m = member === undefined ? await this.self() : await this.findMember(member)
    return withSnapshot(this.confirmedView(), async (snap) => toBalance(m, await confirmedBalance(snap, m.account)))
  }

  /** Every member with balances, by name. */
  async members(): Promise<MemberBalance[]> {
    await this.ready()
    return withSnapshot(this.confirmedView(), (snap) => memberBalances(this.base.view, snap))
  }

  /** Entries touching a member (default: this one), newest first. */
  async history(member?: string | Uint8Array, opts: { limit?: number } = {}): Promise<HistoryItem[]> {
    const m = member === undefined ? await this.self() : await this.findMember(member)
    return historyOf(this.base.view, m.account, opts.limit ?? 50, await this.confirmedEntries())
  }

  /** Every decided entry from log position `start` on (applied and rejected), in linear order. */
  async *log(opts: { start?: number; limit?: number } = {}): AsyncIterable<HistoryItem> {
    await this.ready()
    yield* logFrom(this.base.view, opts.start ?? 0, opts.limit ?? -1, await this.confirmedEntries())
  }

  /** How many log entries are confirmed: the entry count of the quorum-signed view. */
  private async confirmedEntries(): Promise<number> {
    return withSnapshot(this.confirmedView(), async (snap) => (await new BeeReaderStore(snap).getMeta())?.entries ?? 0)
  }

  /** Invoices, optionally only pending ones or those naming a member. */
  async invoices(opts: { status?: Invoice['status']; member?: string } = {}): Promise<Invoice[]> {
    await this.ready()
    const who = opts.member === undefined ? null : (await this.findMember(opts.member)).account
    return invoicesOf(this.base.view, opts.status ?? null, who)
  }

  /**
   * The record of an entry by id, or null: the decision on the genuine entry, not on copies of it
   * (a replay, or a copy another writer appended). Scans the log, which is keyed by position.
   */
  async entry(id: Hex | string): Promise<EntryRecord | null> {
    let copy: EntryRecord | null = null
    for await (const rec of this.log()) {
      if (rec.id !== id) continue
      if (rec.code !== 'duplicate_entry' && rec.code !== 'author_not_writer') return rec
      copy = copy ?? rec
    }
    return copy
  }

  /** The view's record of the block at log position `index`, or null. */
  async entryAt(index: number): Promise<EntryRecord | null> {
    await this.ready()
    return new BeeReaderStore(this.base.view).getEntry(index)
  }

  /** The state hash after every entry applied here (pending included). */
  async stateHash(): Promise<Hex | null> {
    const meta = await this.meta()
    return meta ? meta.stateHash : null
  }

  async status(): Promise<LedgerStatus> {
    const meta = await this.meta()
    const confirmed = await withSnapshot(this.confirmedView(), (snap) => new BeeReaderStore(snap).getMeta())
    const members = await countKeys(this.base.view, 'acct/')
    // Writers the ledger bound (from the view, so every node counts the same; Autobase's own
    // active-writer set depends on what each node has loaded).
    const writers = await countKeys(this.base.view, 'writer/')
    const summary = await this.indexers()
    return {
      key: toHex(this.base.key),
      discoveryKey: toHex(this.base.discoveryKey),
      writerKey: toHex(this.base.local.key),
      account: this.account,
      writable: this.base.writable,
      indexer: this.base.isIndexer,
      name: meta?.name ?? null,
      unitCode: meta?.unitCode ?? null,
      decimals: meta?.decimals ?? null,
      members,
      writers,
      entries: meta?.entries ?? 0,
      rejected: meta?.rejected ?? 0,
      stateHash: meta?.stateHash ?? null,
      confirmedEntries: confirmed?.entries ?? 0,
      confirmedStateHash: confirmed?.stateHash ?? null,
      viewLength: this.base.view.core.length,
      signedLength: this.base.view.core.signedLength,
      indexers: summary.indexers,
      quorum: summary.quorum,
      reachableIndexers: summary.reachable
    }
  }

  /** The indexers and whether this node reaches each now; `status()` includes them. */
  async indexers(): Promise<{ indexers: IndexerStatus[]; quorum: number; reachable: number }> {
    await this.ready()
    const keys = ((this.base.system?.indexers ?? []) as Array<{ key: Uint8Array }>).map((i) => i.key)
    return indexerSummary(keys, this.base.local.key, this.reader(), this.presence)
  }

  /** This node's own member record. */
  async self(): Promise<Member> {
    await this.ready()
    const reader = this.reader()
    const m = await reader.getMember(this.account)
    if (m) return m
    if ((await reader.getMeta()) === null) throw LedgerError.NOT_SYNCED('this node has not synced the ledger yet (no genesis here)')
    if (!this.base.writable) throw LedgerError.NOT_MEMBER('this identity is not a member of the ledger (or its admission has not reached this node yet)')
    throw LedgerError.NOT_SYNCED('this node is a writer but has not applied its own admission yet')
  }

  /**
   * Finds a member by account key, name, or unique prefix of either (member-lookup.ts).
   * Throws UNKNOWN_MEMBER or AMBIGUOUS_MEMBER listing the candidates.
   */
  async findMember(query: string | Uint8Array): Promise<Member> {
    await this.ready()
    return findMember(this.base.view, this.reader(), query)
  }

  /** Finds an invoice by id or unique id prefix: UNKNOWN_INVOICE, AMBIGUOUS_INVOICE. */
  async findInvoice(query: string): Promise<Invoice> {
    await this.ready()
    return findInvoice(this.base.view, query)
  }

  /** Group commit counters: batches appended and blocks in them. */
  get commitStats(): { batches: number; blocks: number; pending: number } {
    return { batches: this.writer.commit.batches, blocks: this.writer.commit.blocks, pending: this.writer.commit.pending }
  }
}

/** A 32-byte key given as bytes or 64 hex digits. */
function keyArg(key: Uint8Array | string, what: string): Uint8Array {
  if (typeof key === 'string') {
    if (!/^[0-9a-fA-F]{64}$/.test(key)) throw LedgerError.BAD_INPUT(`a ${what} is 64 hex digits, not ${JSON.stringify(key)}`)
    return fromHex(key.toLowerCase())
  }
  if (!(key instanceof Uint8Array) || key.byteLength !== 32) throw LedgerError.BAD_INPUT(`a ${what} is 32 bytes`)
  return key
}

function checkAmountArg(amount: bigint): bigint {
  if (typeof amount !== 'bigint') throw LedgerError.BAD_INPUT('amounts are bigint minor units (e.g. 1250n for 12.50)')
  if (amount > AMOUNT_MAX) throw LedgerError.REJECTED(`amount ${amount} is over ${AMOUNT_MAX}`, { reject: 'amount_too_large' })
  return amount
}
