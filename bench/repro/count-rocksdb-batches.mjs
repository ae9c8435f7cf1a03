// Counts RocksDB read and write batches by call stack in each bench node process, only while the bench tracks the
// network phase's payments, and writes them to $TALLY_COUNT_DIR/<pid>.json when the process exits:
//
//   TALLY_COUNT_DIR=/tmp/counts npm run bench -- --only network --nodes 4 --indexers 3 --runs 1 --no-readme \
//     --out /tmp/counts-run --node-flags "--import $PWD/bench/repro/count-rocksdb-batches.mjs"
//
// Each file is a list of [kind and stack, count], kind R (read batch) or W (write batch), the stack cut to the
// frames outside Node and rocksdb-native. bench/README.md ("Where a payment's CPU goes") groups them by caller.
import fs from 'fs'
import path from 'path'
import { createRequire } from 'module'

// By path (the package does not export it): the same module instance hypercore-storage's rocksdb-native uses.
const load = createRequire(path.join(process.cwd(), 'package.json'))
const { ReadBatch, WriteBatch } = load(path.join(path.dirname(load.resolve('rocksdb-native')), 'lib', 'batch.js'))
const counts = new Map()
let on = false
Error.stackTraceLimit = 60

function stack() {
  const frames = []
  for (const line of new Error().stack.split('\n').slice(3)) {
    const m = line.match(/at (?:async )?(\S+)? ?\(?(.*?):(\d+):\d+\)?$/)
    if (!m || m[2].includes('node:internal') || m[2].includes('rocksdb-native')) continue
    frames.push((m[1] || '?') + '@' + m[2].replace(/.*node_modules\//, '').replace(/.*\/dist\//, 'dist/') + ':' + m[3])
    if (frames.length >= 14) break
  }
  return frames.join(' < ')
}

for (const [Batch, kind] of [[ReadBatch, 'R'], [WriteBatch, 'W']]) {
  const flush = Batch.prototype._flush
  Batch.prototype._flush = function (...args) {
    if (on) {
      const key = kind + ' ' + stack()
      counts.set(key, (counts.get(key) || 0) + 1)
    }
    return flush.apply(this, args)
  }
}

// Listening for IPC messages before the node script has attached its own listener would take the first
// command from it: start listening once it has loaded.
setTimeout(() => process.on('message', (msg) => { if (msg && msg.cmd === 'track') on = !!msg.args.on }), 3000).unref()

process.on('exit', () => {
  const dir = process.env.TALLY_COUNT_DIR || '.'
  fs.mkdirSync(dir, { recursive: true })
  fs.writeFileSync(path.join(dir, process.pid + '.json'), JSON.stringify([...counts].sort((a, b) => b[1] - a[1])))
})
