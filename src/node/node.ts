/**
 * The running node (`tally up`): the ledger replicating over Hyperswarm on its topic, answering
 * invites this steward issued, and serving the data dir's other commands on the local socket.
 */
import { EventEmitter } from 'events'
import path from 'path'
import type HyperDHT from 'hyperdht'
import { Replicator, bootstrappedDht, parseBootstrap, type BootstrapNode } from '../network/swarm.js'
import { InviteHost, DEFAULT_PAIRING_POLL_MS, type AdmittedEvent, type RefusedEvent, type ProposedEvent } from '../network/invites.js'
import { ViewSync } from '../network/view-sync.js'
import { mirrorKey, readMirrors } from './mirror-list.js'
import { NodeService } from './service.js'
import { openContext, type NodeContext, type NodeInfo } from './context.js'
import type { DataDir } from './data-dir.js'
import type { NodeRequest } from './wire.js'
import { BridgeHalf, answerBridge, isBridgeRequest } from './bridge-half.js'
import type { CarryEvent } from '../federation-carry.js'
import type { Hex } from '../../protocol/types.js'

/** Waits between attempts to reach an unreachable DHT bootstrap: doubling from the first to the last. */
const RETRY_FIRST_MS = 2000
const RETRY_MAX_MS = 30_000

/** How often a node that answers no invite looks for one in its book or the ledger. */
const INVITES_CHECK_MS = 5000

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
  /** Connections this node dials at most (Hyperswarm's maxPeers; src/network/swarm.ts). */
  maxPeers?: number
  /** First wait before trying an unreachable bootstrap again, ms (default 2 s; doubles up to 30 s). */
  retryMs?: number
}

/** The events a TallyNode emits, with their arguments. */
export interface TallyNodeEvents {
  /** Announced on the ledger's topic (no peer may have been reached yet). */
  announced: []
  /** A peer was reached (again); `peers` is the count now. */
  online: [peers: number]
  /** The DHT bootstrap does not answer (the node keeps trying), or announcing failed; local commands are still served. */
  offline: [err: Error]
  /** The number of connected peers changed. */
  peers: [count: number]
  admitted: [event: AdmittedEvent]
  refused: [event: RefusedEvent]
  /** A join request with a member invite became an admit proposal; the members decide it. */
  proposed: [event: ProposedEvent]
  /** The bridge half carried, settled, refused or released a payment across a link (bridge-half.ts). */
  bridge: [event: CarryEvent & { ledger: Hex }]
  /** The sibling node of a bridge cannot be reached (null: it answers again). */
  sibling: [ledger: Hex, err: Error | null]
  /** The bridge half failed a pass for another reason (it tries again on the next update). */
  bridgeError: [err: Error]
}

/**
 * Emits 'announced' once on the ledger's topic, 'online' when a peer is reached (again),
 * 'offline' (Error) while the DHT bootstrap does not answer (it keeps trying), 'peers' (count),
 * 'admitted' (AdmittedEvent), 'refused' (RefusedEvent).
 *
 * @example
 * const node = await TallyNode.start({ dir, handler })
 * process.once('SIGINT', () => node.close())
 */
export class TallyNode extends EventEmitter<TallyNodeEvents> {
  private closing: Promise<void> | null = null
  /** Whether a peer is connected now: "online" means a peer was reached, not only the DHT. */
  online = false
  /** Whether the node has announced itself on the ledger's topic. */
  announced = false
  /** Why the network cannot be reached now, if it cannot. */
  networkError: Error | null = null
  /** Set once a DHT node bootstrapped. */
  private replicator: Replicator | null = null
  private invites: InviteHost | null = null
  /** Looks again for open invites now and then: an update can come before its view is readable, and then none follows. */
  private invitesTimer: NodeJS.Timeout | null = null
  /** Keeps the whole view on disk, so commands run after the node stops find it (view-sync.ts). */
  private readonly viewSync: ViewSync
  /** This node's half of its co-op's bridges (none recorded: it only looks at its own holds). */
  readonly bridge: BridgeHalf
  private connecting: Promise<void> | null = null
  private wake: (() => void) | null = null

