/**
 * Verifies the ed25519 signature of every entry block before the replay. Verification is the
 * audit's main cost (about 20k signatures/s per core here), so blocks go in batches to worker
 * threads while the main thread keeps reading cores and the view. The replay then hands
 * applyBlock `verified: true` only for blocks that passed; the rest go through the pipeline's
 * own check and are recorded as bad_signature, exactly as a node records them.
 */
import os from 'os'
import { Worker } from 'worker_threads'
import b4a from 'b4a'
import type { Hex } from '../../protocol/index.js'
import { verifyBatch, type VerifyRequest, type VerifyResponse } from './verify-worker.js'

/** Blocks per batch sent to a worker. */
export const VERIFY_BATCH = 2048
/** Cores shorter than this start no worker: the main thread verifies them in `finish` (a worker costs ~50 ms to start). */
const INLINE_MAX = 2048
/** Workers at most, leaving one core to the main thread. */
const WORKERS_MAX = 4

/** Per block of a writer core. */
export const SIG_INVALID = 0
export const SIG_VALID = 1
/** An ack, or bytes that do not decode (the pipeline records those as malformed). */
export const SIG_NONE = 2

export interface SignatureResult {
  /** Per writer, per block: SIG_VALID, SIG_INVALID or SIG_NONE. */
  status: Map<Hex, Uint8Array>
  checked: number
  failed: number
}

interface Batch {
  req: Omit<VerifyRequest, 'id'>
  done: (status: Uint8Array) => void
}

/**
 * Verifies the entry blocks of writer cores as they are read. Batches wait in a queue; each
 * worker takes the next from the front when it finishes one, and `finish()` has the main thread
 * take batches from the back until the queue is empty, so no core sits idle at the end.
 */
export class SignatureVerifier {
  private readonly workers: Worker[] = []
  private readonly queue: Batch[] = []
  private readonly inFlight = new Map<number, Batch>()
  /** The batch id each worker is on, or null when idle. */
  private readonly busy = new Map<Worker, number | null>()
  private readonly jobs: Array<Promise<void>> = []
  private readonly status = new Map<Hex, Uint8Array>()
  private nextId = 0
  private broken = false

  constructor(
    private readonly ledgerKey: Uint8Array,
    private readonly onProgress?: (n: number) => void
  ) {}

  /** Announces a core of `length` blocks, before its values arrive through `chunk`. */
  begin(key: Hex, length: number): void {
    this.status.set(key, new Uint8Array(length).fill(SIG_NONE))
  }

  /** Queues blocks [start, start + values.length) of a core announced with `begin`. */
  chunk(key: Hex, start: number, values: Array<Uint8Array | null>): void {
    const out = this.status.get(key)
    if (!out) throw new Error('chunk before begin for ' + key)
    for (let offset = 0; offset < values.length; offset += VERIFY_BATCH) {
      const part = values.slice(offset, offset + VERIFY_BATCH)
      const entries = part.reduce((n, v) => n + (v === null ? 0 : 1), 0)
      const at = start + offset
      this.jobs.push(
        new Promise<void>((resolve) => {
          this.queue.push({
            req: pack(this.ledgerKey, part),
            done: (status) => {
              out.set(status, at)
              if (this.onProgress) this.onProgress(entries)
              resolve()
            }
          })
        })
      )
      if (out.length >= INLINE_MAX) this.startWorkers()
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
    return { status: this.status, checked, failed }
  }

  /** Stops the workers (also when the audit fails midway). */
  async close(): Promise<void> {
    const workers = this.workers.splice(0)
    await Promise.all(workers.map((w) => w.terminate()))
  }

  /** Hands the next batch to each idle worker. */
  private feed(): void {
    for (const w of this.workers) {
      if (!this.busy.has(w) || this.busy.get(w) !== null || this.queue.length === 0) continue
      const batch = this.queue.shift()!
      const id = this.nextId++
      this.inFlight.set(id, batch)
      this.busy.set(w, id)
      const msg: VerifyRequest = { id, ...batch.req }
      w.postMessage(msg)
    }
  }

  private startWorkers(): void {
    if (this.broken || this.workers.length > 0) return
    const n = Math.max(1, Math.min(WORKERS_MAX, (os.availableParallelism?.() ?? os.cpus().length) - 1))
    for (let i = 0; i < n; i++) {
      let w: Worker
      try {
        w = new Worker(new URL('./verify-worker.js', import.meta.url))
      } catch {
        this.broken = true
        return
      }
      this.busy.set(w, null)
      w.on('message', (res: VerifyResponse) => {
        const batch = this.inFlight.get(res.id)
        this.inFlight.delete(res.id)
        this.busy.set(w, null)
        if (batch) batch.done(res.status)
        this.feed()
      })
      w.on('error', () => {
        // A broken worker loses nothing: its batch goes back to the queue for the main thread.
        const id = this.busy.get(w)
        const batch = id === null || id === undefined ? undefined : this.inFlight.get(id)
        if (batch) {
          this.inFlight.delete(id!)
          this.queue.push(batch)
        }
        this.busy.delete(w)
        const at = this.workers.indexOf(w)
        if (at !== -1) this.workers.splice(at, 1)
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

