// Narrow declarations for hypercore as Tally uses it.
declare module 'hypercore' {
  import type { EventEmitter } from 'events'
  export default class Hypercore extends EventEmitter {
    key: Uint8Array
    discoveryKey: Uint8Array
    length: number
    contiguousLength: number
    signedLength: number
    fork: number
    writable: boolean
    readable: boolean
    closed: boolean
    id: string
    ready(): Promise<void>
    close(): Promise<void>
    get(index: number, opts?: { wait?: boolean; timeout?: number; valueEncoding?: string; raw?: boolean }): Promise<any>
    has(index: number): Promise<boolean>
    append(block: Uint8Array | Uint8Array[]): Promise<{ length: number; byteLength: number }>
    update(opts?: { wait?: boolean }): Promise<boolean>
    download(range?: { start?: number; end?: number }): { done(): Promise<void>; destroy(): void }
    treeHash(length?: number): Promise<Uint8Array>
    truncate(length: number, fork?: number): Promise<void>
    info(opts?: any): Promise<any>
    findingPeers(): () => void
    peers: any[]
    replicate(isInitiator: boolean | any, opts?: any): any
    session(opts?: any): Hypercore
    core: any
    state: any
  }
}
