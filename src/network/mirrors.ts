/**
 * A node's side of the mirrors (src/network/mirror.ts): asks each mirror it was given to keep this
 * ledger's cores (this node's own writer core, the view, and the writers it knows), and replicates
 * with the mirrors as with any peer. So what this node wrote reaches the others after it went off,
 * and this node catches up from a mirror while every member's node is off.
 *
 * Each node asks for its own writer core, so a writer admitted later reaches the mirror through its
 * own node (blind-peering sends the writers it knows once, when the ledger is added).
 */
import BlindPeering from 'blind-peering'
import type HyperDHT from 'hyperdht'
import type { Ledger } from '../ledger.js'

/** What this file reads of a hypercore replication peer. */
interface ReplicationPeer {
  remotePublicKey?: Uint8Array
  remoteContiguousLength?: number
}

/** What a node knows of one of its mirrors. */
export interface MirrorStatus {
  key: string
  /** A replication stream to the mirror is open now. */
  connected: boolean
  /** How many of this node's own entries' blocks the mirror said it holds (its contiguous length of our writer core). */
  holds: number
  /** Blocks in this node's writer core. */
  of: number
}

export class MirrorLink {
  private readonly peering: BlindPeering
  private closing: Promise<void> | null = null

  constructor(
    private readonly ledger: Ledger,
    dht: HyperDHT,
    readonly keys: Uint8Array[]
  ) {
    // pick: every mirror given, not the closest one only: a co-op lists the mirrors it wants used.
    this.peering = new BlindPeering(dht, ledger.store, { keys, pick: keys.length })
  }

  /** Asks the mirrors to keep the ledger; connecting goes on in the background (with retries). */
  start(): void {
    this.peering.addAutobaseBackground(this.ledger.base)
  }

  /** Each mirror: connected or not, and how much of this node's writer core it holds. */
  status(): MirrorStatus[] {
    const local = this.ledger.base.local
    return this.keys.map((key) => {
      const hex = Buffer.from(key).toString('hex')
      const peer = (local.peers as ReplicationPeer[]).find((p) => p.remotePublicKey && Buffer.from(p.remotePublicKey).toString('hex') === hex)
      // The socket may be open before the mirror replicates our core, so ask blind-peering first.
      const socket = this.peering.blindPeers?.get(hex)
      const connected = socket ? socket.connected === true : peer !== undefined
      return { key: hex, connected, holds: peer ? Math.min(peer.remoteContiguousLength ?? 0, local.length) : 0, of: local.length }
    })
  }

  close(): Promise<void> {
    if (this.closing === null) this.closing = this.peering.close()
    return this.closing
  }
}
