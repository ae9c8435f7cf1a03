/**
 * `tally audit [--export json|csv|hledger|beancount] [--out FILE] [--workers N]`: verifies the ledger from its
 * signed logs (src/audit), prints a summary or, with --json, the full report, and writes an
 * export. Exit code: 1 when anything failed verification, 3 when blocks it needs could not be
 * fetched (a writer's node offline: retry later), 0 otherwise.
 *
 * @example
 * const result = await audit({ ledger, export: 'hledger', out: 'ledger.journal', log: (l) => console.error(l) })
 * process.stdout.write(renderAudit(result))
 * process.exitCode = result.exitCode
 */
import fs from 'fs/promises'
import type { LedgerCommand } from '../command.js'
import { countArg } from '../values.js'
// Only the light surface at the top: the audit stack (the main entry) loads when an audit runs, so other commands start fast.
import { describeUnavailable, displayText, formatAmount, LedgerError, type AuditProgress, type AuditReport, type ExportFormat, type Ledger, type reportToJson } from '../../src/cli-surface.js'

export interface AuditCommandOptions {
  ledger: Ledger
  /** Export format: json, csv, hledger or beancount. */
  export?: string
  /** Where to write the export; without it the export is the command's output. */
  out?: string
  /** Worker threads verifying signatures (`--workers N`, a whole number from 1); default: the library's (one less than the cores, 1 to 4). */
  workers?: string
  /** A line of progress for people (stderr). */
  log?: (line: string) => void
}

/** The report as JSON (amounts in minor units), plus what was exported. */
export type AuditCommandResult = ReturnType<typeof reportToJson> & {
  ok: boolean
  /** What `tally audit` exits with: 1 when anything failed verification, else 3 when it could not read every block (retry later), else 0. */
  exitCode: 0 | 1 | 3
  /** The export, when one was asked for: where it went and how large it is. */
  exported: { format: ExportFormat; path: string | null; bytes: number } | null
  /** The export's text when no --out was given (it is then the command's output). */
  exportText: string | null
  /** Ledger unit, for rendering amounts. */
  decimals: number
  unitCode: string
}

/** `tally audit`'s exit code when blocks it needs were unavailable (and nothing failed): not fraud, retry later. */
export const EXIT_AUDIT_INCOMPLETE = 3

/** Lines shown at most this often while one phase runs. */
const PROGRESS_EVERY_MS = 1000
/** Most worker threads `--workers` takes: past the cores, more threads only take turns. */
const WORKERS_MAX = 64

/** Runs the audit; throws LedgerError BAD_INPUT for an unknown export format or a bad --workers (before any work). */
export async function audit(opts: AuditCommandOptions): Promise<AuditCommandResult> {
  const workers = workersArg(opts.workers)
  const { audit: auditLedger, exportReport, isExportFormat, reportToJson, EXPORT_FORMATS } = await import('../../src/index.js')
  let format: ExportFormat | null = null
  if (opts.export !== undefined) {
    if (!isExportFormat(opts.export)) throw LedgerError.BAD_INPUT(`unknown export format ${JSON.stringify(opts.export)}: use one of ${EXPORT_FORMATS.join(', ')}`)
    format = opts.export
  }
  if (opts.out !== undefined && format === null) throw LedgerError.BAD_INPUT('--out needs --export FORMAT')
  const report = await auditLedger(opts.ledger, { onProgress: opts.log ? progressLines(opts.log) : undefined, ...(workers === undefined ? {} : { workers }) })
  let exported: AuditCommandResult['exported'] = null
  let exportText: string | null = null
  // An incomplete audit exports nothing (it replayed nothing); the summary says what to retry.
  if (format !== null && report.complete) {
    if (report.ledger.unitCode === null) throw LedgerError.NOT_SYNCED('this ledger has no genesis here yet (not synced): nothing to export')
    const text = exportReport(report, format)
    if (opts.out !== undefined) {
      try {
        await fs.writeFile(opts.out, text, { mode: 0o600 }) // every balance and memo: owner-only, like the data dir
      } catch (err) {
        throw LedgerError.STORAGE(`cannot write ${opts.out}: ${(err as Error).message}`, { cause: err })
      }
    } else {
      exportText = text
    }
    exported = { format, path: opts.out ?? null, bytes: Buffer.byteLength(text) }
  }
  return { ...reportToJson(report), ok: report.ok, exitCode: report.findings.length > 0 ? 1 : report.complete ? 0 : EXIT_AUDIT_INCOMPLETE, exported, exportText, decimals: report.ledger.decimals ?? 0, unitCode: report.ledger.unitCode ?? '' }
}

