// Narrow declarations for hypercore-storage as Tally uses it (src/store-options.ts).
declare module 'hypercore-storage' {
  export default class CorestoreStorage {
    /** `dir` holds the RocksDB database (`db/`) and the device file; the options go to RocksDB. */
    constructor(dir: string, opts?: { writeBufferSize?: number; [k: string]: unknown })
    readonly path: string
  }
}
