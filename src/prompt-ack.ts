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
 * outnumber what confirmation needs when payments stream in. The bounds:
 *  - nothing is scheduled while the view is signed to its end, or while this node's own
 *    append is queued (that append references the heads, as an ack would);
 *  - a budget: each prompt ack spends a token; tokens come back at one per REFILL_MS (or per I,
 *    if shorter), and at most BURST are kept. After a quiet spell a lone payment gets BURST
 *    quick acks (all its rounds need); a stream gets about one prompt ack per indexer per
 *    second, close to the timer's rate at the default I of 1 s.
 *    A first version without the budget (only a gap that grew during a streak) cost 37 % more
 *    CPU per payment at 8 nodes and 3 payments a second (bench/README.md, "Prompt acks");
 *  - at least QUICK_GAP_MS between two prompt acks of one node, so the other indexers' acks
 *    can arrive in between;
 *  - Autobase restarts its own timer after every ack, so the timer and the prompt acks do not
 *    add up;
 *  - a node short of CPU backs off (BUSY_BACKOFF): at 32 node processes on 2 cores, prompt acks
 *    without it made the creator's own admits wait 3-5 s behind its acks, and 31 admissions took
 *    137.6 s against 75.0 s on the timer alone; with it, 85.5 s (bench/README.md, "Targets").
 * Turns: indexers that see an entry at the same moment and ack at once write concurrent acks,
 * none referencing the others, which takes more rounds (and can stall confirmation,
 * src/confirmation-nudge.ts). So each waits STAGGER_MS per place before it in the indexer list
 * (the same order on every node) plus a little jitter: they ack one after another, each
 * referencing the one before. Measured with bench/repro/connections-cpu.mjs (8 nodes, 3
 * indexers, 12 lone payments, load 21-35): indexers wrote 6.7-7.2 blocks per payment with
 * jitter alone, 4.3-5.3 in turns of 100 ms (5.2-5.4 at 50 ms and at 200 ms), 4.9 on the timer.
 *
 * Stalls: Autobase's heuristic can still find, on every indexer, that no ack is worth writing
 * while entries are unconfirmed (src/confirmation-nudge.ts says when). The nudge breaks such a
 * stall after three ack intervals or more; seen with prompt acks, 1 payment in 8 then took 5 s
 * instead of 0.5 s. So when a prompt ack found nothing to write, the view is still unsigned, and
 * after a further gap neither the signed length moved nor any update arrived, this node appends
 * the ack itself, if the DAG has a head it has not referenced (as the nudge does). Waiting for
 * "no update since" means the first indexer to time out breaks the stall and the others answer
 * its ack through the prompt path, instead of all writing concurrent acks at once. At most
 * MAX_BREAKS per stalled state, each from the same budget; after that the nudge's backoff
 * takes over.
 */
import b4a from 'b4a'
import { onlyOwnHead, type NudgeHost } from './confirmation-nudge.js'

/**
 * The shortest gap between two prompt acks of one node, ms (or I, if shorter). Independent of I
 * otherwise: a ledger with a long ack interval still confirms a lone payment in quick rounds.
 */
const QUICK_GAP_MS = 250
/** Prompt acks one node may append in quick succession after a quiet spell: a lone payment's rounds. */
const BURST = 3
/** Each indexer waits this long per place before it in the indexer list, so that indexers ack in turn. */
const STAGGER_MS = 100
/** One token of the budget comes back per this many ms (or per I, if shorter). */
const REFILL_MS = 1000
/**
 * A prompt ack that took longer than the gap means the node is short of CPU (base.ack() waits for
 * an update to finish): the next waits this many times as long, so prompt acks take at most about a
 * fifth of a busy node's time and its own writes are not queued behind them.
 */
const BUSY_BACKOFF = 4
/** Acks this node appends on its own to break one stalled state (same signed length and view length). */
const MAX_BREAKS = 2

