/**
 * The audit report as plain JSON (for `tally audit --json`): amounts as integers of the minor
 * unit, and without the entries, which the JSON export carries.
 */
import { jsonAmount } from './export-json.js'
import type { AuditReport } from './types.js'

export function reportToJson(report: AuditReport): Record<string, unknown> {
  // Proposals (with bigint limits) go to the JSON export; the report lists the decisions.
  const { entries: _entries, proposals: _proposals, totalVolume, members, ...rest } = report
  return {
    ...rest,
    totalVolume: jsonAmount(totalVolume),
    members: members.map((m) => ({
      ...m,
      balance: jsonAmount(m.balance),
      confirmed: jsonAmount(m.confirmed),
      creditLimit: jsonAmount(m.creditLimit),
      maxBalance: jsonAmount(m.maxBalance)
    }))
  }
}
