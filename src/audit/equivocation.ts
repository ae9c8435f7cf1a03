/**
 * Equivocation: a writer core that signed two different histories (a fork), e.g. a member who
 * restored an old backup of its data dir and kept writing while the original also wrote.
 *
 * Hypercore 11 finds it during replication: when a peer's signed history does not extend the
 * local one, it asks that peer for a proof of the whole tree at the shared length, checks that
 * both signed trees verify and differ, freezes the core (no more data from anyone) and emits
 * `conflict(length, fork, proof)`. It keeps no evidence, so every Ledger watches its writer
 * cores and stores both signed proofs in the core's user data; the auditor re-verifies them.
 */
import crypto from 'hypercore-crypto'
import b4a from 'b4a'
import type Corestore from 'corestore'
import Hypercore from 'hypercore'
import type { HypercoreProof, TreeNode } from 'hypercore'
import { toHex, type Hex } from '../../protocol/index.js'

/** User-data key under which a writer core keeps the evidence of its fork. */
export const EQUIVOCATION_USER_DATA = 'tally/equivocation'

/** A signed tree proof as JSON: the roots at `length`, nodes up to the signed head, its signature. */
export interface ProofJson {
  fork: number
  length: number
  nodes: Array<{ index: number; size: number; hash: string }>
  additionalNodes: Array<{ index: number; size: number; hash: string }>
  signature: string
}

/** What a node stores when its hypercore detects a fork. */
export interface StoredEquivocation {
  version: 1
  writer: Hex
  /** The length both histories cover and disagree on. */
  length: number
  /** When it was detected (this node's clock; informational). */
  detectedAt: number
  /** The history this node holds, and the one a peer proved. */
  local: ProofJson
  remote: ProofJson
}

/** One side of a verified equivocation, as the audit reports it. */
export interface SignedHistory {
  source: 'local' | 'remote'
  /** Tree hash of the history at the disputed length. */
  treeHash: Hex
  /** The length and tree hash the signature covers (the signer's head), and the signature. */
  signedLength: number
  signedTreeHash: Hex
  fork: number
  signature: Hex
}

export interface EquivocationEvidence {
  writer: Hex
  length: number
  histories: [SignedHistory, SignedHistory]
}

function nodesToJson(nodes: TreeNode[]): ProofJson['nodes'] {
  return nodes.map((n) => ({ index: n.index, size: n.size, hash: toHex(n.hash) }))
}

function nodesFromJson(nodes: ProofJson['nodes']): TreeNode[] {
  return nodes.map((n) => ({ index: n.index, size: n.size, hash: b4a.from(n.hash, 'hex') }))
}

function proofToJson(proof: HypercoreProof): ProofJson {
  const up = proof.upgrade!
  return { fork: proof.fork, length: up.length, nodes: nodesToJson(up.nodes), additionalNodes: nodesToJson(up.additionalNodes), signature: toHex(up.signature) }
}

function proofFromJson(p: ProofJson): HypercoreProof {
  return {
    fork: p.fork,
    block: null,
    hash: null,
    seek: null,
    upgrade: { start: 0, length: p.length, nodes: nodesFromJson(p.nodes), additionalNodes: nodesFromJson(p.additionalNodes), signature: b4a.from(p.signature, 'hex') },
    manifest: null
  }
}

/**
 * Stores the evidence of a conflict hypercore reported on `key`: the remote proof it received
 * and a proof of the local history at the same length. Keeps the first evidence found.
 */
export async function recordConflict(store: Corestore, key: Uint8Array, length: number, proof: HypercoreProof): Promise<StoredEquivocation | null> {
  if (!proof.upgrade) return null
  // The conflicting session is being closed by hypercore; a fresh one reads the frozen core.
  const core = store.get({ key, active: false })
  try {
    await core.ready()
    const existing = await core.getUserData(EQUIVOCATION_USER_DATA)
    if (existing) return JSON.parse(b4a.toString(existing)) as StoredEquivocation
    const local = await core.proof({ upgrade: { start: 0, length } })
    const stored: StoredEquivocation = {
      version: 1,
      writer: toHex(key),
      length,
      detectedAt: Date.now(),
      local: proofToJson(local),
      remote: proofToJson(proof)
    }
    await core.setUserData(EQUIVOCATION_USER_DATA, b4a.from(JSON.stringify(stored)))
    return stored
  } finally {
    await core.close()
  }
}

/**
 * Calls `onConflict` with the stored evidence whenever hypercore finds a core of `store` forked.
 * Every core the store opens gets a weak session (it keeps nothing open) listening for
 * `conflict`: Autobase opens and closes writer cores as they go idle, so listening on its own
 * sessions would miss a fork found while a core is open only for replication.
 * Returns a stop function.
 */
export function watchEquivocation(store: Corestore, onConflict: (stored: StoredEquivocation | null, err: Error | null) => void): () => void {
  let stopped = false
  const sessions = new Set<Hypercore>()
  const onOpen = (core: unknown) => {
    if (stopped) return
    let session: Hypercore
    try {
      session = new Hypercore({ core, weak: true })
    } catch {
      return // a core closing as it opens: nothing to watch, and the store's open must not fail
    }
    sessions.add(session)
    session.on('close', () => sessions.delete(session))
    session.on('conflict', (length: number, _fork: number, proof: HypercoreProof) => {
      if (stopped) return
      recordConflict(store, session.key, length, proof).then(
        (stored) => onConflict(stored, null),
        (err: Error) => onConflict(null, err)
      )
    })
  }
  store.watch(onOpen)
  return () => {
    stopped = true
    store.unwatch(onOpen)
    for (const s of sessions) s.close().catch(() => {})
  }
}

/** Reads the evidence a writer core keeps, if any. */
export async function storedEquivocation(core: Hypercore): Promise<StoredEquivocation | null> {
  const bytes = await core.getUserData(EQUIVOCATION_USER_DATA)
  if (!bytes) return null
  try {
    return JSON.parse(b4a.toString(bytes)) as StoredEquivocation
  } catch {
    return null
  }
}

/**
 * Re-verifies stored evidence against the core's own manifest: both proofs must carry valid
 * signatures of the writer and give different trees at the same length. Returns null when the
 * evidence does not prove a fork.
 */
export async function verifyEquivocation(core: Hypercore, stored: StoredEquivocation): Promise<EquivocationEvidence | null> {
  const sides: SignedHistory[] = []
  for (const [source, json] of [['local', stored.local], ['remote', stored.remote]] as const) {
    if (json.length !== stored.length) return null
    const proof = proofFromJson(json)
    let batch
    try {
      batch = await core.verifyFullyRemote({ ...proof, manifest: core.manifest })
    } catch {
      return null
    }
    sides.push({
      source,
      treeHash: toHex(crypto.tree(proof.upgrade!.nodes)),
      signedLength: batch.length,
      signedTreeHash: toHex(batch.hash()),
      fork: batch.fork,
      signature: toHex(batch.signature)
    })
  }
  if (sides[0].treeHash === sides[1].treeHash) return null
  return { writer: stored.writer, length: stored.length, histories: [sides[0], sides[1]] }
}

/** Whether hypercore froze this core after a conflict (kept in its header on disk). */
export function isFrozen(core: Hypercore): boolean {
  return Boolean(core.core?.header?.frozen)
}
