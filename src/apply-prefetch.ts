/**
 * Reads, all at once, the view records an apply batch is about to read one after another. The
 * pipeline (apply-block.ts) decides entries in order and awaits each record it has not read yet
 * in this apply: a Hyperbee get, a B-tree walk and RocksDB reads on the thread pool, with the
 * main thread idle meanwhile. Asked together, those reads overlap, and the pipeline then finds
 * them in the apply's cache (bee-store.ts). Only reads: what is decided and written, and so the
 * view's bytes, do not depend on it (test/apply-prefetch.test.ts).
 */
import { decodeEntry, lookups, nameKey, splitBlock, toHex, type Entry, type Hex } from '../protocol/index.js'
import type { BeeStore } from './bee-store.js'
import * as K from './view-keys.js'

/** One block of the batch and the writer core that appended it. */
export interface PrefetchBlock {
  writer: Hex
  value: Uint8Array | null
}

/**
 * Warms `store`'s cache for these blocks: governance, federation and meta records, each writer's
 * state, every member, invoice, name, writer binding, proposal, invite, link and hold the entries
 * name; then the log chunk the batch starts filling, and the history chunk and invoice counterparty
 * each of those members and invoices lead to. Undecodable blocks add nothing (the pipeline decides them alone).
 */
export async function prefetchInputs(store: BeeStore, blocks: PrefetchBlock[]): Promise<void> {
  const entries: Entry[] = []
  const keys = new Set<string>([K.META_KEY, K.GOV_KEY, K.FED_KEY])
  for (const b of blocks) {
    if (b.value === null || b.value.byteLength === 0) continue
    keys.add(K.writerStateKey(b.writer))
    const split = splitBlock(b.value)
    if (!split.ok) continue
    for (const bytes of split.entries) {
      const d = decodeEntry(bytes)
      if (!d.ok) continue
      entries.push(d.entry)
      keys.add(K.memberKey(toHex(d.entry.author)))
      const look = lookups(d.entry)
      if (look.counterparty) keys.add(K.memberKey(look.counterparty))
      if (look.invoice) keys.add(K.invoiceKey(look.invoice))
      if (look.name !== null) keys.add(K.nameIndexKey(nameKey(look.name)))
      if (look.writer) keys.add(K.writerKey(look.writer))
      if (look.proposal) keys.add(K.proposalKey(look.proposal))
      if (look.invite) keys.add(K.inviteKey(look.invite))
      if (look.link) keys.add(K.linkKey(look.link.bridge, look.link.ledger))
      if (look.hold) keys.add(K.holdKey(look.hold))
    }
  }
  if (entries.length === 0) return
  await store.prefetch(keys)
  // What the first reads lead to: an invoice's other side, the chunks the batch's first writes go into.
  const next = new Set<string>()
  const meta = await store.getMeta()
  if (meta) addChunk(next, K.logKey(K.logSlot(meta.entries).chunk), K.logSlot(meta.entries).offset)
  const accounts = new Set<Hex>()
  for (const e of entries) {
    accounts.add(toHex(e.author))
    const look = lookups(e)
    if (look.counterparty) accounts.add(look.counterparty)
    if (look.invoice) {
      const inv = await store.getInvoice(look.invoice)
      if (inv) {
        accounts.add(inv.payer)
        accounts.add(inv.payee)
        next.add(K.memberKey(inv.payer))
        next.add(K.memberKey(inv.payee))
      }
    }
  }
  for (const account of accounts) {
    const m = await store.getMember(account)
    if (m) addChunk(next, K.historyKey(account, K.historySlot(m.entries + 1).chunk), K.historySlot(m.entries + 1).offset)
  }
  await store.prefetch(next)
}

/** A chunk is read only when the slot about to be filled is not its first (bee-store.ts, `chunk`). */
function addChunk(keys: Set<string>, key: string, offset: number): void {
  if (offset !== 0) keys.add(key)
}
