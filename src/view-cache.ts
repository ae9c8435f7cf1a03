/**
 * A read cache over the Hyperbee view for the writer's checks and queries. Every Hyperbee get
 * opens a snapshot session and may read tree nodes from disk; thousands of concurrent writes
 * read the same few records. The cache is dropped whenever the view changes (append, truncate
 * on a reorder, or an apply), and a value read across such a change is not kept.
 */
import type Hyperbee from 'hyperbee'
import type { BeeNode, BeeReader, Range } from 'hyperbee'

const ENTRIES_MAX = 10_000

export class ViewCache implements BeeReader {
  private epoch = 0
  private readonly map = new Map<string, BeeNode | null>()
  /** Reads under way in this epoch, by key. */
  private readonly pending = new Map<string, Promise<BeeNode | null>>()

  constructor(private readonly bee: Hyperbee) {
    const drop = () => this.invalidate()
    bee.core.on('append', drop)
    bee.core.on('truncate', drop)
  }

  /** Forgets everything; called on every change of the view. */
  invalidate(): void {
    this.epoch++
    this.map.clear()
    this.pending.clear()
  }

  async get(key: string): Promise<BeeNode | null> {
    const hit = this.map.get(key)
    if (hit !== undefined) return hit
    // Hundreds of writes in flight ask for the same few records at once: one read serves them all.
    const pending = this.pending.get(key)
    if (pending !== undefined) return pending
    const epoch = this.epoch
    const read = this.bee.get(key)
    this.pending.set(key, read)
    try {
      const node = await read
      if (epoch === this.epoch) {
        if (this.map.size >= ENTRIES_MAX) this.map.clear()
        this.map.set(key, node)
      }
      return node
    } finally {
      if (this.pending.get(key) === read) this.pending.delete(key)
    }
  }

  createReadStream(range?: Range, opts?: { reverse?: boolean; limit?: number }): AsyncIterable<BeeNode> {
    return this.bee.createReadStream(range, opts)
  }
}
