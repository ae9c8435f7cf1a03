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
import b4a from 'b4a'
import {
  counterpartyOf,
  evaluate,
  fromHex,
  lookups,
  nameKey,
  encodeUnsigned,
  packEntries,
  decodeEntry,
  splitBlock,
  sealEntry,
  toHex,
  AMOUNT_MAX,
  SIGNATURE_BYTES,
  keyPairMatches,
  looksLikeKey,
  conditionOf,
  convert,
  type Hold,
  type Link,
  type Entry,
  type EntryDraft,
  type Hex,
  type KeyPair,
  type Member,
  type Role,
  type Invoice
} from '../protocol/index.js'
import { applyBlock } from './apply-block.js'
import { watchEquivocation } from './audit/equivocation.js'
import { BeeReaderStore, BeeStore } from './bee-store.js'
import { LedgerError } from './errors.js'
import type { LedgerEvents } from './ledger-events.js'
import type { ReplicationStream } from './replication-stream.js'
import { isStorageFailure, storageError, storeDir } from './storage.js'
import { GroupCommit } from './group-commit.js'
import { ConfirmationNudge } from './confirmation-nudge.js'
import { Presence } from './presence.js'
import { indexerSummary, type IndexerStatus } from './indexers.js'
import type { EntryRecord, ViewMeta } from './records.js'
import { invoiceFromJson, memberFromJson } from './records.js'
import * as K from './view-keys.js'
import { ViewCache } from './view-cache.js'
import { gatherFederation } from './federation-apply.js'
import { Claims } from './federation-agent.js'
import { findHold, listHolds, listLinks, newPreimage, sealPreimage } from './federation-api.js'
import { VerifiedSet } from './verified-set.js'
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
const APPLY_WAIT_MS = 30_000
/** A cross-ledger payment's period on the payer's ledger unless told (the bridge's hold gets half). */
const DEFAULT_HOLD_MS = 10 * 60_000
/** The precheck has no entry id yet; no rule reads it before the entry is sealed. */
const ZERO_ID = '0'.repeat(64) as Hex

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

/** A member with balances: `balance` includes pending entries, `confirmed` only quorum-signed ones. */
export interface MemberBalance {
  account: Hex
  name: string
  role: Role
  status: Member['status']
  balance: bigint
  confirmed: bigint
  creditLimit: bigint
  maxBalance: bigint | null
  /** What the member can still spend: creditLimit + balance (never below 0). */
  available: bigint
}

/** An entry as the view records it, plus whether it is confirmed. */
export interface HistoryItem extends EntryRecord {
  confirmed: boolean
}

