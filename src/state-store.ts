/**
 * Where the apply pipeline reads and writes ledger state. Two implementations: the Hyperbee
 * view (bee-store.ts, inside Autobase apply) and memory (memory-store.ts, for the auditor and
 * the reference model in tests). One pipeline, apply-block.ts, drives both.
 */
import type { Hex, Invoice, Member } from '../protocol/index.js'
import type { EntryRecord, ViewMeta } from './records.js'

export interface StateStore {
  getMeta(): Promise<ViewMeta | null>
  putMeta(meta: ViewMeta): Promise<void>
  getMember(account: Hex): Promise<Member | null>
  putMember(member: Member): Promise<void>
  /** The account a writer key is bound to. */
  accountOfWriter(writer: Hex): Promise<Hex | null>
  bindWriter(writer: Hex, account: Hex): Promise<void>
  /** The account holding a name (by nameKey). */
  accountOfName(nameKey: string): Promise<Hex | null>
  bindName(nameKey: string, account: Hex): Promise<void>
  getInvoice(id: Hex): Promise<Invoice | null>
  putInvoice(invoice: Invoice): Promise<void>
  getEntry(id: Hex): Promise<EntryRecord | null>
  putEntry(record: EntryRecord): Promise<void>
  /** The record of a block recorded by position, if any. */
  getRejectedBlock(writer: Hex, block: number): Promise<EntryRecord | null>
  /** Records a block that has no id of its own (undecodable) or repeats one (duplicate). */
  putRejectedBlock(record: EntryRecord): Promise<void>
  /** Junk blocks counted against a writer so far (SPEC.md, "Limits on one writer"). */
  junkCount(writer: Hex): Promise<number>
  putJunkCount(writer: Hex, n: number): Promise<void>
  /** Appends an entry id to a member's history at position n. */
  putHistory(account: Hex, n: number, id: Hex): Promise<void>
}
