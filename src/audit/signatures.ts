/**
 * Verifies the ed25519 signature of every entry block. Verification is half the audit's CPU
 * (about 50-60 µs per signature here), so blocks go in batches to worker threads while the main
 * thread reads cores and the view and replays (audit.ts). The replay's result stands only if
 * every block it decided passed; otherwise it is replayed with these results, handing applyBlock
 * `verified: true` only for blocks that passed, so the rest go through the pipeline's own check
 * and are recorded as bad_signature, exactly as a node records them.
 */
import os from 'os'
import { Worker } from 'worker_threads'
import type { Hex } from '../../protocol/index.js'
import { CLAIM_FREE, CLAIM_MAIN, verifyBatch, type VerifyRequest, type VerifyResponse, type VerifyResult } from './verify-worker.js'

/** Blocks per batch sent to a worker. */
export const VERIFY_BATCH = 1024
/** Cores shorter than this start no worker: the main thread verifies them in `finish` (a worker costs ~50 ms to start). */
export const INLINE_MAX = 2048
/** Workers at most by default, leaving one core to the main thread. */
const WORKERS_MAX = 4

/** Worker threads to start by default: one less than the cores, at least 1, at most WORKERS_MAX. */
export function defaultWorkers(): number {
  return Math.max(1, Math.min(WORKERS_MAX, (os.availableParallelism?.() ?? os.cpus().length) - 1))
}

export interface VerifierOptions {
  /** Worker threads (default `defaultWorkers()`); 0 verifies everything on the calling thread. */
  workers?: number
  /** Cores of at least this many blocks start the workers (default INLINE_MAX). */
  inlineMax?: number
  /** The worker's module (default ./verify-worker.js; tests give one that fails). */
  workerUrl?: URL
  /** Called with how many blocks each finished batch held entries for. */
  onProgress?: (n: number) => void
}

/** Verifier worker threads running now, in this process (tests check none outlives an audit). */
let liveWorkers = 0
export function runningVerifyWorkers(): number {
  return liveWorkers
}

/** Per block of a writer core. */
export const SIG_INVALID = 0
export const SIG_VALID = 1
/** An ack, or bytes that do not decode (the pipeline records those as malformed). */
export const SIG_NONE = 2

export interface SignatureResult {
  /** Per writer, per block: SIG_VALID, SIG_INVALID or SIG_NONE. */
  status: Map<Hex, Uint8Array>
  /** Per writer, per block: its entries' earliest and latest time (verify-worker.ts), for the clock check. */
  times: Map<Hex, Float64Array>
  checked: number
  failed: number
}

interface Batch {
  id: number
  /** The blocks, in shared memory: every worker gets the same bytes, none is copied. Null once settled. */
  shared: VerifyRequest['shared'] | null
  /** Who verifies it: CLAIM_FREE until a worker (its index + 1) or the main thread (CLAIM_MAIN) takes it. */
  claim: Int32Array
  settled: boolean
  done: (result: VerifyResult) => void
}

/**
 * Verifies the entry blocks of writer cores as they are read. Every batch is posted to every
 * worker as soon as it is read, in shared memory, and whoever claims it first (an atomic
 * compare-and-swap on its claim word) verifies it; the others skip it. So a worker never waits
 * for the main thread to hand it work: it used to hold two batches at a time and idled whenever
 * the main thread ran longer than those (parsing the view, sorting the order, a full GC),
 * 12 % of its time in a profile at 100k entries. And `finish()` has the main thread claim
 * batches from the back, so no core sits idle at the end.
 */
export class SignatureVerifier {
  private readonly workers: Array<{ worker: Worker; index: number; dead: boolean }> = []
  private readonly batches: Batch[] = []
  private readonly jobs: Array<Promise<void>> = []
  private readonly status = new Map<Hex, Uint8Array>()
  private readonly times = new Map<Hex, Float64Array>()
  private broken = false
  private closed = false
  private readonly onProgress?: (n: number) => void
  /** The ledger key in a buffer of its own: a message carries the whole buffer behind a view. */
  private readonly ledgerKey: Uint8Array

  constructor(
    ledgerKey: Uint8Array,
    private readonly opts: VerifierOptions = {}
  ) {
    this.ledgerKey = new Uint8Array(ledgerKey)
    this.onProgress = opts.onProgress
  }

  /** Announces a core of `length` blocks, before its values arrive through `chunk`. */
  begin(key: Hex, length: number): void {
    this.status.set(key, new Uint8Array(length).fill(SIG_NONE))
    this.times.set(key, new Float64Array(2 * length).fill(NaN))
  }

