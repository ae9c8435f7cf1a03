declare module 'rache' {
  /** A bounded cache with random eviction; Hyperbee keeps its key and node caches in one (Corestore's globalCache). */
  export default class Rache {
    constructor(opts?: { maxSize?: number; parent?: Rache | null })
    readonly maxSize: number
    readonly globalSize: number
    readonly size: number
    static from(cache: Rache | null): Rache
    sub(): Rache
    get(key: unknown): unknown
    set(key: unknown, value: unknown): void
    delete(key: unknown): boolean
    clear(): void
  }
}
