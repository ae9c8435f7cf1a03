/**
 * The audit: verify the signed logs and replay them, trusting no node's view.
 *
 * 1. Read the stored view (one snapshot): the order it claims and the state it claims.
 * 2. Download every writer core (those the view names and every writer their causal heads
 *    name), verify each core's signed tree and recompute it from the blocks.
 * 3. Verify every entry's ed25519 signature, in batches on worker threads, from 2 on.
 * 4. Check the claimed order against the signed causal graph (causal.ts).
 * 5. Replay the order through applyBlock on a MemoryStore, checking zero-sum, limits and
 *    at-most-once, and compare every record and the final state with the view (replay.ts).
 *    It runs while 3 does, taking every signature as valid, and again if one was not.
 * See docs/audit.md.
 */
import { fromHex, toHex, type Hex } from '../../protocol/index.js'
import type { Ledger } from '../ledger.js'
import { metaFromJson, type EntryRecord } from '../records.js'
import { META_KEY } from '../view-keys.js'
import { checkOrder, type CausalResult } from './causal.js'
import { unavailableWriters } from './completeness.js'
import { checkIndexes, linearOrder, memberRows, replay, type ReplayResult } from './replay.js'
import { SIG_INVALID, SIG_VALID, SignatureVerifier, type SignatureResult } from './signatures.js'
import type { AuditProgress, AuditReport, AuditWriter, Finding } from './types.js'
import { readTree, readView, type ViewContents } from './view-reader.js'
import { readWriterCore, type WriterCoreData } from './writer-cores.js'
import { governanceOf } from './decisions.js'
import { CLOCK_SKEW_MS, clockAhead } from './clock-ahead.js'

export interface AuditOptions {
  /** Called as each phase advances (for a progress display). */
  onProgress?: (progress: AuditProgress) => void
  /** Give up on a writer core's missing blocks after this long without progress (default 15 s). */
  stallMs?: number
  /** Read stored blocks in bulk (default true); false reads each writer block through hypercore's public get and walks the view's tree. */
  bulk?: boolean
  /**
   * Worker threads verifying entry signatures (default: one less than the machine's cores, at
   * least 1, at most 4); 0 verifies them all on the calling thread. The report is the same either way.
   */
  workers?: number
}

/**
 * Audits a ledger from the store it is opened on (a member's or an auditor's).
 *
 * @example
 * const report = await audit(ledger, { onProgress: (p) => console.error(p.phase, p.done, p.total) })
 * if (!report.ok) for (const f of report.findings) console.log(f.rule, f.detail)
 */
export async function audit(ledger: Ledger, opts: AuditOptions = {}): Promise<AuditReport> {
  await ledger.ready()
  await ledger.update()
  // The view's unconfirmed tail can be reordered (truncated and rewritten) while we read it:
  // then the reading is inconsistent, and the audit starts again.
  for (let attempt = 1; ; attempt++) {
    const fork = ledger.view.core.fork
    try {
      const report = await auditOnce(ledger, opts)
      if (ledger.view.core.fork === fork || attempt === REORDER_RETRIES) return report
    } catch (err) {
      if (ledger.view.core.fork === fork || attempt === REORDER_RETRIES) throw err
    }
  }
}

/** Attempts at most, when the view is reordered during an audit. */
const REORDER_RETRIES = 3

