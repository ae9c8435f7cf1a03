// A preload that prints every large RocksDB batch a process sends (reads by operations, writes by bytes)
// with who sent it and the process's memory at that moment. Not part of Tally: a diagnostic for the bench.
//
//   npm run bench -- --only catchup --sizes 100000 --runs 1 --verbose \
//     --node-flags "--import $PWD/bench/repro/batch-watch.mjs"
//
// Large: at least TALLY_BATCH_WATCH_OPS operations (default 5,000) or TALLY_BATCH_WATCH_MB megabytes (default 4).
import path from 'path'
import { createRequire } from 'module'

const MB = 1024 * 1024
const minOps = Number(process.env.TALLY_BATCH_WATCH_OPS ?? 5000)
const minBytes = Number(process.env.TALLY_BATCH_WATCH_MB ?? 4) * MB
const label = (() => {
  try {
    return JSON.parse(process.argv[process.argv.length - 1]).label ?? String(process.pid)
  } catch {
    return String(process.pid)
  }
})()

// The copy of rocksdb-native that hypercore-storage loads.
const load = createRequire(createRequire(import.meta.url).resolve('hypercore-storage'))
const { ReadBatch, WriteBatch } = load(path.join(path.dirname(load.resolve('rocksdb-native')), 'lib', 'batch.js'))

const mem = () => {
  const u = process.memoryUsage()
  return `rss ${(u.rss / MB).toFixed(0)} MB, heap ${(u.heapUsed / MB).toFixed(0)}/${(u.heapTotal / MB).toFixed(0)}, external ${(u.external / MB).toFixed(0)}`
}

for (const [Batch, kind] of [[ReadBatch, 'read'], [WriteBatch, 'write']]) {
  const flush = Batch.prototype._flush
  Batch.prototype._flush = function (...args) {
    const ops = this._operations.length
    let bytes = 0
    for (const op of this._operations) bytes += (op.key?.byteLength ?? 0) + (op.value?.byteLength ?? 0)
    if (ops >= minOps || bytes >= minBytes) {
      const limit = Error.stackTraceLimit
      Error.stackTraceLimit = 40
      const stack = new Error().stack ?? ''
      Error.stackTraceLimit = limit
      const by = stack
        .split('\n')
        .filter((l) => /hypercore\/lib|autobase\/|hyperbee\//.test(l))
        .slice(0, 5)
        .map((l) => l.trim().replace(/^at (async )?/, '').replace(/ \(.*node_modules\//, ' ('))
        .join(' < ')
      process.stderr.write(`[${label}] ${kind} batch: ${ops} operations, ${(bytes / MB).toFixed(1)} MB, ${mem()}; from ${by}\n`)
    }
    return flush.apply(this, args)
  }
}
