/**
 * The Ledger: one mutual-credit network on Corestore + Autobase, with a Hyperbee view.
 *
 * Writes are signed by the member's account key, checked against the local view (so an
 * overspend fails here with what is available, and nothing is appended), coalesced by group
 * commit and appended to this node's writer core. Autobase linearizes every writer's core and
 * `apply` runs the protocol rules on each entry to build the view, identically on every peer.
 *
 * This class is the front: each method checks its arguments and hands over to the file that
 * holds its job (ARCHITECTURE.md, "The core's files").
 */
import { EventEmitter } from 'events'
import type { Duplex } from 'stream'
import type Autobase from 'autobase'
import type { ApplyNode, HostCalls } from 'autobase'
import type Corestore from 'corestore'
import type Hyperbee from 'hyperbee'
import { fromHex, toHex, keyPairMatches, type EntryDraft, type Hex, type Hold, type Invoice, type KeyPair, type Link, type Member, type Role } from '../protocol/index.js'
import { BeeReaderStore } from './bee-store.js'
import { LedgerError } from './errors.js'
import { findHold, listHolds, listLinks } from './federation-api.js'
import type { Claims } from './federation-agent.js'
import type { PolicyView, ProposalInput, ProposalView } from './governance-api.js'
import type { IndexerStatus } from './indexers.js'
import { checkAmountArg } from './ledger-args.js'
import { announceOnce, applyNodes } from './ledger-apply.js'
import { nextUpdate, type LedgerEvents } from './ledger-events.js'
import * as fed from './ledger-federation.js'
import * as gov from './ledger-governance.js'
import { Lifecycle, localWriterKey } from './ledger-lifecycle.js'
import { genesisEntries, type CreateOptions, type LedgerOptions, type LedgerStatus } from './ledger-options.js'
import { indexersOf, statusOf } from './ledger-status.js'
import type { Receipt } from './local-writer.js'
import { findInvoice, findMember, selfOf } from './member-lookup.js'
import { Presence } from './presence.js'
import { confirmedBalance, entryById, historyOf, invoicesOf, logFrom, memberBalances, toBalance, withSnapshot, type HistoryItem, type MemberBalance } from './queries.js'
import type { EntryRecord, ViewMeta } from './records.js'
import type { ReplicationStream } from './replication-stream.js'

