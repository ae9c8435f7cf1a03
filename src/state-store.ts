/**
 * Where the apply pipeline reads and writes ledger state. Two implementations: the Hyperbee
 * view (bee-store.ts, inside Autobase apply) and memory (memory-store.ts, for the auditor and
 * the reference model in tests). One pipeline, apply-block.ts, drives both.
 */
import type { AccountKey, FedState, GovState, Hex, Hold, Invoice, LedgerInvite, Link, Member, Proposal, WriterState } from '../protocol/index.js'
import type { EntryRecord, ViewMeta } from './records.js'

/** Per writer core: the last block decided from it, and how many junk blocks it has appended (protocol/position.ts). */
export type { WriterState } from '../protocol/index.js'

export interface StateStore {
  getMeta(): Promise<ViewMeta | null>
  putMeta(meta: ViewMeta): Promise<void>
  getMember(account: Hex): Promise<Member | null>
  putMember(member: Member): Promise<void>
  /** The account a writer key is bound to. */
  accountOfWriter(writer: Hex): Promise<AccountKey | null>
  bindWriter(writer: Hex, account: AccountKey): Promise<void>
  /** The account holding a name (by nameKey). */
  accountOfName(nameKey: string): Promise<AccountKey | null>
  bindName(nameKey: string, account: AccountKey): Promise<void>
  getInvoice(id: Hex): Promise<Invoice | null>
  putInvoice(invoice: Invoice): Promise<void>
  /** Records a decided block (applied or rejected) at its position in the linear order. */
  putEntry(record: EntryRecord): Promise<void>
  getWriterState(writer: Hex): Promise<WriterState>
  putWriterState(writer: Hex, state: WriterState): Promise<void>
  /** Adds the entry at log position `index` to a member's history, as its n-th entry. */
  putHistory(account: Hex, n: number, index: number): Promise<void>
  /** Federation (SPEC.md §12): a link by bridge and other ledger, a hold by id, the open holds. */
  getLink(bridge: Hex, ledger: Hex): Promise<Link | null>
  putLink(link: Link): Promise<void>
  getHold(id: Hex): Promise<Hold | null>
  putHold(hold: Hold): Promise<void>
  getFed(): Promise<FedState>
  putFed(fed: FedState): Promise<void>
  /** Governance state (policy, open proposals, active count, indexers); null before it is first written. */
  getGov(): Promise<GovState | null>
  putGov(gov: GovState): Promise<void>
  getProposal(id: Hex): Promise<Proposal | null>
  putProposal(proposal: Proposal): Promise<void>
  /** Invites recorded in the ledger (SPEC.md §10, "Invites"), by blind-pairing invite id. */
  getInvite(id: Hex): Promise<LedgerInvite | null>
  putInvite(invite: LedgerInvite): Promise<void>
  /** Every member record, including those written in this apply (read once, to count a 0.1 view's active members). */
  listMembers(): Promise<Member[]>
}