async function auditOnce(ledger: Ledger, opts: AuditOptions): Promise<AuditReport> {
  const started = Date.now()
  const progress = progressCounter(opts.onProgress)
  const ledgerKey = ledger.key

  // 1. The view's claims, from one snapshot, read while the writer cores download.
  const viewCore = ledger.view.core
  const viewLength = viewCore.length
  const signedLength = Math.min(viewCore.signedLength, viewLength)
  const snapshot = ledger.view.checkout(viewLength)
  const viewRead = readView(snapshot, (n) => progress('view', n, 0), { bulk: opts.bulk })
  viewRead.catch(() => {})

  // 2. The writer cores: every writer the view binds, every writer their heads name, and every
  // writer a record names; 3. their entry signatures, verified on worker threads as they arrive.
  const downloadStarted = Date.now()
  const findings: Finding[] = []
  const verifier = new SignatureVerifier(ledgerKey, { workers: opts.workers, onProgress: (n) => progress('verify', n, 0) })
  let view: ViewContents
  let cores: Map<Hex, WriterCoreData>
  let signatures: SignatureResult
  let verifyMs: number
  let downloadMs: number
  let confirmedEntries: number
  let unavailable: AuditReport['unavailable']
  let replayed: Replayed | null = null
  try {
    confirmedEntries = await confirmedCount(ledger, signedLength)
    // Every writer that can append was bound by an admit (or genesis); their heads name the rest.
    const bound = await readTree(snapshot, undefined, ['writer/'])
    const reader = new CoreReader(ledger, verifier, opts, (n) => progress('download', n, 0))
    await reader.read([...bound.writers.keys()].map((k) => k.slice('writer/'.length)))
    view = await viewRead
    await reader.read(new Set(view.records.map((r) => r.writer)))
    cores = reader.cores
    findings.push(...reader.findings)
    downloadMs = Date.now() - downloadStarted
    // Blocks no peer could hand over: retry later; a replay without them would only report noise.
    unavailable = unavailableWriters(view, cores)
    // 4-5 while the workers still verify: the replay assumes every signature holds (the common
    // case), and is redone below with the real results if any block it decided does not verify.
    if (unavailable.length === 0) replayed = await orderAndReplay(ledgerKey, view, cores, null, confirmedEntries, progress)
    signatures = await verifier.finish()
    verifyMs = Date.now() - (reader.firstValuesAt || Date.now())
  } finally {
    await verifier.close()
    await viewRead.catch(() => {})
    await snapshot.close().catch(() => {})
  }
  for (const key of view.indexMismatches) {
    findings.push({ kind: 'view', writer: null, block: null, id: null, index: null, rule: 'index_mismatch', detail: `the view's index and its log disagree on ${key}` })
  }

  if (replayed === null) {
    return incompleteReport(ledger, view, cores, unavailable, findings, signatures, { signedLength, viewLength, entries: confirmedEntries }, { started, downloadMs, verifyMs })
  }
  if (!allVerified(replayed.order, cores, signatures.status)) {
    replayed = null // let the first replay go before the second is built
    replayed = await orderAndReplay(ledgerKey, view, cores, signatures.status, confirmedEntries, progress)
  }
  const { causal, result, replayMs } = replayed
  findings.push(...replayed.indexFindings)
  findings.push(...causal.findings)
  findings.push(...result.findings)
  // Signatures of blocks outside the order (pending) are still checked and reported.
  for (const core of cores.values()) {
    const status = signatures.status.get(core.key)
    if (!status) continue
    const decided = replayed.decided.get(core.key)
    for (let b = 0; b < core.length; b++) {
      if (status[b] === SIG_INVALID && !(decided && decided[b] === 1)) {
        findings.push({ kind: 'signature', writer: core.key, block: b, id: null, index: null, rule: 'bad_signature', detail: `pending block ${b} of writer ${core.key.slice(0, 8)} is not signed by its author` })
      }
    }
  }
  progress('compare', 1, 1)

  const store = result.store
  const meta = store.meta
  const writers: AuditWriter[] = [...cores.values()].sort((a, b) => (a.key < b.key ? -1 : 1)).map((core) => {
    const account = store.writers.get(core.key) ?? null
    const member = account ? store.members.get(account) : undefined
    const decided = replayed.entriesPerWriter.get(core.key) ?? 0
    return {
      key: core.key,
      account,
      name: member ? member.name : null,
      length: core.length,
      acks: core.values.filter((v) => v === null).length,
      decided,
      pending: causal.pending.get(core.key) ?? 0,
      verified: core.verified
    }
  })
  const totalMs = Math.max(1, Date.now() - started)
  return {
    ok: findings.length === 0,
    complete: true,
    unavailable: [],
    ledger: { key: toHex(ledgerKey), name: meta?.name ?? null, unitCode: meta?.unitCode ?? null, decimals: meta?.decimals ?? null },
    entriesChecked: result.entries.length,
    applied: result.applied,
    rejected: result.rejected,
    signaturesChecked: signatures.checked,
    signaturesFailed: signatures.failed,
    totalVolume: result.totalVolume,
    members: memberRows(store, result.confirmedBalances).map((m) => ({
      account: m.account,
      name: m.name,
      writer: m.writer,
      role: m.role,
      status: m.status,
      balance: m.balance,
      confirmed: m.confirmed,
      creditLimit: m.creditLimit,
      maxBalance: m.maxBalance
    })),
    writers,
    findings,
    rejectedEntries: result.rejectedEntries,
    ...governanceOf(result.store, result.entries.map((e) => e.record)),
    clockAhead: clockAhead(cores, CLOCK_SKEW_MS, signatures.times),
    stateHash: meta ? meta.stateHash : null,
    viewStateHash: view.meta ? view.meta.stateHash : null,
    confirmed: { signedLength, viewLength, entries: confirmedEntries, stateHash: result.confirmedStateHash },
    pendingBlocks: writers.reduce((n, w) => n + w.pending, 0),
    timing: {
      downloadMs,
      verifyMs,
      replayMs,
      totalMs,
      entriesPerSecond: Math.round((result.entries.length * 1000) / totalMs),
      signaturesPerSecond: Math.round((signatures.checked * 1000) / Math.max(1, verifyMs))
    },
    entries: result.entries
  }
}