  private constructor(
    readonly ctx: NodeContext & { close(): Promise<void> },
    readonly service: NodeService,
    private readonly network: { dht?: HyperDHT; bootstrap?: BootstrapNode[]; pollMs: number; retryMs: number; mirrors: Uint8Array[]; maxPeers?: number }
  ) {
    super()
    this.viewSync = new ViewSync(ctx.ledger)
    this.bridge = new BridgeHalf(ctx.ledger, ctx.dir)
    this.bridge.on('carry', (ev) => this.emit('bridge', ev))
    this.bridge.on('down', (key, err) => this.emit('sibling', key, err))
    this.bridge.on('up', (key) => this.emit('sibling', key, null))
    this.bridge.on('failed', (err) => this.emit('bridgeError', err))
  }

  static async start(opts: TallyNodeOptions): Promise<TallyNode> {
    const ctx = await openContext(opts.dir, opts.ackIntervalMs === undefined ? {} : { ackIntervalMs: opts.ackIntervalMs })
    let node: TallyNode | null = null
    try {
      const bootstrapText = opts.bootstrap ? opts.bootstrap.map((b) => `${b.host}:${b.port}`).join(',') : ctx.config.bootstrap
      const bootstrap = opts.bootstrap ?? (ctx.config.bootstrap ? parseBootstrap(ctx.config.bootstrap) : undefined)
      const info: NodeInfo = {
        pid: process.pid,
        startedAt: Date.now(),
        get peers() {
          return node?.peers ?? 0
        },
        bootstrap: opts.dht ? null : (bootstrapText ?? null),
        invitesChanged: () => node?.answerInvites(),
        mirrorsChanged: async () => {
          await node?.useMirrors()
        },
        mirrors: () => node?.replicator?.mirrorStatus() ?? []
      }
      const nodeCtx: NodeContext = { ...ctx, node: info }
      const socketPath = opts.dir.socketPath
      const outside = !socketPath.startsWith(opts.dir.root + path.sep) && process.platform !== 'win32'
      // The sibling node of a bridge asks through the same socket (`bridge:*`); the node answers those itself.
      const service = new NodeService(socketPath, (req) => (isBridgeRequest(req) ? answerBridge(ctx.ledger, node!.bridge.side, req) : opts.handler(nodeCtx, req)), { privateDir: outside })
      node = new TallyNode({ ...ctx, node: info, close: ctx.close }, service, {
        ...(opts.dht ? { dht: opts.dht } : {}),
        ...(bootstrap ? { bootstrap } : {}),
        pollMs: opts.pollMs ?? DEFAULT_PAIRING_POLL_MS,
        // A damaged mirrors.json stops the start here, with its name, rather than the node running without them.
        mirrors: await mirrorKeys(opts.dir),
        retryMs: opts.retryMs ?? RETRY_FIRST_MS,
        ...(opts.maxPeers === undefined ? {} : { maxPeers: opts.maxPeers })
      })
      // Serve local commands at once: they need no network. Reaching the DHT can take a while,
      // or wait for a bootstrap that is down; the node keeps trying and says when it is online.
      await service.listen()
      node.bridge.start()
      node.connecting = node.connect()
      return node
    } catch (err) {
      node?.viewSync.close()
      node?.bridge.stop()
      await ctx.close()
      throw err
    }
  }

