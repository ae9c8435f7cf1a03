// Narrow declarations for autobase 7 as Tally uses it.
declare module 'autobase' {
  import type { EventEmitter } from 'events'
  import type Corestore from 'corestore'
  import type Hypercore from 'hypercore'
  export interface ApplyNode { value: Uint8Array | null; from: Hypercore; length: number; indexed?: boolean; optimistic?: boolean }
  export interface HostCalls {
    addWriter(key: Uint8Array, opts?: { indexer?: boolean }): Promise<void>
    removeWriter(key: Uint8Array): Promise<void>
    ackWriter(key: Uint8Array): Promise<void>
    interrupt(reason?: string): void
    removeable(key: Uint8Array): boolean
  }
  export interface AutobaseOptions<V> {
    open(store: Corestore, host?: HostCalls): V
    apply(nodes: ApplyNode[], view: V, host: HostCalls): Promise<void>
    close?(view: V): Promise<void>
    valueEncoding?: string | any
    ackInterval?: number
    ackThreshold?: number
    encryptionKey?: Uint8Array | null
    encrypt?: boolean
    encrypted?: boolean
    fastForward?: boolean | { key: Uint8Array }
    optimistic?: boolean
    bigBatches?: boolean
  }
  export default class Autobase<V = any> extends EventEmitter {
    constructor(store: Corestore, bootstrap: Uint8Array | null, opts: AutobaseOptions<V>)
    key: Uint8Array
    discoveryKey: Uint8Array
    encryptionKey: Uint8Array | null
    local: Hypercore
    view: V
    writable: boolean
    isIndexer: boolean
    /** An active indexer: this node's acks count towards the quorum. */
    ackable: boolean
    length: number
    signedLength: number
    closed: boolean
    opened: boolean
    interrupted: string | null
    activeWriters: { size: number; [Symbol.iterator](): Iterator<any> }
    system: any
    ready(): Promise<void>
    close(): Promise<void>
    /** `null` appends an ack: a node with no value, which only links the writer's heads. */
    append(value: Uint8Array | Uint8Array[] | null, opts?: { optimistic?: boolean }): Promise<void>
    update(): Promise<void>
    ack(bg?: boolean): Promise<void>
    hash(): Promise<Uint8Array>
    heads(): any[]
    replicate(isInitiatorOrStream: boolean | any, opts?: any): any
    /** The block encryption of writer cores, or null for an unencrypted ledger. */
    getWriterEncryption(): unknown
    static getLocalKey(store: Corestore, opts?: any): Promise<Uint8Array>
  }
}

declare module 'autobase/lib/messages.js' {
  /** A writer core block: the node (its causal heads, batch size and app value) plus Autobase bookkeeping. */
  export interface OplogMessage {
    version: number
    node: { heads: Array<{ key: Uint8Array; length: number }>; batch: number; value: Uint8Array | null }
    checkpoint: unknown
    digest: unknown
    optimistic: boolean
    trace: unknown
  }
  /** A compact-encoding codec (written out: compact-encoding's own declarations export no such type). */
  const messages: {
    OplogMessage: { preencode(state: any, m: OplogMessage): void; encode(state: any, m: OplogMessage): void; decode(state: any): OplogMessage }
  }
  export default messages
}
