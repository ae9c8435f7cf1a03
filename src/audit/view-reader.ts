/**
 * Reads everything the stored view claims, as the stored JSON, so the comparison sees exactly
 * what is there (key layout: view-keys.ts).
 *
 * A Hyperbee is a log of puts plus a B-tree index inside each block. Walking the tree costs a
 * block read and an index decode per key (about 90 us here, 9 s for a 100k-entry view), so the
 * auditor reads the log instead: every block in order, the last put of each key wins. It then
 * asks the tree (the index every reader uses) for the small prefixes, the meta and a sample of
 * records, and reports any key where the tree and the log disagree. When the log cannot be
 * read in bulk it walks the tree in concurrent key ranges instead.
 */
import b4a from 'b4a'
import type Hyperbee from 'hyperbee'
import type { BeeReader } from 'hyperbee'
import { Node } from 'hyperbee/lib/messages.js'
import type { EntryRecord } from '../records.js'
import { GOV_KEY, LOG_PREFIX as K_LOG, META_KEY, PROPOSAL_PREFIX } from '../view-keys.js'
import { visitStoredBlocks } from './block-reader.js'

/** The view's records, keyed as stored; values are the stored JSON. */
export interface ViewContents {
  meta: any | null
  /** `log/<index>` records: every decided block. */
  records: EntryRecord[]
  /** The other prefixes, key -> value. */
  members: Map<string, unknown>
  invoices: Map<string, unknown>
  writers: Map<string, unknown>
  /** `wstate/<writer>`: last decided block and junk count per writer. */
  writerStates: Map<string, unknown>
  names: Map<string, unknown>
  history: Map<string, unknown>
  /** Governance state (`gov`) and proposals (`prop/<id>`). */
  gov: unknown | null
  proposals: Map<string, unknown>
  /** Federation: `link/`, `hold/` and `fed/` keys. */
  federation: Map<string, unknown>
  /** Keys under no known prefix. */
  unknown: string[]
  /** Keys whose value the B-tree and the log disagree on (a damaged or forged index). */
  indexMismatches: string[]
}

/** Prefixes whose next character is hex, split 16 ways when walking the tree; the rest are read whole. */
const HEX_PREFIXES = ['log/', 'wstate/', 'hist/', 'acct/', 'inv/', 'writer/', PROPOSAL_PREFIX]
const OTHER_PREFIXES = ['name/', 'link/', 'hold/', 'fed/']
const ALL_PREFIXES = [...HEX_PREFIXES, ...OTHER_PREFIXES]
/** Prefixes the tree is asked for in full after a log read: few keys, and the ones people read. */
const CHECKED_PREFIXES = ['acct/', 'inv/', 'writer/', 'name/']
/** Entry records also looked up through the tree, spread over the log. */
const RECORD_SAMPLE = 64

function emptyContents(): ViewContents {
  return { meta: null, records: [], members: new Map(), invoices: new Map(), writers: new Map(), writerStates: new Map(), names: new Map(), history: new Map(), gov: null, proposals: new Map(), federation: new Map(), unknown: [], indexMismatches: [] }
}

/** Fields of entry records whose values recur (writers, members, types, reasons): stored once, see `interner`. */
const RECURRING = ['writer', 'type', 'author', 'status', 'memo', 'code', 'reason', 'payer', 'payee', 'account'] as const
/** Distinct values kept at most: past this, values are kept as parsed. */
const INTERNED_MAX = 65_536

/**
 * Makes equal strings of the records one string. JSON.parse makes a fresh string for every
 * value, so 100,000 records held the same writer key 100,000 times: each one copied by every
 * young-generation collection it survived, and marked by every full one.
 */
function interner(): (record: Record<string, unknown>) => void {
  const known = new Map<string, string>()
  return (record) => {
    for (const field of RECURRING) {
      const v = record[field]
      if (typeof v !== 'string') continue
      const same = known.get(v)
      if (same !== undefined) record[field] = same
      else if (known.size < INTERNED_MAX) known.set(v, v)
    }
  }
}

function place(out: ViewContents, key: string, value: unknown, intern?: (record: Record<string, unknown>) => void): void {
  if (key === META_KEY) out.meta = value
  else if (key === GOV_KEY) out.gov = value
  else if (key.startsWith(PROPOSAL_PREFIX)) out.proposals.set(key, value)
  else if (key.startsWith(K_LOG)) {
    // A log chunk: up to LOG_CHUNK records (view-keys.ts).
    if (!Array.isArray(value)) out.unknown.push(key)
    else {
      for (const r of value) {
        if (r === null) continue
        if (intern && typeof r === 'object') intern(r)
        out.records.push(r as EntryRecord)
      }
    }
  }
  else if (key.startsWith('acct/')) out.members.set(key, value)
  else if (key.startsWith('inv/')) out.invoices.set(key, value)
  else if (key.startsWith('link/') || key.startsWith('hold/') || key.startsWith('fed/')) out.federation.set(key, value)
  else if (key.startsWith('writer/')) out.writers.set(key, value)
  else if (key.startsWith('wstate/')) out.writerStates.set(key, value)
  else if (key.startsWith('name/')) out.names.set(key, value)
  else if (key.startsWith('hist/')) out.history.set(key, value)
  else out.unknown.push(key)
}

/**
 * Reads the view as of `bee` (a checkout at a fixed version), from its log when possible
 * (`bulk: false` walks the tree). `onKey` counts keys for progress.
 */
