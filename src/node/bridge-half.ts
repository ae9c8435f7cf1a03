/**
 * The bridge inside `tally up` (protocol/SPEC.md §12). A bridge co-op runs one node per data dir,
 * one ledger each, and each process holds its store alone; so each node runs one half of the
 * bridge: it carries the holds toward the co-op on its own ledger to the sibling node (the co-op's
 * data dir on the other ledger, recorded by `tally link DIR2` in siblings.json), over the sibling's
 * local socket. The socket is the owner-only file the CLI already uses, so the two halves trust
 * each other as the co-op's own processes, and no key crosses the network.
 *
 * - This node writes on its own ledger only (settle, refuse, release); the one write on the other
 *   ledger, the hold toward the payee, is made by the sibling node in its own process
 *   (`bridge:carry`, idempotent by the incoming hold's id, so a retry after a lost answer holds once).
 * - A sibling that is down (no socket, a paused node, a lost answer) stops nothing and loses nothing:
 *   the holds stay as they are and the next run (on each update, and every `pollMs` while holds
 *   wait) tries again. A hold not carried in time is released by its payer; one carried and then
 *   fulfilled there while this node was away is settled when it is back, if its period has not
 *   passed (else the bridge is out its own amount: SECURITY.md).
 */
import { EventEmitter } from 'events'
import type { Hex, Hold } from '../../protocol/index.js'
import { LedgerError } from '../errors.js'
import { Runner } from '../federation-agent.js'
import { LedgerSide, carryHalf, memoOf, refused, type CarryEvent, type CarryOptions, type CarryRequest, type OtherSide } from '../federation-carry.js'
import type { Ledger } from '../ledger.js'
import { callNode } from './client.js'
import { DataDir } from './data-dir.js'
import { readSiblings } from './siblings.js'
import type { NodeRequest } from './wire.js'

/** How often a half with holds waiting on its sibling asks again (the sibling's ledger has no event here). */
export const BRIDGE_POLL_MS = 1000

/** Whether an error means the sibling cannot be reached now (then nothing is done, and the next run retries). */
function unreachable(err: unknown): boolean {
  return err instanceof LedgerError && (err.code === 'NODE_UNREACHABLE' || err.code === 'NODE_LOST' || err.code === 'TIMEOUT')
}

/** The other ledger through the sibling node's socket. */
export class SocketSide implements OtherSide {
  constructor(private readonly socketPath: string, private readonly key: Hex) {}

  private async call(command: string, opts: Record<string, unknown>): Promise<unknown> {
    const r = await callNode(this.socketPath, command, opts)
    if (!r.answered) throw LedgerError.NODE_UNREACHABLE(`the bridge's sibling node is not running (no node answers on ${this.socketPath}): start \`tally up\` in its data dir`)
    return r.result
  }

  async info(): Promise<{ account: Hex; key: Hex }> {
    const info = (await this.call('bridge:info', {})) as { account: Hex; key: Hex }
    // The dir recorded may since hold another ledger: never carry a payment to the wrong one.
    if (info.key !== this.key) throw LedgerError.NODE_UNREACHABLE(`the sibling dir's node holds ledger ${info.key.slice(0, 8)}, not ${this.key.slice(0, 8)}: run \`tally link\` again with the right dir`)
    return info
  }

  async outgoing(from: Hex, peers?: Hex[]): Promise<Hold[]> {
    return (await this.call('bridge:outgoing', { from, ...(peers === undefined ? {} : { peers }) })) as Hold[]
  }

  async carry(req: CarryRequest): Promise<void> {
    await this.call('bridge:carry', { ...req })
  }
}

/** The events a BridgeHalf emits. */
export interface BridgeHalfEvents {
  /** A step: carried, settled, refused (with why), released. */
  carry: [event: CarryEvent & { ledger: Hex }]
  /** The sibling node for `ledger` cannot be reached now (said once until it is reached again). */
  down: [ledger: Hex, err: Error]
  /** The sibling node for `ledger` answers again. */
  up: [ledger: Hex]
  /** A pass failed for another reason (a storage error, say); the next update tries again. */
  failed: [err: Error]
}

