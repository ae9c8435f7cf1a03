/**
 * Convergence from the nodes' state events: when did every peer hold the same complete state,
 * and when was it quorum-confirmed everywhere? Each event is stamped by the node that saw it,
 * so the answer does not depend on IPC delays.
 */
import type { NodeState } from './messages.js'

export interface Convergence {
  /** Since when every peer has all `expected` entries and the same state hash (and kept it). */
  equalAt: number | null
  /** The first moment every peer had all entries confirmed with the same confirmed state hash. */
  confirmedAt: number | null
  /** The state hash they agree on. */
  stateHash: string | null
}

/** Whether every peer has all entries and one state hash. */
function allEqual(latest: Array<NodeState | undefined>, expected: number): boolean {
  const first = latest[0]
  if (!first || first.stateHash === null) return false
  return latest.every((s) => s !== undefined && s.entries === expected && s.stateHash === first.stateHash)
}

/** Whether every peer has all entries confirmed, with one confirmed state hash. */
function allConfirmed(latest: Array<NodeState | undefined>, expected: number): boolean {
  const first = latest[0]
  if (!first || first.confirmedStateHash === null) return false
  return latest.every((s) => s !== undefined && s.confirmedEntries === expected && s.confirmedStateHash === first.confirmedStateHash)
}

/**
 * Replays the peers' events in time order. `equalAt` is when the peers last came to agree (a
 * moment of agreement that a later reorder undid does not count); `confirmedAt` cannot be undone.
 */
export function convergence(perPeer: NodeState[][], expected: number): Convergence {
  const events = perPeer.flatMap((states, peer) => states.map((state) => ({ peer, state }))).sort((a, b) => a.state.at - b.state.at)
  const latest: Array<NodeState | undefined> = perPeer.map(() => undefined)
  let equalAt: number | null = null
  let confirmedAt: number | null = null
  for (const { peer, state } of events) {
    latest[peer] = state
    if (allEqual(latest, expected)) equalAt ??= state.at
    else equalAt = null
    if (confirmedAt === null && allConfirmed(latest, expected)) confirmedAt = state.at
  }
  const settled = equalAt === null ? null : latest[0]!.stateHash
  return { equalAt, confirmedAt, stateHash: settled }
}

const latestOf = (perPeer: NodeState[][]) => perPeer.map((states) => states[states.length - 1])

/** Whether the latest states show every peer with all entries and one state hash. */
export function agreed(perPeer: NodeState[][], expected: number): boolean {
  return allEqual(latestOf(perPeer), expected)
}

/** Whether the latest states show the peers agreed and all of it confirmed: the run is over. */
export function settled(perPeer: NodeState[][], expected: number): boolean {
  const latest = latestOf(perPeer)
  return allEqual(latest, expected) && allConfirmed(latest, expected) && latest[0]!.confirmedStateHash === latest[0]!.stateHash
}
