/**
 * A mirror: an always-on node that keeps the ledgers' cores available while the members' nodes are
 * off, without being able to read them. It is a blind peer (the `blind-peer` package): members' nodes
 * ask it to keep their ledger's cores (src/network/mirrors.ts), and it stores and serves the blocks as
 * they are, encrypted with the ledger's key, which it never gets. It is not a member: it signs
 * nothing, cannot write, cannot ack, so it helps a node catch up, not an entry get confirmed.
 *
 * Its key pair is the identity members add to their node (`tally mirrors add KEY`); it is made once
 * from a seed kept in its directory, so the key survives restarts.
 */
import fs from 'fs'
import path from 'path'
import crypto from 'hypercore-crypto'
import BlindPeer from 'blind-peer'
import Hyperswarm from 'hyperswarm'
import type HyperDHT from 'hyperdht'
import { LedgerError } from '../errors.js'
import { bootstrappedDht, type BootstrapNode } from './swarm.js'

const SEED_FILE = 'mirror-seed'
/** Bytes a mirror keeps before it drops the oldest blocks of the cores it mirrors (blind-peer's own default is 100 GB). */
export const DEFAULT_MIRROR_BYTES = 10_000_000_000

export interface MirrorOptions {
  /** Where the mirror keeps its seed and the mirrored cores. */
  dir: string
  /** A DHT node to use (the caller owns it); else one on `bootstrap`. */
  dht?: HyperDHT
  /** Bootstrap nodes of a private network; default: the public HyperDHT. */
  bootstrap?: BootstrapNode[]
  /** How many bytes of cores to keep at most (default 10 GB). */
  maxBytes?: number
}

export class Mirror {
  private closing: Promise<void> | null = null

  private constructor(
    private readonly peer: BlindPeer,
    private readonly swarm: Hyperswarm,
    private readonly ownsDht: boolean
  ) {}

  /** Starts the mirror and listens for members' nodes; resolves once it can be reached. */
  static async start(opts: MirrorOptions): Promise<Mirror> {
    const keyPair = crypto.keyPair(readSeed(opts.dir))
    const dht = opts.dht ?? (await bootstrappedDht(opts.bootstrap))
    if (dht === null) {
      const where = opts.bootstrap ? opts.bootstrap.map((b) => `${b.host}:${b.port}`).join(',') : 'the public HyperDHT'
      throw LedgerError.DHT_UNREACHABLE(`no DHT bootstrap node answers (${where}): is \`tally bootstrap\` running there?`)
    }
    const swarm = new Hyperswarm({ dht, keyPair })
    const peer = new BlindPeer(path.join(opts.dir, 'cores'), { swarm, maxBytes: opts.maxBytes ?? DEFAULT_MIRROR_BYTES })
    const mirror = new Mirror(peer, swarm, opts.dht === undefined)
    try {
      await peer.ready()
      await peer.listen()
    } catch (err) {
      await mirror.close().catch(() => {})
      throw LedgerError.STORAGE(`cannot start the mirror in ${opts.dir}: ${(err as Error).message}`, { cause: err })
    }
    return mirror
  }

  /** What members' nodes add to reach this mirror. */
  get key(): Uint8Array {
    return this.swarm.keyPair.publicKey
  }

  /** Cores the mirror was asked to keep since it started, and the connections it has now. */
  get stats(): { coresAdded: number; connections: number } {
    return { coresAdded: this.peer.stats.coresAdded, connections: this.swarm.connections.size }
  }

  /** How many blocks of a core (by its key) the mirror holds from the start, without a gap; 0 when none. */
  async holds(key: Uint8Array): Promise<number> {
    const core = this.peer.store.get({ key, active: false })
    try {
      await core.ready()
      return core.contiguousLength as number
    } finally {
      await core.close().catch(() => {})
    }
  }

  /** Stops in order: the blind peer (its store), then the swarm and its DHT node. */
  close(): Promise<void> {
    if (this.closing === null) this.closing = this.doClose()
    return this.closing
  }

  private async doClose(): Promise<void> {
    await this.peer.close().catch(() => {})
    await this.swarm.destroy().catch(() => {})
    if (this.ownsDht) await this.swarm.dht.destroy().catch(() => {})
  }
}

/** The mirror's seed: made on first start and kept (mode 0600) so its key never changes. */
function readSeed(dir: string): Uint8Array {
  const file = path.join(dir, SEED_FILE)
  fs.mkdirSync(dir, { recursive: true })
  try {
    const seed = fs.readFileSync(file)
    if (seed.length !== 32) throw LedgerError.STORAGE(`${file} is damaged: a mirror seed is 32 bytes, found ${seed.length}`)
    return seed
  } catch (caught) {
    if ((caught as NodeJS.ErrnoException).code !== 'ENOENT') throw caught
  }
  const seed = crypto.randomBytes(32)
  fs.writeFileSync(file, seed, { mode: 0o600, flag: 'wx' })
  return seed
}
