/**
 * Whether the audit had every block it needs. A block the view's log or a writer's causal heads
 * name, that no connected peer could hand over (its writer's node is offline, and nobody else
 * kept it), makes the audit incomplete: it can be retried when that node is online, and says
 * nothing about tampering. Replaying without those blocks would report every entry after them as
 * a mismatch, so an incomplete audit replays nothing (docs/audit.md).
 */
import type { Hex } from '../../protocol/index.js'
import type { ViewContents } from './view-reader.js'
import type { WriterCoreData } from './writer-cores.js'
import type { UnavailableWriter } from './types.js'

/** The writers with blocks the audit needs and could not read, most missing first. */
export function unavailableWriters(view: ViewContents, cores: Map<Hex, WriterCoreData>): UnavailableWriter[] {
  const needed = new Map<Hex, number>()
  const need = (key: Hex, length: number) => needed.set(key, Math.max(needed.get(key) ?? 0, length))
  for (const r of view.records) need(r.writer, r.block + 1)
  for (const core of cores.values()) {
    need(core.key, core.length + core.unavailable)
    for (const heads of core.heads) for (const h of heads) need(h.key, h.length)
  }
  const out: UnavailableWriter[] = []
  for (const [writer, length] of needed) {
    const core = cores.get(writer)
    const read = core ? core.length : 0
    const missing = Math.max(core ? core.unavailable : 0, length - read)
    if (missing <= 0) continue
    const account = (view.writers.get('writer/' + writer) as Hex | undefined) ?? null
    const member = account ? (view.members.get('acct/' + account) as { name?: unknown } | undefined) : undefined
    out.push({ writer, account, name: typeof member?.name === 'string' ? member.name : null, missing, needed: length })
  }
  return out.sort((a, b) => b.missing - a.missing || (a.writer < b.writer ? -1 : 1))
}

/** "12 blocks of writer 4e451a70 (beta) unavailable", for every writer the audit could not read. */
export function describeUnavailable(report: { unavailable: UnavailableWriter[] }): string {
  return report.unavailable.map((u) => `${u.missing} block${u.missing === 1 ? '' : 's'} of writer ${u.writer.slice(0, 8)}${u.name ? ` (${u.name})` : ''} unavailable`).join(', ')
}
