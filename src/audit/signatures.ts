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
export const VERIFY_BATCH = 4096
/** Cores shorter than this are verified on the main thread (a worker costs ~50 ms to start). */
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

/** Verifies the entry blocks of writer cores as they are read; `finish()` waits for all. */
export class SignatureVerifier {
  private readonly workers: Worker[] = []
  private readonly waiting = new Map<number, (status: Uint8Array) => void>()
  private readonly jobs: Array<Promise<void>> = []
  private readonly status = new Map<Hex, Uint8Array>()
  private nextId = 0
  private turn = 0
  private failedToStart: Error | null = null

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
      const req = pack(this.ledgerKey, part)
      const entries = part.reduce((n, v) => n + (v === null ? 0 : 1), 0)
      const at = start + offset
      const job = out.length < INLINE_MAX ? inline(req) : this.remote(req)
      this.jobs.push(
        job.then((status) => {
          if (status.length === part.length) out.set(status, at)
          if (this.onProgress) this.onProgress(entries)
        })
      )
    }
  }

  /** Waits for every queued batch and stops the workers. */
  async finish(): Promise<SignatureResult> {
    try {
      await Promise.all(this.jobs)
    } finally {
      await Promise.all(this.workers.map((w) => w.terminate()))
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

  private remote(req: Omit<VerifyRequest, 'id'>): Promise<Uint8Array> {
    const worker = this.worker()
    if (worker === null) return inline(req)
    const id = this.nextId++
    return new Promise((resolve) => {
      this.waiting.set(id, resolve)
      const msg: VerifyRequest = { id, ...req }
      worker.postMessage(msg, [req.bytes.buffer as ArrayBuffer, req.offsets.buffer as ArrayBuffer])
    })
  }

  private worker(): Worker | null {
    if (this.failedToStart) return null
    const max = Math.max(1, Math.min(WORKERS_MAX, (os.availableParallelism?.() ?? os.cpus().length) - 1))
    if (this.workers.length < max) {
      try {
        const w = new Worker(new URL('./verify-worker.js', import.meta.url))
        w.on('message', (res: VerifyResponse) => {
          const resolve = this.waiting.get(res.id)
          this.waiting.delete(res.id)
          if (resolve) resolve(res.status)
        })
        w.on('error', (err) => {
          // A broken worker must not lose batches: nothing verified there counts as verified.
          this.failedToStart = err
          for (const [id, resolve] of this.waiting) {
            this.waiting.delete(id)
            resolve(new Uint8Array(0))
          }
        })
        this.workers.push(w)
      } catch (err) {
        this.failedToStart = err as Error
        return null
      }
    }
    return this.workers[this.turn++ % this.workers.length]
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

async function inline(req: Omit<VerifyRequest, 'id'>): Promise<Uint8Array> {
  // Let reads and progress move between batches.
  await new Promise((resolve) => setImmediate(resolve))
  return verifyBatch(req)
}
