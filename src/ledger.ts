/**
 * The Ledger: one mutual-credit network on Corestore + Autobase, with a Hyperbee view.
 *
 * Writes are signed by the member's account key, checked against the local view (so an
 * overspend fails here with what is available, and nothing is appended), coalesced by group
 * commit and appended to this node's writer core. Autobase linearizes every writer's core and
 * `apply` runs the protocol rules on each entry to build the view, identically on every peer.
 */
import { EventEmitter } from 'events'
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
  sealEntry,
  toHex,
  AMOUNT_MAX,
  type Entry,
  type EntryDraft,
  type Hex,
  type KeyPair,
  type Member,
  type Role,
  type Invoice
} from '../protocol/index.js'
import { applyBlock } from './apply-block.js'
import { BeeReaderStore, BeeStore } from './bee-store.js'
import { LedgerError } from './errors.js'
import { GroupCommit } from './group-commit.js'
import type { EntryRecord, ViewMeta } from './records.js'
import { invoiceFromJson, memberFromJson } from './records.js'
import * as K from './view-keys.js'

const DEFAULT_NAMESPACE = 'tally'
const DEFAULT_ACK_INTERVAL_MS = 1000
const DEFAULT_BATCH_MAX = 256
const APPLY_WAIT_MS = 30_000

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
}

/**
 * A Tally ledger.
 *
 * @example
 * const ledger = await Ledger.create({ store: dir, identity, name: 'CoTech', unitCode: 'CTC', memberName: 'alpha', creditLimit: 50000n })
 * await ledger.admit({ account: beta.publicKey, writer: betaWriterKey, name: 'beta' })
 * await ledger.transfer('beta', 1250n, { memo: 'design work' })
 * console.log(await ledger.balance())
 */
export class Ledger extends EventEmitter {
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
  private opening: Promise<void> | null = null
  private closing: Promise<void> | null = null

