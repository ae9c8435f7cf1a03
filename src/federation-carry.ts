/**
 * A bridge's work for one direction of a link (protocol/SPEC.md §12): the holds toward the bridge
 * on `from` are carried to the other ledger, settled once the payee fulfilled there, and released
 * once the other side was released or refused. The other ledger is an `OtherSide`: the Ledger itself
 * when one process holds both (`Bridge`), or the sibling node reached over its local socket when
 * each `tally up` holds one data dir (src/node/bridge-half.ts). Writes on `from` happen here; the one
 * write on the other ledger (the hold toward the payee) is the other side's `carry`, which is
 * idempotent by the incoming hold's id, so a retry after a lost answer never holds twice.
 */
import { MEMO_BYTES_MAX, convert, fromHex, toHex, type Hex, type Hold } from '../protocol/index.js'
import { LedgerError } from './errors.js'
import type { Ledger } from './ledger.js'

/** What the bridge asks the other ledger to hold: everything comes from the incoming hold and the link. */
export interface CarryRequest {
  /** The final payee's account there (the incoming hold's `peer`). */
  payee: Hex
  /** In the other ledger's minor unit (converted at the link's rate). */
  amount: bigint
  /** The ledger the payment comes from (the incoming hold's ledger). */
  from: Hex
  condition: Hex
  /** The incoming hold's id: the carried hold's `peer`, and what makes `carry` idempotent. */
  peer: Hex
  sealed: string
  expiresMs: number
  memo: string
}

/** The other ledger of a link, as the bridge's half on `from` sees it. */
export interface OtherSide {
  /** The bridge's account there and that ledger's key. Throws NODE_UNREACHABLE when it cannot be reached now. */
  info(): Promise<{ account: Hex; key: Hex }>
  /** The holds the bridge made there continuing holds from ledger `from` (any status), those continuing `peers` only when given. */
  outgoing(from: Hex, peers?: Hex[]): Promise<Hold[]>
  /** Holds toward the payee there, unless a hold continuing `req.peer` exists already. Refusals are LedgerErrors. */
  carry(req: CarryRequest): Promise<void>
}

export interface CarryOptions {
  /** The share of the incoming hold's period the outgoing hold gets (default 1/2): it must end first. */
  periodShare?: { num: number; den: number }
  /** The clock (ms since the epoch); tests move it. */
  now?: () => number
}

/** What a bridge did, for tests, logs and monitoring. */
export interface CarryCounts {
  forwarded: number
  settled: number
  refused: number
  released: number
}

export type CarryEvent = { what: keyof CarryCounts; hold: Hex; reason: string }

/** Errors meaning "the rules (or the ledger's state) refuse this now"; a later run may see otherwise. */
export function refused(err: unknown): boolean {
  return err instanceof LedgerError && (err.code === 'REJECTED' || err.code === 'UNKNOWN_MEMBER' || err.code === 'UNKNOWN_HOLD' || err.code === 'LEDGER_CLOSED')
}

/** A memo fits MEMO_BYTES_MAX bytes of UTF-8 (a reason quoted from the other ledger may be long). */
export function memoOf(text: string): string {
  let out = text
  while (Buffer.byteLength(out) > MEMO_BYTES_MAX) out = out.slice(0, -2) + '…'
  return out
}

/**
 * Whether the bridge sees a hold too late to carry: what is left of its period (by the payer's
 * clock at the hold and this node's clock now) must hold the outgoing period and half of it again,
 * since the other ledger's members witness with their own delays. A payer whose clock runs behind
 * only gets refused (safe); one whose clock runs ahead does not shorten the period on its ledger
 * (each member witnesses from its own entry, SPEC.md §11). A period some member already witnessed
 * whole is late whatever the clocks say.
 */
export function lateness(h: Hold, outgoingMs: number, now: number): string | null {
  const elapsed = Math.max(0, now - h.time)
  const left = h.expiresMs - elapsed
  if (Object.values(h.witnesses).some((w) => w.passed)) return `late: a member already witnessed the hold's whole period of ${seconds(h.expiresMs)}`
  if (left < outgoingMs + outgoingMs / 2) return `late: ${seconds(Math.max(0, left))} of the hold's ${seconds(h.expiresMs)} period left, and the bridge needs ${seconds(outgoingMs + outgoingMs / 2)} to complete on the other ledger`
  return null
}

