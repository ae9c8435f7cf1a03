/**
 * An indexer acks soon after an update leaves something unconfirmed, instead of waiting for
 * Autobase's ack timer alone.
 *
 * Why: Autobase 7.28.1 acks on a timer drawn in [I, 2I), then waits a further [0, I/3) before it
 * appends (`autobase/lib/timer.js`). Quorum confirmation of a payment takes two to three rounds
 * of acks, so a lone payment waited about 4-6 s at I = 1 s, almost all of it timers
 * (bench/README.md, "Confirmation"). Whether an ack is useful is still Autobase's call:
 * `base.ack()` appends only when its linearizer finds a head worth acking, so a prompt ack
 * never writes an ack that the timer would not have written.
 *
 * Cost: each ack is a block that every node replicates and linearizes, so acks must not
 * outnumber what confirmation needs when payments stream in. Three bounds:
 *  - nothing is scheduled while the view is signed to its end, or while this node's own
 *    append is queued (that append references the heads, as an ack would);
 *  - at most one prompt ack per gap; the gap starts at QUICK_GAP_MS (or I, if shorter) and
 *    doubles after the third prompt ack of a streak, up to I (a streak ends when the view is
 *    signed to its end), so a lone payment confirms in quick rounds and a steady stream costs
 *    about one ack per indexer per I, as the timer would;
 *  - Autobase restarts its own timer after every ack, so the timer and the prompt acks do not
 *    add up.
 * Jitter: each prompt ack waits a random part of the gap first. Indexers that see the same
 * entry at the same moment then ack one after another, each referencing the one before;
 * concurrent acks are what can stall confirmation (src/confirmation-nudge.ts).
 *
 * Stalls: Autobase's heuristic can still find, on every indexer, that no ack is worth writing
 * while entries are unconfirmed (src/confirmation-nudge.ts says when). The nudge breaks such a
 * stall after three ack intervals or more; seen with prompt acks, 1 payment in 8 then took 5 s
 * instead of 0.5 s. So when a prompt ack found nothing to write, the view is still unsigned, and
 * after a further gap neither the signed length moved nor any update arrived, this node appends
 * the ack itself, if the DAG has a head it has not referenced (as the nudge does). Waiting for
 * "no update since" means the first indexer to time out breaks the stall and the others answer
 * its ack through the prompt path, instead of all writing concurrent acks at once. At most
 * MAX_BREAKS per stalled state; after that the nudge's backoff takes over.
 */
import type Autobase from 'autobase'
import { onlyOwnHead } from './confirmation-nudge.js'

/**
 * The shortest gap between two prompt acks of one node, ms. Independent of I: a ledger with a long
 * ack interval (fewer acks while busy) still confirms a lone payment in quick rounds.
 */
const QUICK_GAP_MS = 250
/** Prompt acks of one streak at the shortest gap before the gap starts doubling. */
const QUICK_ACKS = 3
/** Acks this node appends on its own to break one stalled state (same signed length and view length). */
const MAX_BREAKS = 2

export interface PromptAckHost {
  base: Autobase<any>
  /** Entries queued for the next append: that append acks too. */
  pending(): number
  /** False once the ledger is closing or has failed. */
  live(): boolean
}

export class PromptAck {
  /** Acks this node appended through the prompt path (for tests and monitoring). */
  acks = 0
  private timer: ReturnType<typeof setTimeout> | null = null
  private followTimer: ReturnType<typeof setTimeout> | null = null
  private last = 0
  private streak = 0
  private stopped = true
  /** Updates seen so far: a stall check acts only if none arrived since its prompt ack found nothing to do. */
  private updates = 0
  private breaks = { state: '', count: 0 }
  private readonly onUpdate = (): void => {
    this.updates++
    this.schedule()
  }

  constructor(
    private readonly host: PromptAckHost,
    private readonly ackIntervalMs: number
  ) {}

  start(): void {
    if (!this.stopped) return
    this.stopped = false
    this.host.base.on('update', this.onUpdate)
  }

  stop(): void {
    this.stopped = true
    this.host.base.off('update', this.onUpdate)
    if (this.timer) clearTimeout(this.timer)
    if (this.followTimer) clearTimeout(this.followTimer)
    this.timer = null
    this.followTimer = null
  }

  /** The shortest time between two prompt acks of this node, given the streak so far. */
  gap(): number {
    const doublings = Math.max(0, this.streak - QUICK_ACKS + 1)
    return Math.min(this.ackIntervalMs, QUICK_GAP_MS * 2 ** doublings)
  }

  private schedule(): void {
    if (this.stopped || this.timer !== null || !this.host.live()) return
    const base = this.host.base
    if (!base.opened || !base.ackable) return
    if (this.settled()) return
    const gap = this.gap()
    const wait = Math.max(0, this.last + gap - Date.now()) + Math.random() * (gap / 2)
    this.timer = setTimeout(() => {
      this.timer = null
      this.fire().catch(() => {})
    }, wait)
    this.timer.unref()
  }

  /** The view is signed to its end: nothing waits for an ack. Ends the streak. */
  private settled(): boolean {
    const core = this.host.base.view.core
    if (core.signedLength < core.length) return false
    this.streak = 0
    return true
  }

  private async fire(): Promise<void> {
    const base = this.host.base
    if (this.stopped || !this.host.live() || !base.ackable || this.settled()) return
    if (this.host.pending() > 0) return
    this.last = Date.now()
    const before = base.local.length
    await base.ack()
    if (base.local.length > before) {
      this.acks++
      this.streak++
    } else {
      this.watchStall()
    }
  }

  /** After an ack that found nothing to write: check once more, a gap later, whether confirmation moved. */
  private watchStall(): void {
    if (this.stopped || this.followTimer !== null || this.settled()) return
    const core = this.host.base.view.core
    const seen = { updates: this.updates, signed: core.signedLength, length: core.length }
    const gap = this.gap()
    this.followTimer = setTimeout(
      () => {
        this.followTimer = null
        this.breakStall(seen).catch(() => {})
      },
      gap + Math.random() * gap
    )
    this.followTimer.unref()
  }

  private async breakStall(seen: { updates: number; signed: number; length: number }): Promise<void> {
    const base = this.host.base
    if (this.stopped || !this.host.live() || !base.ackable || this.settled()) return
    const core = base.view.core
    const still = this.updates === seen.updates && core.signedLength === seen.signed && core.length === seen.length
    if (!still || this.host.pending() > 0 || onlyOwnHead(base)) return
    const state = `${seen.signed}/${seen.length}`
    if (state !== this.breaks.state) this.breaks = { state, count: 0 }
    if (this.breaks.count >= MAX_BREAKS) return
    this.breaks.count++
    this.last = Date.now()
    await base.append(null)
    this.acks++
    this.streak++
  }
}
