/**
 * Replays the linear order through the same pipeline Autobase apply runs (applyBlock on a
 * MemoryStore), checks zero-sum, limits and at-most-once on every outcome, and compares each
 * decided record, then the final state, with what the stored view says.
 */
import { formatAmount, type Hex, type Member } from '../../protocol/index.js'
import { applyBlock, type Decided, type Ignored } from '../apply-block.js'
import { MemoryStore } from '../memory-store.js'
import { invoiceToJson, memberToJson, metaToJson, type EntryRecord } from '../records.js'
import { holdToJson, linkToJson } from '../federation-records.js'
import { govToJson, proposalToJson } from '../governance-records.js'
import * as K from '../view-keys.js'
import type { AuditedEntry, Finding, RejectedEntry } from './types.js'
import type { ViewContents } from './view-reader.js'
import type { WriterCoreData } from './writer-cores.js'
import { short } from '../../protocol/hex.js'

/** Findings of one rule listed one by one before the rest are only counted. */
const FINDINGS_PER_RULE_MAX = 20

export interface ReplayInput {
  ledgerKey: Uint8Array
  view: ViewContents
  /** The view records in linear order (see `linearOrder`). */
  order: EntryRecord[]
  cores: Map<Hex, WriterCoreData>
  /** Per writer, per block: whether the entry signature verified (1); null takes every block as verified. */
  signatures: Map<Hex, Uint8Array> | null
  /** Entries below the view's quorum-signed length. */
  confirmedEntries: number
  onProgress?: (done: number) => void
}

export interface ReplayResult {
  store: MemoryStore
  entries: AuditedEntry[]
  findings: Finding[]
  rejectedEntries: RejectedEntry[]
  /** Balances after the confirmed entries. */
  confirmedBalances: Map<Hex, bigint>
  confirmedStateHash: Hex | null
  applied: number
  rejected: number
  totalVolume: bigint
}

/**
 * The view records sorted into linear order. Blocks decided before genesis carry index 0 like
 * genesis (nothing counts them), so they sort first; they change no state.
 */
