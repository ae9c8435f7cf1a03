// Narrow declarations for hyperswarm and hyperdht as Tally uses them.
declare module 'hyperswarm' {
  import type { EventEmitter } from 'events'
  export interface PeerDiscovery { flushed(): Promise<void>; destroy(): Promise<void> }
  export default class Hyperswarm extends EventEmitter {
    constructor(opts?: { dht?: any; bootstrap?: Array<string | { host: string; port: number }>; keyPair?: any; maxPeers?: number })
    dht: any
    keyPair: { publicKey: Uint8Array; secretKey: Uint8Array }
    connections: Set<any>
    peers: Map<string, any>
    destroyed: boolean
    join(topic: Uint8Array, opts?: { server?: boolean; client?: boolean }): PeerDiscovery
    leave(topic: Uint8Array): Promise<void>
    flush(): Promise<void>
    destroy(opts?: { force?: boolean }): Promise<void>
  }
}
declare module 'hyperdht' {
  import type { EventEmitter } from 'events'
  export default class HyperDHT extends EventEmitter {
    /** `port`: one port, or a range [start, end) tried in order (dht-rpc). */
    constructor(opts?: { bootstrap?: Array<string | { host: string; port: number }>; host?: string; port?: number | [number, number]; ephemeral?: boolean; firewalled?: boolean })
    ready(): Promise<void>
    fullyBootstrapped(): Promise<void>
    address(): { host: string; port: number }
    destroy(opts?: { force?: boolean }): Promise<void>
    /** Nodes in the routing table (empty when no bootstrap node answered). */
    readonly nodes: { length: number }
    static bootstrapper(port: number, host: string, opts?: any): HyperDHT
  }
}
declare module 'hyperdht/testnet.js' {
  import type HyperDHT from 'hyperdht'
  export interface Testnet {
    nodes: HyperDHT[]
    bootstrap: Array<{ host: string; port: number }>
    createNode(opts?: any): HyperDHT
    destroy(): Promise<void>
  }
  export default function createTestnet(size?: number, opts?: any): Promise<Testnet>
}
