// Peak memory of a peer that replays an Autobase with a Hyperbee view: Autobase and Hyperbee alone, no Tally.
//
//   node bench/repro/view-migration-rss.mjs [entries, default 100000] [memtable MB, default 64]
//
// A source process builds an Autobase (one writer, the only indexer) whose apply writes a Hyperbee
// view shaped like Tally's: blocks of 128 entries, the view keeping them in keys of 64 (~16 kB values)
// plus one small record per block. A second process opens the same base from scratch with
// `fastForward: false`, replicates over a local TCP socket and applies every block itself, printing its
// RSS, heap and view length every second and when Autobase reboots ('reboot'). Both stores get RocksDB
// memtables of the given size (hypercore-storage's default is 64 MB; Tally's, src/store-options.ts, 4).
//
// The replaying peer also reports its largest RocksDB read and write batches and who flushed them. What
// they show (bench/README.md, "Memory"): a peer that is not an indexer commits the view it applied into
// the signed view only once it holds the indexers' signature over it, that is the signature in the
// indexer's latest checkpoint, which covers everything; Autobase's ApplyState._flush then calls
// hypercore's SessionState.commit, whose _overwrite reads every block and Merkle node not yet committed
// in one read batch and writes them in one write batch. The name of this file is older than that finding
// (it is a commit of the view, not the migration Autobase does when its indexers change).
import Autobase from 'autobase'
import Corestore from 'corestore'
import Hyperbee from 'hyperbee'
import b4a from 'b4a'
import fs from 'fs'
import net from 'net'
import os from 'os'
import path from 'path'
import { fork } from 'child_process'
import { fileURLToPath } from 'url'
import { createRequire } from 'module'

const ENTRIES_PER_BLOCK = 128
const PER_KEY = 64
const MB = 1024 * 1024
const require = createRequire(import.meta.url)
const CorestoreStorage = require('hypercore-storage')

function newStore(dir, memtableMb) {
  return new Corestore(new CorestoreStorage(dir, { writeBufferSize: memtableMb * MB }))
}