export function linearOrder(records: EntryRecord[]): EntryRecord[] {
  return [...records].sort((a, b) => a.index - b.index || (a.status === b.status ? 0 : a.status === 'rejected' ? -1 : 1) || cmp(a.writer, b.writer) || a.block - b.block || (a.slot ?? 0) - (b.slot ?? 0))
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/** Findings about the numbering itself: indexes must run 0..n-1 with no gap or repeat. */
export function checkIndexes(order: EntryRecord[], metaEntries: number | null): Finding[] {
  const out: Finding[] = []
  const genesisAt = order.findIndex((r) => r.type === 'genesis' && r.status === 'applied')
  let expected = 0
  for (let i = 0; i < order.length; i++) {
    const r = order[i]
    if (genesisAt === -1 || i < genesisAt) {
      if (r.index !== 0) out.push(indexFinding(r, 'index_gap', `entry ${r.id.slice(0, 8)} has index ${r.index} before any genesis`))
      continue
    }
    if (r.index !== expected) {
      out.push(indexFinding(r, r.index < expected ? 'index_repeated' : 'index_gap', `expected index ${expected}, the view has ${r.index}`))
      if (out.length >= FINDINGS_PER_RULE_MAX) break
    }
    expected = r.index + 1
  }
  if (metaEntries !== null && genesisAt !== -1 && order.length - genesisAt !== metaEntries) {
    out.push({ kind: 'view', writer: null, block: null, id: null, index: null, rule: 'meta_mismatch', detail: `the view's meta counts ${metaEntries} entries but holds ${order.length - genesisAt} records` })
  }
  return out
}

function indexFinding(r: EntryRecord, rule: string, detail: string): Finding {
  return { kind: 'order', writer: r.writer, block: r.block, id: r.id, index: r.index, rule, detail }
}

/** JSON with sorted keys, so stored and replayed records compare by value. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, v[k]])) : v))
}

/**
 * The replay's store. It keeps no log of records: the replay keeps each decided record in its
 * `entries` (the view's own object when they are the same, see `sameInOrder`), and a second copy
 * of 100,000 records made the garbage collector copy and mark every one of them.
 */
class ReplayStore extends MemoryStore {
  override async putEntry(): Promise<void> {}
}

/**
 * Whether two objects of primitive fields have the same fields, in the same order, with the same
 * values: the view's record can then stand for the replayed one, down to its JSON.
 */
function sameInOrder(a: object, b: object): boolean {
  const x = a as Record<string, unknown>
  const y = b as Record<string, unknown>
  const kx = Object.keys(x)
  const ky = Object.keys(y)
  if (kx.length !== ky.length) return false
  for (let i = 0; i < kx.length; i++) if (kx[i] !== ky[i] || x[kx[i]] !== y[kx[i]]) return false
  return true
}

/** Whether two objects of primitive fields have the same fields and values. */
function sameFlat(a: object, b: object): boolean {
  const x = a as Record<string, unknown>
  const y = b as Record<string, unknown>
  let n = 0
  for (const k in x) {
    if (x[k] !== y[k]) return false
    n++
  }
  for (const _ in y) n--
  return n === 0
}

/** Fields whose values differ between two JSON objects. */
function differingFields(a: Record<string, unknown> | null, b: Record<string, unknown> | null): string[] {
  if (a === null || b === null) return []
  const keys = new Set([...Object.keys(a), ...Object.keys(b)])
  return [...keys].filter((k) => canonical(a[k]) !== canonical(b[k])).sort()
}

class FindingList {
  readonly list: Finding[] = []
  private readonly counts = new Map<string, number>()

  add(f: Finding): void {
    const n = (this.counts.get(f.rule) ?? 0) + 1
    this.counts.set(f.rule, n)
    if (n <= FINDINGS_PER_RULE_MAX) this.list.push(f)
  }

  /** Adds a summary finding for each rule that had more than were listed. */
  close(): Finding[] {
    for (const [rule, n] of this.counts) {
      if (n > FINDINGS_PER_RULE_MAX) {
        const kind = this.list.find((f) => f.rule === rule)!.kind
        this.list.push({ kind, writer: null, block: null, id: null, index: null, rule, detail: `${n - FINDINGS_PER_RULE_MAX} more ${rule} findings not listed` })
      }
    }
    return this.list
  }
}

/** Replays `order` and compares; never throws on ledger content. */
export async function replay(input: ReplayInput): Promise<ReplayResult> {
  const store = new ReplayStore()
  const findings = new FindingList()
  const entries: AuditedEntry[] = []
  const rejectedEntries: RejectedEntry[] = []
  const appliedIds = new Set<Hex>()
  let confirmedBalances: Map<Hex, bigint> | null = null
  let confirmedStateHash: Hex | null = null
  let applied = 0
  let rejected = 0
  let totalVolume = 0n
  const snapshotConfirmed = () => {
    confirmedBalances = new Map([...store.members.values()].map((m) => [m.account, m.balance]))
    confirmedStateHash = store.meta ? store.meta.stateHash : null
  }

  let current: { writer: Hex; block: number; signatureValid: boolean; decided: Array<Decided | Ignored> } | null = null
  for (let i = 0; i < input.order.length; i++) {
    const viewRecord = input.order[i]
    if (confirmedBalances === null && (store.meta?.entries ?? 0) >= input.confirmedEntries) snapshotConfirmed()
    if ((i + 1) % 1024 === 0) {
      if (input.onProgress) input.onProgress(1024)
      // A turn of the event loop: the signature workers' results come in and they get more batches.
      await new Promise((resolve) => setImmediate(resolve))
    }
    const core = input.cores.get(viewRecord.writer)
    const block = core?.values[viewRecord.block]
    // Missing and ack blocks are order findings already; the replay goes on without them.
    if (!block) continue
    // A bundle's entries have consecutive records; the block is decided once, at its first.
    const slot = viewRecord.slot ?? 0
    if (current === null || current.writer !== viewRecord.writer || current.block !== viewRecord.block || slot === 0) {
      const signatureValid = input.signatures === null || input.signatures.get(viewRecord.writer)?.[viewRecord.block] === 1
      current = { writer: viewRecord.writer, block: viewRecord.block, signatureValid, decided: await applyBlock(store, block, { ledgerKey: input.ledgerKey, writer: viewRecord.writer, block: viewRecord.block }, { verified: signatureValid }) }
    }
    const signatureValid = current.signatureValid
    const decided = current.decided[slot]
    if (decided === undefined || decided.ignored !== null) {
      findings.add({ kind: 'view', writer: viewRecord.writer, block: viewRecord.block, id: viewRecord.id, index: viewRecord.index, rule: 'record_mismatch', detail: `entry ${viewRecord.id.slice(0, 8)} (index ${viewRecord.index}) names entry ${slot} of block ${viewRecord.block} of writer ${short(viewRecord.writer)}, which the replay did not decide there` })
      continue
    }
    const bytes = decided.bytes
    let record = decided.record
    const at = { writer: viewRecord.writer, block: viewRecord.block, id: record.id, index: viewRecord.index }
    if (decided.interrupt !== null) {
      findings.add({ kind: 'view', ...at, rule: 'unsupported_version', detail: `entry at index ${viewRecord.index}: ${decided.interrupt}; the replay stops here` })
      break
    }
    // Records are flat (strings, numbers, null): compare field by field, and only a mismatch pays
    // for the diff. A record the same as the view's is kept as the view's object, already in the
    // old generation, so the replayed copy (and its hex strings) dies young.
    if (sameInOrder(record, viewRecord)) record = viewRecord
    const diff = record === viewRecord || sameFlat(record, viewRecord) ? [] : differingFields(record as unknown as Record<string, unknown>, viewRecord as unknown as Record<string, unknown>)
    if (diff.length > 0) {
      const show = diff.slice(0, 4).map((k) => `${k}: view ${JSON.stringify((viewRecord as unknown as Record<string, unknown>)[k])}, replay ${JSON.stringify((record as unknown as Record<string, unknown>)[k])}`)
      findings.add({ kind: 'view', ...at, rule: 'record_mismatch', detail: `entry ${record.id.slice(0, 8)} (index ${viewRecord.index}) differs from the replay: ${show.join('; ')}` })
    }
    entries.push({ record, bytes, signatureValid, confirmed: viewRecord.index < input.confirmedEntries })

    const outcome = decided.outcome
    if (!outcome.ok) {
      rejected++
      if (outcome.code === 'bad_signature') {
        findings.add({ kind: 'signature', ...at, rule: 'bad_signature', detail: `entry ${record.id.slice(0, 8)} (writer ${short(viewRecord.writer)} block ${viewRecord.block}) is not signed by its author ${short(record.author ?? '')}` })
      } else if (outcome.code === 'author_not_writer' || outcome.code === 'genesis_writer_mismatch') {
        findings.add({ kind: 'authorship', ...at, rule: outcome.code, detail: `entry ${record.id.slice(0, 8)} by ${short(record.author ?? '')} was appended by writer ${short(viewRecord.writer)}: ${outcome.reason}` })
      } else {
        rejectedEntries.push({ index: viewRecord.index, id: record.id, writer: viewRecord.writer, block: viewRecord.block, author: record.author, type: record.type, code: outcome.code, reason: outcome.reason })
      }
      continue
    }
    applied++
    if (appliedIds.has(record.id)) findings.add({ kind: 'invariant', ...at, rule: 'at_most_once', detail: `entry ${record.id.slice(0, 8)} applied a second time at index ${viewRecord.index}` })
    appliedIds.add(record.id)
    let sum = 0n
    for (const move of outcome.moves) {
      sum += move.delta
      const m = outcome.members.find((x) => x.account === move.account)
      if (!m) continue
      if (move.delta < 0n && m.balance < -m.creditLimit) {
        findings.add({ kind: 'invariant', ...at, rule: 'credit_limit', detail: `${m.name} is at ${m.balance} after entry ${record.id.slice(0, 8)}, below its credit limit ${m.creditLimit}` })
      }
      if (move.delta > 0n && m.maxBalance !== null && m.balance > m.maxBalance) {
        findings.add({ kind: 'invariant', ...at, rule: 'max_balance', detail: `${m.name} is at ${m.balance} after entry ${record.id.slice(0, 8)}, above its max balance ${m.maxBalance}` })
      }
    }
    if (sum !== 0n) findings.add({ kind: 'invariant', ...at, rule: 'zero_sum', detail: `entry ${record.id.slice(0, 8)} moves ${sum} in total, not 0` })
    if ((record.type === 'transfer' || record.type === 'accept') && record.amount !== null) totalVolume += BigInt(record.amount)
  }
  if (confirmedBalances === null) snapshotConfirmed()
  if (input.onProgress) input.onProgress(input.order.length % 1024)

  // Money on its way across a link sits in its hold (SPEC.md §12): balances and open holds sum to 0.
  const total = [...store.members.values()].reduce((s, m) => s + m.balance, 0n)
  const held = [...store.holds.values()].reduce((s, h) => s + (h.status === 'held' ? h.amount : 0n), 0n)
  if (total + held !== 0n) findings.add({ kind: 'invariant', writer: null, block: null, id: null, index: null, rule: 'zero_sum', detail: `balances sum to ${total} and open holds to ${held}, not 0` })

  compareState(input.view, store, findings)
  return {
    store,
    entries,
    findings: findings.close(),
    rejectedEntries,
    confirmedBalances: confirmedBalances!,
    confirmedStateHash,
    applied,
    rejected,
    totalVolume
  }
}

/** The link, hold and open-hold records the replay wrote, keyed as the view keys them. */
function federationRecords(store: MemoryStore): Map<string, unknown> {
  const out = new Map<string, unknown>()
  for (const l of store.links.values()) out.set(K.linkKey(l.bridge, l.ledger), linkToJson(l))
  for (const h of store.holds.values()) out.set(K.holdKey(h.id), holdToJson(h))
  if (store.holds.size > 0) out.set(K.FED_KEY, store.fed)
  return out
}

/** Compares every member, invoice, binding, name, history slot and the meta with the view's. */
function compareState(view: ViewContents, store: MemoryStore, findings: FindingList): void {
  const decimals = store.meta?.decimals ?? 0
  const members = new Map<string, unknown>([...store.members.values()].map((m) => [K.memberKey(m.account), memberToJson(m)]))
  compareMaps(view.members, members, findings, 'member_mismatch', (key, v, r) => describeMember(key, v as Record<string, unknown>, r as Record<string, unknown>, decimals))
  const invoices = new Map<string, unknown>([...store.invoices.values()].map((inv) => [K.invoiceKey(inv.id), invoiceToJson(inv)]))
  compareMaps(view.invoices, invoices, findings, 'invoice_mismatch')
  compareMaps(view.federation, federationRecords(store), findings, 'federation_mismatch')
  compareMaps(view.writers, new Map([...store.writers].map(([w, a]) => [K.writerKey(w), a])), findings, 'binding_mismatch')
  compareMaps(view.names, new Map([...store.names].map(([n, a]) => [K.nameIndexKey(n), a])), findings, 'name_mismatch')
  compareMaps(view.writerStates, new Map([...store.writerStates].map(([w, st]) => [K.writerStateKey(w), st])), findings, 'writer_state_mismatch')
  compareHistory(view.history, store.history, findings)
  compareMaps(view.proposals, new Map([...store.proposals.values()].map((p) => [K.proposalKey(p.id), proposalToJson(p)])), findings, 'proposal_mismatch')
  const gov = store.gov ? govToJson(store.gov) : null
  if (canonical(gov) !== canonical(view.gov)) {
    findings.add({ kind: 'view', writer: null, block: null, id: null, index: null, rule: 'gov_mismatch', detail: `the view's governance state (policy, open proposals, indexers) differs from the replay` })
  }
  const meta = store.meta ? metaToJson(store.meta) : null
  if (canonical(meta) !== canonical(view.meta)) {
    const diff = differingFields(meta as unknown as Record<string, unknown>, view.meta)
    findings.add({ kind: 'view', writer: null, block: null, id: null, index: null, rule: 'meta_mismatch', detail: `the view's meta differs from the replay${diff.length ? ' in ' + diff.join(', ') : ''}` })
  }
  for (const key of view.unknown) findings.add({ kind: 'view', writer: null, block: null, id: null, index: null, rule: 'unknown_key', detail: `the view holds ${JSON.stringify(key)}, which no entry writes` })
}

function compareMaps(
  view: Map<string, unknown>,
  replayed: Map<string, unknown>,
  findings: FindingList,
  rule: string,
  describe?: (key: string, view: unknown, replay: unknown) => string
): void {
  for (const [key, value] of replayed) {
    const stored = view.get(key)
    if (stored === undefined) {
      findings.add({ kind: 'view', writer: null, block: null, id: null, index: null, rule, detail: `the view lacks ${key}` })
    } else if (stored !== value && canonical(stored) !== canonical(value)) {
      const detail = describe ? describe(key, stored, value) : `${key} differs: view ${canonical(stored)}, replay ${canonical(value)}`
      findings.add({ kind: 'view', writer: null, block: null, id: null, index: null, rule, detail })
    }
  }
  for (const key of view.keys()) {
    if (!replayed.has(key)) findings.add({ kind: 'view', writer: null, block: null, id: null, index: null, rule, detail: `the view holds ${key}, which the replay never wrote` })
  }
}

/** History chunks compared with the chunks the replay's histories make (view-keys.ts, HISTORY_CHUNK). */
function compareHistory(view: Map<string, unknown>, replayed: Map<Hex, number[]>, findings: FindingList): void {
  const expected = new Set<string>()
  for (const [account, indexes] of replayed) {
    for (let chunk = 0; chunk * K.HISTORY_CHUNK < indexes.length; chunk++) {
      const key = K.historyKey(account, chunk)
      expected.add(key)
      const want = indexes.slice(chunk * K.HISTORY_CHUNK, (chunk + 1) * K.HISTORY_CHUNK)
      const stored = view.get(key)
      if (stored === undefined) {
        findings.add({ kind: 'view', writer: null, block: null, id: null, index: null, rule: 'history_mismatch', detail: `the view lacks ${key}` })
      } else if (!Array.isArray(stored) || stored.length !== want.length || stored.some((v, i) => v !== want[i])) {
        findings.add({ kind: 'view', writer: null, block: null, id: null, index: null, rule: 'history_mismatch', detail: `${key} differs: view ${JSON.stringify(stored)}, replay ${JSON.stringify(want)}` })
      }
    }
  }
  for (const key of view.keys()) {
    if (!expected.has(key)) findings.add({ kind: 'view', writer: null, block: null, id: null, index: null, rule: 'history_mismatch', detail: `the view holds ${key}, which the replay never wrote` })
  }
}

function describeMember(key: string, view: Record<string, unknown>, replay: Record<string, unknown>, decimals: number): string {
  const name = (replay.name as string) ?? key
  const parts = differingFields(view, replay).map((f) => {
    const amount = f === 'balance' || f === 'creditLimit' || f === 'maxBalance'
    const show = (v: unknown) => (amount && typeof v === 'string' && /^-?\d+$/.test(v) ? formatAmount(BigInt(v), decimals) : JSON.stringify(v))
    return `${f} ${show(view[f])} in the view, ${show(replay[f])} by replay`
  })
  return `member ${name} (${short(String(replay.account ?? ''))}): ${parts.join('; ')}`
}


/** Members as the report lists them. */
export function memberRows(store: MemoryStore, confirmed: Map<Hex, bigint>): Array<Member & { confirmed: bigint }> {
  return [...store.members.values()]
    .map((m) => ({ ...m, confirmed: confirmed.get(m.account) ?? 0n }))
    .sort((a, b) => cmp(a.name, b.name) || cmp(a.account, b.account))
}
