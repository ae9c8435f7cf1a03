/**
 * Ledger state in the Hyperbee view. Inside apply it wraps one Hyperbee batch. Keyed records
 * (members, invoices, bindings, writer states, log and history chunks, meta) are kept in a
 * cache while the apply runs and written once each at flush, in key order: an apply of 256
 * payments among eight members writes each member once, not 64 times, and 4-5 log chunks.
 */
import type { BeeReader, HyperbeeBatch } from 'hyperbee'
import type { AccountKey, FedState, GovState, Hex, Hold, Invoice, LedgerInvite, Link, Member, Proposal } from '../protocol/index.js'
import { holdFromJson, holdToJson, linkFromJson, linkToJson } from './federation-records.js'
import { invoiceFromJson, invoiceToJson, memberFromJson, memberToJson, metaFromJson, metaToJson } from './records.js'
import { govFromJson, govToJson, inviteFromJson, inviteToJson, proposalFromJson, proposalToJson } from './governance-records.js'
import type { EntryRecord, ViewMeta } from './records.js'
import type { StateStore, WriterState } from './state-store.js'
import * as K from './view-keys.js'
import { LedgerError } from './errors.js'

/** Read-only access to the view, for queries and for checking an entry before appending it. */
export class BeeReaderStore {
  constructor(protected readonly bee: BeeReader) {}

  protected async read(key: string): Promise<any> {
    let node
    try {
      node = await this.bee.get(key)
    } catch (err) {
      // A read the ledger's close overtook: the caller's error is the ledger's, not hypercore's.
      if ((err as { code?: string }).code === 'SESSION_CLOSED') throw LedgerError.LEDGER_CLOSED('the ledger closed during a read of its view', { cause: err })
      throw err
    }
    return node ? node.value : null
  }
  async getMeta(): Promise<ViewMeta | null> {
    const j = await this.read(K.META_KEY)
    return j && metaFromJson(j)
  }
  async getMember(account: Hex): Promise<Member | null> {
    const j = await this.read(K.memberKey(account))
    return j && memberFromJson(j)
  }
  async accountOfWriter(writer: Hex): Promise<AccountKey | null> {
    return this.read(K.writerKey(writer))
  }
  async accountOfName(nameKey: string): Promise<AccountKey | null> {
    return this.read(K.nameIndexKey(nameKey))
  }
  async getInvoice(id: Hex): Promise<Invoice | null> {
    const j = await this.read(K.invoiceKey(id))
    return j && invoiceFromJson(j)
  }
  async getWriterState(writer: Hex): Promise<WriterState> {
    return (await this.read(K.writerStateKey(writer))) ?? { block: -1, junk: 0 }
  }
  async getGov(): Promise<GovState | null> {
    const j = await this.read(K.GOV_KEY)
    return j && govFromJson(j)
  }
  async getProposal(id: Hex): Promise<Proposal | null> {
    const j = await this.read(K.proposalKey(id))
    return j && proposalFromJson(j)
  }
  async getInvite(id: Hex): Promise<LedgerInvite | null> {
    const j = await this.read(K.inviteKey(id))
    return j && inviteFromJson(j)
  }
  async getLink(bridge: Hex, ledger: Hex): Promise<Link | null> {
    const j = await this.read(K.linkKey(bridge, ledger))
    return j && linkFromJson(j)
  }
  async getHold(id: Hex): Promise<Hold | null> {
    const j = await this.read(K.holdKey(id))
    return j && holdFromJson(j)
  }
  async getFed(): Promise<FedState> {
    return (await this.read(K.FED_KEY)) ?? { open: [] }
  }
  /** Every member record (BeeStore adds the ones written in its apply). */
  async listMembers(): Promise<Member[]> {
    const out: Member[] = []
    for await (const node of this.bee.createReadStream(K.prefixRange('acct/'))) out.push(memberFromJson(node.value))
    return out
  }
  /** Every link this ledger knows, in key order. */
  async listLinks(): Promise<Link[]> {
    const out: Link[] = []
    for await (const node of this.bee.createReadStream(K.prefixRange(K.LINK_PREFIX))) out.push(linkFromJson(node.value))
    return out
  }
  async getEntry(index: number): Promise<EntryRecord | null> {
    const { chunk, offset } = K.logSlot(index)
    const list = (await this.read(K.logKey(chunk))) as Array<EntryRecord | null> | null
    return list?.[offset] ?? null
  }
}

/** Read-write state over one Hyperbee batch, used inside Autobase apply. */
export class BeeStore extends BeeReaderStore implements StateStore {
  private readonly cache = new Map<string, unknown>()
  /**
   * Member records as objects, by key: the pipeline reads the same few several times per entry
   * (rules, the governance count, the witness), each read a JSON decode with bigints. Records are
   * never edited in place (every change is a new object, put back).
   */
  private readonly decoded = new Map<string, unknown>()
  /** Keys written in this apply, flushed in key order so every peer builds the same tree. */
  private readonly dirty = new Set<string>()
  private meta: ViewMeta | null | undefined = undefined
  private metaDirty = false

