/**
 * The events a Ledger emits, with their arguments: `ledger.on('update', () => ...)` is typed
 * from this map (Node's EventEmitter takes it as a type parameter).
 */
import type { EventEmitter } from 'events'
import type { LedgerError } from './errors.js'
import type { StoredEquivocation } from './audit/equivocation.js'
import type { DecisionEvent } from './ledger.js'

export interface LedgerEvents {
  /** The view changed: entries were applied here (local writes or replicated ones). */
  update: []
  /** Autobase stopped applying: a block of a newer protocol version (LedgerError UPGRADE_NEEDED). */
  interrupt: [err: LedgerError]
  /** The ledger stopped under the caller (a full or read-only disk: LedgerError STORAGE). Emitted only when listened to. */
  error: [err: Error]
  /** Hypercore found a writer core forked: the evidence as stored for `audit()`, or null if it could not be kept. */
  equivocation: [evidence: StoredEquivocation | null]
  /** A proposal was decided (passed, refused, expired, withdrawn or void) at a log position (protocol/SPEC.md §10). */
  decision: [event: DecisionEvent]
}

/** Resolves at the emitter's next `update` event or after `ms`, whichever comes first. */
export function nextUpdate(emitter: EventEmitter<LedgerEvents>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer)
      emitter.off('update', done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    emitter.once('update', done)
  })
}
