/**
 * How a node's Corestore is built: on a RocksDB store (hypercore-storage) with a smaller write
 * buffer than its default, and one bounded cache for every Hyperbee in it. Every Corestore Tally
 * opens from a directory comes from here.
 *
 * Why the write buffer: hypercore-storage asks RocksDB for 64 MB memtables (two may be alive while one flushes),
 * and a node fills them within seconds of a replay or a bulk build: a replaying peer's heap
 * profile showed 52 MB in memtable arenas at its peak (bench/README.md, "Memory of a catch-up"). A memtable only
 * batches writes before they go to disk; 4 MB ones flush more often (in RocksDB's background
 * threads) and leave reads where they were (the block cache and the OS page cache). The data on
 * disk, and so every core's and the view's bytes, are the same whatever the size.
 *
 * Why the cache: without a Corestore `globalCache` every Hyperbee makes its own cache of up to
 * 65,536 entries (a decoded tree node or a key per view block, each holding the block's bytes).
 * The view of a 100k-entry ledger has ~30k blocks, so the cache ends up holding most of the view:
 * a heap snapshot of the node that built it found 77 MB reachable from 51k cache entries, more
 * than half of its live heap (bench/README.md, "Memory of a catch-up", session 6). With 8,192
 * entries that node peaked at 263-269 MB instead of 316-381, a replaying peer ~100 MB lower. The
 * price is CPU once a view outgrows the cache (beyond ~25k entries): tree nodes read again from
 * RocksDB and decoded, 20-30 % more CPU per entry building a 100k-entry ledger of 100 members in
 * the bench's catch-up phase (none visible in bench/audit-rate's build, 8 members); 16,384 entries
 * cost about half that there and peaked at 300 MB.
 */
import Corestore from 'corestore'
import CorestoreStorage from 'hypercore-storage'
import Rache from 'rache'

/** RocksDB memtable size for a node's store (hypercore-storage's default is 64 MB). */
export const WRITE_BUFFER_BYTES = 4 * 1024 * 1024

/** Entries of the one cache all of a store's Hyperbees share (Hyperbee's default is 65,536 for each). */
export const BEE_CACHE_ENTRIES = 8192

/** A Corestore on `dir` with Tally's storage options (`beeCacheEntries` for tests). */
export function newCorestore(dir: string, beeCacheEntries = BEE_CACHE_ENTRIES): Corestore {
  return new Corestore(new CorestoreStorage(dir, { writeBufferSize: WRITE_BUFFER_BYTES }), { globalCache: new Rache({ maxSize: beeCacheEntries }) })
}
