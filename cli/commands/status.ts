import type { Hex } from '../../protocol/index.js'
import type { NodeContext } from '../../src/node/context.js'
import type { LedgerCommand } from '../command.js'
import { fields } from '../output.js'

export interface StatusResult {
  ledger: Hex
  /** The Hyperswarm topic peers meet on. */
  discoveryKey: Hex
  name: string | null
  unit: string | null
  decimals: number | null
  member: string | null
  account: Hex
  role: string
  writable: boolean
  indexer: boolean
  /** The running node, or `running: false` when this command opened the store itself. */
  node: { running: boolean; pid: number | null; peers: number | null; bootstrap: string | null; uptimeMs: number | null }
  members: number
  writers: number
  /** Entries decided here (applied + rejected), of which confirmed ones and pending ones. */
  entries: number
  confirmedEntries: number
  pendingEntries: number
  rejected: number
  stateHash: Hex | null
  confirmedStateHash: Hex | null
}

/** The node and ledger at a glance: peers, writers, confirmed vs pending entries, state hash. */
export async function status(ctx: NodeContext): Promise<StatusResult> {
  const s = await ctx.ledger.status()
  const self = await ctx.ledger.self().catch(() => null)
  const n = ctx.node
  return {
    ledger: s.key,
    discoveryKey: s.discoveryKey,
    name: s.name,
    unit: s.unitCode,
    decimals: s.decimals,
    member: self?.name ?? null,
    account: s.account,
    role: ctx.config.role === 'auditor' ? 'auditor' : (self?.role ?? 'not admitted yet'),
    writable: s.writable,
    indexer: s.indexer,
    node: n
      ? { running: true, pid: n.pid, peers: n.peers, bootstrap: n.bootstrap, uptimeMs: Date.now() - n.startedAt }
      : { running: false, pid: null, peers: null, bootstrap: ctx.config.bootstrap, uptimeMs: null },
    members: s.members,
    writers: s.writers,
    entries: s.entries,
    confirmedEntries: s.confirmedEntries,
    pendingEntries: s.entries - s.confirmedEntries,
    rejected: s.rejected,
    stateHash: s.stateHash,
    confirmedStateHash: s.confirmedStateHash
  }
}

export const statusCommand: LedgerCommand<Record<string, never>, StatusResult> = {
  name: 'status',
  scope: 'ledger',
  summary: 'node and ledger: peers, writers, confirmed vs pending entries, state hash',
  examples: ['tally status', 'tally status --json'],
  run: status,
  render: (r) =>
    fields([
      ['ledger', `${r.name ?? '(not synced)'} ${r.unit ? `(${r.unit})` : ''} ${r.ledger}`],
      ['member', `${r.member ?? '-'} (${r.role}${r.indexer ? ', indexer' : ''}${r.writable ? '' : ', read only'}) ${r.account}`],
      [
        'node',
        r.node.running
          ? `running (pid ${r.node.pid}), ${r.node.peers} peer${r.node.peers === 1 ? '' : 's'}, ${r.node.bootstrap ? 'bootstrap ' + r.node.bootstrap : 'public HyperDHT'}`
          : 'not running: commands open the store directly; `tally up` replicates'
      ],
      ['members', `${r.members} (${r.writers} writers)`],
      ['entries', `${r.entries}: ${r.confirmedEntries} confirmed, ${r.pendingEntries} pending, ${r.rejected} rejected`],
      ['state hash', r.stateHash ?? '-'],
      ['confirmed', r.confirmedStateHash ?? '-']
    ])
}