  /** Reaches the DHT (retrying while its bootstrap does not answer), then replicates and announces. */
  private async connect(): Promise<void> {
    let waitMs = this.network.retryMs
    let dht: HyperDHT | null = this.network.dht ?? null
    while (dht === null) {
      dht = await bootstrappedDht(this.network.bootstrap)
      if (this.closing !== null) {
        await dht?.destroy({ force: true }).catch(() => {})
        return
      }
      if (dht !== null) break
      const where = this.network.bootstrap ? this.network.bootstrap.map((b) => `${b.host}:${b.port}`).join(',') : 'the public HyperDHT'
      this.networkError = new Error(`no DHT bootstrap node answers (${where}); trying again in ${Math.round(waitMs / 1000)} s`)
      this.emit('offline', this.networkError)
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, waitMs)
        this.wake = () => {
          clearTimeout(timer)
          resolve()
        }
      })
      this.wake = null
      if (this.closing !== null) return
      waitMs = Math.min(RETRY_MAX_MS, waitMs * 2)
    }
    this.networkError = null
    const replicator = new Replicator(this.ctx.ledger, { dht, mirrors: this.network.mirrors, ...(this.network.maxPeers === undefined ? {} : { maxPeers: this.network.maxPeers }) })
    this.replicator = replicator
    this.invites = new InviteHost(this.ctx.ledger, replicator.swarm, this.ctx.invites, { pollMs: this.network.pollMs })
    const onCount = (n: number) => {
      const online = n > 0
      this.emit('peers', n)
      if (online !== this.online) {
        this.online = online
        if (online && this.closing === null) this.emit('online', n)
      }
    }
    replicator.on('connection', onCount)
    replicator.on('disconnection', onCount)
    this.invites.on('admitted', (e: AdmittedEvent) => this.emit('admitted', e))
    this.invites.on('refused', (e: RefusedEvent) => this.emit('refused', e))
    this.invites.on('proposed', (e: ProposedEvent) => this.emit('proposed', e))
    this.answerInvites()
    // A member invite recorded by another member's node arrives with an update: this node answers it too.
    this.ctx.ledger.on('update', () => this.answerInvites())
    this.invitesTimer = setInterval(() => this.answerInvites(), INVITES_CHECK_MS)
    this.invitesTimer.unref()
    try {
      await replicator.join()
      this.announced = true
      if (this.closing === null) this.emit('announced')
    } catch (err) {
      this.networkError = err as Error
      if (this.closing === null) this.emit('offline', err as Error)
    }
  }

  /** Reads DIR/mirrors.json again and uses what it lists (`tally mirrors add|remove` while the node runs). */
  async useMirrors(): Promise<void> {
    this.network.mirrors = await mirrorKeys(this.ctx.dir)
    if (this.replicator) await this.replicator.setMirrors(this.network.mirrors)
  }

  /** Starts answering join requests once there is an open invite (polling the DHT costs a lookup every few seconds). */
  answerInvites(): void {
    const host = this.invites
    if (host === null || host.answering) return
    void host
      .wanted()
      .then((yes) => {
        if (yes && this.closing === null && this.invites === host) host.start()
      })
      .catch(() => {}) // a view read failing while closing: the next update asks again
  }

  get peers(): number {
    return this.replicator?.peers ?? 0
  }

  /**
   * Stops in order: invite host, swarm, socket (letting running commands finish), ledger, store. The invite
   * host goes first: blind-pairing rejoins its topic on the swarm after a DHT flush, in the background, and a
   * swarm destroyed under it made that rejoin throw "Swarm destroyed" out of a callback, which ended `tally up`
   * with exit code 1 on SIGTERM (seen once in test/cli-members-govern, whose kept stderr showed the stack).
   */
  close(): Promise<void> {
    if (this.closing === null) this.closing = this.doClose()
    return this.closing
  }

  private async doClose(): Promise<void> {
    this.bridge.stop()
    this.viewSync.close()
    if (this.invitesTimer) clearInterval(this.invitesTimer)
    this.wake?.()
    // Still looking for a bootstrap: let that attempt end (it sees `closing` and stops there).
    if (this.replicator === null) await this.connecting?.catch(() => {})
    if (this.invites) await this.invites.close()
    if (this.replicator) await this.replicator.close()
    await this.service.close()
    await this.ctx.close()
  }
}

/** The mirrors of DIR/mirrors.json, as keys. */
async function mirrorKeys(dir: DataDir): Promise<Uint8Array[]> {
  return (await readMirrors(dir.mirrorsFile)).map((k) => mirrorKey(k))
}
