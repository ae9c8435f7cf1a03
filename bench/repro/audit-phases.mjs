// CPU of each phase of an audit, run alone on a ledger that bench/audit-rate.js kept (its --dir): the view's
// read, the writer cores' read, the order, the causal check and the replay (no signatures: the replay takes
// them as valid). Per phase: CPU ms of the main thread and of all threads, wall ms, young and full GC ms (wall)
// and the heap's growth.
//
//   npm run build && node bench/repro/audit-phases.mjs DIR [dist, default ./dist]
//
// Run it alternately with two builds (the second argument: a copy of another build's dist) to compare them.
// bench/README.md ("Audit rate (session 6)") quotes what it showed.
import fs from 'fs'
import path from 'path'
import { PerformanceObserver } from 'perf_hooks'
const dir = process.argv[2]
const dist = path.resolve(process.argv[3] ?? 'dist')
const { Ledger, protocol } = await import(dist + '/src/index.js')
const { readView, readTree } = await import(dist + '/src/audit/view-reader.js')
const { readWriterCore } = await import(dist + '/src/audit/writer-cores.js')
const { replay, linearOrder } = await import(dist + '/src/audit/replay.js')
const { checkOrder } = await import(dist + '/src/audit/causal.js')
const s = JSON.parse(fs.readFileSync(dir + '/bench-ledger.json', 'utf8'))
const identity = protocol.keyPairFromSeed(protocol.fromHex(s.seed))
const ledger = await Ledger.open({ store: dir, identity, key: protocol.fromHex(s.key), encryptionKey: protocol.fromHex(s.encryptionKey), ackIntervalMs: 100 })
await ledger.ready(); await ledger.update()
const tcpu = () => { const st = fs.readFileSync(`/proc/thread-self/stat`, 'utf8'); const f = st.slice(st.lastIndexOf(')') + 2).split(' '); return (Number(f[11]) + Number(f[12])) * 10 }
const all = () => { const c = process.cpuUsage(); return (c.user + c.system) / 1000 }
let gcMinor = 0, gcMajor = 0
new PerformanceObserver((l) => { for (const e of l.getEntries()) { if (e.detail?.kind === 1) gcMinor += e.duration; else gcMajor += e.duration } }).observe({ entryTypes: ['gc'] })
async function phase(name, f) { const g1 = gcMinor, g2 = gcMajor; const h = process.memoryUsage().heapUsed; const r0 = await phase0(name, f); await new Promise(r => setTimeout(r, 10)); console.log('   gc minor', Math.round(gcMinor - g1), 'major', Math.round(gcMajor - g2), 'heap +MB', Math.round((process.memoryUsage().heapUsed - h) / 1e6)); return r0 }
async function phase0(name, f) { const a = tcpu(), b = all(), w = Date.now(); const r = await f(); console.log(name.padEnd(12), 'main', tcpu() - a, 'all', Math.round(all() - b), 'wall', Date.now() - w); return r }
const snap = ledger.view.checkout(ledger.view.core.length)
const view = await phase('view', () => readView(snap))
const bound = await readTree(snap, undefined, ['writer/'])
const cores = new Map()
await phase('cores', async () => { for (const k of bound.writers.keys()) { const key = k.slice(7); cores.set(key, await readWriterCore(ledger.store, protocol.fromHex(key), { encryption: () => ledger.base.getWriterEncryption() })) } })
console.log('records', view.records.length, 'cores', [...cores.values()].map(c => c.length).join(','))
const order = await phase('linearOrder', () => linearOrder(view.records))
await phase('causal', () => checkOrder(order.map((r) => ({ index: r.index, writer: r.writer, block: r.block, slot: r.slot ?? 0, id: r.id })), cores))
await phase('replay', () => replay({ ledgerKey: ledger.key, view, order, cores, signatures: null, confirmedEntries: 0 }))
await snap.close(); await ledger.close()
