// Narrow declarations for hyperbee as Tally uses it.
declare module 'hyperbee' {
  import type Hypercore from 'hypercore'
  export interface BeeNode<V = any> { seq: number; key: string; value: V }
  export interface Range { gt?: string; gte?: string; lt?: string; lte?: string }
  export interface BeeReader {
    get(key: string): Promise<BeeNode | null>
    createReadStream(range?: Range, opts?: { reverse?: boolean; limit?: number }): AsyncIterable<BeeNode>
  }
  export class HyperbeeBatch implements BeeReader {
    get(key: string): Promise<BeeNode | null>
    put(key: string, value: unknown): Promise<void>
    del(key: string): Promise<void>
    flush(): Promise<void>
    close(): Promise<void>
    createReadStream(range?: Range, opts?: { reverse?: boolean; limit?: number }): AsyncIterable<BeeNode>
  }
  export default class Hyperbee implements BeeReader {
    constructor(core: any, opts?: { keyEncoding?: string; valueEncoding?: string; extension?: boolean })
    core: Hypercore
    version: number
    ready(): Promise<void>
    close(): Promise<void>
    get(key: string): Promise<BeeNode | null>
    put(key: string, value: unknown): Promise<void>
    batch(): HyperbeeBatch
    checkout(version: number): Hyperbee
    snapshot(): Hyperbee
    createReadStream(range?: Range, opts?: { reverse?: boolean; limit?: number }): AsyncIterable<BeeNode>
  }
}

declare module 'hyperbee/lib/messages.js' {
  /** A Hyperbee block after the header: one put (value set) or delete (value null), with its tree index. */
  export const Node: { decode(buf: Uint8Array): { key: Uint8Array; value: Uint8Array | null; index: Uint8Array } }
}
