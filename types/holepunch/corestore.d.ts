// Narrow declarations for corestore as Tally uses it.
declare module 'corestore' {
  import type Hypercore from 'hypercore'
  export default class Corestore {
    constructor(storage: string | any, opts?: { readOnly?: boolean; unsafe?: boolean; [k: string]: unknown })
    ready(): Promise<void>
    close(): Promise<void>
    get(opts: { name?: string; key?: Uint8Array; valueEncoding?: string | any; active?: boolean; exclusive?: boolean; encryption?: any } | Uint8Array): Hypercore
    namespace(name: string): Corestore
    session(opts?: any): Corestore
    replicate(isInitiatorOrStream: boolean | any, opts?: any): any
    createKeyPair(name: string): Promise<{ publicKey: Uint8Array; secretKey: Uint8Array }>
    closed: boolean
    /** Calls `fn` with each internal core the store opens from now on. */
    watch(fn: (core: unknown) => void): void
    unwatch(fn: (core: unknown) => void): void
    storage: any
  }
}