/** What a prompt ack needs of the ledger: the same as the nudge (the base, the queued entries, whether it is live). */
export type PromptAckHost = NudgeHost

export class PromptAck {
  /** Acks this node appended through the prompt path (for tests and monitoring). */
  acks = 0
  private timer: ReturnType<typeof setTimeout> | null = null
  private followTimer: ReturnType<typeof setTimeout> | null = null
  private readonly gap: number
  private readonly refill: number
  private last = 0
  /** Earliest time of the next prompt ack after a slow one (BUSY_BACKOFF). */
  private cooled = 0
  private tokens = BURST
  private refilled = 0
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
    ackIntervalMs: number
  ) {
    this.gap = Math.min(ackIntervalMs, QUICK_GAP_MS)
    this.refill = Math.min(ackIntervalMs, REFILL_MS)
  }

  start(): void {
    if (!this.stopped) return
    this.stopped = false
    this.refilled = Date.now()
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

  /** Tokens now (fractional): one comes back per refill period, at most BURST are kept. */
  private budget(now: number): number {
    this.tokens = Math.min(BURST, this.tokens + (now - this.refilled) / this.refill)
    this.refilled = now
    return this.tokens
  }

  /** How long until this node may append a prompt ack: the gap since the last one and a token. */
  private waitFor(now: number): number {
    const tokens = this.budget(now)
    const forToken = tokens >= 1 ? 0 : (1 - tokens) * this.refill
    return Math.max(0, this.last + this.gap - now, this.cooled - now, forToken)
  }

  private schedule(): void {
    if (this.stopped || this.timer !== null || !this.host.live()) return
    const base = this.host.base
    if (!base.opened || !base.ackable || this.settled()) return
    const wait = this.waitFor(Date.now()) + this.rank() * Math.min(this.gap, STAGGER_MS) + Math.random() * (this.gap / 4)
    this.timer = setTimeout(() => {
      this.timer = null
      this.fire().catch(() => {})
    }, wait)
    this.timer.unref()
  }

  /** This node's place in the indexer list (the same order on every node). */
  private rank(): number {
    const indexers = (this.host.base.system?.indexers ?? []) as Array<{ key: Uint8Array }>
    const local = this.host.base.local.key
    const i = indexers.findIndex((x) => b4a.equals(x.key, local))
    return Math.max(0, i)
  }

  /** The view is signed to its end: nothing waits for an ack. */
  private settled(): boolean {
    const core = this.host.base.view.core
    return core.signedLength >= core.length
  }

  /** Records an ack appended now, spending a token. */
  private spent(): void {
    this.last = Date.now()
    this.tokens = Math.max(0, this.budget(this.last) - 1)
    this.acks++
  }

  private async fire(): Promise<void> {
    const base = this.host.base
    if (this.stopped || !this.host.live() || !base.ackable || this.settled()) return
    if (this.host.pending() > 0) return
    if (this.waitFor(Date.now()) > 0) return this.schedule()
    const before = base.local.length
    const started = (this.last = Date.now())
    await base.ack()
    const took = Date.now() - started
    if (took > this.gap) this.cooled = Date.now() + BUSY_BACKOFF * took
    if (base.local.length > before) this.spent()
    else this.watchStall()
  }

  /** After an ack that found nothing to write: check once more, a gap later, whether confirmation moved. */
  private watchStall(): void {
    if (this.stopped || this.followTimer !== null || this.settled()) return
    const core = this.host.base.view.core
    const seen = { updates: this.updates, signed: core.signedLength, length: core.length }
    this.followTimer = setTimeout(
      () => {
        this.followTimer = null
        this.breakStall(seen).catch(() => {})
      },
      this.gap + Math.random() * this.gap
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
    if (this.breaks.count >= MAX_BREAKS || this.budget(Date.now()) < 1) return
    this.breaks.count++
    await base.append(null)
    this.spent()
  }
}