/** `--workers N` as a count (undefined: the library's default); BAD_INPUT naming the flag for 0, a typo or a non-number. */
export function workersArg(text: string | undefined): number | undefined {
  return text === undefined ? undefined : countArg(text, '--workers', 1, WORKERS_MAX)
}

/** Turns progress events into a line when each phase starts and at most one a second after. */
export function progressLines(log: (line: string) => void): (p: AuditProgress) => void {
  const seen = new Set<string>()
  let last = 0
  const labels: Record<AuditProgress['phase'], string> = {
    view: 'reading the view',
    download: 'downloading and reading writer cores',
    verify: 'verifying entry signatures',
    replay: 'replaying entries',
    compare: 'comparing with the view'
  }
  return (p) => {
    const now = Date.now()
    if (seen.has(p.phase) && now - last < PROGRESS_EVERY_MS) return
    seen.add(p.phase)
    last = now
    log(`audit: ${labels[p.phase]}: ${p.done.toLocaleString('en')}${p.total > 0 ? ' of ' + p.total.toLocaleString('en') : ''}`)
  }
}

function amount(v: unknown, r: AuditCommandResult): string {
  return formatAmount(BigInt(v as number | string), r.decimals)
}

/** The summary for people; with an export and no --out, the export itself. */
export function renderAudit(r: AuditCommandResult): string {
  if (r.exportText !== null) return r.exportText
  const report = r as unknown as AuditReport & AuditCommandResult
  const lines: string[] = []
  const name = report.ledger.name ?? '(no genesis)'
  lines.push(`Audit of ${JSON.stringify(name)} (ledger ${report.ledger.key.slice(0, 16)})`)
  const rows: Array<[string, string]> = [
    ['entries checked', `${report.entriesChecked} (${report.applied} applied, ${report.rejected} rejected)`],
    ['signatures', `${report.signaturesChecked} verified, ${report.signaturesFailed} failed`],
    ['members', String(report.members.length)],
    ['total volume', `${amount(report.totalVolume, r)} ${r.unitCode}`],
    ['writers', `${report.writers.length} (${report.writers.filter((w) => w.verified).length} signed trees verified)`],
    ['state hash', `${report.stateHash ?? '-'}${report.viewStateHash === report.stateHash ? ' (the view agrees)' : ` (the view says ${report.viewStateHash ?? '-'})`}`],
    ['confirmed', `${report.confirmed.entries} entries (view signed length ${report.confirmed.signedLength} of ${report.confirmed.viewLength})`],
    ['pending blocks', String(report.pendingBlocks)],
    ['rate', `${report.timing.entriesPerSecond} entries/s (${(report.timing.totalMs / 1000).toFixed(2)} s; signatures ${report.timing.signaturesPerSecond}/s)`]
  ]
  const width = Math.max(...rows.map(([k]) => k.length))
  for (const [k, v] of rows) lines.push(`  ${k.padEnd(width)}  ${v}`)
  if (report.members.length > 0) {
    lines.push('Balances (replayed)')
    const nameWidth = Math.max(...report.members.map((m) => m.name.length))
    for (const m of report.members) {
      const bal = amount(m.balance, r)
      const conf = amount(m.confirmed, r)
      lines.push(`  ${m.name.padEnd(nameWidth)}  ${bal.padStart(14)}${conf === bal ? '' : `  (confirmed ${conf})`}`)
    }
  }
  const ahead = report.clockAhead
  if (ahead.flags.length > 0) {
    lines.push(`Clocks running ahead (${ahead.flags.length + ahead.more}; flags, not failures: SPEC.md §11)`)
    for (const f of ahead.flags.slice(0, 10)) lines.push(`  ${f.detail}`)
    if (ahead.flags.length + ahead.more > 10) lines.push(`  ... and ${ahead.flags.length + ahead.more - 10} more (--json lists up to 100)`)
  }
  if (report.decisions.length > 0 || report.policy !== null) {
    lines.push(`Decisions (${report.decisions.length}; policy: ${report.policy === null ? 'steward, no charter' : 'by the members'})`)
    for (const d of report.decisions.slice(-20)) {
      lines.push(`  #${d.index} ${d.action}${d.target ? ' ' + displayText(d.target) : ''} ${d.status} (${d.method}, ${d.yes} yes ${d.no} no): ${displayText(d.reason)}`)
    }
    if (report.decisions.length > 20) lines.push(`  ... and ${report.decisions.length - 20} earlier (--json lists all)`)
  }
  if (report.rejectedEntries.length > 0) {
    lines.push(`Rejected by the rules (${report.rejectedEntries.length}; recorded as rejected, no effect)`)
    for (const e of report.rejectedEntries.slice(0, 20)) lines.push(`  #${e.index} ${e.code} ${e.id.slice(0, 8)}: ${e.reason}`)
    if (report.rejectedEntries.length > 20) lines.push(`  ... and ${report.rejectedEntries.length - 20} more (--json lists all)`)
  }
  if (!report.complete) {
    lines.push(`INCOMPLETE: ${describeUnavailable(report)}; retry when ${report.unavailable.length === 1 ? 'its node is' : 'their nodes are'} online`)
    lines.push(
      report.findings.length === 0
        ? '  Nothing was replayed; what could be read verified (signed trees and signatures). This is not a finding of tampering.'
        : '  Nothing was replayed; the findings below are in the blocks that could be read.'
    )
    if (r.exported === null) lines.push('  No export was written.')
  }
  if (report.findings.length === 0) {
    if (report.complete) lines.push('No findings: the signed logs, the replay and the view agree.')
  } else {
    lines.push(`FINDINGS (${report.findings.length}): the audit FAILED`)
    for (const f of report.findings) {
      const at = [f.writer ? `writer ${f.writer.slice(0, 8)}` : '', f.block !== null ? `block ${f.block}` : '', f.id ? `entry ${f.id.slice(0, 8)}` : '', f.index !== null ? `index ${f.index}` : '']
        .filter(Boolean)
        .join(' ')
      lines.push(`  [${f.kind}] ${f.rule}${at ? ' (' + at + ')' : ''}: ${f.detail}`)
      const histories = (f.evidence as { histories?: Array<{ source: string; signedLength: number; treeHash: string; signature: string }> } | undefined)?.histories
      for (const h of histories ?? []) {
        lines.push(`      ${h.source} history: tree ${h.treeHash}, signed at length ${h.signedLength} by signature ${h.signature}`)
      }
    }
  }
  if (r.exported) lines.push(`Exported ${r.exported.format} to ${r.exported.path} (${r.exported.bytes} bytes)`)
  return lines.join('\n') + '\n'
}

/** `tally audit`: one line in cli/commands/index.ts. */
export const auditCommand: LedgerCommand<{ export?: string; out?: string; workers?: string }, AuditCommandResult> = {
  name: 'audit',
  scope: 'ledger',
  summary: 'verify every signature and rule from genesis, reproduce every balance, export for accountants',
  flags: {
    export: { type: 'string', value: 'FORMAT', help: 'write an export: json (signed receipts), csv, hledger or beancount' },
    out: { type: 'string', value: 'FILE', path: true, help: 'where to write the export (default: stdout)' },
    workers: { type: 'string', value: 'N', help: 'worker threads verifying signatures (default: one less than the cores, 1 to 4); the report is the same' }
  },
  examples: ['tally audit', 'tally audit --json', 'tally audit --export hledger --out ledger.journal', 'tally audit --export csv > transfers.csv', 'tally audit --workers 2'],
  // A bad --workers is refused where the command was typed, before a store is opened or a node asked.
  prepare: (opts) => (workersArg(opts.workers as string | undefined), opts),
  run: (ctx, opts) => audit({ ledger: ctx.ledger, export: opts.export, out: opts.out, workers: opts.workers, log: ctx.log }),
  render: renderAudit,
  exitCode: (r) => r.exitCode
}
