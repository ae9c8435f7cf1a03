/**
 * Audit verification rate: builds a ledger of N entries quickly (signed transfers appended raw
 * in batches), then audits it and reports entries per second for the whole audit and for each
 * phase.
 *
 *   node dist/bench/audit-rate.js [--entries 100000] [--batch 1000] [--out bench/results/audit-rate.json]
 */
import fs from 'fs'
import os from 'os'
import path from 'path'
import { parseArgs } from 'util'
import b4a from 'b4a'
import sodium from 'sodium-native'
import { Ledger, generateKeyPair, protocol } from '../src/index.js'
import { audit } from '../src/index.js'

const { values } = parseArgs({
  options: {
    entries: { type: 'string', default: '100000' },
    batch: { type: 'string', default: '1000' },
    members: { type: 'string', default: '8' },
    out: { type: 'string' },
    /** Keep the built ledger in DIR, or audit the one already there (to repeat a measurement). */
    dir: { type: 'string' }
  }
})
const ENTRIES = Number(values.entries)
const BATCH = Number(values.batch)
const MEMBERS = Number(values.members)

async function main(): Promise<void> {
  const dir = values.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'tally-bench-audit-'))
  const saved = path.join(dir, 'bench-ledger.json')
  try {
    const ledger = fs.existsSync(saved) ? await reopen(dir, saved) : await build(dir, saved)
    await auditAndReport(ledger)
    await ledger.close()
  } finally {
    if (!values.dir) fs.rmSync(dir, { recursive: true, force: true })
  }
}

async function reopen(dir: string, saved: string): Promise<Ledger> {
  const s = JSON.parse(fs.readFileSync(saved, 'utf8'))
  const identity = protocol.keyPairFromSeed(protocol.fromHex(s.seed))
  return Ledger.open({ store: dir, identity, key: protocol.fromHex(s.key), encryptionKey: protocol.fromHex(s.encryptionKey), ackIntervalMs: 100 })
}

