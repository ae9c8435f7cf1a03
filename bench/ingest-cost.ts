/**
 * `node dist/bench/ingest-cost.js [entries] [in-flight] [runs]`: the ingest phase's writes in one
 * process, without the bench's IPC or swarm: a fresh ledger of 8 members on disk, then the seeded
 * workload through `Ledger.transfer`/`invoice` with that many writes in flight. Prints the rate and
 * the CPU time per entry of each run. With TALLY_INGEST_PROFILE=FILE, a CPU profile of the last
 * run's writes alone (no start-up, no admissions) goes to FILE (open it in Chrome's DevTools).
 */
import fs from 'fs'
import inspector from 'inspector'
import os from 'os'
import path from 'path'
import { generateKeyPair, Ledger } from '../src/index.js'
import { deriveSeed, memberNames, planWorkload } from './workload.js'

const MEMBERS = 8
const CREDIT = 1_000_000_000n

/** A V8 CPU profile over an inspector session, sampled every 250 µs. */
async function startProfile(): Promise<{ stop: (file: string) => Promise<void> }> {
  const session = new inspector.Session()
  session.connect()
  const post = (method: string, params: object = {}) => new Promise<any>((resolve, reject) => session.post(method, params, (err, res) => (err ? reject(err) : resolve(res))))
  await post('Profiler.enable')
  await post('Profiler.setSamplingInterval', { interval: 250 })
  await post('Profiler.start')
  return {
    async stop(file) {
      const { profile } = await post('Profiler.stop')
      session.disconnect()
      fs.writeFileSync(file, JSON.stringify(profile))
    }
  }
}

async function run(entries: number, inFlight: number, run: number, profile: string | null): Promise<{ rate: number; cpuUs: number; perAppend: number; io: { gets: number; readBatches: number; puts: number } }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tally-ingest-cost-'))
  const names = memberNames(MEMBERS)
  const l = await Ledger.create({ store: path.join(dir, 'store'), identity: generateKeyPair(), name: 'Bench Exchange', unitCode: 'BEN', memberName: names[0], creditLimit: CREDIT, ackIntervalMs: 100, batchMax: 256 })
  try {
    await Promise.all(names.slice(1).map((name) => l.admit({ account: generateKeyPair().publicKey, writer: generateKeyPair().publicKey, name, indexer: false })))
    const ops = planWorkload({ seed: deriveSeed(1, 'ingest', 'group', run), self: names[0], members: names, count: entries, budget: CREDIT })
    const before = l.commitStats
    // RocksDB's own counters (Corestore storage -> RocksDB state): its reads run on this thread.
    const stats = (l.store as any)?.storage?.db?._state?.stats ?? { gets: 0, readBatches: 0, puts: 0 }
    const io0 = { gets: stats.gets, readBatches: stats.readBatches, puts: stats.puts }
    let next = 0
    const worker = async () => {
      while (next < ops.length) {
        const op = ops[next++]
        if (op.type === 'transfer') await l.transfer(op.counterparty, op.amount, { memo: op.memo })
        else await l.invoice(op.counterparty, op.amount, { memo: op.memo })
      }
    }
    const profiler = profile ? await startProfile() : null
    const start = performance.now()
    const cpu0 = process.cpuUsage()
    await Promise.all(Array.from({ length: inFlight }, worker))
    const cpu = process.cpuUsage(cpu0)
    const ms = performance.now() - start
    if (profiler) await profiler.stop(profile!)
    const after = l.commitStats
    const io = { gets: (stats.gets - io0.gets) / entries, readBatches: (stats.readBatches - io0.readBatches) / entries, puts: (stats.puts - io0.puts) / entries }
    return { rate: entries / (ms / 1000), cpuUs: (cpu.user + cpu.system) / entries, perAppend: (after.blocks - before.blocks) / Math.max(1, after.batches - before.batches), io }
  } finally {
    await l.close()
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

async function main(): Promise<void> {
  const [entries, inFlight, runs] = [Number(process.argv[2] ?? 5000), Number(process.argv[3] ?? 256), Number(process.argv[4] ?? 3)]
  if (![entries, inFlight, runs].every((n) => Number.isInteger(n) && n > 0)) throw new RangeError('usage: ingest-cost.js [entries] [in-flight] [runs]')
  for (let i = 0; i < runs; i++) {
    const r = await run(entries, inFlight, i, i === runs - 1 ? (process.env.TALLY_INGEST_PROFILE ?? null) : null)
    console.log(`run ${i + 1}: ${r.rate.toFixed(0)} entries/s, ${r.cpuUs.toFixed(0)} µs CPU per entry, ${r.perAppend.toFixed(0)} entries per append, RocksDB per entry ${r.io.gets.toFixed(2)} gets in ${r.io.readBatches.toFixed(2)} read batches, ${r.io.puts.toFixed(2)} puts (${entries} writes, ${inFlight} in flight; load ${os.loadavg()[0].toFixed(1)})`)
  }
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
