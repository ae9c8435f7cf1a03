/**
 * The ledger's indexers as `tally status` shows them: who they are, and whether this node can
 * reach them now. Confirmation needs a majority of indexers acking each other (Autobase quorum),
 * so a ledger whose reachable indexers are fewer than the quorum confirms nothing until enough
 * come back; balances and writes go on meanwhile (pending).
 */
import b4a from 'b4a'
import { toHex, type Hex } from '../protocol/index.js'
import type { BeeReaderStore } from './bee-store.js'
import type { Presence } from './presence.js'

export interface IndexerStatus {
  /** The member whose node indexes, or null if the view does not (yet) bind this writer to a member. */
  name: string | null
  account: Hex | null
  writer: Hex
  /** This node is the indexer. */
  self: boolean
  /** This node has a connection to it now, and it proved it is that member's node. */
  connected: boolean
  /** ms since the epoch when this node was last connected to it (since this node started), or null. */
  lastSeen: number | null
}

export interface IndexerSummary {
  indexers: IndexerStatus[]
  /** Indexers whose acks confirm: more than half. */
  quorum: number
  /** Indexers reachable from here now (this node included if it indexes). */
  reachable: number
}

/** Lists `keys` (the Autobase indexer writer keys) by member name, with what this node knows of each. */
export async function indexerSummary(keys: Uint8Array[], localWriter: Uint8Array, reader: Pick<BeeReaderStore, 'accountOfWriter' | 'getMember'>, presence: Presence): Promise<IndexerSummary> {
  const indexers: IndexerStatus[] = []
  for (const key of keys) {
    const writer = toHex(key)
    const account = await reader.accountOfWriter(writer)
    const member = account === null ? null : await reader.getMember(account)
    const self = b4a.equals(key, localWriter)
    const seen = presence.of(writer)
    // A node counts only for the account the view binds to its writer: another member cannot pose as an indexer.
    const proven = seen !== null && seen.account === account
    indexers.push({
      name: member?.name ?? null,
      account,
      writer,
      self,
      connected: self || (proven && seen.connections > 0),
      lastSeen: self ? Date.now() : proven ? seen.lastSeen : null
    })
  }
  // By name, as people look for them; writers the view does not bind to a member go last.
  indexers.sort((a, b) => (a.name === b.name ? 0 : a.name === null ? 1 : b.name === null ? -1 : a.name < b.name ? -1 : 1))
  return { indexers, quorum: Math.floor(keys.length / 2) + 1, reachable: indexers.filter((i) => i.connected).length }
}
