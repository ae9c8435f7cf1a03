/**
 * Peer discovery and replication over Hyperswarm. The DHT is injectable (`opts.dht`), so tests,
 * the demo and benchmarks run on a private loopback network; a private `--bootstrap` on
 * loopback binds the DHT to 127.0.0.1 too (a swarm bound to 0.0.0.0 here dials out but is never dialled back).
 */
import Hyperswarm from 'hyperswarm'
import HyperDHT from 'hyperdht'
import { EventEmitter } from 'events'
import type { Ledger } from '../ledger.js'
import { LedgerError } from '../errors.js'
import { announcePresence } from './presence-channel.js'
import { isLoopback } from './bootstrap.js'
import { MirrorLink, type MirrorStatus } from './mirrors.js'

/** How long closing waits to leave the topic politely before tearing the swarm down. */
const CLOSE_GRACE_MS = 3000

export interface BootstrapNode {
  host: string
  port: number
}

/** Parses "host:port[,host:port...]"; throws BAD_INPUT with the offending part. */
export function parseBootstrap(text: string): BootstrapNode[] {
  return String(text)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((part) => {
      const m = /^(.+):(\d{1,5})$/.exec(part)
      const port = m ? Number(m[2]) : NaN
      if (!m || port < 1 || port > 65535) throw LedgerError.BAD_INPUT(`bootstrap must be HOST:PORT, got ${JSON.stringify(part)}`)
      return { host: m[1], port }
    })
}

export interface SwarmOptions {
  /** A Hyperswarm to use (the caller owns it). */
  swarm?: Hyperswarm
  /** A DHT node to build the swarm on (the caller owns it). */
  dht?: HyperDHT
  /** Bootstrap nodes of a private network; default: the public HyperDHT. */
  bootstrap?: BootstrapNode[]
  /**
   * Connections this node dials at most (Hyperswarm's maxPeers, default 64). Incoming connections
   * are still accepted, so nodes that are always on become hubs; entries reach every node through
   * any path of connected peers. Each connection replicates every core of the ledger, so a node's
   * replication work grows with its connections: a cap keeps it flat as the federation grows.
   */
  maxPeers?: number
  /** Mirrors (blind peers, src/network/mirror.ts) to keep this ledger available: their keys. */
  mirrors?: Uint8Array[]
}

/** Builds a swarm: the given one, one on the given DHT, or one on a DHT for `bootstrap`. */
export function createSwarm(opts: SwarmOptions = {}): { swarm: Hyperswarm; owned: boolean } {
  if (opts.swarm) return { swarm: opts.swarm, owned: false }
  const limits = opts.maxPeers === undefined ? {} : { maxPeers: opts.maxPeers }
  if (opts.maxPeers !== undefined && !(Number.isInteger(opts.maxPeers) && opts.maxPeers >= 1)) throw LedgerError.BAD_INPUT(`maxPeers must be a whole number of at least 1, got ${opts.maxPeers}`)
  if (opts.dht) return { swarm: new Hyperswarm({ dht: opts.dht, ...limits }), owned: true }
  if (opts.bootstrap && opts.bootstrap.length > 0) return { swarm: new Hyperswarm({ dht: createDht(opts.bootstrap), ...limits }), owned: true }
  return { swarm: new Hyperswarm(limits), owned: true }
}

/** The events a Replicator emits, with their arguments. */
export interface ReplicatorEvents {
  /** A peer connected; `peers` is the count now. */
  connection: [peers: number]
  /** A peer's connection closed; `peers` is the count now. */
  disconnection: [peers: number]
}

/** A DHT node for `bootstrap` (default: the public HyperDHT's). */
export function createDht(bootstrap?: BootstrapNode[]): HyperDHT {
  if (!bootstrap || bootstrap.length === 0) return new HyperDHT()
  // On loopback nothing is behind a NAT. Left to assume "firewalled", a new node's first
  // connection to each peer stalled for 13-36 s across processes here (the server side never
  // completed it) before a retry got through; told it is not, joins take 0.1-0.2 s.
  const loopback = bootstrap.every((b) => isLoopback(b.host))
  return new HyperDHT({ bootstrap, ...(loopback ? { host: '127.0.0.1', firewalled: false } : {}) })
}

/**
 * A DHT node that reached its bootstrap, or null (after destroying it) when none answered. A
 * node that bootstraps alone never recovers: it learns no address of its own to announce (its
 * port stays 0), so peers find it and cannot connect, and it finds nobody; so a caller retries
 * with a new node instead (TallyNode).
 */
export async function bootstrappedDht(bootstrap?: BootstrapNode[]): Promise<HyperDHT | null> {
  const dht = createDht(bootstrap)
  try {
    await dht.fullyBootstrapped()
  } catch {}
  if (dht.nodes.length > 0) return dht
  await dht.destroy({ force: true }).catch(() => {})
  return null
}

