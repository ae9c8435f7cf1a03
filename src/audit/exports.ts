/** The export formats of `tally audit --export`, one module each (docs/audit.md, "Exports"). */
import { exportBeancount } from './export-beancount.js'
import { exportCsv } from './export-csv.js'
import { exportHledger } from './export-hledger.js'
import { exportJson } from './export-json.js'
import { describeUnavailable } from './completeness.js'
import { ExportError } from './export-common.js'
import type { AuditReport } from './types.js'

export const EXPORT_FORMATS = ['json', 'csv', 'hledger', 'beancount'] as const
export type ExportFormat = (typeof EXPORT_FORMATS)[number]

/** The report in one of the export formats, as the text of a file. */
export function exportReport(report: AuditReport, format: ExportFormat): string {
  // An incomplete audit replayed nothing: an export of it would be an empty or partial journal.
  if (!report.complete) throw new ExportError(`the audit is incomplete (${describeUnavailable(report)}): nothing to export; retry when those nodes are online`)
  switch (format) {
    case 'json':
      return exportJson(report)
    case 'csv':
      return exportCsv(report)
    case 'hledger':
      return exportHledger(report)
    case 'beancount':
      return exportBeancount(report)
  }
}

/** Whether a string names an export format. */
export function isExportFormat(s: string): s is ExportFormat {
  return (EXPORT_FORMATS as readonly string[]).includes(s)
}

