/**
 * Ledger state in memory: the auditor's replay target and the reference model in tests.
 * Same interface as the Hyperbee view, so the same pipeline decides every entry.
 */
import type { Hex, Invoice, Member } from '../protocol/index.js'
import type { EntryRecord, ViewMeta } from './records.js'
import type { StateStore } from './state-store.js'

export class MemoryStore implements StateStore {
  meta: ViewMeta | null = null
  readonly members = new Map<Hex, Member>()
  readonly writers = new Map<Hex, Hex>()
  readonly names = new Map<string, Hex>()
  readonly invoices = new Map<Hex, Invoice>()
  readonly entries = new Map<Hex, EntryRecord>()
  /** Blocks recorded by position: undecodable, unauthenticated or duplicate. */
  readonly rejectedBlocks: EntryRecord[] = []
  private readonly rejectedAt = new Map<string, EntryRecord>()
  readonly history = new Map<Hex, Hex[]>()
  readonly junk = new Map<Hex, number>()

  async getMeta() {
    return this.meta
  }
  async putMeta(meta: ViewMeta) {
    this.meta = meta
  }
  async getMember(account: Hex) {
    return this.members.get(account) ?? null
  }
  async putMember(member: Member) {
    this.members.set(member.account, member)
  }
  async accountOfWriter(writer: Hex) {
    return this.writers.get(writer) ?? null
  }
  async bindWriter(writer: Hex, account: Hex) {
    this.writers.set(writer, account)
  }
  async accountOfName(nameKey: string) {
    return this.names.get(nameKey) ?? null
  }
  async bindName(nameKey: string, account: Hex) {
    this.names.set(nameKey, account)
  }
  async getInvoice(id: Hex) {
    return this.invoices.get(id) ?? null
  }
  async putInvoice(invoice: Invoice) {
    this.invoices.set(invoice.id, invoice)
  }
  async getEntry(id: Hex) {
    return this.entries.get(id) ?? null
  }
  async putEntry(record: EntryRecord) {
    this.entries.set(record.id, record)
  }
  async putRejectedBlock(record: EntryRecord) {
    this.rejectedBlocks.push(record)
    this.rejectedAt.set(record.writer + '/' + record.block, record)
  }
  async getRejectedBlock(writer: Hex, block: number) {
    return this.rejectedAt.get(writer + '/' + block) ?? null
  }
  async junkCount(writer: Hex) {
    return this.junk.get(writer) ?? 0
  }
  async putJunkCount(writer: Hex, n: number) {
    this.junk.set(writer, n)
  }
  async putHistory(account: Hex, n: number, id: Hex) {
    let list = this.history.get(account)
    if (!list) this.history.set(account, (list = []))
    list[n - 1] = id
  }
}