function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`
}

/**
 * One pass over the holds toward this bridge on `from` whose other ledger is `to`. Returns what it did.
 * Throws NODE_UNREACHABLE (and leaves everything as it was) when the other side cannot be reached:
 * the holds stay open, and each one the bridge does not carry in time is released by its payer.
 */
export async function carryHalf(from: Ledger, to: OtherSide, opts: CarryOptions = {}): Promise<CarryEvent[]> {
  if (from.closed) return []
  const me = from.account
  const fromKey = toHex(from.key)
  const incomingAll = (await from.holds({ open: true })).filter((h) => h.payee === me && h.bridge === me)
  if (incomingAll.length === 0) return []
  const there = await to.info()
  const incoming = incomingAll.filter((h) => h.ledger === there.key)
  if (incoming.length === 0) return []
  const outgoing = await to.outgoing(fromKey, incoming.map((h) => h.id))
  const events: CarryEvent[] = []
  const did = async (write: () => Promise<unknown>, ev: CarryEvent) => {
    try {
      await write()
      events.push(ev)
    } catch (err) {
      if (!refused(err)) throw err
    }
  }
  for (const h of incoming) {
    const cont = outgoing.find((g) => g.peer === h.id)
    if (cont === undefined) {
      const refusal = await forward(from, to, h, there.key, opts)
      if (refusal === null) events.push({ what: 'forwarded', hold: h.id, reason: 'carried' })
      else await did(() => from.release(h.id, { memo: memoOf(`refused by the bridge: ${refusal}`) }), { what: 'refused', hold: h.id, reason: refusal })
    } else if (cont.status === 'fulfilled' && cont.preimage !== null) {
      await did(() => from.fulfil(h.id, fromHex(cont.preimage!)), { what: 'settled', hold: h.id, reason: 'the payee fulfilled on the other ledger' })
    } else if (cont.status === 'released') {
      const why = 'the payee refused it, or did not fulfil it in time, on the other ledger'
      await did(() => from.release(h.id, { memo: memoOf(`released by the bridge: ${why}`) }), { what: 'released', hold: h.id, reason: why })
    }
  }
  return events
}

/** Carries one incoming hold; returns null when carried, or why the bridge refuses it. */
async function forward(from: Ledger, to: OtherSide, h: Hold, toKey: Hex, opts: CarryOptions): Promise<string | null> {
  const link = (await from.links()).find((l) => l.bridge === from.account && l.ledger === toKey)
  if (!link || link.status !== 'active') return 'the bridge has no active link to that ledger'
  const share = opts.periodShare ?? { num: 1, den: 2 }
  const expiresMs = Math.max(1000, Math.floor((h.expiresMs * share.num) / share.den))
  const late = lateness(h, expiresMs, (opts.now ?? Date.now)())
  if (late !== null) return late
  try {
    await to.carry({
      payee: h.peer,
      amount: convert(h.amount, link.rateNum, link.rateDen),
      from: toHex(from.key),
      condition: h.condition,
      peer: h.id,
      sealed: h.sealed,
      expiresMs,
      memo: h.memo
    })
    return null
  } catch (err) {
    // Too little capacity or credit there, or no such payee: the payer gets its amount back now. Anything
    // else (that ledger closing mid-write, the sibling lost) may have left the hold written there: the next pass looks again.
    if (!(err instanceof LedgerError && (err.code === 'REJECTED' || err.code === 'UNKNOWN_MEMBER' || err.code === 'BAD_INPUT'))) throw err
    // The other ledger's rule, by its code, in that ledger's minor units: "over_credit_limit: bridge can spend 7000, not 7500".
    const e = err as LedgerError
    return `${e.reject ?? e.code.toLowerCase()} on the other ledger: ${e.message}`
  }
}

/** The other side as a Ledger in this process; `carry` holds at most once per incoming hold. */
export class LedgerSide implements OtherSide {
  private readonly inFlight = new Map<Hex, Promise<void>>()
  /**
   * The bridge's holds here by the incoming hold each continues (its `peer`): read from every hold once, then
   * kept by `carry`, the only writer of such holds. The other half asks about its waiting holds once a
   * second, and reading every hold ever made each time grew with the ledger's history. An id found here is
   * read back before it counts (a reorder may have left it out of the view); a failed write may still land,
   * so it drops the index and the next question reads every hold again.
   */
  private byPeer: Map<Hex, Hex> | null = null
  constructor(private readonly ledger: Ledger) {}

  async info(): Promise<{ account: Hex; key: Hex }> {
    return { account: this.ledger.account, key: toHex(this.ledger.key) }
  }

  async outgoing(from: Hex, peers?: Hex[]): Promise<Hold[]> {
    if (peers === undefined || this.byPeer === null) {
      const mine = await this.scan()
      const wanted = peers === undefined ? null : new Set(peers)
      return mine.filter((g) => g.ledger === from && (wanted === null || wanted.has(g.peer)))
    }
    const out: Hold[] = []
    for (const peer of peers) {
      const id = this.byPeer.get(peer)
      const g = id === undefined ? null : await this.ledger.getHold(id).catch(() => null)
      if (g !== null && g.peer === peer && g.ledger === from) out.push(g)
    }
    return out
  }

  /** Every hold the bridge made here, and the index from them. */
  private async scan(): Promise<Hold[]> {
    const me = this.ledger.account
    const mine = (await this.ledger.holds()).filter((g) => g.payer === me && g.bridge === me)
    this.byPeer = new Map(mine.map((g) => [g.peer, g.id]))
    return mine
  }

  carry(req: CarryRequest): Promise<void> {
    // Two requests for one incoming hold (a retry after a lost answer) share one write.
    const running = this.inFlight.get(req.peer)
    if (running) return running
    const p = this.carryOnce(req).finally(() => this.inFlight.delete(req.peer))
    this.inFlight.set(req.peer, p)
    return p
  }

  private async carryOnce(req: CarryRequest): Promise<void> {
    if ((await this.outgoing(req.from, [req.peer])).length > 0) return
    let receipt
    try {
      receipt = await this.ledger.hold(fromHex(req.payee), req.amount, {
        bridge: fromHex(this.ledger.account),
        ledger: fromHex(req.from),
        condition: fromHex(req.condition),
        peer: fromHex(req.peer),
        sealed: fromHex(req.sealed),
        expiresMs: req.expiresMs,
        memo: req.memo
      })
    } catch (err) {
      this.byPeer = null
      throw err
    }
    this.byPeer?.set(req.peer, receipt.id)
  }
}
