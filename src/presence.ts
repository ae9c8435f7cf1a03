/**
 * Which members' nodes this node is connected to now, and when it last was.
 *
 * Filled by the network (src/network/presence-channel.ts): on every connection each side proves
 * which member's node it is by signing the connection's handshake hash with its account key.
 * Read by `Ledger.status()` to say which indexers are reachable. Kept in memory only: "last seen"
 * is since this node started.
 */
import type { Hex } from '../protocol/index.js'

export interface PresenceEntry {
  account: Hex
  /** The writer key its node claimed; counted only if the view binds it to this account. */
  writer: Hex
  /** Live connections to it now (a node can reach another over two at once for a moment). */
  connections: number
  /** ms since the epoch: when it was last connected (now, if connected). */
  lastSeen: number
}

export class Presence {
  private readonly byWriter = new Map<Hex, PresenceEntry>()

  /** A connection proved it is `account`'s node with `writer`; returns the function to call when it closes. */
  connected(account: Hex, writer: Hex, now = Date.now()): () => void {
    const entry = this.byWriter.get(writer)
    // A writer key claimed by another account signed it too; the view says which is right, so keep the newest.
    if (entry && entry.account === account) {
      entry.connections++
      entry.lastSeen = now
    } else this.byWriter.set(writer, { account, writer, connections: 1, lastSeen: now })
    let done = false
    return () => {
      if (done) return
      done = true
      const e = this.byWriter.get(writer)
      if (!e || e.account !== account) return
      e.connections = Math.max(0, e.connections - 1)
      e.lastSeen = Date.now()
    }
  }

  /** What is known of the node writing with `writer`, or null if it was never connected. */
  of(writer: Hex): PresenceEntry | null {
    const e = this.byWriter.get(writer)
    return e ? { ...e } : null
  }
}