/** Wraps rocksdb-native's batch flush (the copy hypercore-storage loads) to keep the largest read and write batch. */
function watchBatches() {
  const load = createRequire(require.resolve('hypercore-storage'))
  const { ReadBatch, WriteBatch } = load(path.join(path.dirname(load.resolve('rocksdb-native')), 'lib', 'batch.js'))
  const largest = { R: { ops: 0, bytes: 0, by: '' }, W: { ops: 0, bytes: 0, by: '' } }
  for (const [Batch, kind] of [[ReadBatch, 'R'], [WriteBatch, 'W']]) {
    const flush = Batch.prototype._flush
    Batch.prototype._flush = function (...args) {
      let bytes = 0
      for (const op of this._operations) bytes += (op.key?.byteLength ?? 0) + (op.value?.byteLength ?? 0)
      // Reads by operations, writes by bytes.
      if ((kind === 'R' ? this._operations.length - largest.R.ops : bytes - largest.W.bytes) > 0) {
        Error.stackTraceLimit = 40
        const frames = (new Error().stack ?? '').split('\n').filter((l) => /hypercore\/lib|autobase\//.test(l))
        largest[kind] = { ops: this._operations.length, bytes, by: frames.slice(0, 6).map((l) => l.trim().replace(/^at (async )?/, '').replace(/ \(.*node_modules\//, ' (')).join(' < ') }
      }
      return flush.apply(this, args)
    }
  }
  return largest
}

const open = (store) => new Hyperbee(store.get({ name: 'view' }), { keyEncoding: 'utf-8', valueEncoding: 'json', extension: false })

async function apply(nodes, view) {
  const batch = view.batch()
  for (const node of nodes) {
    if (node.value === null) continue
    const { first, entries } = JSON.parse(b4a.toString(node.value))
    for (let i = 0; i < entries.length; i += PER_KEY) {
      await batch.put('log/' + String((first + i) / PER_KEY).padStart(12, '0'), entries.slice(i, i + PER_KEY))
    }
    await batch.put('meta', { entries: first + entries.length })
  }
  await batch.flush()
}

function base(store, key, opts = {}) {
  return new Autobase(store, key, { valueEncoding: 'binary', ackInterval: 1000, open, apply, close: (view) => view.close(), ...opts })
}

function mem() {
  const u = process.memoryUsage()
  return `rss ${(u.rss / MB).toFixed(0)} MB, peak ${((process.resourceUsage().maxRSS * 1024) / MB).toFixed(0)} MB, heap ${(u.heapUsed / MB).toFixed(0)} MB, external ${(u.external / MB).toFixed(0)} MB`
}

async function source(entries, memtableMb) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'repro-source-'))
  const store = newStore(dir, memtableMb)
  const b = base(store, null)
  await b.ready()
  const started = Date.now()
  for (let first = 0; first < entries; first += ENTRIES_PER_BLOCK * 16) {
    const blocks = []
    for (let f = first; f < Math.min(entries, first + ENTRIES_PER_BLOCK * 16); f += ENTRIES_PER_BLOCK) {
      const list = []
      for (let i = f; i < Math.min(entries, f + ENTRIES_PER_BLOCK); i++) {
        list.push({ id: i.toString(16).padStart(64, '0'), index: i, writer: 'a'.repeat(64), type: 'transfer', payer: 'b'.repeat(64), payee: 'c'.repeat(64), amount: String(100 + (i % 4900)), stateHash: 'd'.repeat(64) })
      }
      blocks.push(b4a.from(JSON.stringify({ first: f, entries: list })))
    }
    await b.append(blocks)
  }
  await b.update()
  console.log(`source: ${entries} entries in ${b.local.length} blocks, view ${b.view.core.length} blocks, built in ${((Date.now() - started) / 1000).toFixed(1)} s; ${mem()}`)
  const server = net.createServer((socket) => {
    const stream = store.replicate(false)
    socket.pipe(stream).pipe(socket)
    socket.on('error', () => {})
    stream.on('error', () => {})
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  const child = fork(fileURLToPath(import.meta.url), ['--replay', b4a.toString(b.key, 'hex'), String(server.address().port), String(entries), String(memtableMb)], { stdio: 'inherit' })
  const code = await new Promise((resolve) => child.on('exit', resolve))
  server.close()
  await b.close()
  await store.close()
  fs.rmSync(dir, { recursive: true, force: true })
  process.exitCode = code ?? 1
}

async function replay(keyHex, port, entries, memtableMb) {
  const largest = watchBatches()
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'repro-replay-'))
  const store = newStore(dir, memtableMb)
  const b = base(store, b4a.from(keyHex, 'hex'), { fastForward: false })
  await b.ready()
  const socket = net.connect(port, '127.0.0.1')
  const stream = store.replicate(true)
  socket.pipe(stream).pipe(socket)
  const started = Date.now()
  const at = () => ((Date.now() - started) / 1000).toFixed(1).padStart(6) + ' s'
  const applied = async () => {
    const node = await b.view.get('meta').catch(() => null)
    return node ? node.value.entries : 0
  }
  b.on('reboot', () => console.log(`replay ${at()}: reboot (the view migrated to the indexed one); ${mem()}`))
  const timer = setInterval(async () => console.log(`replay ${at()}: ${await applied()} entries applied, view ${b.view.core.length} blocks; ${mem()}`), 1000)
  while ((await applied()) < entries || b.view.core.signedLength < b.view.core.length) {
    await new Promise((resolve) => setTimeout(resolve, 200))
    await b.update()
  }
  clearInterval(timer)
  console.log(`replay ${at()}: done, ${await applied()} entries, signed view ${b.view.core.signedLength} blocks; ${mem()}`)
  for (const [kind, l] of Object.entries(largest)) console.log(`largest ${kind === 'R' ? 'read' : 'write'} batch: ${l.ops} operations, ${(l.bytes / MB).toFixed(1)} MB, from ${l.by}`)
  socket.destroy()
  await b.close()
  await store.close()
  fs.rmSync(dir, { recursive: true, force: true })
}

if (process.argv[2] === '--replay') await replay(process.argv[3], Number(process.argv[4]), Number(process.argv[5]), Number(process.argv[6]))
else await source(Number(process.argv[2] ?? 100_000), Number(process.argv[3] ?? 64))
