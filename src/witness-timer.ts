/**
 * The node's witness: windows pass only when a majority of active members' clocks witness them
 * (protocol/time.ts), so this node appends a `tick` when its member has not yet witnessed an open
 * proposal or hold, or when the period has passed on its clock, and sleeps until the next such
 * time otherwise (governance-api.ts's `nextTick` says when).
 */
import type { BeeReader } from 'hyperbee'
import type { Ledger } from './ledger.js'
import { nextTick } from './governance-api.js'

export class WitnessTimer {
  private timer: ReturnType<typeof setTimeout> | null = null
  private running = false

  /** `live` is false once the ledger closed or failed; `view` reads through the Ledger's view cache (it runs on every update). */
  constructor(
    private readonly ledger: Ledger,
    private readonly live: () => boolean,
    private readonly view: () => BeeReader
  ) {}

  /** Looks now and after every update of the view. */
  start(): void {
    this.ledger.on('update', () => this.schedule(0))
    this.schedule(0)
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer)
  }

  private schedule(ms: number): void {
    if (this.ledger.closed || this.timer !== null) return
    this.timer = setTimeout(() => {
      this.timer = null
      void this.once().catch(() => {})
    }, ms)
    this.timer.unref?.()
  }

  private async once(): Promise<void> {
    if (this.running || !this.live() || !this.ledger.writable) return
    this.running = true
    try {
      const now = Date.now()
      const due = await nextTick(this.view(), this.ledger.account, now)
      if (due === null) return
      if (due > now) return this.schedule(Math.min(due - now + 5, 60_000))
      await this.ledger.tick()
      this.ledger.ticks++
    } finally {
      this.running = false
    }
  }
}
