/**
 * The audit: verify the signed logs and replay them, trusting no node's view.
 *
 * 1. Read the stored view (one snapshot): the order it claims and the state it claims.
 * 2. Download every writer core (those the view names and every writer their causal heads
 *    name), verify each core's signed tree and recompute it from the blocks.
 * 3. Verify every entry's ed25519 signature, in batches.
 * 4. Check the claimed order against the signed causal graph (causal.ts).
 * 5. Replay the order through applyBlock on a MemoryStore, checking zero-sum, limits and
 *    at-most-once, and compare every record and the final state with the view (replay.ts).
 * See docs/audit.md.
 */
import { fromHex, toHex, type Hex } from '../../protocol/index.js'
import type { Ledger } from '../ledger.js'
import { metaFromJson } from '../records.js'
import { META_KEY } from '../view-keys.js'
import { checkOrder } from './causal.js'
import { checkIndexes, linearOrder, memberRows, replay } from './replay.js'
import { SIG_INVALID, SignatureVerifier } from './signatures.js'
import type { AuditProgress, AuditReport, AuditWriter, Finding } from './types.js'
import { readTree, readView } from './view-reader.js'
import { readWriterCore, type WriterCoreData } from './writer-cores.js'

export interface AuditOptions {
  /** Called as each phase advances (for a progress display). */
  onProgress?: (progress: AuditProgress) => void
  /** Give up on a writer core's missing blocks after this long without progress (default 15 s). */
  stallMs?: number
  /** Read stored blocks in bulk (default true); false reads each block through hypercore's public get. */
  bulk?: boolean
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
  const viewRead = readView(snapshot, (n) => progress('view', n, 0))
  viewRead.catch(() => {})
  const confirmedEntries = await confirmedCount(ledger, signedLength)
  // Every writer that can append was bound by an admit (or genesis); their heads name the rest.
  const bound = await readTree(snapshot, undefined, ['writer/'])

  // 2. The writer cores: every writer the view names, then every writer their heads name.
  // 3. Their entry signatures, verified by worker threads as each core arrives.
  const downloadStarted = Date.now()
  const findings: Finding[] = []
  const cores = new Map<Hex, WriterCoreData>()
  const queue: Hex[] = []
  const want = (key: string) => {
    if (/^[0-9a-f]{64}$/.test(key) && !cores.has(key as Hex) && !queue.includes(key as Hex)) queue.push(key as Hex)
  }
  for (const key of bound.writers.keys()) want(key.slice('writer/'.length))
  const encryption = ledger.encryptionKey ? () => ledger.base.getWriterEncryption() : null
  let verifyStarted = 0
  const verifier = new SignatureVerifier(ledgerKey, (n) => progress('verify', n, 0))
  const drain = async () => {
    while (queue.length > 0) {
      const key = queue.shift()!
      const core = await readWriterCore(ledger.store, fromHex(key), {
        encryption,
        stallMs: opts.stallMs,
        bulk: opts.bulk,
        onBlocks: (n) => progress('download', n, 0),
        onBegin: (k, length) => verifier.begin(k, length),
        onValues: (k, start, values) => {
          if (verifyStarted === 0) verifyStarted = Date.now()
          verifier.chunk(k, start, values)
        }
      })
      cores.set(key, core)
      findings.push(...core.findings)
      for (const heads of core.heads) for (const h of heads) want(h.key)
    }
  }
  await drain()
  const view = await viewRead.finally(() => snapshot.close())
  for (const key of view.indexMismatches) {
    findings.push({ kind: 'view', writer: null, block: null, id: null, index: null, rule: 'index_mismatch', detail: `the view's index and its log disagree on ${key}` })
  }
  // Records may name writers no binding or head does (a doctored view): read those too.
  for (const r of view.records) want(r.writer)
  await drain()
  const downloadMs = Date.now() - downloadStarted
  const signatures = await verifier.finish()
  const verifyMs = Date.now() - (verifyStarted || Date.now())

  // 4. The order against the causal graph; 5. the replay.
  const replayStarted = Date.now()
  const order = linearOrder(view.records)
  findings.push(...checkIndexes(order, view.meta ? view.meta.entries : null))
  const causal = checkOrder(
    order.map((r) => ({ index: r.index, writer: r.writer, block: r.block, id: r.id })),
    cores
  )
  findings.push(...causal.findings)
  progress('replay', 0, order.length)
  const result = await replay({ ledgerKey, view, order, cores, signatures: signatures.status, confirmedEntries, onProgress: (n) => progress('replay', n, order.length) })
  findings.push(...result.findings)
  // Signatures of blocks outside the order (pending) are still checked and reported.
  const replayed = new Set(result.entries.map((e) => e.record.writer + '/' + e.record.block))
  for (const core of cores.values()) {
    const status = signatures.status.get(core.key)
    for (let b = 0; status && b < core.length; b++) {
      if (status[b] === SIG_INVALID && !replayed.has(core.key + '/' + b)) {
        findings.push({ kind: 'signature', writer: core.key, block: b, id: null, index: null, rule: 'bad_signature', detail: `pending block ${b} of writer ${core.key.slice(0, 8)} is not signed by its author` })
      }
    }
  }
  const replayMs = Date.now() - replayStarted
  progress('compare', 1, 1)

  const store = result.store
  const meta = store.meta
  const writers: AuditWriter[] = [...cores.values()].map((core) => {
    const account = store.writers.get(core.key) ?? null
    const member = account ? store.members.get(account) : undefined
    const decided = result.entries.filter((e) => e.record.writer === core.key).length
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

/** Turns increments into running totals per phase. */
function progressCounter(onProgress?: (p: AuditProgress) => void): (phase: AuditProgress['phase'], n: number, total: number) => void {
  const done = new Map<string, number>()
  return (phase, n, total) => {
    if (!onProgress) return
    const d = (done.get(phase) ?? 0) + n
    done.set(phase, d)
    onProgress({ phase, done: d, total })
  }
}
