/**
 * Reads over the view for the Ledger's queries: balances (pending and confirmed), histories, the
 * log, invoices. Each takes the view (and the quorum-signed snapshot or its entry count) and only reads.
 */
import type Hyperbee from 'hyperbee'
import { available, type Hex, type Invoice, type Member, type Role } from '../protocol/index.js'
import { LedgerError } from './errors.js'
import type { EntryRecord, ViewMeta } from './records.js'
import { invoiceFromJson, memberFromJson } from './records.js'
import * as K from './view-keys.js'

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

/** Runs `fn` on a snapshot and closes it after. */
export async function withSnapshot<T>(snap: Hyperbee, fn: (snap: Hyperbee) => Promise<T>): Promise<T> {
  try {
    return await fn(snap)
  } finally {
    await snap.close()
  }
}

/** Every member with balances, by name; `snap` is the confirmed view. */
export async function memberBalances(view: Hyperbee, snap: Hyperbee): Promise<MemberBalance[]> {
  const out: MemberBalance[] = []
  for await (const node of view.createReadStream(K.prefixRange('acct/'))) {
    const m = memberFromJson(node.value)
    out.push(toBalance(m, await confirmedBalance(snap, m.account)))
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
}

/** How many keys of the view start with `prefix` ('acct/' for members, 'writer/' for writers). */
export async function countKeys(view: Hyperbee, prefix: string): Promise<number> {
  let n = 0
  for await (const _ of view.createReadStream(K.prefixRange(prefix))) n++
  return n
}

/** Up to `limit` entries touching `account`, newest first; those below `confirmed` are confirmed. */
export async function historyOf(view: Hyperbee, account: Hex, limit: number, confirmed: number): Promise<HistoryItem[]> {
  const out: HistoryItem[] = []
  // Neighbouring history slots usually share a log chunk: each chunk is read once.
  const chunks = new Map<number, Array<EntryRecord | null> | null>()
  const recordAt = async (index: number) => {
    const { chunk, offset } = K.logSlot(index)
    if (!chunks.has(chunk)) chunks.set(chunk, ((await view.get(K.logKey(chunk)))?.value as Array<EntryRecord | null>) ?? null)
    return chunks.get(chunk)?.[offset] ?? null
  }
  const stream = view.createReadStream(K.prefixRange(K.historyPrefix(account)), { reverse: true })
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

/** Every decided entry from log position `start` on, at most `limit` (-1: all), in linear order. */
export async function* logFrom(view: Hyperbee, start: number, limit: number, confirmed: number): AsyncIterable<HistoryItem> {
  let left = limit
  if (left === 0) return
  const range = { gte: K.logKey(K.logSlot(start).chunk), lt: K.prefixRange(K.LOG_PREFIX).lt }
  for await (const node of view.createReadStream(range)) {
    for (const rec of node.value as Array<EntryRecord | null>) {
      if (rec === null || rec.index < start) continue
      yield { ...rec, confirmed: rec.index < confirmed }
      if (--left === 0) return
    }
  }
}

/** Invoices, only those of `status` and naming `who` when given. */
export async function invoicesOf(view: Hyperbee, status: Invoice['status'] | null, who: Hex | null): Promise<Invoice[]> {
  const out: Invoice[] = []
  for await (const node of view.createReadStream(K.prefixRange('inv/'))) {
    const inv = invoiceFromJson(node.value)
    if (status && inv.status !== status) continue
    if (who && inv.payer !== who && inv.payee !== who) continue
    out.push(inv)
  }
  return out
}

export async function confirmedBalance(snap: Hyperbee, account: Hex): Promise<bigint> {
  const node = await snap.get(K.memberKey(account))
  return node ? memberFromJson(node.value).balance : 0n
}

export function toBalance(m: Member, confirmed: bigint): MemberBalance {
  return {
    account: m.account,
    name: m.name,
    role: m.role,
    status: m.status,
    balance: m.balance,
    confirmed,
    creditLimit: m.creditLimit,
    maxBalance: m.maxBalance,
    available: available(m)
  }
}

/** The ledger's meta, or NOT_SYNCED before the genesis is applied here. */
export async function requireMeta(ledger: { meta(): Promise<ViewMeta | null> }): Promise<ViewMeta> {
  const meta = await ledger.meta()
  if (meta === null) throw LedgerError.NOT_SYNCED('this ledger has no genesis here yet: not synced')
  return meta
}

/**
 * The record of an entry by id, or null: the decision on the genuine entry, not on copies of it
 * (a replay, or a copy another writer appended). Scans the log, which is keyed by position.
 */
export async function entryById(log: AsyncIterable<EntryRecord>, id: string): Promise<EntryRecord | null> {
  let copy: EntryRecord | null = null
  for await (const rec of log) {
    if (rec.id !== id) continue
    if (rec.code !== 'duplicate_entry' && rec.code !== 'author_not_writer') return rec
    copy = copy ?? rec
  }
  return copy
}