/**
 * Keeps a ledger replicating with every peer on its topic (the ledger's discovery key).
 * Emits 'connection' and 'disconnection' with the peer count.
 */
export class Replicator extends EventEmitter<ReplicatorEvents> {
  readonly swarm: Hyperswarm
  private readonly owned: boolean
  private readonly connections = new Set<any>()
  private closing: Promise<void> | null = null
  private mirrors: MirrorLink | null

  constructor(
    readonly ledger: Ledger,
    opts: SwarmOptions = {}
  ) {
    super()
    const { swarm, owned } = createSwarm(opts)
    this.swarm = swarm
    this.owned = owned
    this.swarm.on('connection', (conn: any) => {
      conn.on('error', () => {}) // a dropped peer is normal; replication resumes on reconnect
      // Hyperswarm still hands over connections it was dialling while it is destroyed, and after
      // the close grace (below) the ledger closes before the swarm is gone: such a connection is
      // dropped. Replicating it would throw LEDGER_CLOSED from this event, and an exception here
      // ends the process (`tally up` exited 1 on SIGTERM on a busy machine).
      if (this.closing !== null || this.ledger.closed) {
        conn.destroy()
        return
      }
      try {
        this.ledger.replicate(conn)
      } catch {
        conn.destroy()
        return
      }
      this.connections.add(conn)
      conn.once('close', () => {
        this.connections.delete(conn)
        this.emit('disconnection', this.connections.size)
      })
      // Tells the other side which member's node this is (for `tally status`: indexers reachable).
      announcePresence(conn, { identity: this.ledger.identity, writerKey: this.ledger.writerKey, discoveryKey: this.ledger.discoveryKey, encryptionKey: this.ledger.encryptionKey, presence: this.ledger.presence })
      this.emit('connection', this.connections.size)
    })
    this.mirrors = opts.mirrors && opts.mirrors.length > 0 ? new MirrorLink(ledger, this.swarm.dht, opts.mirrors) : null
  }

  /** The mirrors in use: connected or not, and how much of this node's own writer core each holds. */
  mirrorStatus(): MirrorStatus[] {
    return this.mirrors?.status() ?? []
  }

  /** Uses these mirrors from now on (closing the links to the others). */
  async setMirrors(keys: Uint8Array[]): Promise<void> {
    const old = this.mirrors
    this.mirrors = keys.length > 0 ? new MirrorLink(this.ledger, this.swarm.dht, keys) : null
    await old?.close()
    if (this.closing === null) this.mirrors?.start()
  }

  /** Peers connected now. */
  get peers(): number {
    return this.connections.size
  }

  /** Announces and looks up the ledger's topic; resolves once the DHT round is flushed. */
  async join(): Promise<void> {
    await this.ledger.ready()
    this.mirrors?.start()
    const discovery = this.swarm.join(this.ledger.discoveryKey, { server: true, client: true })
    await discovery.flushed()
  }

  /** Waits for at least `n` connections (or times out with TIMEOUT). */
  async waitForPeers(n = 1, timeoutMs = 30_000): Promise<void> {
    if (this.connections.size >= n) return
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.off('connection', check)
        reject(LedgerError.TIMEOUT(`no ${n} peer(s) within ${timeoutMs} ms`))
      }, timeoutMs)
      const check = (count: number) => {
        if (count < n) return
        clearTimeout(timer)
        this.off('connection', check)
        resolve()
      }
      this.on('connection', check)
    })
  }

  /** Leaves the topic and, if this replicator made the swarm, destroys it. */
  async close(): Promise<void> {
    if (this.closing === null) this.closing = this.doClose()
    return this.closing
  }

  private async doClose(): Promise<void> {
    await this.mirrors?.close()
    if (this.owned) {
      // Leaving the topic politely (unannouncing) needs the DHT; without a network the swarm's
      // teardown waits out the DHT's timeouts (measured: 10-11 s). After a grace period, tear it
      // down with force in the background and go on closing the rest.
      // The swarm may then still be tearing down while the caller closes the ledger and its
      // store, so its connections are ended here: none replicates a store that is closing.
      let timer: NodeJS.Timeout | null = null
      const grace = new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          this.swarm.destroy({ force: true }).catch(() => {})
          for (const c of this.connections) c.destroy()
          resolve()
        }, CLOSE_GRACE_MS)
      })
      await Promise.race([this.swarm.destroy(), grace])
      if (timer) clearTimeout(timer)
    } else {
      await this.swarm.leave(this.ledger.discoveryKey)
      for (const c of this.connections) c.destroy()
    }
  }
}
