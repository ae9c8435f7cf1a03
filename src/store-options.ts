/**
 * How a node's Corestore is built: on a RocksDB store (hypercore-storage) with a smaller write
 * buffer than its default. Every Corestore Tally opens from a directory comes from here.
 *
 * Why: hypercore-storage asks RocksDB for 64 MB memtables (two may be alive while one flushes),
 * and a node fills them within seconds of a replay or a bulk build: a replaying peer's heap
 * profile showed 52 MB in memtable arenas at its peak (bench/README.md, "Memory of a catch-up"). A memtable only
 * batches writes before they go to disk; 4 MB ones flush more often (in RocksDB's background
 * threads) and leave reads where they were (the block cache and the OS page cache). The data on
 * disk, and so every core's and the view's bytes, are the same whatever the size.
 */
import Corestore from 'corestore'
import CorestoreStorage from 'hypercore-storage'

/** RocksDB memtable size for a node's store (hypercore-storage's default is 64 MB). */
export const WRITE_BUFFER_BYTES = 4 * 1024 * 1024

/** A Corestore on `dir` with Tally's storage options. */
export function newCorestore(dir: string): Corestore {
  return new Corestore(new CorestoreStorage(dir, { writeBufferSize: WRITE_BUFFER_BYTES }))
}
