// CPU per payment, summed over every node, against the connections each node has: Tally's Ledger, in one process.
//
//   npm run build && node bench/repro/connections-cpu.mjs [nodes, default 12] [payments, default 12] [degrees, default "all,4,2"] [indexers, default 3] [timer: acks on Autobase's timer alone]
//
// N ledgers on their own stores in this process, connected by piped replication streams (no swarm, so
// the topology is chosen, not found): "all" is a full mesh, k is a ring lattice where each node links to
// the next k/2 around the ring (k connections each; any two nodes still reach each other). The creator admits the others (the first
// ones indexers, 3 unless given), then lone payments from rotating payers, each awaited until it is confirmed on every node.
// The process's CPU time (process.cpuUsage: all nodes share it) is read around the payments only, so the
// figure is the whole network's CPU per payment, and does not depend on how busy the machine is the way
// wall-clock latency does. ADMIT_LOG=1 prints each admission's phases (applied on the creator, the new
// node writable, its member record there). bench/README.md ("Connections") quotes what it showed.
import fs from 'fs'
import os from 'os'
import path from 'path'
import Corestore from 'corestore'
import { Ledger } from '../../dist/src/index.js'
import { generateKeyPair } from '../../dist/protocol/index.js'

const N = Number(process.argv[2] ?? 12)
const PAYMENTS = Number(process.argv[3] ?? 12)
const DEGREES = (process.argv[4] ?? 'all,4,2').split(',')
const INDEXERS = Number(process.argv[5] ?? 3)
const PROMPT_ACK = process.argv[6] !== 'timer'

/** The pairs to connect: every pair, or a ring lattice (each node to the next k/2 around the ring: k links each, all reachable). */
function links(n, degree) {
  const pairs = []
  for (let i = 0; i < n; i++) {
    if (degree === 'all') for (let j = i + 1; j < n; j++) pairs.push([i, j])
    else for (let s = 1; s <= Number(degree) / 2; s++) if (s < n - s || i < (i + s) % n) pairs.push([i, (i + s) % n])
  }
  return pairs
}

const signedToEnd = (ls) => ls.every((l) => l.view.core.length > 0 && l.view.core.signedLength === l.view.core.length)

async function until(cond, what, ms = 120_000) {
  const end = Date.now() + ms
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('timed out: ' + what)
    await new Promise((r) => setTimeout(r, 20))
  }
}

async function run(degree) {
  const dirs = []
  const store = () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'tally-conn-'))
    dirs.push(d)
    return new Corestore(d)
  }
  const first = await Ledger.create({ store: store(), identity: generateKeyPair(), name: 'Conn', unitCode: 'CTC', memberName: 'p0', creditLimit: 1_000_000n, promptAck: PROMPT_ACK })
  const ledgers = [first]
  for (let i = 1; i < N; i++) ledgers.push(await Ledger.open({ store: store(), identity: generateKeyPair(), key: first.key, encryptionKey: first.encryptionKey, promptAck: PROMPT_ACK }))
  const pairs = links(N, degree)
  const streams = []
  for (const [a, b] of pairs) {
    const s1 = ledgers[a].replicate(true)
    const s2 = ledgers[b].replicate(false)
    s1.pipe(s2).pipe(s1)
    streams.push(s1, s2)
  }
  const admit0 = { at: Date.now(), cpu: process.cpuUsage() }
  for (let i = 1; i < N; i++) {
    const l = ledgers[i]
    const a0 = Date.now()
    await first.admit({ account: l.identity.publicKey, writer: l.writerKey, name: 'p' + i, indexer: i < INDEXERS })
    const a1 = Date.now()
    await until(() => l.writable, 'writable p' + i)
    const a2 = Date.now()
    await until(async () => l.writable && (await l.self().catch(() => null)) !== null, 'admitted p' + i)
    if (process.env.ADMIT_LOG) console.log(`admit ${i}: applied on the creator ${a1 - a0} ms, writable ${a2 - a0} ms, member ${Date.now() - a0} ms`)
  }
  const admitCpu = process.cpuUsage(admit0.cpu)
  const admitted = `${N - 1} admissions one after another ${((Date.now() - admit0.at) / 1000).toFixed(1)} s, CPU ${((admitCpu.user + admitCpu.system) / 1e6).toFixed(1)} s`
  await until(() => signedToEnd(ledgers) && new Set(ledgers.map((l) => l.view.core.length)).size === 1, 'set-up confirmed')
  const perNode = (pairs.length * 2) / N
  const written0 = ledgers.slice(0, INDEXERS).reduce((n, l) => n + l.base.local.length, 0)
  const cpu0 = process.cpuUsage()
  const t0 = Date.now()
  const conf = []
  for (let k = 0; k < PAYMENTS; k++) {
    const payer = ledgers[k % N]
    const s = Date.now()
    await payer.transfer('p' + ((k + 1) % N), 1n)
    const len = payer.view.core.length
    await until(() => ledgers.every((l) => l.view.core.signedLength >= len) && signedToEnd(ledgers), `payment ${k} confirmed everywhere`)
    conf.push(Date.now() - s)
  }
  const cpu = process.cpuUsage(cpu0)
  const acks = ledgers.slice(0, INDEXERS).reduce((n, l) => n + l.base.local.length, 0) - written0
  const wall = Date.now() - t0
  conf.sort((a, b) => a - b)
  const line = `${N} nodes, ${INDEXERS} indexer(s), ${PROMPT_ACK ? 'prompt acks' : 'timer acks'}, ${degree === 'all' ? 'full mesh' : degree + ' links each'}: ${pairs.length} connections (${perNode.toFixed(1)} per node); ` +
    `CPU per payment, all nodes: ${((cpu.user + cpu.system) / 1000 / PAYMENTS).toFixed(0)} ms (${((cpu.user + cpu.system) / 1000 / PAYMENTS / N).toFixed(1)} per node); ` +
    `confirmed everywhere p50 ${(conf[Math.floor(conf.length / 2)] / 1000).toFixed(2)} s; wall ${(wall / 1000).toFixed(1)} s; blocks the indexers wrote per payment ${(acks / PAYMENTS).toFixed(2)} (their payments included); ${admitted}; load ${os.loadavg()[0].toFixed(1)}`
  console.log(line)
  for (const s of streams) s.destroy()
  for (const l of ledgers) await l.close()
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true })
}

for (const d of DEGREES) await run(d)
