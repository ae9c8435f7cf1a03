/**
 * Autobase's `apply` for a Ledger: runs the apply pipeline (apply-block.ts) on each block of a
 * batch of nodes, makes the host calls the outcomes ask for (add or remove a writer, stop for an
 * upgrade, change writers a decision names), flushes the view batch once, and tells local writes
 * and the Ledger (its `decision` events) what was decided.
 */
import type { ApplyNode, HostCalls } from 'autobase'
import type Hyperbee from 'hyperbee'
import b4a from 'b4a'
import { fromHex, toHex, type Hex } from '../protocol/index.js'
import { applyBlock } from './apply-block.js'
import { prefetchInputs } from './apply-prefetch.js'
import { BeeStore } from './bee-store.js'
import type { WriterCall } from './governance-apply.js'
import type { EntryRecord } from './records.js'
import type { DecisionEvent } from './ledger-options.js'
import type { LocalWriter } from './local-writer.js'
import type { ViewCache } from './view-cache.js'

export async function applyNodes(
  nodes: ApplyNode[],
  view: Hyperbee,
  host: HostCalls,
  ledgerKey: Uint8Array,
  writer: LocalWriter,
  cache: ViewCache | null,
  onDecisions: (made: DecisionEvent[]) => void
): Promise<void> {
  cache?.invalidate()
  const store = new BeeStore(view.batch())
  // The records the batch will read, read together instead of one wait each (apply-prefetch.ts).
  await prefetchInputs(store, nodes.map((n) => ({ writer: toHex(n.from.key), value: n.value })))
  const decided: EntryRecord[] = []
  const made: DecisionEvent[] = []
  for (const node of nodes) {
    // An Autobase ack is null (so is an empty block on peers: applyBlock skips it everywhere).
    if (node.value === null) continue
    for (const d of await applyBlock(store, node.value, { ledgerKey, writer: toHex(node.from.key), block: node.length - 1 }, { verifiedSet: writer.verified })) {
      if (d.interrupt !== null) {
        await store.discard()
        host.interrupt(d.interrupt)
        return
      }
      if (d.ignored !== null) {
        // Not decided; a redelivered block's host calls are made again (Autobase may have lost them).
        await writerCalls(host, ledgerKey, d.addWriter ?? undefined, d.removeWriter, undefined)
        continue
      }
      if (writer.waiting) decided.push(d.record)
      for (const dec of d.record.decisions ?? []) made.push({ ...dec, index: d.record.index })
      await writerCalls(host, ledgerKey, d.outcome.ok ? d.outcome.addWriter : undefined, d.removeWriter, d.writers)
    }
  }
  await store.flush()
  cache?.invalidate()
  onDecisions(made)
  // Only a notification to local writes; the view itself stays derived from the nodes alone.
  writer.decided(decided)
}

/** The Autobase writer calls one entry asks for: add a writer it admitted, remove a writer past its junk limit, and a decision's. */
async function writerCalls(host: HostCalls, ledgerKey: Uint8Array, add: { key: Hex; indexer: boolean } | undefined, remove: Hex | null, writers: WriterCall[] | undefined): Promise<void> {
  if (add && !b4a.equals(fromHex(add.key), ledgerKey)) await host.addWriter(fromHex(add.key), { indexer: add.indexer })
  // A writer past its junk limit leaves the writers (Autobase keeps its last indexer: then only its member is suspended).
  if (remove !== null && host.removeable(fromHex(remove))) await host.removeWriter(fromHex(remove))
  // Decisions: admit a writer, make one an indexer, or demote one (Autobase keeps its last indexer).
  for (const w of writers ?? []) {
    if (w.indexer || host.removeable(fromHex(w.key))) await host.addWriter(fromHex(w.key), { indexer: w.indexer })
  }
}

/** A `decision` announcer that passes each decided proposal on once (a reorder can apply the same decision again). */
export function announceOnce(emit: (ev: DecisionEvent) => void): (made: DecisionEvent[]) => void {
  const announced = new Set<string>()
  return (made) => {
    for (const ev of made) {
      const key = ev.proposal + ':' + ev.status
      if (announced.has(key)) continue
      announced.add(key)
      emit(ev)
    }
  }
}
