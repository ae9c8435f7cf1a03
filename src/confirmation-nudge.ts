/**
 * Keeps quorum confirmation moving when Autobase's own acks stop.
 *
 * Autobase 7.28.1 confirms a node once a majority of indexers has acked it and a majority has
 * seen those acks. Its ack heuristic (`linearizer.shouldAck`) can decide that no indexer needs
 * to ack while the newest entries are still unconfirmed, and then nobody writes again:
 *  - it never acks its own single head, so after the last write nothing follows;
 *  - when every head is an indexer's ack and the acks are concurrent (none references the
 *    others), each indexer finds that the other heads see no more acks than its own, so none
 *    acks, although no majority has seen a majority of acks yet. Seen after a heal under load
 *    and with five peers writing at once: three concurrent acks, every peer holding the same
 *    DAG, 140 entries pending for over two minutes (test/confirmation-heal.test.ts).
 *
 * The nudge: an indexer whose view has stayed signed short of its end for a period appends one
 * ack (a null block), but only when the DAG has a head it has not referenced yet, so its ack
 * merges the concurrent heads and gives the next indexer something new to ack. Its own single
 * head gains nothing from an ack of its own; an indexer cut off from the others therefore
 * writes nothing until something new arrives. Each period is drawn at random between one and
 * two base periods: indexers that nudge at the same moment write concurrent acks again, which
 * is the stall itself. Repeated nudges in one stalled state back off (2^k periods, at most 16).
 */
import b4a from 'b4a'
import type Autobase from 'autobase'

/** Confirmation counts as stalled after this many ack intervals without progress (at least MIN_PERIOD_MS). */
const ACK_INTERVALS = 3
const MIN_PERIOD_MS = 500
/** Longest backoff, in periods, between nudges in one stalled state. */
const MAX_BACKOFF = 16

interface Head {
  key: Uint8Array
  length: number
}

export interface NudgeHost {
  base: Autobase<any>
  /** Entries queued for the next append: that append acks too, so no nudge is needed. */
  pending(): number
  /** False once the ledger is closing or has failed. */
  live(): boolean
}

export class ConfirmationNudge {
  /** Acks appended so far (for tests and monitoring). */
  acks = 0
  private timer: ReturnType<typeof setTimeout> | null = null
  private readonly period: number
  private lastSigned = -1
  private stall = { state: '', acks: 0, wait: 0 }
  private stopped = false

  constructor(
    private readonly host: NudgeHost,
    ackIntervalMs: number
  ) {
    this.period = Math.max(MIN_PERIOD_MS, ACK_INTERVALS * ackIntervalMs)
  }

  start(): void {
    this.stopped = false
    this.schedule()
  }

  stop(): void {
    this.stopped = true
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
  }

  private schedule(): void {
    if (this.stopped) return
    // Jitter: indexers on the same schedule would append concurrent acks, round after round.
    this.timer = setTimeout(() => {
      this.timer = null
      this.check()
        .catch(() => {})
        .finally(() => this.schedule())
    }, this.period * (1 + Math.random()))
    this.timer.unref()
  }

  /** One look: appends an ack if confirmation is stalled and an ack of ours would add something. */
  async check(): Promise<boolean> {
    const base = this.host.base
    if (!this.host.live() || !base.opened || !base.ackable) return false
    const core = base.view.core
    const signed = core.signedLength
    const stalled = signed < core.length && signed === this.lastSigned && this.host.pending() === 0
    this.lastSigned = signed
    if (!stalled) return false
    if (onlyOwnHead(base)) return false
    const state = `${signed}/${core.length}`
    if (state !== this.stall.state) this.stall = { state, acks: 0, wait: 0 }
    if (this.stall.wait-- > 0) return false
    this.stall.wait = Math.min(MAX_BACKOFF, 2 ** this.stall.acks++) - 1
    this.acks++
    await base.append(null)
    return true
  }
}

/** True when the DAG's only head is this writer's newest block: an ack of it tells no one anything. */
export function onlyOwnHead(base: Autobase<any>): boolean {
  const heads = base.heads() as Head[]
  const local = base.local
  return heads.length === 1 && b4a.equals(heads[0].key, local.key) && heads[0].length === local.length
}