/** What a write returns once applied to the local view. */
export interface Receipt {
  id: Hex
  record: EntryRecord
}

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
  private readonly commit: GroupCommit
  private readonly namespace: string
  private nextSeq = 0
  /** Spending appended but not yet applied locally, so checks made meanwhile see it. */
  private inflightSpend = 0n
  /** All spending ever added to inflightSpend; a precheck compares it before and after. */
  private spendAdded = 0n
  /** Signatures known to verify: apply checks each entry's once, even when a reorder applies it again. */
  private readonly verified = new VerifiedSet()
  /** Writes waiting for their entry to be decided by the local apply. */
  private readonly waiters = new Map<Hex, { resolve: (record: EntryRecord) => void; reject: (err: Error) => void }>()
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
    // The entries of one group commit go out as bundles of up to 128 (protocol/bundle.ts).
    this.commit = new GroupCommit((entries) => this.base.append(packEntries(entries)), opts.batchMax ?? DEFAULT_BATCH_MAX)
    this.rootStore = root
    // Hypercore keeps no evidence when it finds a writer's fork; this keeps it for the auditor.
    this.stopWatching = watchEquivocation(this.store, (stored) => this.emit('equivocation', stored))
    this.dir = typeof opts.store === 'string' ? opts.store : (storeDir(root) ?? 'its store')
    this.nudge =
      opts.confirmNudge === false
        ? null
        : new ConfirmationNudge(
            { base: this.base, pending: () => this.commit.pending, live: () => this.closing === null && this.failure === null },
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
    // Seqs must keep growing across restarts, also past entries appended here but not applied yet.
    this.nextSeq = (await this.lastLocalSeq()) + 1
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

  /**
   * The highest seq this identity wrote into the local writer core (0 if none). The core's
   * length is no bound: a bundle holds up to 256 entries in one block. The newest entry block
   * is the last one that is not an ack, and its last entry has the highest seq.
   */
  private async lastLocalSeq(): Promise<number> {
    const core = this.base.local
    for (let i = core.length - 1; i >= 0; i--) {
      const value = ((await core.get(i)) as { node?: { value?: Uint8Array | null } } | null)?.node?.value
      if (!value || value.byteLength === 0) continue
      const split = splitBlock(value)
      if (!split.ok) continue
      for (let k = split.entries.length - 1; k >= 0; k--) {
        const decoded = decodeEntry(split.entries[k])
        if (decoded.ok && b4a.equals(decoded.entry.author, this.identity.publicKey)) return decoded.entry.seq
      }
    }
    return 0
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
    for (const w of [...this.waiters.values()]) w.reject(LedgerError.LEDGER_CLOSED('the ledger closed before the entry applied'))
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

  // ---- apply ----

  private async apply(nodes: ApplyNode[], view: Hyperbee, host: HostCalls): Promise<void> {
    this.cache?.invalidate()
    const store = new BeeStore(view.batch())
    const ledgerKey = this.base.key
    const decided: EntryRecord[] = []
    const made: DecisionEvent[] = []
    for (const node of nodes) {
      // An Autobase ack is null. An empty block also reaches peers as null, so the appending node
      // must skip it too or it would decide one more entry than everyone else.
      if (node.value === null || node.value.byteLength === 0) continue
      for (const d of await applyBlock(store, node.value, { ledgerKey, writer: toHex(node.from.key), block: node.length - 1 }, { verifiedSet: this.verified })) {
        if (d.interrupt !== null) {
          await store.discard()
          host.interrupt(d.interrupt)
          return
        }
        if (this.waiters.size > 0) decided.push(d.record)
        for (const dec of d.record.decisions ?? []) made.push({ ...dec, index: d.record.index })
        const add = d.outcome.ok ? d.outcome.addWriter : undefined
        if (add && !b4a.equals(fromHex(add.key), ledgerKey)) await host.addWriter(fromHex(add.key), { indexer: add.indexer })
        // A writer past its junk limit leaves the writers (Autobase keeps its last indexer: then only its member is suspended).
        if (d.removeWriter !== null && host.removeable(fromHex(d.removeWriter))) await host.removeWriter(fromHex(d.removeWriter))
        // Decisions: admit a writer, make one an indexer, or demote one (Autobase keeps its last indexer).
        for (const w of d.writers ?? []) {
          if (w.indexer || host.removeable(fromHex(w.key))) await host.addWriter(fromHex(w.key), { indexer: w.indexer })
        }
      }
    }
    await store.flush()
    this.cache?.invalidate()
    for (const ev of made) {
      const key = ev.proposal + ':' + ev.status
      if (this.announced.has(key)) continue
      this.announced.add(key)
      this.emit('decision', ev)
    }
    // Only a notification to local writers; the view itself stays derived from the nodes alone.
    for (const record of decided) this.waiters.get(record.id)?.resolve(record)
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
    if (choice !== 'yes' && choice !== 'no' && typeof choice !== 'boolean') throw new LedgerError('BAD_INPUT', `a vote is yes or no, not ${JSON.stringify(choice)}`)
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

  // ---- federation (protocol/SPEC.md §12; src/federation-api.ts, src/federation-bridge.ts) ----

  /** Announces or changes this member's link to another ledger (its key); capacity 0 withdraws it. */
  async link(ledger: Uint8Array | string, opts: { name: string; rate?: { rateNum: bigint; rateDen: bigint }; capacity: bigint; memo?: string }): Promise<Receipt> {
    const rate = opts.rate ?? { rateNum: 1n, rateDen: 1n }
    return this.write({ type: 'link', ledger: keyArg(ledger, 'ledger key'), name: opts.name, rateNum: rate.rateNum, rateDen: rate.rateDen, capacity: opts.capacity, memo: opts.memo ?? '' })
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
  async release(hold: string): Promise<Receipt> {
    const h = await this.getHold(hold)
    return this.write({ type: 'release', hold: fromHex(h.id) })
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
    if (!link) throw new LedgerError('REJECTED', `${bridge.name} has no link to ledger ${toHex(ledger).slice(0, 8)}`, { reject: 'unknown_link' })
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
   * Signs, checks against the local view, appends (group commit) and waits for the local apply.
   * Throws LedgerError REJECTED with the protocol code (and `available` for overspends).
   */
  async write(draft: EntryDraft): Promise<Receipt> {
    await this.ready()
    if (!this.base.writable) throw LedgerError.NOT_WRITABLE('this node is not a writer of the ledger yet (not admitted, or not synced)')
    const entry = {
      seq: Number.MAX_SAFE_INTEGER, // checked with the highest seq; the real one is set at append time
      timestamp: draft.timestamp ?? Date.now(),
      memo: draft.memo ?? '',
      ...draft,
      // Last, so no draft can change them: apply trusts the signature of entries written here.
      version: 1,
      author: this.identity.publicKey
    } as Entry
    try {
      encodeUnsigned(entry)
    } catch (err) {
      throw LedgerError.BAD_INPUT((err as Error).message, { cause: err })
    }
    const check = await this.precheck(entry)
    // From here to push nothing awaits: seqs reach the log in the order they are given, and
    // the spending check sees every write that passed its own check meanwhile.
    if (check.spend > 0n) {
      const available = check.available - (this.spendAdded - check.spendAddedAtRead)
      if (check.spend > available) {
        const left = available < 0n ? 0n : available
        throw LedgerError.REJECTED(`can spend ${left}, not ${check.spend} (other payments are in flight)`, { reject: 'over_credit_limit', available: left })
      }
    }
    // The view may know a higher seq than this store (an identity restored onto a new store).
    if (check.lastSeq >= this.nextSeq) this.nextSeq = check.lastSeq + 1
    if (draft.seq === undefined) entry.seq = this.nextSeq++
    const sealed = sealEntry(this.base.key, entry, this.identity.secretKey)
    // Signed here a moment ago: apply need not check it (a third of a local write's CPU time).
    this.verified.add(VerifiedSet.key(sealed.id, sealed.block.subarray(sealed.block.byteLength - SIGNATURE_BYTES)))
    this.inflightSpend += check.spend
    this.spendAdded += check.spend
    const applied = this.waitApplied(sealed.id)
    // Awaited below only if the append succeeds; a failed append must not leave it unhandled.
    applied.catch(() => {})
    try {
      try {
        await this.commit.push(sealed.block)
      } catch (err) {
        this.waiters.get(sealed.id)?.reject(err as Error)
        // The append did not complete, so the entry is not in the store.
        if (this.closing) throw LedgerError.LEDGER_CLOSED('the ledger closed before the entry was written')
        if (this.base.interrupted) throw LedgerError.UPGRADE_NEEDED(String(this.base.interrupted))
        if (this.failure || isStorageFailure(err)) {
          // Autobase stops after a failed write; every later call reports the same error.
          this.failure = this.failure ?? this.stopped(err)
          throw this.failure
        }
        throw err
      }
      const record = await applied
      if (record.status === 'rejected') {
        throw LedgerError.REJECTED(record.reason ?? String(record.code), { reject: record.code ?? undefined })
      }
      return { id: sealed.id, record }
    } finally {
      this.inflightSpend -= check.spend
    }
  }

  /**
   * Runs the rules on the local view, counting spending appended but not yet applied.
   * Returns what the entry spends and what was available when the author's record was read.
   */
  private async precheck(entry: Entry): Promise<{ spend: bigint; available: bigint; spendAddedAtRead: bigint; lastSeq: number }> {
    {
      const reader = this.reader()
      const meta = await reader.getMeta()
      const look = lookups(entry)
      const invoice = look.invoice === null ? null : await reader.getInvoice(look.invoice)
      // Captured before the read: an entry applied during it is then counted twice, never missed.
      const inflight = this.inflightSpend
      const spendAddedAtRead = this.spendAdded
      const author = await reader.getMember(this.account)
      // The same gathering as apply's (src/federation-apply.ts), so a hold is checked as it will be decided.
      const fed = await gatherFederation(reader, entry, look, author, meta ? meta.entries : 0)
      const cp = look.hold ? fed.counterparty : counterpartyOf(entry, invoice)
      const seen = author ? { ...author, balance: author.balance - inflight } : null
      const outcome = evaluate(
        {
          ledgerKey: toHex(this.base.key),
          meta,
          id: ZERO_ID,
          writer: toHex(this.base.local.key),
          author: seen,
          counterparty: cp === null ? null : await reader.getMember(cp),
          invoice,
          nameTaken: look.name === null ? false : (await reader.accountOfName(nameKey(look.name))) !== null,
          writerTakenBy: look.writer === null ? null : await reader.accountOfWriter(look.writer),
          gov: await reader.getGov(),
          proposal: look.proposal ? await reader.getProposal(look.proposal) : null,
          position: meta ? meta.entries : 0,
          ...fed.input
        },
        entry
      )
      if (!outcome.ok) {
        if (outcome.code === 'author_not_writer') throw LedgerError.WRONG_IDENTITY("this identity is not the member bound to this node's writer")
        throw LedgerError.REJECTED(outcome.reason, { reject: outcome.code, available: outcome.available })
      }
      const own = outcome.moves.find((m) => m.account === this.account && m.delta < 0n)
      const available = seen ? seen.creditLimit + seen.balance : 0n
      return { spend: own ? -own.delta : 0n, available, spendAddedAtRead, lastSeq: seen ? seen.lastSeq : 0 }
    }
  }

  /** Reads the current view through the cache. */
  private reader(): BeeReaderStore {
    return new BeeReaderStore(this.cache ?? this.base.view)
  }

  /** Resolves when the local apply decides `id` (apply notifies; the view is read once only if that is slow). */
  private waitApplied(id: Hex): Promise<EntryRecord> {
    return new Promise<EntryRecord>((resolve, reject) => {
      const settle = (fn: () => void) => {
        clearTimeout(timer)
        this.waiters.delete(id)
        fn()
      }
      const timer = setTimeout(() => {
        settle(() => reject(LedgerError.TIMEOUT(`entry ${id.slice(0, 8)} was appended but not applied here within ${APPLY_WAIT_MS} ms`)))
      }, APPLY_WAIT_MS)
      this.waiters.set(id, {
        resolve: (record) => settle(() => resolve(record)),
        reject: (err) => settle(() => reject(err))
      })
    })
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
    const snap = this.confirmedView()
    try {
      return toBalance(m, await confirmedBalance(snap, m.account))
    } finally {
      await snap.close()
    }
  }

  /** Every member with balances, by name. */
  async members(): Promise<MemberBalance[]> {
    await this.ready()
    const snap = this.confirmedView()
    try {
      const out: MemberBalance[] = []
      for await (const node of this.base.view.createReadStream(K.prefixRange('acct/'))) {
        const m = memberFromJson(node.value)
        out.push(toBalance(m, await confirmedBalance(snap, m.account)))
      }
      return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    } finally {
      await snap.close()
    }
  }

  /** Entries touching a member (default: this one), newest first. */
  async history(member?: string | Uint8Array, opts: { limit?: number } = {}): Promise<HistoryItem[]> {
    const m = member === undefined ? await this.self() : await this.findMember(member)
    const confirmed = await this.confirmedEntries()
    const out: HistoryItem[] = []
    const limit = opts.limit ?? 50
    // Neighbouring history slots usually share a log chunk: each chunk is read once.
    const chunks = new Map<number, Array<EntryRecord | null> | null>()
    const recordAt = async (index: number) => {
      const { chunk, offset } = K.logSlot(index)
      if (!chunks.has(chunk)) chunks.set(chunk, ((await this.base.view.get(K.logKey(chunk)))?.value as Array<EntryRecord | null>) ?? null)
      return chunks.get(chunk)?.[offset] ?? null
    }
    const stream = this.base.view.createReadStream(K.prefixRange(K.historyPrefix(m.account)), { reverse: true })
    for await (const node of stream) {
      const chunk = node.value as Array<number | null>
      for (let i = chunk.length - 1; i >= 0 && out.length < limit; i--) {
        const index = chunk[i]
        if (typeof index !== 'number') continue
        const rec = await recordAt(index)
        if (rec) out.push({ ...rec, confirmed: index < confirmed })
      }
      if (out.length >= limit) break
    }
    return out
  }

  /** Every decided entry from log position `start` on (applied and rejected), in linear order. */
  async *log(opts: { start?: number; limit?: number } = {}): AsyncIterable<HistoryItem> {
    await this.ready()
    const confirmed = await this.confirmedEntries()
    const start = opts.start ?? 0
    let left = opts.limit ?? -1
    if (left === 0) return
    const range = { gte: K.logKey(K.logSlot(start).chunk), lt: K.prefixRange(K.LOG_PREFIX).lt }
    for await (const node of this.base.view.createReadStream(range)) {
      for (const rec of node.value as Array<EntryRecord | null>) {
        if (rec === null || rec.index < start) continue
        yield { ...rec, confirmed: rec.index < confirmed }
        if (--left === 0) return
      }
    }
  }

  /** How many log entries are confirmed: the entry count of the quorum-signed view. */
  private async confirmedEntries(): Promise<number> {
    const snap = this.confirmedView()
    try {
      const meta = await new BeeReaderStore(snap).getMeta()
      return meta ? meta.entries : 0
    } finally {
      await snap.close()
    }
  }

  /** Invoices, optionally only pending ones or those naming a member. */
  async invoices(opts: { status?: Invoice['status']; member?: string } = {}): Promise<Invoice[]> {
    await this.ready()
    const who = opts.member === undefined ? null : (await this.findMember(opts.member)).account
    const out: Invoice[] = []
    for await (const node of this.base.view.createReadStream(K.prefixRange('inv/'))) {
      const inv = invoiceFromJson(node.value)
      if (opts.status && inv.status !== opts.status) continue
      if (who && inv.payer !== who && inv.payee !== who) continue
      out.push(inv)
    }
    return out
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
    const snap = this.confirmedView()
    let confirmed: ViewMeta | null = null
    try {
      confirmed = await new BeeReaderStore(snap).getMeta()
    } finally {
      await snap.close()
    }
    let members = 0
    for await (const _ of this.base.view.createReadStream(K.prefixRange('acct/'))) members++
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
      writers: this.base.activeWriters?.size ?? 0,
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
   * Finds a member. A full account key (64 hex digits, or 32 bytes) means that account and
   * nothing else; so does hex of 8 or more digits, as a unique account prefix (no name can be
   * such hex: protocol/names.ts). Anything else is a name (compared by skeleton: case, accents
   * and look-alike letters ignored), or a unique prefix of a name or an account.
   * Throws UNKNOWN_MEMBER or AMBIGUOUS_MEMBER listing the candidates.
   */
  async findMember(query: string | Uint8Array): Promise<Member> {
    await this.ready()
    const reader = this.reader()
    if (typeof query !== 'string') {
      const account = toHex(keyBytes(query, 'account'))
      const m = await reader.getMember(account)
      if (!m) throw LedgerError.UNKNOWN_MEMBER(`no member has the account ${account}`, { candidates: [] })
      return m
    }
    const q = String(query).trim()
    if (q === '') throw LedgerError.BAD_INPUT('a member name or key is needed')
    const lower = q.toLowerCase()
    if (/^[0-9a-f]{64}$/.test(lower)) {
      const m = await reader.getMember(lower as Hex)
      if (m) return m
      throw LedgerError.UNKNOWN_MEMBER(`no member has the account ${lower}`, { candidates: [] })
    }
    const keyLike = looksLikeKey(q)
    const all: Member[] = []
    for await (const node of this.base.view.createReadStream(K.prefixRange('acct/'))) all.push(memberFromJson(node.value))
    if (!keyLike) {
      const byName = await reader.accountOfName(nameKey(q))
      // A short hex name (say "cafe") that is also the start of another member's key is ambiguous, not the name.
      const prefixOfOther = /^[0-9a-f]+$/.test(lower) && all.some((m) => m.account !== byName && m.account.startsWith(lower))
      if (byName && !prefixOfOther) return (await reader.getMember(byName))!
    }
    all.sort((a, b) => (nameKey(a.name) < nameKey(b.name) ? -1 : 1)) // candidates listed by name, as people look for them
    const skeleton = nameKey(q)
    const matches = all.filter((m) => m.account.startsWith(lower) || (!keyLike && nameKey(m.name).startsWith(skeleton)))
    if (matches.length === 1) return matches[0]
    const candidates = (matches.length ? matches : all).map((m) => ({ name: m.name, account: m.account }))
    if (matches.length === 0) {
      throw LedgerError.UNKNOWN_MEMBER(`no member matches ${JSON.stringify(q)}; members: ${candidates.map((c) => c.name).join(', ') || 'none'}`, { candidates })
    }
    throw LedgerError.AMBIGUOUS_MEMBER(`${JSON.stringify(q)} matches ${candidates.map((c) => `${c.name} (${c.account.slice(0, 8)})`).join(', ')}`, { candidates })
  }

  /** Finds an invoice by id or unique id prefix. */
  async findInvoice(query: string): Promise<Invoice> {
    await this.ready()
    const q = String(query).trim().toLowerCase()
    if (!/^[0-9a-f]{4,64}$/.test(q)) throw LedgerError.BAD_INPUT(`not an invoice id: ${JSON.stringify(query)} (hex, at least 4 characters)`)
    const found: Invoice[] = []
    for await (const node of this.base.view.createReadStream(K.prefixRange('inv/' + q), { limit: 2 })) found.push(invoiceFromJson(node.value))
    if (found.length === 0) throw LedgerError.UNKNOWN_INVOICE(`no invoice ${q}`)
    if (found.length > 1) throw LedgerError.AMBIGUOUS_INVOICE(`invoice id prefix ${q} is ambiguous; give more characters`)
    return found[0]
  }

  /** Group commit counters: batches appended and blocks in them. */
  get commitStats(): { batches: number; blocks: number; pending: number } {
    return { batches: this.commit.batches, blocks: this.commit.blocks, pending: this.commit.pending }
  }
}

function keyBytes(key: Uint8Array | string, what: string): Uint8Array {
  if (typeof key !== 'string') {
    if (key.byteLength !== 32) throw LedgerError.BAD_INPUT(`${what} key must be 32 bytes`)
    return key
  }
  if (!/^[0-9a-f]{64}$/i.test(key)) throw LedgerError.BAD_INPUT(`${what} key must be 64 hex characters`)
  return fromHex(key.toLowerCase())
}

/** A 32-byte key given as bytes or 64 hex digits. */
function keyArg(key: Uint8Array | string, what: string): Uint8Array {
  if (typeof key === 'string') {
    if (!/^[0-9a-fA-F]{64}$/.test(key)) throw new LedgerError('BAD_INPUT', `a ${what} is 64 hex digits, not ${JSON.stringify(key)}`)
    return fromHex(key.toLowerCase())
  }
  if (!(key instanceof Uint8Array) || key.byteLength !== 32) throw new LedgerError('BAD_INPUT', `a ${what} is 32 bytes`)
  return key
}

function checkAmountArg(amount: bigint): bigint {
  if (typeof amount !== 'bigint') throw LedgerError.BAD_INPUT('amounts are bigint minor units (e.g. 1250n for 12.50)')
  if (amount > AMOUNT_MAX) throw LedgerError.REJECTED(`amount ${amount} is over ${AMOUNT_MAX}`, { reject: 'amount_too_large' })
  return amount
}

async function confirmedBalance(snap: Hyperbee, account: Hex): Promise<bigint> {
  const node = await snap.get(K.memberKey(account))
  return node ? memberFromJson(node.value).balance : 0n
}

function toBalance(m: Member, confirmed: bigint): MemberBalance {
  const available = m.creditLimit + m.balance
  return {
    account: m.account,
    name: m.name,
    role: m.role,
    status: m.status,
    balance: m.balance,
    confirmed,
    creditLimit: m.creditLimit,
    maxBalance: m.maxBalance,
    available: available < 0n ? 0n : available
  }
}

