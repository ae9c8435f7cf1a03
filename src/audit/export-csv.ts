/**
 * The CSV export: one row per completed payment (an applied transfer or accepted invoice), in
 * ledger order. RFC 4180 quoting; text cells a spreadsheet would run as a formula (starting
 * with = + - @ or a tab) get a leading apostrophe, as OWASP advises for CSV injection.
 */
import { paymentsOf, decimal, timeOf, unitOf } from './export-common.js'
import type { AuditReport } from './types.js'

export const CSV_COLUMNS = ['index', 'date', 'time', 'id', 'type', 'payer', 'payer_name', 'payee', 'payee_name', 'amount', 'unit', 'memo', 'confirmed'] as const

function field(value: string): string {
  return /[",\r\n]/.test(value) ? '"' + value.replace(/"/g, '""') + '"' : value
}

/** Free text as a cell a spreadsheet shows and never evaluates. */
function text(value: string): string {
  return field(/^[=+\-@\t\r]/.test(value) ? "'" + value : value)
}

export function exportCsv(report: AuditReport): string {
  const { unitCode, decimals } = unitOf(report)
  const names = new Map(report.members.map((m) => [m.account, m.name]))
  const lines = [CSV_COLUMNS.join(',')]
  for (const p of paymentsOf(report)) {
    lines.push(
      [
        String(p.index),
        p.date,
        timeOf(p.timestamp) ?? '',
        p.id,
        p.type,
        p.payer,
        text(names.get(p.payer) ?? ''),
        p.payee,
        text(names.get(p.payee) ?? ''),
        decimal(p.amount, decimals),
        unitCode,
        text(p.memo),
        p.confirmed ? 'true' : 'false'
      ].join(',')
    )
  }
  return lines.join('\r\n') + '\r\n'
}
