// Narrow declarations for blind-peer 3 and blind-peering 2 as Tally uses them (src/network/mirror*.ts).
declare module 'blind-peer' {
  import type { EventEmitter } from 'events'
  import type Hyperswarm from 'hyperswarm'
  export default class BlindPeer extends EventEmitter {
    /** `rocks`: a directory for its RocksDB (the mirrored cores and its own records). */
    constructor(rocks: string, opts?: { swarm?: Hyperswarm; maxBytes?: number; enableGc?: boolean; trustedPubKeys?: Uint8Array[] })
    ready(): Promise<void>
    listen(): Promise<void>
    close(): Promise<void>
    readonly publicKey: Uint8Array
    readonly store: any
    readonly stats: { coresAdded: number; addCoresRx: number; muxerPaired: number; muxerErrors: number }
  }
}
declare module 'blind-peering' {
  import type Autobase from 'autobase'
  export default class BlindPeering {
    /** `dht`: the swarm's DHT node; `store`: the Corestore whose cores it offers the mirrors. */
    constructor(dht: any, store: any, opts?: { keys?: Uint8Array[]; pick?: number })
    addAutobaseBackground(base: Autobase<any>, opts?: { pick?: number }): void
    addAutobase(base: Autobase<any>, opts?: { pick?: number }): Promise<void>
    close(): Promise<void>
    /** Its connection to each mirror, by the mirror's key in hex (not in its README; read for `tally mirrors`). */
    readonly blindPeers?: Map<string, { connected: boolean }>
  }
}