/** One node's half of its co-op's bridges: one direction per sibling recorded in siblings.json. */
export class BridgeHalf extends EventEmitter<BridgeHalfEvents> {
  private readonly runner: Runner
  private readonly down = new Set<Hex>()
  private timer: NodeJS.Timeout | null = null
  /** Holds toward this bridge waited on a sibling at the last run: poll until none do. */
  private waiting = false
  /** What the sibling asks of this node (`bridge:carry`) goes through one LedgerSide, so concurrent asks hold once. */
  readonly side: LedgerSide

  constructor(private readonly ledger: Ledger, private readonly dir: DataDir, private readonly opts: CarryOptions & { pollMs?: number } = {}) {
    super()
    this.side = new LedgerSide(ledger)
    this.runner = new Runner([ledger], () => this.run())
  }

  start(): void {
    this.timer = setInterval(() => {
      if (this.waiting) this.runner.kick()
    }, this.opts.pollMs ?? BRIDGE_POLL_MS)
    this.runner.kick()
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    this.runner.stop()
  }

  get lastError(): Error | null {
    return this.runner.lastError
  }

  private async run(): Promise<void> {
    if (this.ledger.closed || !this.ledger.writable) return
    const me = this.ledger.account
    const incoming = (await this.ledger.holds({ open: true })).filter((h) => h.payee === me && h.bridge === me)
    this.waiting = incoming.length > 0
    if (!this.waiting) return
    const siblings = await readSiblings(this.dir)
    // No dir recorded for a ledger: nothing in this process can carry there, so the payer gets its amount back now.
    for (const h of incoming.filter((h) => !siblings.has(h.ledger))) {
      const reason = 'its node has no data dir recorded for that ledger (`tally link DIR` records it)'
      try {
        await this.ledger.release(h.id, { memo: memoOf(`refused by the bridge: ${reason}`) })
        this.emit('carry', { what: 'refused', hold: h.id, reason, ledger: h.ledger })
      } catch (err) {
        if (!refused(err)) this.emit('failed', err as Error)
      }
    }
    for (const [key, root] of siblings) {
      if (!incoming.some((h) => h.ledger === key)) continue
      try {
        const events = await carryHalf(this.ledger, new SocketSide(new DataDir(root).socketPath, key), this.opts)
        if (this.down.delete(key)) this.emit('up', key)
        for (const ev of events) this.emit('carry', { ...ev, ledger: key })
      } catch (err) {
        if (!unreachable(err)) {
          this.emit('failed', err as Error)
          continue
        }
        if (!this.down.has(key)) {
          this.down.add(key)
          this.emit('down', key, err as Error)
        }
      }
    }
  }
}

/** Whether a socket request is the sibling's (`bridge:*`), which the node answers itself. */
export function isBridgeRequest(req: NodeRequest): boolean {
  return req.command.startsWith('bridge:')
}

/** Answers the sibling's requests on this node's ledger. */
export async function answerBridge(ledger: Ledger, side: LedgerSide, req: NodeRequest): Promise<unknown> {
  const o = req.opts
  switch (req.command) {
    case 'bridge:info':
      return side.info()
    case 'bridge:outgoing':
      return side.outgoing(hexArg(o.from), Array.isArray(o.peers) ? o.peers.map(hexArg) : undefined)
    case 'bridge:carry':
      await side.carry({
        payee: hexArg(o.payee),
        amount: typeof o.amount === 'bigint' ? o.amount : BigInt(String(o.amount)),
        from: hexArg(o.from),
        condition: hexArg(o.condition),
        peer: hexArg(o.peer),
        sealed: String(o.sealed),
        expiresMs: Number(o.expiresMs),
        memo: String(o.memo ?? '')
      })
      return { carried: true, ledger: ledger.account }
    default:
      throw LedgerError.BAD_INPUT(`no bridge request ${JSON.stringify(req.command)}`)
  }
}

function hexArg(v: unknown): Hex {
  if (typeof v !== 'string' || !/^[0-9a-f]{64}$/.test(v)) throw LedgerError.BAD_INPUT('a bridge request names keys and ids as 64 hex digits')
  return v as Hex
}