  constructor(private readonly batch: HyperbeeBatch) {
    super(batch)
  }

  protected override async read(key: string): Promise<any> {
    if (this.cache.has(key)) return this.cache.get(key)
    const value = await super.read(key)
    this.cache.set(key, value)
    return value
  }
  /**
   * Reads these keys into the cache together (apply-prefetch.ts). Safe at any point of an apply: a key
   * written in it is in the cache already, and the batch holds no puts before flush, so a read gets
   * what `read` would have got.
   */
  async prefetch(keys: Iterable<string>): Promise<void> {
    await Promise.all([...keys].filter((key) => !this.cache.has(key)).map((key) => this.read(key)))
  }
  private async write(key: string, value: unknown): Promise<void> {
    this.cache.set(key, value)
    this.dirty.add(key)
  }

  override async getMeta(): Promise<ViewMeta | null> {
    if (this.meta === undefined) this.meta = await super.getMeta()
    return this.meta
  }
  async putMeta(meta: ViewMeta): Promise<void> {
    this.meta = meta
    this.metaDirty = true
  }
  override async getMember(account: Hex): Promise<Member | null> {
    return this.decodedRead(K.memberKey(account), memberFromJson)
  }
  private async decodedRead<T>(key: string, from: (json: any) => T): Promise<T | null> {
    const hit = this.decoded.get(key)
    if (hit !== undefined) return hit as T | null
    const json = await this.read(key)
    const value = json ? from(json) : null
    this.decoded.set(key, value)
    return value
  }
  async putMember(member: Member): Promise<void> {
    const key = K.memberKey(member.account)
    await this.write(key, memberToJson(member))
    this.decoded.set(key, member)
  }
  async bindWriter(writer: Hex, account: AccountKey): Promise<void> {
    await this.write(K.writerKey(writer), account)
  }
  async bindName(nameKey: string, account: AccountKey): Promise<void> {
    await this.write(K.nameIndexKey(nameKey), account)
  }
  async putInvoice(invoice: Invoice): Promise<void> {
    await this.write(K.invoiceKey(invoice.id), invoiceToJson(invoice))
  }
  async putEntry(record: EntryRecord): Promise<void> {
    const { chunk, offset } = K.logSlot(record.index)
    ;(await this.chunk<EntryRecord>(K.logKey(chunk), offset))[offset] = record
  }
  async putGov(gov: GovState): Promise<void> {
    await this.write(K.GOV_KEY, govToJson(gov))
  }
  async putProposal(proposal: Proposal): Promise<void> {
    await this.write(K.proposalKey(proposal.id), proposalToJson(proposal))
  }
  async putInvite(invite: LedgerInvite): Promise<void> {
    await this.write(K.inviteKey(invite.id), inviteToJson(invite))
  }
  override async listMembers(): Promise<Member[]> {
    const out = new Map<string, Member>()
    for await (const node of this.batch.createReadStream(K.prefixRange('acct/'))) out.set(node.key as string, memberFromJson(node.value))
    for (const [key, value] of this.cache) if (key.startsWith('acct/') && value) out.set(key, memberFromJson(value as any))
    return [...out.values()]
  }
  async putWriterState(writer: Hex, state: WriterState): Promise<void> {
    await this.write(K.writerStateKey(writer), state)
  }
  async putHistory(account: Hex, n: number, index: number): Promise<void> {
    const { chunk, offset } = K.historySlot(n)
    ;(await this.chunk<number>(K.historyKey(account, chunk), offset))[offset] = index
  }

  async putLink(link: Link): Promise<void> {
    await this.write(K.linkKey(link.bridge, link.ledger), linkToJson(link))
  }
  async putHold(hold: Hold): Promise<void> {
    await this.write(K.holdKey(hold.id), holdToJson(hold))
  }
  async putFed(fed: FedState): Promise<void> {
    await this.write(K.FED_KEY, fed)
  }
  /** A chunk (log or history) to fill in place until flush; `offset` is the slot about to be set. */
  private async chunk<V>(key: string, offset: number): Promise<V[]> {
    if (this.dirty.has(key)) return this.cache.get(key) as V[]
    // A fresh chunk needs no read; otherwise copy the stored one, never edit a value in place.
    const stored = offset === 0 ? null : ((await this.read(key)) as V[] | null)
    const list = stored ? stored.slice() : []
    await this.write(key, list)
    return list
  }

  /** Writes the keyed records and the meta record, and commits the batch. */
  async flush(): Promise<void> {
    for (const key of [...this.dirty].sort()) await this.batch.put(key, this.cache.get(key))
    if (this.metaDirty && this.meta) await this.batch.put(K.META_KEY, metaToJson(this.meta))
    await this.batch.flush()
  }

  async discard(): Promise<void> {
    await this.batch.close()
  }
}