  /** Queues blocks [start, start + values.length) of a core announced with `begin`. */
  chunk(key: Hex, start: number, values: Array<Uint8Array | null>): void {
    const out = this.status.get(key)
    const times = this.times.get(key)
    if (!out || !times) throw new Error('chunk before begin for ' + key)
    if (out.length >= (this.opts.inlineMax ?? INLINE_MAX)) this.startWorkers()
    for (let offset = 0; offset < values.length; offset += VERIFY_BATCH) {
      const part = values.slice(offset, offset + VERIFY_BATCH)
      const entries = part.reduce((n, v) => n + (v === null ? 0 : 1), 0)
      const at = start + offset
      const shared = pack(part)
      const batch: Batch = {
        id: this.batches.length,
        shared,
        claim: new Int32Array(shared.claim),
        settled: false,
        done: () => {}
      }
      this.jobs.push(
        new Promise<void>((resolve) => {
          batch.done = (result) => {
            if (batch.settled) return
            batch.settled = true
            batch.shared = null
            out.set(result.status, at)
            times.set(result.times, 2 * at)
            if (this.onProgress) this.onProgress(entries)
            resolve()
          }
        })
      )
      this.batches.push(batch)
      for (const w of this.workers) if (!w.dead) this.post(w.worker, batch)
    }
  }

  /** Verifies what no worker has claimed on this thread too, waits for every batch and stops the workers. */
  async finish(): Promise<SignatureResult> {
    try {
      for (let next = this.batches.length - 1; ; ) {
        // From the back: the workers take them from the front.
        while (next >= 0 && !this.take(this.batches[next])) next--
        if (next >= 0) {
          const batch = this.batches[next--]
          batch.done(verifyBatch(this.request(batch)))
          // Let worker results and progress through between batches.
          await new Promise((resolve) => setImmediate(resolve))
          continue
        }
        // Batches a worker claimed and lost (it exited) come back to this thread.
        const lost = this.batches.filter((b) => !b.settled && this.claimedByDead(b))
        for (const batch of lost) batch.done(verifyBatch(this.request(batch)))
        if (this.batches.every((b) => b.settled)) break
        // The workers' last batches.
        await new Promise((resolve) => setTimeout(resolve, 5))
      }
      await Promise.all(this.jobs)
    } finally {
      await this.close()
    }
    let checked = 0
    let failed = 0
    for (const status of this.status.values()) {
      for (const s of status) {
        if (s !== SIG_NONE) checked++
        if (s === SIG_INVALID) failed++
      }
    }
    return { status: this.status, times: this.times, checked, failed }
  }

  /** Stops the workers (also when the audit fails midway); batches not verified yet are dropped. */
  async close(): Promise<void> {
    this.closed = true
    const workers = this.workers.splice(0)
    await Promise.all(workers.map((w) => w.worker.terminate()))
  }

  /** Claims a batch for this thread; false if a worker has it. */
  private take(batch: Batch): boolean {
    return !batch.settled && Atomics.compareExchange(batch.claim, 0, CLAIM_FREE, CLAIM_MAIN) === CLAIM_FREE
  }

  private claimedByDead(batch: Batch): boolean {
    const by = Atomics.load(batch.claim, 0)
    return by > 0 && this.workers.every((w) => w.index + 1 !== by || w.dead)
  }

  private request(batch: Batch): Omit<VerifyRequest, 'id'> {
    if (batch.shared === null) throw new Error('batch ' + batch.id + ' was settled')
    return { ledgerKey: this.ledgerKey, shared: batch.shared }
  }

  private post(worker: Worker, batch: Batch): void {
    const msg: VerifyRequest = { id: batch.id, ...this.request(batch) }
    worker.postMessage(msg)
  }

  private startWorkers(): void {
    if (this.broken || this.closed || this.workers.length > 0) return
    const n = this.opts.workers ?? defaultWorkers()
    if (n <= 0) {
      this.broken = true
      return
    }
    for (let index = 0; index < n; index++) {
      let worker: Worker
      try {
        worker = new Worker(this.opts.workerUrl ?? new URL('./verify-worker.js', import.meta.url), { workerData: { claimAs: index + 1 } })
      } catch {
        this.broken = true
        return
      }
      liveWorkers++
      const entry = { worker, index, dead: false }
      worker.on('message', (res: VerifyResponse) => {
        const batch = this.batches[res.id]
        if (batch) batch.done({ status: res.status, times: res.times })
      })
      // A worker that throws emits 'error' then 'exit'; one that exits on its own only 'exit'.
      // Either way it loses nothing: the batches it claimed and did not return go to the main
      // thread (`finish`), and those it had not claimed stay for the others. Terminated by
      // `close`, nothing waits for them.
      worker.on('error', () => (entry.dead = true))
      worker.on('exit', () => {
        liveWorkers--
        entry.dead = true
      })
      this.workers.push(entry)
      for (const batch of this.batches) if (!batch.settled) this.post(worker, batch)
    }
  }
}

/** One shared buffer and offsets for a run of blocks (acks become empty blocks), and a free claim word. */
function pack(values: Array<Uint8Array | null>): VerifyRequest['shared'] {
  const offsets = new Uint32Array(new SharedArrayBuffer(4 * (values.length + 1)))
  let size = 0
  for (let i = 0; i < values.length; i++) {
    size += values[i]?.byteLength ?? 0
    offsets[i + 1] = size
  }
  const bytes = new Uint8Array(new SharedArrayBuffer(size))
  for (let i = 0; i < values.length; i++) {
    const v = values[i]
    if (v) bytes.set(v, offsets[i])
  }
  return { claim: new SharedArrayBuffer(4), bytes, offsets }
}
