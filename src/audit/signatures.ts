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
import b4a from 'b4a'
import type { Hex } from '../../protocol/index.js'
import { verifyBatch, type VerifyRequest, type VerifyResponse, type VerifyResult } from './verify-worker.js'

/** Blocks per batch sent to a worker. */
export const VERIFY_BATCH = 1024
/** Cores shorter than this start no worker: the main thread verifies them in `finish` (a worker costs ~50 ms to start). */
export const INLINE_MAX = 2048
/**
 * Batches a worker holds at once: the next one waits in its port while it verifies, so it does
 * not idle while the main thread is busy (replaying) and has not yet handled its last result.
 */
const PER_WORKER = 2
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
  req: Omit<VerifyRequest, 'id'>
  done: (result: VerifyResult) => void
}

/**
 * Verifies the entry blocks of writer cores as they are read. Batches wait in a queue; each
 * worker holds up to PER_WORKER from its front, and `finish()` has the main thread take batches
 * from the back until the queue is empty, so no core sits idle at the end.
 */
export class SignatureVerifier {
  private readonly workers: Worker[] = []
  private readonly queue: Batch[] = []
  private readonly inFlight = new Map<number, Batch>()
  /** The batch ids each worker holds. */
  private readonly busy = new Map<Worker, Set<number>>()
  private readonly jobs: Array<Promise<void>> = []
  private readonly status = new Map<Hex, Uint8Array>()
  private readonly times = new Map<Hex, Float64Array>()
  private nextId = 0
  private broken = false
  private closed = false
  private readonly onProgress?: (n: number) => void

  constructor(
    private readonly ledgerKey: Uint8Array,
    private readonly opts: VerifierOptions = {}
  ) {
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
    for (let offset = 0; offset < values.length; offset += VERIFY_BATCH) {
      const part = values.slice(offset, offset + VERIFY_BATCH)
      const entries = part.reduce((n, v) => n + (v === null ? 0 : 1), 0)
      const at = start + offset
      this.jobs.push(
        new Promise<void>((resolve) => {
          this.queue.push({
            req: pack(this.ledgerKey, part),
            done: (result) => {
              out.set(result.status, at)
              times.set(result.times, 2 * at)
              if (this.onProgress) this.onProgress(entries)
              resolve()
            }
          })
        })
      )
      if (out.length >= (this.opts.inlineMax ?? INLINE_MAX)) this.startWorkers()
      this.feed()
    }
  }

  /** Verifies what is left on this thread too, waits for every batch and stops the workers. */
  async finish(): Promise<SignatureResult> {
    try {
      for (;;) {
        const batch = this.queue.pop()
        if (batch) {
          batch.done(verifyBatch(batch.req))
          // Let worker results and progress through between batches.
          await new Promise((resolve) => setImmediate(resolve))
        } else if (this.inFlight.size > 0) {
          // The workers' last batches (a failing worker puts its batch back in the queue).
          await new Promise((resolve) => setTimeout(resolve, 5))
        } else {
          break
        }
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

  /** Stops the workers (also when the audit fails midway); batches still queued are dropped. */
  async close(): Promise<void> {
    this.closed = true
    const workers = this.workers.splice(0)
    await Promise.all(workers.map((w) => w.terminate()))
  }

  /** Tops each worker up to PER_WORKER batches from the front of the queue. */
  private feed(): void {
    for (const w of this.workers) {
      const held = this.busy.get(w)
      while (held && held.size < PER_WORKER && this.queue.length > 0) {
        const batch = this.queue.shift()!
        const id = this.nextId++
        this.inFlight.set(id, batch)
        held.add(id)
        const msg: VerifyRequest = { id, ...batch.req }
        w.postMessage(msg)
      }
    }
  }

  private startWorkers(): void {
    if (this.broken || this.closed || this.workers.length > 0) return
    const n = this.opts.workers ?? defaultWorkers()
    if (n <= 0) {
      this.broken = true
      return
    }
    for (let i = 0; i < n; i++) {
      let w: Worker
      try {
        w = new Worker(this.opts.workerUrl ?? new URL('./verify-worker.js', import.meta.url))
      } catch {
        this.broken = true
        return
      }
      liveWorkers++
      this.busy.set(w, new Set())
      w.on('message', (res: VerifyResponse) => {
        const batch = this.inFlight.get(res.id)
        this.inFlight.delete(res.id)
        this.busy.get(w)?.delete(res.id)
        if (batch) batch.done({ status: res.status, times: res.times })
        this.feed()
      })
      // A worker that throws emits 'error' then 'exit'; one that exits on its own only 'exit'.
      // Either way it loses nothing: its batches go back to the queue for the others or the
      // main thread (`finish`). Terminated by `close`, nothing waits for them.
      const lost = () => {
        for (const id of this.busy.get(w) ?? []) {
          const batch = this.inFlight.get(id)
          this.inFlight.delete(id)
          if (batch) this.queue.push(batch)
        }
        this.busy.delete(w)
        const at = this.workers.indexOf(w)
        if (at !== -1) this.workers.splice(at, 1)
      }
      w.on('error', lost)
      w.on('exit', () => {
        liveWorkers--
        lost()
      })
      this.workers.push(w)
    }
  }
}

/** One buffer and offsets for a run of blocks; acks become empty blocks. */
function pack(ledgerKey: Uint8Array, values: Array<Uint8Array | null>): Omit<VerifyRequest, 'id'> {
  const offsets = new Uint32Array(values.length + 1)
  let size = 0
  for (let i = 0; i < values.length; i++) {
    size += values[i]?.byteLength ?? 0
    offsets[i + 1] = size
  }
  const bytes = new Uint8Array(size)
  for (let i = 0; i < values.length; i++) {
    const v = values[i]
    if (v) bytes.set(v, offsets[i])
  }
  return { ledgerKey: b4a.from(ledgerKey), bytes, offsets }
}

