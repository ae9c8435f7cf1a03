/**
 * What the auditor reports of decisions by the members: the policy the replay ended with, each
 * decision at the log position where the replay made it (against the policy in force there:
 * the replay runs the same applyBlock, so a proposal carries the method and window it was made
 * under), and every proposal with its votes for the JSON export.
 */
import type { Hex } from '../../protocol/index.js'
import type { MemoryStore } from '../memory-store.js'
import type { EntryRecord } from '../records.js'
import type { AuditDecision, AuditReport } from './types.js'

export function governanceOf(store: MemoryStore, records: EntryRecord[]): Pick<AuditReport, 'policy' | 'decisions' | 'proposals'> {
  const decisions: AuditDecision[] = []
  for (const r of records) {
    for (const d of r.decisions ?? []) {
      const p = store.proposals.get(d.proposal)
      if (!p) continue
      const a = p.action
      const target = a.action === 'admit' || a.action === 'link' ? a.name : a.action === 'policy' ? null : (store.members.get(a.account as Hex)?.name ?? a.account)
      const votes = Object.values(p.votes)
      decisions.push({
        index: r.index,
        proposal: d.proposal,
        status: d.status,
        reason: d.reason,
        action: a.action,
        kind: p.kind,
        method: p.method,
        proposer: p.proposer,
        target,
        yes: votes.filter((v) => v.yes).length,
        no: votes.filter((v) => !v.yes).length
      })
    }
  }
  const proposals = [...store.proposals.values()].sort((a, b) => a.index - b.index)
  return { policy: store.gov?.policy ?? null, decisions, proposals }
}
