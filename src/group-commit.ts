/**
 * Coalesces concurrent appends into one Autobase append: each append costs a disk flush, so
 * batching turns ~200 entries/s into thousands. The ledger writes each batch as bundle
 * blocks (protocol/bundle.ts). Entries keep their push order.
 */
export type AppendBatch = (blocks: Uint8Array[]) => Promise<void>

interface Pending {
  block: Uint8Array
  resolve: () => void
  reject: (err: unknown) => void
}

export class GroupCommit {
  private queue: Pending[] = []
  private draining = false
  /** Batches appended so far, and blocks in them: for status and benchmarks. */
  batches = 0
  blocks = 0

  constructor(
    private readonly append: AppendBatch,
    private readonly batchMax = 256
  ) {}

  /** Queues a block; resolves once the batch holding it is appended to the local writer core. */
  push(block: Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ block, resolve, reject })
      if (!this.draining) void this.drain()
    })
  }

  /** Blocks queued or being appended. */
  get pending(): number {
    return this.queue.length
  }

  private async drain(): Promise<void> {
    this.draining = true
    // Let callers in the same tick join the first batch.
    await Promise.resolve()
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.batchMax)
        try {
          await this.append(batch.map((p) => p.block))
          this.batches++
          this.blocks += batch.length
          for (const p of batch) p.resolve()
        } catch (err) {
          for (const p of batch) p.reject(err)
        }
      }
    } finally {
      this.draining = false
    }
  }
}