/** The order checked against the causal graph and replayed, with what the report needs of it. */
interface Replayed {
  order: EntryRecord[]
  indexFindings: Finding[]
  causal: CausalResult
  result: ReplayResult
  /** Per writer, 1 for each block with an entry in `result.entries`. */
  decided: Map<Hex, Uint8Array>
  entriesPerWriter: Map<Hex, number>
  replayMs: number
}

/**
 * 4. The order against the causal graph; 5. the replay. With `status` null every block counts as
 * verified (the workers are still at it): `allVerified` then says whether that result stands.
 */
async function orderAndReplay(
  ledgerKey: Uint8Array,
  view: ViewContents,
  cores: Map<Hex, WriterCoreData>,
  status: Map<Hex, Uint8Array> | null,
  confirmedEntries: number,
  progress: Progress
): Promise<Replayed> {
  const started = Date.now()
  const order = linearOrder(view.records)
  const indexFindings = checkIndexes(order, view.meta ? view.meta.entries : null)
  const causal = checkOrder(
    order.map((r) => ({ index: r.index, writer: r.writer, block: r.block, slot: r.slot ?? 0, id: r.id })),
    cores
  )
  progress('replay', 0, order.length, true)
  const result = await replay({ ledgerKey, view, order, cores, signatures: status, confirmedEntries, onProgress: (n) => progress('replay', n, order.length) })
  const decided = new Map<Hex, Uint8Array>()
  const entriesPerWriter = new Map<Hex, number>()
  for (const e of result.entries) {
    const writer = e.record.writer as Hex
    entriesPerWriter.set(writer, (entriesPerWriter.get(writer) ?? 0) + 1)
    let marks = decided.get(writer)
    if (!marks) decided.set(writer, (marks = new Uint8Array(cores.get(writer)?.length ?? 0)))
    if (e.record.block < marks.length) marks[e.record.block] = 1
  }
  return { order, indexFindings, causal, result, decided, entriesPerWriter, replayMs: Date.now() - started }
}

/**
 * Whether every block the replay decided verified, so a replay that took them all as verified
 * decided exactly what one given the real results would. (It looks at every block the order
 * names, a superset of those decided.)
 */
function allVerified(order: EntryRecord[], cores: Map<Hex, WriterCoreData>, status: Map<Hex, Uint8Array>): boolean {
  for (const r of order) {
    const value = cores.get(r.writer)?.values[r.block]
    if (value && status.get(r.writer)?.[r.block] !== SIG_VALID) return false
  }
  return true
}

/**
 * The report of an audit that could not read every block it needs: what was read was verified
 * (signed trees, signatures, equivocation), nothing was replayed, and the view's claims are shown
 * as the view's.
 */
