/**
 * What a node does for federation without a person (protocol/SPEC.md §12):
 *
 * - `Claims` (every node): fulfils a hold toward this member whose sealed preimage opens with its
 *   keys and matches the condition (this is how a payee is paid across a link), and releases this
 *   member's own holds once their period passed (the rules refuse it before).
 * - `Bridge` (a co-op in two ledgers, one Ledger each, in one process): runs federation-carry.ts's
 *   `carryHalf` both ways: for each hold toward it on one ledger, holds the converted amount toward
 *   the payee on the other with half the period (or refuses at once: too little capacity, credit or
 *   time left); once the payee's fulfilment shows the preimage there, fulfils on the first; when its
 *   own hold was released, releases the first. Its own holds whose period passed are released by
 *   `Claims` like any payer's. `tally up` runs one direction per node instead (src/node/bridge-half.ts).
 *
 * Everything is derived from the two views on every update, so a restart loses nothing. Runs are
 * serialized: an update during a run schedules one more run.
 */
import { conditionOf, fromHex, toHex } from '../protocol/index.js'
import { openPreimage } from './federation-api.js'
import { LedgerSide, carryHalf, refused, type CarryCounts, type CarryEvent, type CarryOptions } from './federation-carry.js'
import type { Ledger } from './ledger.js'

/** Runs `job` on every update of the given ledgers, one run at a time. */
export class Runner {
  private running = false
  private again = false
  private stopped = false
  private readonly off: Array<() => void> = []
  /** The last error of a run (runs go on; a rejected step is retried on the next update). */
  lastError: Error | null = null

  constructor(ledgers: Ledger[], private readonly job: () => Promise<void>) {
    for (const l of ledgers) {
      const on = () => this.kick()
      l.on('update', on)
      this.off.push(() => l.off('update', on))
    }
  }

  kick(): void {
    if (this.stopped) return
    if (this.running) {
      this.again = true
      return
    }
    this.running = true
    void this.job()
      .catch((err) => (this.lastError = err as Error))
      .finally(() => {
        this.running = false
        if (this.again) {
          this.again = false
          this.kick()
        }
      })
  }

  stop(): void {
    this.stopped = true
    for (const f of this.off) f()
  }
}

/** The payee's part: fulfils holds toward this member whose preimage was sealed to it. */
export class Claims {
  private readonly runner: Runner
  /** Holds this node fulfilled, and its own holds it released (for tests and monitoring). */
  fulfilled = 0
  released = 0

  constructor(private readonly ledger: Ledger) {
    this.runner = new Runner([ledger], () => this.run())
  }

  start(): void {
    this.runner.kick()
  }

  stop(): void {
    this.runner.stop()
  }

  private async run(): Promise<void> {
    if (this.ledger.closed || !this.ledger.writable) return
    const me = this.ledger.account
    for (const h of await this.ledger.holds({ open: true })) {
      // The payer's part: once the period passed (the rules decide), its amount comes back.
      if (h.payer === me) {
        const memo = h.bridge === me ? 'expired: the payee did not fulfil it in time' : 'expired: the period passed on this ledger before the bridge settled it'
        await this.ledger.release(h.id, { memo }).then(() => this.released++, (err) => { if (!refused(err)) throw err })
        continue
      }
      if (h.payee !== me || h.bridge === me) continue
      const preimage = openPreimage(fromHex(h.sealed), this.ledger.identity)
      if (preimage === null || toHex(conditionOf(preimage)) !== h.condition) continue
      try {
        await this.ledger.fulfil(h.id, preimage)
        this.fulfilled++
      } catch (err) {
        if (!refused(err)) throw err
      }
    }
  }
}

export type BridgeOptions = CarryOptions

/** A co-op's bridge between two ledgers it belongs to (one Ledger per data dir, both its own, in one process). */
export class Bridge {
  private readonly runner: Runner
  /** What this bridge did, for tests and monitoring. */
  readonly counts: CarryCounts = { forwarded: 0, settled: 0, refused: 0, released: 0 }
  /** Every step with its reason, oldest first. */
  readonly events: CarryEvent[] = []

  private readonly sideA: LedgerSide
  private readonly sideB: LedgerSide

  constructor(private readonly a: Ledger, private readonly b: Ledger, private readonly opts: BridgeOptions = {}) {
    this.sideA = new LedgerSide(a)
    this.sideB = new LedgerSide(b)
    this.runner = new Runner([a, b], () => this.run())
  }

  start(): void {
    this.runner.kick()
  }

  stop(): void {
    this.runner.stop()
  }

  get lastError(): Error | null {
    return this.runner.lastError
  }

  private async run(): Promise<void> {
    if (this.a.closed || this.b.closed) return
    for (const ev of [...(await carryHalf(this.a, this.sideB, this.opts)), ...(await carryHalf(this.b, this.sideA, this.opts))]) {
      this.counts[ev.what]++
      this.events.push(ev)
    }
  }
}