export async function readView(bee: Hyperbee, onKey?: (n: number) => void, opts: { bulk?: boolean } = {}): Promise<ViewContents> {
  const fromLog = opts.bulk === false ? null : await readLog(bee, onKey)
  if (fromLog !== null) return fromLog
  return readTree(bee, onKey)
}

async function readLog(bee: Hyperbee, onKey?: (n: number) => void): Promise<ViewContents | null> {
  await bee.ready()
  const length = bee.version
  const latest = new Map<string, Uint8Array | null>()
  let bad = false
  const ok = await visitStoredBlocks(bee.core, length, (index, plain) => {
    if (index === 0 || bad) return // block 0 is the Hyperbee header
    try {
      const node = Node.decode(plain)
      latest.set(b4a.toString(node.key), node.value)
    } catch {
      bad = true
    }
    if (onKey && index % 4096 === 0) onKey(4096)
  })
  if (!ok || bad) return null
  const out = emptyContents()
  try {
    const intern = interner()
    for (const [key, value] of latest) if (value !== null) place(out, key, parseValue(value), intern)
  } catch {
    return null
  }
  await crossCheck(bee, out, latest)
  return out
}

/** A stored JSON value. History slots (two per payment) hold a quoted id: those skip the parser. */
function parseValue(value: Uint8Array): unknown {
  const text = b4a.toString(value)
  if (text.length === 66 && text.charCodeAt(0) === 34 && text.charCodeAt(65) === 34 && /^"[0-9a-f]{64}"$/.test(text)) return text.slice(1, 65)
  return JSON.parse(text)
}

/** Asks the tree for the keys people read and a sample of records; notes where it disagrees with the log. */
async function crossCheck(bee: BeeReader, out: ViewContents, latest: Map<string, Uint8Array | null>): Promise<void> {
  const fromTree = new Map<string, string>()
  await Promise.all(
    CHECKED_PREFIXES.map(async (p) => {
      for await (const node of bee.createReadStream({ gte: p, lt: after(p) })) fromTree.set(node.key, JSON.stringify(node.value))
    })
  )
  const keys = new Set<string>([META_KEY, ...fromTree.keys()])
  for (const key of latest.keys()) if (CHECKED_PREFIXES.some((p) => key.startsWith(p))) keys.add(key)
  const records = [...latest.keys()].filter((k) => k.startsWith(K_LOG))
  const step = Math.max(1, Math.floor(records.length / RECORD_SAMPLE))
  for (let i = 0; i < records.length; i += step) keys.add(records[i])
  await Promise.all(
    [...keys].map(async (key) => {
      const tree = fromTree.has(key) ? fromTree.get(key)! : await bee.get(key).then((n) => (n ? JSON.stringify(n.value) : null))
      const log = latest.get(key)
      const logJson = log === undefined || log === null ? null : JSON.stringify(JSON.parse(b4a.toString(log)))
      if (tree !== logJson) out.indexMismatches.push(key)
    })
  )
  out.indexMismatches.sort()
}

/** The smallest string above every string starting with `prefix`. */
function after(prefix: string): string {
  return prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1)
}

interface Range {
  gte?: string
  lt?: string
}

/** Key ranges covering each prefix, hex-keyed ones split by their next character. */
function ranges(prefixes: string[]): Range[] {
  const out: Range[] = []
  for (const p of prefixes) {
    if (!HEX_PREFIXES.includes(p)) {
      out.push({ gte: p, lt: after(p) })
      continue
    }
    out.push({ gte: p, lt: p + '0' })
    for (const h of '0123456789abcdef') out.push({ gte: p + h, lt: after(p + h) })
    // Between 9 and a (upper-case hex among them) and after f: apply never writes these; read them anyway.
    out.push({ gte: after(p + '9'), lt: p + 'a' })
    out.push({ gte: p + 'g', lt: after(p) })
  }
  return out
}

/** The key space outside every prefix and the meta key, so stray keys are seen. */
function gaps(prefixes: string[]): Range[] {
  const covered = [...prefixes.map((p) => ({ gte: p, lt: after(p) })), { gte: META_KEY, lt: META_KEY + '\0' }, { gte: GOV_KEY, lt: GOV_KEY + '\0' }].sort((a, b) => (a.gte < b.gte ? -1 : 1))
  const out: Range[] = []
  let from: string | undefined
  for (const c of covered) {
    if (from === undefined || from < c.gte) out.push(from === undefined ? { lt: c.gte } : { gte: from, lt: c.gte })
    if (from === undefined || c.lt > from) from = c.lt
  }
  out.push({ gte: from })
  return out
}

/** Walks the tree in concurrent key ranges (each stream reads one block at a time). */
export async function readTree(bee: BeeReader, onKey?: (n: number) => void, only?: string[]): Promise<ViewContents> {
  const out = emptyContents()
  if (!only) {
    const meta = await bee.get(META_KEY)
    out.meta = meta ? meta.value : null
    const gov = await bee.get(GOV_KEY)
    out.gov = gov ? gov.value : null
  }
  const all = [...ranges(only ?? ALL_PREFIXES), ...(only ? [] : gaps(ALL_PREFIXES))]
  await Promise.all(
    all.map(async (range) => {
      let n = 0
      for await (const node of bee.createReadStream(range)) {
        place(out, node.key, node.value)
        if (onKey && ++n % 1024 === 0) onKey(1024)
      }
      if (onKey) onKey(n % 1024)
    })
  )
  return out
}
