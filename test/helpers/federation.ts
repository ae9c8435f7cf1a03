/**
 * Federation on reference ledgers (applyBlock on MemoryStore): a ledger with a bridge that has
 * a link to another ledger, and one-line helpers for link, hold, fulfil, release and a member's
 * signed time. Times are explicit (`at`, ms), since expiry reads only the members' signed clocks.
 */
import b4a from 'b4a'
import { conditionOf, toHex, type Hex } from '../../protocol/index.js'
import type { Decided } from '../../src/index.js'
import { RefLedger, type RefMember } from './reference.js'

export const T0 = 1_800_000_000_000
export const SECOND = 1_000

/** A 32-byte preimage from a small number, and its condition. */
export function preimage(i: number): Uint8Array {
  return b4a.alloc(32, i)
}

export interface FedWorld {
  L: RefLedger
  steward: RefMember
  payer: RefMember
  bridge: RefMember
  witness: RefMember
  other: Uint8Array
}

/** A ledger of four active members (steward, payer, bridge, witness), each limit 1000, and the bridge's link to `other`. */
export async function fedWorld(opts: { ledgerKey?: Uint8Array; other?: Uint8Array; capacity?: bigint; names?: [string, string, string, string] } = {}): Promise<FedWorld> {
  const L = new RefLedger(opts.ledgerKey ?? b4a.alloc(32, 0xa0))
  const [s, p, b, w] = opts.names ?? ['steward', 'payer', 'bridge', 'witness']
  const steward = L.person(s)
  const payer = L.person(p)
  const bridge = L.person(b)
  const witness = L.person(w)
  await L.genesis(steward, { creditLimit: 1000n })
  for (const m of [payer, bridge, witness]) await L.admit(steward, m, { creditLimit: 1000n })
  const other = opts.other ?? b4a.alloc(32, 0xb0)
  await link(L, bridge, other, { capacity: opts.capacity ?? 500n })
  return { L, steward, payer, bridge, witness, other }
}

export function link(L: RefLedger, bridge: RefMember, other: Uint8Array, opts: { capacity?: bigint; rateNum?: bigint; rateDen?: bigint; at?: number } = {}): Promise<Decided> {
  return L.run(bridge, { type: 'link', ledger: other, name: 'Other', rateNum: opts.rateNum ?? 1n, rateDen: opts.rateDen ?? 1n, capacity: opts.capacity ?? 500n, timestamp: opts.at ?? T0 })
}

export interface HoldOpts {
  bridge: RefMember
  other: Uint8Array
  amount?: bigint
  secret?: number
  expiresMs?: number
  at?: number
  /** The other half: the payee on the other ledger, or the hold this one continues. */
  peer?: Uint8Array
}

export function hold(L: RefLedger, from: RefMember, to: RefMember, o: HoldOpts): Promise<Decided> {
  return L.run(from, {
    type: 'hold',
    payee: to.keys.publicKey,
    amount: o.amount ?? 100n,
    bridge: o.bridge.keys.publicKey,
    ledger: o.other,
    condition: conditionOf(preimage(o.secret ?? 1)),
    peer: o.peer ?? b4a.alloc(32),
    sealed: b4a.alloc(80),
    expiresMs: o.expiresMs ?? 60 * SECOND,
    timestamp: o.at ?? T0
  })
}

export function fulfil(L: RefLedger, by: RefMember, holdId: Hex, secret: number, at = T0): Promise<Decided> {
  return L.run(by, { type: 'fulfil', hold: b4a.from(holdId, 'hex'), preimage: preimage(secret), timestamp: at })
}

export function release(L: RefLedger, by: RefMember, holdId: Hex, at = T0): Promise<Decided> {
  return L.run(by, { type: 'release', hold: b4a.from(holdId, 'hex'), timestamp: at })
}

/**
 * A member says something at time `at` (an invoice of 1 to the steward, or to another member
 * for the steward): its signed time witnesses the open holds' periods, as any entry's does.
 */
export function say(L: RefLedger, who: RefMember, to: RefMember, at: number): Promise<Decided> {
  return L.run(who, { type: 'invoice', payer: to.keys.publicKey, amount: 1n, timestamp: at })
}

/** Balances plus open holds: 0 on every ledger at every step (SPEC.md §12). */
export function heldSum(L: RefLedger): bigint {
  let held = 0n
  for (const h of L.store.holds.values()) if (h.status === 'held') held += h.amount
  return L.sum() + held
}

export { toHex }
