/**
 * What a node does for federation without a person (protocol/SPEC.md §12):
 *
 * - `Claims` (every node): fulfils a hold toward this member whose sealed preimage opens with its
 *   keys and matches the condition (this is how a payee is paid across a link), and releases this
 *   member's own holds once their period passed (the rules refuse it before).
 * - `Bridge` (a co-op in two ledgers, one Ledger each, in one process): for each hold toward it on
 *   one ledger, holds the converted amount toward the payee on the other with half the period;
 *   once the payee's fulfilment shows the preimage there, fulfils on the first; when its own hold
 *   was released, releases the first (the payer gets its amount back at once); releases its own
 *   holds once their period passed.
 *
 * Everything is derived from the two views on every update, so a restart loses nothing. Runs are
 * serialized: an update during a run schedules one more run.
 */
import { conditionOf, convert, fromHex, toHex, type Hold } from '../protocol/index.js'
import { LedgerError } from './errors.js'
import { openPreimage } from './federation-api.js'
import type { Ledger } from './ledger.js'

/** Runs `job` on every update of the given ledgers, one run at a time. */
class Runner {
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

/** Whether an error means "the rules (or the ledger's state) refuse this now", which a later update may change. */
function refused(err: unknown): boolean {
  return err instanceof LedgerError && (err.code === 'REJECTED' || err.code === 'UNKNOWN_MEMBER' || err.code === 'UNKNOWN_HOLD' || err.code === 'LEDGER_CLOSED')
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
        await this.ledger.release(h.id).then(() => this.released++, (err) => { if (!refused(err)) throw err })
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

export interface BridgeOptions {
  /** The share of the incoming hold's period the outgoing hold gets (default 1/2): it must end first. */
  periodShare?: { num: number; den: number }
}

/** A co-op's bridge between two ledgers it belongs to (one Ledger per data dir, both its own). */
export class Bridge {
  private readonly runner: Runner
  /** What this bridge did, for tests and monitoring. */
  readonly counts = { forwarded: 0, settled: 0, refused: 0, released: 0 }

  constructor(private readonly a: Ledger, private readonly b: Ledger, private readonly opts: BridgeOptions = {}) {
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
    await this.half(this.a, this.b)
    await this.half(this.b, this.a)
  }

  /** Holds toward this bridge on `from`, carried to `to`. */
  private async half(from: Ledger, to: Ledger): Promise<void> {
    if (from.closed || to.closed) return
    const meFrom = from.account
    const meTo = to.account
    const fromKey = toHex(from.key)
    const toKey = toHex(to.key)
    const incoming = (await from.holds({ open: true })).filter((h) => h.payee === meFrom && h.bridge === meFrom && h.ledger === toKey)
    const outgoing = (await to.holds()).filter((g) => g.payer === meTo && g.bridge === meTo && g.ledger === fromKey)
    for (const h of incoming) {
      const cont = outgoing.find((g) => g.peer === h.id)
      if (cont === undefined) await this.forward(from, to, h)
      else if (cont.status === 'fulfilled' && cont.preimage !== null) await this.attempt(() => from.fulfil(h.id, fromHex(cont.preimage!)), 'settled')
      else if (cont.status === 'released') await this.attempt(() => from.release(h.id), 'released')
    }
    // Its own holds whose period passed: the payee did not fulfil in time.
    for (const g of outgoing) if (g.status === 'held') await this.attempt(() => to.release(g.id), 'released')
  }

  /** Holds toward the payee on the other ledger; refuses at once (releases the incoming hold) if it cannot. */
  private async forward(from: Ledger, to: Ledger, h: Hold): Promise<void> {
    const link = (await from.links()).find((l) => l.bridge === from.account && l.ledger === toHex(to.key))
    const share = this.opts.periodShare ?? { num: 1, den: 2 }
    const expiresMs = Math.max(1000, Math.floor((h.expiresMs * share.num) / share.den))
    try {
      if (!link || link.status !== 'active') throw LedgerError.REJECTED('no active link', { reject: 'unknown_link' })
      await to.hold(fromHex(h.peer), convert(h.amount, link.rateNum, link.rateDen), {
        bridge: fromHex(to.account),
        ledger: from.key,
        condition: fromHex(h.condition),
        peer: fromHex(h.id),
        sealed: fromHex(h.sealed),
        expiresMs,
        memo: h.memo
      })
      this.counts.forwarded++
    } catch (err) {
      if (!refused(err)) throw err
      // Too little capacity or credit, or no such payee: the payer gets its amount back now.
      await this.attempt(() => from.release(h.id), 'refused')
    }
  }

  /** One write the rules may refuse for now (not expired yet, already closed): counted when it applies. */
  private async attempt(write: () => Promise<unknown>, what: keyof Bridge['counts']): Promise<void> {
    try {
      await write()
      this.counts[what]++
    } catch (err) {
      if (!refused(err)) throw err
    }
  }
}