export type { LedgerOptions, CreateOptions, DecisionEvent, LedgerStatus } from './ledger-options.js'
export type { MemberBalance, HistoryItem } from './queries.js'
export type { Receipt } from './local-writer.js'

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
  /** Which members' nodes are connected now; the network fills it (src/network/presence-channel.ts). */
  readonly presence = new Presence()
  /** Fulfils holds sealed to this member (src/federation-agent.ts); null when turned off. */
  readonly claims: Claims | null
  /** Ticks this node has appended since open (for tests and monitoring). */
  ticks = 0
  /** The parts (Autobase, local writer, background jobs), opened and closed in order (ledger-lifecycle.ts). */
  private readonly life: Lifecycle
  /** Emits `decision` once per decided proposal (a reorder can apply the same decision again). */
  private readonly announce = announceOnce((ev) => this.emit('decision', ev))

  constructor(opts: LedgerOptions) {
    super()
    this.identity = opts.identity
    this.account = toHex(opts.identity.publicKey)
    // Apply trusts the signatures this node makes (VerifiedSet), so the key pair must be a pair.
    if (!keyPairMatches(opts.identity)) throw LedgerError.BAD_INPUT("the identity's secret key does not belong to its public key")
    this.life = new Lifecycle(this, opts, (nodes, view, host) => this.apply(nodes, view, host))
    this.base = this.life.base
    this.store = this.life.store
    this.claims = this.life.claims
  }

  // ---- opening, closing, replication (ledger-lifecycle.ts) ----

  /**
   * Creates a new ledger: this member becomes its first steward and indexer.
   * Resolves once the genesis entry is applied.
   */
  static async create(opts: CreateOptions): Promise<Ledger> {
    const ledger = new Ledger({ ...opts, key: null })
    await ledger.ready()
    if ((await ledger.meta()) !== null) return ledger
    for (const draft of genesisEntries(opts, ledger.base.local.key)) await ledger.write(draft)
    return ledger
  }
  /** Opens an existing ledger (created here, or joined with its key and encryption key). */
  static async open(opts: LedgerOptions & { key: Uint8Array }): Promise<Ledger> {
    const ledger = new Ledger(opts)
    await ledger.ready()
    return ledger
  }
  /** The writer key this store would use for a ledger, before joining it (for invites). */
  static async localWriterKey(store: Corestore | string, namespace?: string): Promise<Uint8Array> {
    return localWriterKey(store, namespace)
  }
  async ready(): Promise<void> {
    await this.life.ready()
  }
  /**
   * Resolves when this node can write: its admission is applied here (it is a writer and has a
   * member record). Rejects with TIMEOUT after `timeoutMs` (default 60 s) and LEDGER_CLOSED on close.
   */
  async waitWritable(opts: { timeoutMs?: number } = {}): Promise<void> {
    await this.ready()
    return this.life.waitWritable(this.account, opts.timeoutMs ?? 60_000, (ms) => this.nextUpdate(ms))
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
    return this.life.closed
  }
  /**
   * A replication stream: `true`/`false` makes a new one as initiator/responder, to pipe to the
   * other side's; a connection (a Hyperswarm one, or any duplex) replicates over it.
   */
  replicate(isInitiator: boolean): ReplicationStream
  replicate(connection: ReplicationStream | Duplex): ReplicationStream
  replicate(stream: boolean | ReplicationStream | Duplex): ReplicationStream {
    this.life.assertOpen()
    return this.base.replicate(stream)
  }
  /** Pulls in what connected peers have and applies it. */
  async update(): Promise<void> {
    // With nothing new in memory, Autobase's update() settles on microtasks alone, so a caller's
    // `while (...) await update()` never lets the event loop run: replication data and storage
    // reads are never delivered and the entry it waits for is never applied. One turn fixes that.
    this.life.assertOpen()
    await new Promise<void>((resolve) => setImmediate(resolve))
    await this.base.update()
  }
  /** Resolves at the view's next change (an `update` event) or after `ms`, whichever comes first. */
  nextUpdate(ms: number): Promise<void> {
    return nextUpdate(this, ms)
  }
  async close(): Promise<void> {
    return this.life.close()
  }
  /** Acks the confirmation nudge has appended since open (for tests and monitoring). */
  get nudges(): number {
    return this.life.nudge?.acks ?? 0
  }
  /** Acks appended as an indexer soon after an update, not on Autobase's timer (src/prompt-ack.ts), since open. */
  get promptAcks(): number {
    return this.life.promptAck?.acks ?? 0
  }

  // ---- admissions, limits, decisions by the members (protocol/SPEC.md §10-11; ledger-governance.ts) ----

  /** Admits a member (stewards only). `writer` is the member node's writer key. */
  async admit(opts: { account: Uint8Array | Hex; writer: Uint8Array | Hex; name: string; creditLimit?: bigint; maxBalance?: bigint | null; role?: Role; indexer?: boolean }): Promise<Receipt> {
    return gov.admit(this, opts)
  }
  /**
   * Changes a member's limits: directly (stewards only) when the policy leaves limits to a
   * steward; otherwise proposes the change to the members (the receipt's record is then a
   * `propose` entry, and its id the proposal's).
   */
  async setLimits(member: string | Uint8Array, limits: { creditLimit: bigint; maxBalance?: bigint | null }): Promise<Receipt> {
    return gov.setLimits(this, member, limits)
  }
  /** Proposes a decision; the receipt's id is the proposal's id. The proposer's own vote is yes. */
  async propose(input: ProposalInput, opts: { memo?: string } = {}): Promise<Receipt> {
    return gov.propose(this, input, opts)
  }
  /** Votes yes or no on an open proposal (id or unique prefix); a later vote replaces this one until the decision. */
  async vote(id: string, choice: 'yes' | 'no' | boolean, opts: { memo?: string } = {}): Promise<Receipt> {
    return gov.vote(this, id, choice, opts)
  }
  /** Objects to an open proposal: under `no-objection` this refuses it; otherwise it is a no vote. */
  async object(id: string, opts: { reason?: string } = {}): Promise<Receipt> {
    return gov.object(this, id, opts)
  }
  /** Withdraws this member's open proposal. */
  async withdraw(id: string): Promise<Receipt> {
    return gov.withdraw(this, id)
  }
  /** Appends a `tick`: this member's signed time, which witnesses open windows (the node does it on its own). */
  async tick(): Promise<Receipt> {
    return this.write({ type: 'tick' })
  }
  /** Proposals with their counts: open ones first; `all` adds decided ones, newest first. */
  async proposals(opts: { all?: boolean } = {}): Promise<ProposalView[]> {
    return gov.proposals(this, opts)
  }
  /** One proposal by id or unique prefix. */
  async proposal(id: string): Promise<ProposalView> {
    return gov.proposal(this, id)
  }
  /** The policy in force, the indexers and the number of active members. */
  async policy(): Promise<PolicyView> {
    return gov.policy(this)
  }

  // ---- payments across ledgers (protocol/SPEC.md §12; ledger-federation.ts, federation-api.ts) ----

  /** Announces or changes this member's link to another ledger (its key); capacity 0 withdraws it; proposes it where the members decide links. */
  async link(ledger: Uint8Array | string, opts: { name: string; rate?: { rateNum: bigint; rateDen: bigint }; capacity: bigint; memo?: string }): Promise<Receipt> {
    return fed.link(this, ledger, opts)
  }
  /** Every link this ledger knows, with its bridge. */
  async links(): Promise<Link[]> {
    await this.ready()
    return listLinks(this.base.view)
  }
  /** Holds, oldest first; `open` keeps those still held. */
  async holds(opts: { open?: boolean } = {}): Promise<Hold[]> {
    await this.ready()
    return listHolds(this.life.cache ?? this.base.view, opts)
  }
  /** One hold by id or unique prefix. */
  async getHold(id: string): Promise<Hold> {
    await this.ready()
    return findHold(this.base.view, id)
  }
  /** Holds `amount` toward `payee` on a link (low level: `payAcross` and the bridge build the arguments). */
  async hold(payee: string | Uint8Array, amount: bigint, opts: { bridge: string | Uint8Array; ledger: Uint8Array | string; condition: Uint8Array; peer: Uint8Array; sealed: Uint8Array; expiresMs: number; memo?: string }): Promise<Receipt> {
    return fed.hold(this, payee, amount, opts)
  }
  /** Fulfils a hold toward this member with its preimage: the held amount is paid to it. */
  async fulfil(hold: string, preimage: Uint8Array): Promise<Receipt> {
    return fed.fulfil(this, hold, preimage)
  }
  /** Releases a hold: its payer's amount goes back (the payee at any time, the payer once its period passed). */
  async release(hold: string, opts: { memo?: string } = {}): Promise<Receipt> {
    return fed.release(this, hold, opts)
  }
  /**
   * Pays `payee` (an account key on the other ledger) through `bridge`'s link to that ledger: holds
   * `amount` toward the bridge with a fresh condition whose preimage is sealed to the payee. The
   * bridge's node carries it on; the payee's node fulfils; the bridge's fulfilment settles here.
   */
  async payAcross(opts: { bridge: string | Uint8Array; ledger: Uint8Array | string; payee: Uint8Array | string; amount: bigint; expiresMs?: number; memo?: string }): Promise<{ receipt: Receipt; condition: Hex; amountThere: bigint; link: Link }> {
    return fed.payAcross(this, opts)
  }

  // ---- payments, invoices, membership (the write path: local-writer.ts) ----

  /** Pays `payee` (an account key, or a name or prefix: see `findMember`) `amount` minor units now. */
  async transfer(payee: string | Uint8Array, amount: bigint, opts: { memo?: string } = {}): Promise<Receipt> {
    const m = await this.findMember(payee)
    return this.write({ type: 'transfer', payee: fromHex(m.account), amount: checkAmountArg(amount), memo: opts.memo ?? '' })
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
    return this.life.writer.write(draft)
  }
  /** Autobase's apply (ledger-apply.ts); a method, so a test can play a modified node around it. */
  private apply(nodes: ApplyNode[], view: Hyperbee, host: HostCalls): Promise<void> {
    return applyNodes(nodes, view, host, this.base.key, this.life.writer, this.life.cache, this.announce)
  }

  // ---- reads (queries.ts, member-lookup.ts, ledger-status.ts) ----

  /** Ledger name, unit and running totals, or null before genesis is applied here. */
  async meta(): Promise<ViewMeta | null> {
    await this.ready()
    return this.life.reader().getMeta()
  }
  /** A snapshot of the view at the quorum-signed length: the confirmed state. Close it after use. */
  confirmedView(): Hyperbee {
    this.life.assertOpen()
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
    return entryById(this.log(), id)
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
    return statusOf(this.base, this.account, meta, this.confirmedView(), await this.indexers())
  }
  /** The indexers and whether this node reaches each now; `status()` includes them. */
  async indexers(): Promise<{ indexers: IndexerStatus[]; quorum: number; reachable: number }> {
    await this.ready()
    return indexersOf(this.base, this.life.reader(), this.presence)
  }
  /** This node's own member record. */
  async self(): Promise<Member> {
    await this.ready()
    return selfOf(this.life.reader(), this.account, this.base.writable)
  }
  /**
   * Finds a member by account key, name, or unique prefix of either (member-lookup.ts).
   * Throws UNKNOWN_MEMBER or AMBIGUOUS_MEMBER listing the candidates.
   */
  async findMember(query: string | Uint8Array): Promise<Member> {
    await this.ready()
    return findMember(this.base.view, this.life.reader(), query)
  }
  /** Finds an invoice by id or unique id prefix: UNKNOWN_INVOICE, AMBIGUOUS_INVOICE. */
  async findInvoice(query: string): Promise<Invoice> {
    await this.ready()
    return findInvoice(this.base.view, query)
  }
  /** Group commit counters: batches appended and blocks in them. */
  get commitStats(): { batches: number; blocks: number; pending: number } {
    const c = this.life.writer.commit
    return { batches: c.batches, blocks: c.blocks, pending: c.pending }
  }
}