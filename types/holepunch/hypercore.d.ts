// Narrow declarations for hypercore as Tally uses it.
declare module 'hypercore' {
  import type { EventEmitter } from 'events'
  export default class Hypercore extends EventEmitter {
    /** A session on an internal core (as `Corestore#watch` hands out); `weak` sessions keep nothing open. */
    constructor(opts: { core: unknown; weak?: boolean; [k: string]: unknown })
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
    /** Deletes the local copies of blocks [start, end). */
    clear(start: number, end?: number): Promise<unknown>
    treeHash(length?: number): Promise<Uint8Array>
    truncate(length: number, fork?: number): Promise<void>
    info(opts?: any): Promise<any>
    findingPeers(): () => void
    peers: any[]
    replicate(isInitiator: boolean | any, opts?: any): any
    session(opts?: any): Hypercore
    core: any
    state: any
    /** The signed manifest; its hash is the core's key. */
    manifest: HypercoreManifest | null
    /** A Merkle proof from local storage (for an upgrade from 0: the roots and the head signature). */
    proof(opts: { block?: { index: number; nodes: number } | null; upgrade?: { start: number; length: number } | null }): Promise<HypercoreProof>
    /** Verifies a proof against this core's manifest; throws when the signature does not verify. */
    verifyFullyRemote(proof: HypercoreProof): Promise<{ length: number; fork: number; signature: Uint8Array; hash(): Uint8Array }>
    getUserData(key: string): Promise<Uint8Array | null>
    setUserData(key: string, value: Uint8Array | null): Promise<void>
    static key(manifest: HypercoreManifest): Uint8Array
  }
  export interface HypercoreManifest { version: number; signers: Array<{ publicKey: Uint8Array; namespace?: Uint8Array; signature?: string }>; [k: string]: unknown }
  export interface TreeNode { index: number; size: number; hash: Uint8Array }
  export interface HypercoreProof {
    fork: number
    block: { index: number; value: Uint8Array | null; nodes: TreeNode[] } | null
    hash: unknown
    seek: unknown
    upgrade: { start: number; length: number; nodes: TreeNode[]; additionalNodes: TreeNode[]; signature: Uint8Array } | null
    manifest: HypercoreManifest | null
  }
}
