import type { LedgerCommand } from '../command.js'
import { fields, short } from '../output.js'
import type { Hex, NodeContext } from '../../src/cli-surface.js'

export interface StatusResult {
  ledger: Hex
  /** The Hyperswarm topic peers meet on. */
  discoveryKey: Hex
  name: string | null
  unit: string | null
  decimals: number | null
  member: string | null
  account: Hex
  /** How a member of a linked ledger pays this member: `tally pay ADDRESS AMOUNT` (the account key @ this ledger's key prefix). */
  address: string
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
  /** The indexers; `reachable` is null when no node runs (only a running node knows who is connected). */
  indexers: Array<{ name: string | null; account: Hex | null; writer: Hex; self: boolean; reachable: boolean | null; lastSeen: string | null }>
  /** Indexers needed to confirm, and how many are reachable now (null without a running node). */
  quorum: number
  reachableIndexers: number | null
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
    address: `${s.account}@${s.key.slice(0, 8)}`,
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
    confirmedStateHash: s.confirmedStateHash,
    indexers: s.indexers.map((i) => ({
      name: i.name,
      account: i.account,
      writer: i.writer,
      self: i.self,
      reachable: n || i.self ? i.connected : null,
      lastSeen: n && i.lastSeen !== null ? new Date(i.lastSeen).toISOString() : null
    })),
    quorum: s.quorum,
    reachableIndexers: n ? s.reachableIndexers : null
  }
}

export const statusCommand: LedgerCommand<Record<string, never>, StatusResult> = {
  name: 'status',
  scope: 'ledger',
  summary: 'node and ledger: peers, writers, confirmed vs pending entries, state hash, indexers reachable',
  examples: ['tally status', 'tally status --json'],
  run: status,
  render: (r) =>
    fields([
      ['ledger', `${r.name ?? '(not synced)'} ${r.unit ? `(${r.unit})` : ''} ${r.ledger}`],
      ['member', `${r.member ?? '-'} (${r.role}${r.indexer ? ', indexer' : ''}${r.writable ? '' : ', read only'}) ${r.account}`],
      ['address', `${r.address} (members of linked ledgers pay you with \`tally pay ${r.address.slice(0, 8)}...@${r.ledger.slice(0, 8)} AMOUNT\`, the whole key)`],
      [
        'node',
        r.node.running
          ? `running (pid ${r.node.pid}), ${r.node.peers} peer${r.node.peers === 1 ? '' : 's'}, ${r.node.bootstrap ? 'bootstrap ' + r.node.bootstrap : 'public HyperDHT'}`
          : 'not running: commands open the store directly; `tally up` replicates'
      ],
      ['members', `${r.members} (${r.writers} writers)`],
      ['entries', `${r.entries}: ${r.confirmedEntries} confirmed, ${r.pendingEntries} pending, ${r.rejected} rejected`],
      ['state hash', r.stateHash ?? '-'],
      ['confirmed', r.confirmedStateHash ?? '-'],
      ['indexers', indexerLine(r)]
    ])
}

/** "alpha (away, last seen 10:42:07Z), beta (this node), gamma (connected); 2 of 3 reachable, 2 needed to confirm". */
function indexerLine(r: StatusResult): string {
  const each = r.indexers.map((i) => {
    const who = i.name ?? short(i.writer)
    if (i.self) return `${who} (this node)`
    if (i.reachable === null) return who
    if (i.reachable) return `${who} (connected)`
    return i.lastSeen ? `${who} (away, last seen ${i.lastSeen.slice(11, 19)}Z)` : `${who} (not seen)`
  })
  const count = r.reachableIndexers === null ? 'reachability known to a running node (`tally up`)' : `${r.reachableIndexers} of ${r.indexers.length} reachable`
  const warn = r.reachableIndexers !== null && r.reachableIndexers < r.quorum ? ': too few to confirm new entries' : ''
  return `${each.join(', ') || '-'}; ${count}, ${r.quorum} needed to confirm${warn}`
}