function incompleteReport(
  ledger: Ledger,
  view: ViewContents,
  cores: Map<Hex, WriterCoreData>,
  unavailable: AuditReport['unavailable'],
  findings: Finding[],
  signatures: SignatureResult,
  confirmed: { signedLength: number; viewLength: number; entries: number },
  time: { started: number; downloadMs: number; verifyMs: number }
): AuditReport {
  const meta = view.meta ? metaFromJson(view.meta) : null
  const totalMs = Math.max(1, Date.now() - time.started)
  return {
    ok: false,
    complete: false,
    unavailable,
    ledger: { key: toHex(ledger.key), name: meta?.name ?? null, unitCode: meta?.unitCode ?? null, decimals: meta?.decimals ?? null },
    entriesChecked: 0,
    applied: 0,
    rejected: 0,
    signaturesChecked: signatures.checked,
    signaturesFailed: signatures.failed,
    totalVolume: 0n,
    members: [],
    writers: [...cores.values()].sort((a, b) => (a.key < b.key ? -1 : 1)).map((core) => ({
      key: core.key,
      account: (view.writers.get('writer/' + core.key) as Hex | undefined) ?? null,
      name: null,
      length: core.length,
      acks: core.values.filter((v) => v === null).length,
      decided: 0,
      pending: 0,
      verified: core.verified
    })),
    findings,
    rejectedEntries: [],
    policy: null,
    decisions: [],
    proposals: [],
    clockAhead: clockAhead(cores, CLOCK_SKEW_MS, signatures.times),
    stateHash: null,
    viewStateHash: meta ? meta.stateHash : null,
    confirmed: { ...confirmed, stateHash: null },
    pendingBlocks: 0,
    timing: {
      downloadMs: time.downloadMs,
      verifyMs: time.verifyMs,
      replayMs: 0,
      totalMs,
      entriesPerSecond: 0,
      signaturesPerSecond: Math.round((signatures.checked * 1000) / Math.max(1, time.verifyMs))
    },
    entries: []
  }
}

/** Reads writer cores and every writer their causal heads name, feeding the signature verifier. */
class CoreReader {
  readonly cores = new Map<Hex, WriterCoreData>()
  readonly findings: Finding[] = []
  /** When the first entry values went to the verifier. */
  firstValuesAt = 0
  private readonly queue: Hex[] = []
  private readonly encryption: (() => unknown) | null

  constructor(
    private readonly ledger: Ledger,
    private readonly verifier: SignatureVerifier,
    private readonly opts: AuditOptions,
    private readonly onBlocks: (n: number) => void
  ) {
    this.encryption = ledger.encryptionKey ? () => ledger.base.getWriterEncryption() : null
  }

  /** Reads the given writers not read yet, then the writers their heads name, until none is left. */
  async read(keys: Iterable<string>): Promise<void> {
    for (const key of keys) this.want(key)
    while (this.queue.length > 0) {
      const key = this.queue.shift()!
      const core = await readWriterCore(this.ledger.store, fromHex(key), {
        encryption: this.encryption,
        stallMs: this.opts.stallMs,
        bulk: this.opts.bulk,
        onBlocks: this.onBlocks,
        onBegin: (k, length) => this.verifier.begin(k, length),
        onValues: (k, start, values) => {
          if (this.firstValuesAt === 0) this.firstValuesAt = Date.now()
          this.verifier.chunk(k, start, values)
        }
      })
      this.cores.set(key, core)
      this.findings.push(...core.findings)
      const named = new Set<string>()
      for (const heads of core.heads) for (const h of heads) named.add(h.key)
      for (const k of named) this.want(k)
    }
  }

  private want(key: string): void {
    if (/^[0-9a-f]{64}$/.test(key) && !this.cores.has(key as Hex) && !this.queue.includes(key as Hex)) this.queue.push(key as Hex)
  }
}

/** Entries below the view's quorum-signed length: the meta of the view at that length. */
async function confirmedCount(ledger: Ledger, signedLength: number): Promise<number> {
  const confirmed = ledger.view.checkout(signedLength)
  try {
    const node = await confirmed.get(META_KEY)
    return node ? metaFromJson(node.value).entries : 0
  } finally {
    await confirmed.close()
  }
}

/** Adds `n` to a phase's count (or starts it again at `n`: a replay redone). */
type Progress = (phase: AuditProgress['phase'], n: number, total: number, restart?: boolean) => void

/** Turns increments into running totals per phase. */
function progressCounter(onProgress?: (p: AuditProgress) => void): Progress {
  const done = new Map<string, number>()
  return (phase, n, total, restart = false) => {
    if (!onProgress) return
    const d = (restart ? 0 : (done.get(phase) ?? 0)) + n
    done.set(phase, d)
    onProgress({ phase, done: d, total })
  }
}
