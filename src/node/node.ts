/**
 * The running node (`tally up`): the ledger replicating over Hyperswarm on its topic, answering
 * invites this steward issued, and serving the data dir's other commands on the local socket.
 */
import { EventEmitter } from 'events'
import path from 'path'
import type HyperDHT from 'hyperdht'
import { Replicator, parseBootstrap, type BootstrapNode } from '../network/swarm.js'
import { InviteHost, DEFAULT_PAIRING_POLL_MS, type AdmittedEvent, type RefusedEvent } from '../network/invites.js'
import { NodeService } from './service.js'
import { ViewSync } from '../network/view-sync.js'
import { openContext, type NodeContext, type NodeInfo } from './context.js'
import type { DataDir } from './data-dir.js'
import type { NodeRequest } from './wire.js'

export interface TallyNodeOptions {
  dir: DataDir
  /** Runs a command the socket received, in this node's context. */
  handler: (ctx: NodeContext, request: NodeRequest) => Promise<unknown>
  /** Bootstrap nodes; default: ledger.json's, else the public HyperDHT. */
  bootstrap?: BootstrapNode[] | null
  /** A DHT node to use instead (tests). */
  dht?: HyperDHT
  /** How often to look for join requests on the DHT, ms (default 3 s). */
  pollMs?: number
  ackIntervalMs?: number
}

/** The events a TallyNode emits, with their arguments. */
export interface TallyNodeEvents {
  /** Announced on the ledger's topic. */
  online: []
  /** Announcing failed (no network, a bad bootstrap); local commands are still served. */
  offline: [err: Error]
  /** The number of connected peers changed. */
  peers: [count: number]
  admitted: [event: AdmittedEvent]
  refused: [event: RefusedEvent]
}

/**
 * Emits 'online' once announced on the ledger's topic, 'offline' (Error) if that failed, 'peers'
 * (count), 'admitted' (AdmittedEvent), 'refused' (RefusedEvent).
 *
 * @example
 * const node = await TallyNode.start({ dir, handler })
 * process.once('SIGINT', () => node.close())
 */
export class TallyNode extends EventEmitter<TallyNodeEvents> {
  private closing: Promise<void> | null = null
  /** Whether the node has announced itself on the ledger's topic. */
  online = false
  /** Why announcing failed, if it did. */
  networkError: Error | null = null

  private constructor(
    readonly ctx: NodeContext & { close(): Promise<void> },
    readonly replicator: Replicator,
    readonly invites: InviteHost,
    readonly service: NodeService
  ) {
    super()
    this.viewSync = new ViewSync(ctx.ledger)
  }

  /** Keeps the whole view on disk, so commands run after the node stops find it (view-sync.ts). */
  private readonly viewSync: ViewSync

  static async start(opts: TallyNodeOptions): Promise<TallyNode> {
    const ctx = await openContext(opts.dir, opts.ackIntervalMs === undefined ? {} : { ackIntervalMs: opts.ackIntervalMs })
    let replicator: Replicator | null = null
    try {
      const bootstrapText = opts.bootstrap ? opts.bootstrap.map((b) => `${b.host}:${b.port}`).join(',') : ctx.config.bootstrap
      const bootstrap = opts.bootstrap ?? (ctx.config.bootstrap ? parseBootstrap(ctx.config.bootstrap) : undefined)
      replicator = new Replicator(ctx.ledger, opts.dht ? { dht: opts.dht } : bootstrap ? { bootstrap } : {})
      const invites = new InviteHost(ctx.ledger, replicator.swarm, ctx.invites, { pollMs: opts.pollMs ?? DEFAULT_PAIRING_POLL_MS })
      let node: TallyNode | null = null
      const info: NodeInfo = {
        pid: process.pid,
        startedAt: Date.now(),
        get peers() {
          return replicator!.peers
        },
        bootstrap: opts.dht ? null : (bootstrapText ?? null),
        invitesChanged: () => node?.answerInvites()
      }
      const nodeCtx: NodeContext = { ...ctx, node: info }
      const socketPath = opts.dir.socketPath
      const outside = !socketPath.startsWith(opts.dir.root + path.sep) && process.platform !== 'win32'
      const service = new NodeService(socketPath, (req) => opts.handler(nodeCtx, req), { privateDir: outside })
      node = new TallyNode({ ...ctx, node: info, close: ctx.close }, replicator, invites, service)
      replicator.on('connection', (n: number) => node!.emit('peers', n))
      replicator.on('disconnection', (n: number) => node!.emit('peers', n))
      invites.on('admitted', (e: AdmittedEvent) => node!.emit('admitted', e))
      invites.on('refused', (e: RefusedEvent) => node!.emit('refused', e))
      // Serve local commands at once: they need no network. Announcing on the topic can take a
      // while, or never finish without a network; the node says when it is online.
      await service.listen()
      node.answerInvites()
      const joined = node
      replicator.join().then(
        () => {
          joined.online = true
          if (joined.closing === null) joined.emit('online')
        },
        (err: Error) => {
          joined.networkError = err
          if (joined.closing === null) joined.emit('offline', err)
        }
      )
      return node
    } catch (err) {
      if (replicator) await replicator.close().catch(() => {})
      await ctx.close()
      throw err
    }
  }

  /** Starts answering join requests once there is an open invite (polling the DHT costs a lookup every few seconds). */
  answerInvites(): void {
    const now = Date.now()
    if (this.ctx.invites.list().some((r) => r.used === null && (r.expires === 0 || r.expires > now))) this.invites.start()
  }

  get peers(): number {
    return this.replicator.peers
  }

  /** Stops in order: swarm, invite host, socket (letting running commands finish), ledger, store. */
  close(): Promise<void> {
    if (this.closing === null) this.closing = this.doClose()
    return this.closing
  }

  private async doClose(): Promise<void> {
    this.viewSync.close()
    await this.replicator.close()
    await this.invites.close()
    await this.service.close()
    await this.ctx.close()
  }
}
