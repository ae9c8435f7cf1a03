/**
 * `ledger.status()` and `ledger.indexers()` assembled: the view's meta (pending and confirmed),
 * counts read from the view (the same on every node), Autobase's lengths, and the indexers with
 * whether this node reaches each now (indexers.ts).
 */
import type Autobase from 'autobase'
import type Hyperbee from 'hyperbee'
import { toHex, type Hex } from '../protocol/index.js'
import { BeeReaderStore } from './bee-store.js'
import { indexerSummary, type IndexerSummary } from './indexers.js'
import type { LedgerStatus } from './ledger-options.js'
import type { Presence } from './presence.js'
import { countKeys, withSnapshot } from './queries.js'
import type { ViewMeta } from './records.js'

export async function indexersOf(base: Autobase<Hyperbee>, reader: BeeReaderStore, presence: Presence): Promise<IndexerSummary> {
  const keys = ((base.system?.indexers ?? []) as Array<{ key: Uint8Array }>).map((i) => i.key)
  return indexerSummary(keys, base.local.key, reader, presence)
}

export async function statusOf(
  base: Autobase<Hyperbee>,
  account: Hex,
  meta: ViewMeta | null,
  confirmedView: Hyperbee,
  summary: IndexerSummary
): Promise<LedgerStatus> {
  const confirmed = await withSnapshot(confirmedView, (snap) => new BeeReaderStore(snap).getMeta())
  const members = await countKeys(base.view, 'acct/')
  // Writers the ledger bound (from the view, so every node counts the same; Autobase's own
  // active-writer set depends on what each node has loaded).
  const writers = await countKeys(base.view, 'writer/')
  return {
    key: toHex(base.key),
    discoveryKey: toHex(base.discoveryKey),
    writerKey: toHex(base.local.key),
    account,
    writable: base.writable,
    indexer: base.isIndexer,
    name: meta?.name ?? null,
    unitCode: meta?.unitCode ?? null,
    decimals: meta?.decimals ?? null,
    members,
    writers,
    entries: meta?.entries ?? 0,
    rejected: meta?.rejected ?? 0,
    stateHash: meta?.stateHash ?? null,
    confirmedEntries: confirmed?.entries ?? 0,
    confirmedStateHash: confirmed?.stateHash ?? null,
    viewLength: base.view.core.length,
    signedLength: base.view.core.signedLength,
    indexers: summary.indexers,
    quorum: summary.quorum,
    reachableIndexers: summary.reachable
  }
}