  constructor(opts: LedgerOptions) {
    super()
    this.ownsStore = typeof opts.store === 'string'
    const root = typeof opts.store === 'string' ? new Corestore(opts.store) : opts.store
    this.namespace = opts.namespace ?? DEFAULT_NAMESPACE
    this.store = root.namespace(this.namespace)
    this.identity = opts.identity
    this.account = toHex(opts.identity.publicKey)
    this.base = new Autobase<Hyperbee>(this.store, opts.key ?? null, {
      valueEncoding: 'binary',
      ackInterval: opts.ackIntervalMs ?? DEFAULT_ACK_INTERVAL_MS,
      encryptionKey: opts.encryptionKey ?? null,
      encrypt: !opts.encryptionKey,
      fastForward: opts.fastForward ?? true,
      open: (store) => new Hyperbee(store.get({ name: 'view' }), { keyEncoding: 'utf-8', valueEncoding: 'json', extension: false }),
      apply: (nodes, view, host) => this.apply(nodes, view, host),
      close: (view) => view.close()
    })
    this.base.on('update', () => this.emit('update'))
    this.base.on('interrupt', (reason: string) => this.emit('interrupt', new LedgerError('UPGRADE_NEEDED', String(reason))))
    this.base.on('error', (err: Error) => this.emit('error', err))
    this.commit = new GroupCommit((blocks) => this.base.append(blocks), opts.batchMax ?? DEFAULT_BATCH_MAX)
    this.rootStore = root
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

  ready(): Promise<void> {
    if (this.opening === null) this.opening = this.open()
    return this.opening
  }

  private async open(): Promise<void> {
    await this.base.ready()
    // Seqs only have to be unique per author; the local core grows by at least one per entry.
    this.nextSeq = this.base.local.length + 1
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

  /** A replication stream for a connection (or `true`/`false` for a new initiator/responder stream). */
  replicate(stream: any): any {
    return this.base.replicate(stream)
  }

  /** Pulls in what connected peers have and applies it. */
  async update(): Promise<void> {
    await this.base.update()
  }

  async close(): Promise<void> {
    if (this.closing === null) this.closing = this.doClose()
    return this.closing
  }

  private async doClose(): Promise<void> {
    try {
      await this.base.close()
    } finally {
      if (this.ownsStore) await this.rootStore.close()
    }
  }

  // ---- apply ----

  private async apply(nodes: ApplyNode[], view: Hyperbee, host: HostCalls): Promise<void> {
    const store = new BeeStore(view.batch())
    const ledgerKey = this.base.key
    for (const node of nodes) {
      if (node.value === null) continue // an Autobase ack
      const decided = await applyBlock(store, node.value, { ledgerKey, writer: toHex(node.from.key), block: node.length - 1 })
      if (decided.interrupt !== null) {
        await store.discard()
        host.interrupt(decided.interrupt)
        return
      }
      const add = decided.outcome.ok ? decided.outcome.addWriter : undefined
      if (add && !b4a.equals(fromHex(add.key), ledgerKey)) await host.addWriter(fromHex(add.key), { indexer: add.indexer })
    }
    await store.flush()
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

  /** Changes a member's limits (stewards only). */
  async setLimits(member: string, limits: { creditLimit: bigint; maxBalance?: bigint | null }): Promise<Receipt> {
    const m = await this.findMember(member)
    return this.write({ type: 'set-limits', account: fromHex(m.account), creditLimit: limits.creditLimit, maxBalance: limits.maxBalance ?? null })
  }

  /** Pays `payee` (a name, account prefix or key) `amount` minor units now. */
  async transfer(payee: string, amount: bigint, opts: { memo?: string } = {}): Promise<Receipt> {
    const m = await this.findMember(payee)
    return this.write({ type: 'transfer', payee: fromHex(m.account), amount: checkAmountArg(amount), memo: opts.memo ?? '' })
  }

  /** Asks `payer` for `amount` minor units; the invoice id is the receipt's id. */
  async invoice(payer: string, amount: bigint, opts: { memo?: string } = {}): Promise<Receipt> {
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
  async suspend(member: string): Promise<Receipt> {
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
    if (this.closing) throw new LedgerError('LEDGER_CLOSED', 'the ledger is closed')
    if (!this.base.writable) throw new LedgerError('NOT_WRITABLE', 'this node is not a writer of the ledger yet (not admitted, or not synced)')
    const entry = {
      version: 1,
      author: this.identity.publicKey,
      seq: draft.seq ?? this.nextSeq++,
      timestamp: draft.timestamp ?? Date.now(),
      memo: draft.memo ?? '',
      ...draft
    } as Entry
    let sealed
    try {
      sealed = sealEntry(this.base.key, entry, this.identity.secretKey)
    } catch (err) {
      throw new LedgerError('BAD_INPUT', (err as Error).message, { cause: err })
    }
    const spend = await this.precheck(entry, sealed.id)
    this.inflightSpend += spend
    try {
      await this.commit.push(sealed.block)
      const record = await this.waitApplied(sealed.id)
      if (record.status === 'rejected') {
        throw new LedgerError('REJECTED', record.reason ?? String(record.code), { reject: record.code ?? undefined })
      }
      return { id: sealed.id, record }
    } finally {
      this.inflightSpend -= spend
    }
  }

  /** Runs the rules on the local view plus in-flight spending; returns what the entry spends. */
  private async precheck(entry: Entry, id: Hex): Promise<bigint> {
    const reader = new BeeReaderStore(this.base.view)
    const meta = await reader.getMeta()
    const look = lookups(entry)
    const invoice = look.invoice === null ? null : await reader.getInvoice(look.invoice)
    const cp = counterpartyOf(entry, invoice)
    const author = await reader.getMember(this.account)
    const inflight = author ? { ...author, balance: author.balance - this.inflightSpend } : null
    const outcome = evaluate(
      {
        ledgerKey: toHex(this.base.key),
        meta,
        id,
        writer: toHex(this.base.local.key),
        writerAccount: await reader.accountOfWriter(toHex(this.base.local.key)),
        author: inflight,
        counterparty: cp === null ? null : await reader.getMember(cp),
        invoice,
        seen: false,
        nameTaken: look.name === null ? false : (await reader.accountOfName(nameKey(look.name))) !== null,
        writerTakenBy: look.writer === null ? null : await reader.accountOfWriter(look.writer)
      },
      entry
    )
    if (!outcome.ok) {
      if (outcome.code === 'author_not_writer') throw new LedgerError('NOT_MEMBER', 'this identity is not the member bound to this node\'s writer')
      throw new LedgerError('REJECTED', outcome.reason, { reject: outcome.code, available: outcome.available })
    }
    const own = outcome.moves.find((m) => m.account === this.account && m.delta < 0n)
    return own ? -own.delta : 0n
  }

  private async waitApplied(id: Hex): Promise<EntryRecord> {
    const deadline = Date.now() + APPLY_WAIT_MS
    for (;;) {
      const node = await this.base.view.get(K.entryKey(id))
      if (node) return node.value as EntryRecord
      if (this.closing) throw new LedgerError('LEDGER_CLOSED', 'the ledger closed before the entry applied')
      if (this.base.interrupted) throw new LedgerError('UPGRADE_NEEDED', String(this.base.interrupted))
      if (Date.now() > deadline) throw new LedgerError('TIMEOUT', `entry ${id.slice(0, 8)} was appended but not applied within ${APPLY_WAIT_MS} ms`)
      await new Promise<void>((resolve) => {
        const t = setTimeout(done, 200)
        this.base.once('update', done)
        function done() {
          clearTimeout(t)
          resolve()
        }
      })
    }
  }

  // ---- reads ----

  /** Ledger name, unit and running totals, or null before genesis is applied here. */
  async meta(): Promise<ViewMeta | null> {
    await this.ready()
    return new BeeReaderStore(this.base.view).getMeta()
  }

  private async requireMeta(): Promise<ViewMeta> {
    const meta = await this.meta()
    if (meta === null) throw new LedgerError('NOT_MEMBER', 'this ledger has no genesis here yet: not synced')
    return meta
  }

  /** A snapshot of the view at the quorum-signed length: the confirmed state. Close it after use. */
  confirmedView(): Hyperbee {
    return this.base.view.checkout(this.base.view.core.signedLength)
  }

  /** Balances of one member (default: this one). */
  async balance(member?: string): Promise<MemberBalance> {
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
  async history(member?: string, opts: { limit?: number } = {}): Promise<HistoryItem[]> {
    const m = member === undefined ? await this.self() : await this.findMember(member)
    const snap = this.confirmedView()
    try {
      const out: HistoryItem[] = []
      const stream = this.base.view.createReadStream(K.prefixRange(K.historyPrefix(m.account)), { reverse: true, limit: opts.limit ?? 50 })
      for await (const node of stream) {
        const rec = await this.base.view.get(K.entryKey(node.value))
        if (!rec) continue
        out.push({ ...(rec.value as EntryRecord), confirmed: (await snap.get(K.entryKey(node.value))) !== null })
      }
      return out
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

  /** The view's record of an entry, or null. */
  async entry(id: Hex): Promise<EntryRecord | null> {
    await this.ready()
    const node = await this.base.view.get(K.entryKey(id))
    return node ? (node.value as EntryRecord) : null
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
      signedLength: this.base.view.core.signedLength
    }
  }

  /** This node's own member record. */
  async self(): Promise<Member> {
    await this.ready()
    const m = await new BeeReaderStore(this.base.view).getMember(this.account)
    if (!m) throw new LedgerError('NOT_MEMBER', 'this identity is not a member of the ledger (yet)')
    return m
  }

  /**
   * Finds a member by exact name (any case), full account key, or unique prefix of either.
   * Throws UNKNOWN_MEMBER or AMBIGUOUS_MEMBER listing the candidates.
   */
  async findMember(query: string): Promise<Member> {
    await this.ready()
    const q = String(query).trim()
    if (q === '') throw new LedgerError('BAD_INPUT', 'a member name or key is needed')
    const reader = new BeeReaderStore(this.base.view)
    const byName = await reader.accountOfName(nameKey(q))
    if (byName) return (await reader.getMember(byName))!
    if (/^[0-9a-f]{64}$/i.test(q)) {
      const m = await reader.getMember(q.toLowerCase() as Hex)
      if (m) return m
    }
    const all: Member[] = []
    for await (const node of this.base.view.createReadStream(K.prefixRange('acct/'))) all.push(memberFromJson(node.value))
    all.sort((a, b) => (nameKey(a.name) < nameKey(b.name) ? -1 : 1)) // candidates listed by name, as people look for them
    const lower = q.toLowerCase()
    const matches = all.filter((m) => m.account.startsWith(lower) || nameKey(m.name).startsWith(lower))
    if (matches.length === 1) return matches[0]
    const candidates = (matches.length ? matches : all).map((m) => ({ name: m.name, account: m.account }))
    if (matches.length === 0) {
      throw new LedgerError('UNKNOWN_MEMBER', `no member matches ${JSON.stringify(q)}; members: ${candidates.map((c) => c.name).join(', ') || 'none'}`, { candidates })
    }
    throw new LedgerError('AMBIGUOUS_MEMBER', `${JSON.stringify(q)} matches ${candidates.map((c) => `${c.name} (${c.account.slice(0, 8)})`).join(', ')}`, { candidates })
  }

  /** Finds an invoice by id or unique id prefix. */
  async findInvoice(query: string): Promise<Invoice> {
    await this.ready()
    const q = String(query).trim().toLowerCase()
    if (!/^[0-9a-f]{4,64}$/.test(q)) throw new LedgerError('BAD_INPUT', `not an invoice id: ${JSON.stringify(query)} (hex, at least 4 characters)`)
    const found: Invoice[] = []
    for await (const node of this.base.view.createReadStream({ gte: 'inv/' + q, lt: 'inv/' + q + '\xff' }, { limit: 2 })) found.push(invoiceFromJson(node.value))
    if (found.length === 0) throw new LedgerError('UNKNOWN_ENTRY', `no invoice ${q}`)
    if (found.length > 1) throw new LedgerError('BAD_INPUT', `invoice id prefix ${q} is ambiguous; give more characters`)
    return found[0]
  }

  /** Group commit counters: batches appended and blocks in them. */
  get commitStats(): { batches: number; blocks: number; pending: number } {
    return { batches: this.commit.batches, blocks: this.commit.blocks, pending: this.commit.pending }
  }
}

function keyBytes(key: Uint8Array | string, what: string): Uint8Array {
  if (typeof key !== 'string') {
    if (key.byteLength !== 32) throw new LedgerError('BAD_INPUT', `${what} key must be 32 bytes`)
    return key
  }
  if (!/^[0-9a-f]{64}$/i.test(key)) throw new LedgerError('BAD_INPUT', `${what} key must be 64 hex characters`)
  return fromHex(key.toLowerCase())
}

function checkAmountArg(amount: bigint): bigint {
  if (typeof amount !== 'bigint') throw new LedgerError('BAD_INPUT', 'amounts are bigint minor units (e.g. 1250n for 12.50)')
  if (amount > AMOUNT_MAX) throw new LedgerError('REJECTED', `amount ${amount} is over ${AMOUNT_MAX}`, { reject: 'amount_too_large' })
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