async function build(dir: string, saved: string): Promise<Ledger> {
  {
    const seed = generateKeyPair().secretKey.subarray(0, 32)
    const identity = protocol.keyPairFromSeed(seed)
    const ledger = await Ledger.create({
      store: dir,
      identity,
      name: 'Bench Exchange',
      unitCode: 'CTC',
      memberName: 'alpha',
      creditLimit: protocol.AMOUNT_MAX,
      ackIntervalMs: 100
    })
    const payees: Uint8Array[] = []
    for (let i = 0; i < MEMBERS; i++) {
      const kp = generateKeyPair()
      // Members that never write: their writer keys only need to be distinct.
      await ledger.admit({ account: kp.publicKey, writer: generateKeyPair().publicKey, name: 'member' + i })
      payees.push(kp.publicKey)
    }
    const buildStarted = Date.now()
    let seq = 1_000_000
    for (let done = 0; done < ENTRIES; ) {
      const n = Math.min(BATCH, ENTRIES - done)
      const blocks: Uint8Array[] = []
      for (let i = 0; i < n; i++) {
        const entry = { version: 1, type: 'transfer', author: identity.publicKey, seq: seq++, timestamp: Date.now(), memo: 'bench', payee: payees[(done + i) % MEMBERS], amount: 1n } as protocol.Entry
        blocks.push(protocol.sealEntry(ledger.key, entry, identity.secretKey).block)
      }
      await ledger.base.append(blocks)
      done += n
    }
    const total = ENTRIES + MEMBERS + 1
    for (;;) {
      const meta = await ledger.meta()
      if (meta && meta.entries >= total) break
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
    const buildMs = Date.now() - buildStarted
    process.stderr.write(`built ${total} entries in ${(buildMs / 1000).toFixed(1)} s\n`)
    const key = protocol.toHex(ledger.key)
    fs.writeFileSync(saved, JSON.stringify({ key, encryptionKey: protocol.toHex(ledger.encryptionKey!), seed: protocol.toHex(seed) }))
    return ledger
  }
}

async function auditAndReport(ledger: Ledger): Promise<void> {
  {
    const rssBefore = process.memoryUsage().rss
    const cpuBefore = process.cpuUsage()
    const mainBefore = mainThreadCpuMs()
    const loadBefore = os.loadavg()[0]
    const threads = new ThreadSampler()
    const report = await audit(ledger)
    const cpu = process.cpuUsage(cpuBefore)
    const mainCpuMs = mainBefore === null ? null : mainThreadCpuMs()! - mainBefore
    const perThread = threads.stop()
    const result = {
      entries: report.entriesChecked,
      ok: report.ok,
      findings: report.findings.length,
      totalMs: report.timing.totalMs,
      downloadMs: report.timing.downloadMs,
      verifyMs: report.timing.verifyMs,
      replayMs: report.timing.replayMs,
      entriesPerSecond: report.timing.entriesPerSecond,
      signaturesPerSecond: report.timing.signaturesPerSecond,
      /** CPU time of all threads (main and signature workers): what the audit costs, whatever else runs. */
      cpuMs: Math.round((cpu.user + cpu.system) / 1000),
      /** CPU time of the main thread alone (Linux): the audit's critical path when cores are free. */
      mainCpuMs,
      /** The same per entry, in µs: what compares across runs on a busy machine (wall time does not). */
      cpuUsPerEntry: Math.round((cpu.user + cpu.system) / Math.max(1, report.entriesChecked)),
      mainCpuUsPerEntry: mainCpuMs === null ? null : Math.round((mainCpuMs * 1000) / Math.max(1, report.entriesChecked)),
      /**
       * CPU µs per entry of the threads started during the audit (the signature workers) and of
       * the other threads that were already running (V8's GC helpers, libuv's pool: RocksDB reads),
       * sampled from /proc every 100 ms (Linux; null elsewhere).
       */
      workerCpuUsPerEntry: perThread === null ? null : Math.round((perThread.startedMs * 1000) / Math.max(1, report.entriesChecked)),
      otherCpuUsPerEntry: perThread === null ? null : Math.round((perThread.otherMs * 1000) / Math.max(1, report.entriesChecked)),
      /** The machine's 1-minute load average when the audit started (2 cores here: above 2 means contention). */
      loadAverage: Math.round(loadBefore * 100) / 100,
      rssMb: Math.round(Math.max(rssBefore, process.memoryUsage().rss) / 1e6),
      /** CPU µs of one ed25519 verification on this thread, now: the floor of the audit's cost per entry. */
      ed25519VerifyUs: verifyCostUs(),
      cpus: os.cpus().length,
      node: process.version
    }
    for (const f of report.findings.slice(0, 10)) process.stderr.write(`finding: ${f.kind} ${f.rule}: ${f.detail}\n`)
    console.log(JSON.stringify(result))
    console.log(`audit of ${result.entries} entries: ${result.entriesPerSecond} entries/s (${(result.totalMs / 1000).toFixed(2)} s; read ${result.downloadMs} ms, signatures ${result.verifyMs} ms at ${result.signaturesPerSecond}/s, order+replay+compare ${result.replayMs} ms; ${result.cpuMs} ms CPU, ${result.mainCpuMs ?? '?'} ms on the main thread (${result.cpuUsPerEntry} and ${result.mainCpuUsPerEntry ?? '?'} µs per entry; workers ${result.workerCpuUsPerEntry ?? '?'}, other threads ${result.otherCpuUsPerEntry ?? '?'}); load ${result.loadAverage}; one ed25519 verification ${result.ed25519VerifyUs} µs), ok=${result.ok}`)
    if (values.out) {
      fs.mkdirSync(path.dirname(values.out), { recursive: true })
      fs.writeFileSync(values.out, JSON.stringify({ ...result, measuredAt: new Date().toISOString() }, null, 2) + '\n')
    }
  }
}

/** CPU µs per ed25519 verification (sodium-native, as the auditor calls it), over 2,000 of a 150-byte message. */
function verifyCostUs(): number {
  const pk = b4a.alloc(32)
  const sk = b4a.alloc(64)
  sodium.crypto_sign_keypair(pk, sk)
  const msg = b4a.alloc(150, 7)
  const sig = b4a.alloc(64)
  sodium.crypto_sign_detached(sig, msg, sk)
  const n = 2000
  const before = process.cpuUsage()
  for (let i = 0; i < n; i++) if (!sodium.crypto_sign_verify_detached(sig, msg, pk)) throw new Error('verify failed')
  const cpu = process.cpuUsage(before)
  return Math.round(((cpu.user + cpu.system) / n) * 10) / 10
}

/** utime + stime of a thread of this process from /proc (Linux), in ms. */
function taskCpuMs(tid: string): number {
  const stat = fs.readFileSync(`/proc/${process.pid}/task/${tid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100
}

/**
 * CPU of the threads other than the main one while the audit runs: those already running at the
 * start, and those started since (the signature workers). A thread that exits is counted as of its
 * last sample, so up to 100 ms of its CPU can be missed.
 */
class ThreadSampler {
  private readonly before = new Map<string, number>()
  private readonly last = new Map<string, number>()
  private readonly timer: NodeJS.Timeout | null = null
  constructor() {
    try {
      for (const tid of this.tids()) this.before.set(tid, taskCpuMs(tid))
    } catch {
      return
    }
    this.timer = setInterval(() => this.sample(), 100)
    this.timer.unref()
  }
  private tids(): string[] {
    return fs.readdirSync(`/proc/${process.pid}/task`).filter((tid) => tid !== String(process.pid))
  }
  private sample(): void {
    for (const tid of this.tids()) {
      try {
        this.last.set(tid, taskCpuMs(tid))
      } catch {
        // Exited between the listing and the read.
      }
    }
  }
  stop(): { startedMs: number; otherMs: number } | null {
    if (this.timer === null) return null
    clearInterval(this.timer)
    this.sample()
    let startedMs = 0
    let otherMs = 0
    for (const [tid, ms] of this.last) {
      const was = this.before.get(tid)
      if (was === undefined) startedMs += ms
      else otherMs += ms - was
    }
    return { startedMs: Math.round(startedMs), otherMs: Math.round(otherMs) }
  }
}

/** utime + stime of the main thread from /proc (Linux), in ms; null elsewhere. */
function mainThreadCpuMs(): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${process.pid}/task/${process.pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    const ticks = Number(fields[11]) + Number(fields[12])
    return Math.round((ticks * 1000) / 100)
  } catch {
    return null
  }
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
