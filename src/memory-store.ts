/**
 * Ledger state in memory: the auditor's replay target and the reference model in tests.
 * Same interface as the Hyperbee view, so the same pipeline decides every entry.
 */
import type { AccountKey, FedState, GovState, Hex, Hold, Invoice, LedgerInvite, Link, Member, Proposal } from '../protocol/index.js'
import type { EntryRecord, ViewMeta } from './records.js'
import type { StateStore, WriterState } from './state-store.js'

export class MemoryStore implements StateStore {
  meta: ViewMeta | null = null
  readonly members = new Map<Hex, Member>()
  readonly writers = new Map<Hex, AccountKey>()
  readonly names = new Map<string, AccountKey>()
  readonly invoices = new Map<Hex, Invoice>()
  /** Every decided block by linear position. */
  readonly log: EntryRecord[] = []
  readonly history = new Map<Hex, number[]>()
  readonly writerStates = new Map<Hex, WriterState>()
  gov: GovState | null = null
  readonly proposals = new Map<Hex, Proposal>()
  readonly invites = new Map<Hex, LedgerInvite>()
  /** Federation: links keyed `bridge/ledger`, holds by id, open holds oldest first. */
  readonly links = new Map<string, Link>()
  readonly holds = new Map<Hex, Hold>()
  fed: FedState = { open: [] }

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
  async bindWriter(writer: Hex, account: AccountKey) {
    this.writers.set(writer, account)
  }
  async accountOfName(nameKey: string) {
    return this.names.get(nameKey) ?? null
  }
  async bindName(nameKey: string, account: AccountKey) {
    this.names.set(nameKey, account)
  }
  async getInvoice(id: Hex) {
    return this.invoices.get(id) ?? null
  }
  async putInvoice(invoice: Invoice) {
    this.invoices.set(invoice.id, invoice)
  }
  async putEntry(record: EntryRecord) {
    this.log[record.index] = record
  }
  async getWriterState(writer: Hex) {
    return this.writerStates.get(writer) ?? { block: -1, junk: 0 }
  }
  async putWriterState(writer: Hex, state: WriterState) {
    this.writerStates.set(writer, state)
  }
  async putHistory(account: Hex, n: number, index: number) {
    let list = this.history.get(account)
    if (!list) this.history.set(account, (list = []))
    list[n - 1] = index
  }
  async getGov() {
    return this.gov
  }
  async putGov(gov: GovState) {
    this.gov = gov
  }
  async getProposal(id: Hex) {
    return this.proposals.get(id) ?? null
  }
  async putProposal(proposal: Proposal) {
    this.proposals.set(proposal.id, proposal)
  }
  async getInvite(id: Hex) {
    return this.invites.get(id) ?? null
  }
  async putInvite(invite: LedgerInvite) {
    this.invites.set(invite.id, invite)
  }
  async getLink(bridge: Hex, ledger: Hex) {
    return this.links.get(bridge + '/' + ledger) ?? null
  }
  async putLink(link: Link) {
    this.links.set(link.bridge + '/' + link.ledger, link)
  }
  async getHold(id: Hex) {
    return this.holds.get(id) ?? null
  }
  async putHold(hold: Hold) {
    this.holds.set(hold.id, hold)
  }
  async getFed() {
    return this.fed
  }
  async putFed(fed: FedState) {
    this.fed = fed
  }
  async listMembers() {
    return [...this.members.values()]
  }
}
