/**
 * The federation rules (protocol/SPEC.md §12): links and hashed time-locked holds. Pure, in the
 * manner of rules.ts: each check is a `return reject(...)` in the order SPEC.md documents.
 *
 * A hold takes the amount off the payer's balance at once (so it counts against the payer's
 * credit while held) and keeps it in the hold until it is fulfilled (paid to the payee) or
 * released (paid back to the payer). Expiry uses the protocol's time model (time.ts, §11):
 * a hold's period has passed once more than half of the active members witnessed it.
 */
import sodium from 'sodium-native'
import b4a from 'b4a'
import { amountProblem, available } from './amount.js'
import { AMOUNT_MAX } from './constants.js'
import { toHex } from './hex.js'
import { periodPassed, witness } from './time.js'
import type { Hex, Member, Outcome, RejectCode, Rejection, RuleInput } from './types.js'
import { assertNever } from './types.js'
import {
  OPEN_HOLDS_MAX,
  PREIMAGE_BYTES,
  type FederationEntry,
  type FulfilEntry,
  type Hold,
  type HoldEntry,
  type Link,
  type LinkEntry,
  type ReleaseEntry
} from './federation-types.js'

function reject(code: RejectCode, reason: string, available?: bigint): Rejection {
  return available === undefined ? { ok: false, code, reason } : { ok: false, code, reason, available }
}

function short(hex: string): string {
  return hex.slice(0, 8)
}

/** The condition of a preimage: SHA-256 (as Interledger's), so a hold can be bound to other systems' conditions. */
export function conditionOf(preimage: Uint8Array): Uint8Array {
  if (preimage.byteLength !== PREIMAGE_BYTES) throw new TypeError(`a preimage is ${PREIMAGE_BYTES} bytes`)
  const out = b4a.alloc(sodium.crypto_hash_sha256_BYTES)
  sodium.crypto_hash_sha256(out, preimage)
  return out
}

/** What `amount` of this ledger's minor unit is on the other side of a link: amount x num / den, rounded down. */
export function convert(amount: bigint, rateNum: bigint, rateDen: bigint): bigint {
  if (rateDen <= 0n || rateNum <= 0n) throw new RangeError('a rate is two positive integers')
  return (amount * rateNum) / rateDen
}

/** The smallest amount of this ledger's unit that converts to at least `target` of the other's. */
export function amountFor(target: bigint, rateNum: bigint, rateDen: bigint): bigint {
  if (rateDen <= 0n || rateNum <= 0n) throw new RangeError('a rate is two positive integers')
  return (target * rateDen + rateNum - 1n) / rateNum
}

/** The escrow a hold keeps its amount in, named in `moves` so every entry's moves still sum to 0. */
export function escrowOf(holdId: Hex): Hex {
  return ('hold:' + holdId) as Hex
}

/** The view key parts of a link: one link per bridge and other ledger. */
export function linkId(bridge: Hex, ledger: Hex): string {
  return bridge + '/' + ledger
}

/** Whether a hold's period has passed (time.ts): `passedBy` are the current records of members whose witness passed. */
export function holdExpired(hold: Hold, passedBy: Member[], active: number): boolean {
  const counted = passedBy.filter((m) => m.status === 'active' && hold.witnesses[m.account]?.passed === true).length
  return periodPassed(counted, active)
}

/** Accounts whose witness of the hold's period has passed: the caller reads their records for `holdExpired`. */
export function passedWitnesses(hold: Hold): Hex[] {
  return Object.entries(hold.witnesses)
    .filter(([, w]) => w.passed)
    .map(([account]) => account as Hex)
}

/**
 * One more authenticated entry of `account`, whose clock is now `clock`, seen by the open holds:
 * returns the holds whose witnesses changed (each member writes each hold at most twice).
 */
export function witnessHolds(open: Hold[], account: Hex, clock: number): Hold[] {
  const changed: Hold[] = []
  for (const h of open) {
    const w = witness(h.witnesses[account], clock, h.expiresMs)
    if (w !== null) changed.push({ ...h, witnesses: { ...h.witnesses, [account]: w } })
  }
  return changed
}

/** Entry types of federation a suspended member may still author: it can be paid, and give back. */
export const SUSPENDED_MAY: ReadonlySet<FederationEntry['type']> = new Set(['fulfil', 'release'])

/** Decides a federation entry from an authenticated, active author. */
export function decideFederation(input: RuleInput, entry: FederationEntry, author: Member): Outcome {
  switch (entry.type) {
    case 'link':
      return link(input, entry, author)
    case 'hold':
      return hold(input, entry, author)
    case 'fulfil':
      return fulfil(input, entry, author)
    case 'release':
      return release(input, entry, author)
    default:
      return assertNever(entry)
  }
}

function bump(m: Member, delta = 0n): Member {
  return { ...m, balance: m.balance + delta, entries: m.entries + 1 }
}

function link(input: RuleInput, e: LinkEntry, author: Member): Outcome {
  const ledger = toHex(e.ledger)
  if (ledger === input.ledgerKey) return reject('self_link', 'a ledger cannot link to itself')
  if (e.rateNum <= 0n || e.rateDen <= 0n || e.rateNum > AMOUNT_MAX || e.rateDen > AMOUNT_MAX) {
    return reject('bad_rate', `rate ${e.rateNum}/${e.rateDen}: both must be 1-${AMOUNT_MAX}`)
  }
  if (e.capacity > AMOUNT_MAX) return reject('amount_too_large', `capacity ${e.capacity} is over ${AMOUNT_MAX}`)
  const prev = input.link ?? null
  const next: Link = {
    bridge: author.account,
    ledger,
    name: e.name,
    rateNum: e.rateNum,
    rateDen: e.rateDen,
    capacity: e.capacity,
    held: prev?.held ?? 0n,
    status: e.capacity === 0n ? 'withdrawn' : 'active',
    by: input.id
  }
  return { ok: true, members: [bump(author)], moves: [], link: next, note: `link:${ledger}:${e.rateNum}/${e.rateDen}:${e.capacity}` }
}

function hold(input: RuleInput, e: HoldEntry, author: Member): Outcome {
  const payee = input.counterparty
  if (payee === null) return reject('unknown_member', `no member ${short(toHex(e.payee))}`)
  if (payee.account === author.account) return reject('self_transfer', `${author.name} cannot hold toward itself`)
  if (payee.status === 'left') return reject('counterparty_not_active', `${payee.name} has left`)
  const problem = amountProblem(e.amount)
  if (problem === 'amount_not_positive') return reject(problem, `amount ${e.amount} is not positive`)
  if (problem === 'amount_too_large') return reject(problem, `amount ${e.amount} is over ${AMOUNT_MAX}`)
  const lk = input.link ?? null
  const bridge = toHex(e.bridge)
  if (lk === null || lk.status !== 'active') return reject('unknown_link', `${short(bridge)} has no link to ledger ${short(toHex(e.ledger))}`)
  if (bridge !== author.account && bridge !== payee.account) return reject('not_link_party', `the bridge ${short(bridge)} is neither payer nor payee`)
  const room = lk.capacity - lk.held
  if (e.amount > room) return reject('over_capacity', `the link carries ${room < 0n ? 0n : room} more, not ${e.amount}`, room < 0n ? 0n : room)
  if ((input.openHolds ?? 0) >= OPEN_HOLDS_MAX) return reject('too_many_holds', `${OPEN_HOLDS_MAX} holds are open`)
  const left = available(author)
  if (e.amount > left) return reject('over_credit_limit', `${author.name} can spend ${left}, not ${e.amount}`, left)
  // Checked now because a fulfilment must never be refused: showing the preimage is the payee's receipt.
  if (payee.maxBalance !== null && payee.balance + e.amount > payee.maxBalance) {
    const space = payee.maxBalance - payee.balance
    return reject('over_max_balance', `${payee.name} can receive ${space < 0n ? 0n : space}, not ${e.amount}`, space < 0n ? 0n : space)
  }
  const clock = input.clock ?? e.timestamp
  const h: Hold = {
    id: input.id,
    payer: author.account,
    payee: payee.account,
    bridge,
    ledger: lk.ledger,
    amount: e.amount,
    condition: toHex(e.condition),
    peer: toHex(e.peer),
    sealed: toHex(e.sealed),
    expiresMs: e.expiresMs,
    memo: e.memo,
    position: input.position ?? 0,
    time: clock,
    // The payer's own entry is its first witness of the period, as a proposer's is of its window.
    witnesses: { [author.account]: { from: clock, passed: false } },
    status: 'held',
    closedBy: null,
    preimage: null
  }
  return {
    ok: true,
    members: [bump(author, -e.amount), bump(payee)],
    moves: [{ account: author.account, delta: -e.amount }, { account: escrowOf(input.id), delta: e.amount }],
    link: { ...lk, held: lk.held + e.amount },
    hold: h,
    note: `hold:${h.condition}:${e.amount}`
  }
}

/** The hold the entry names, open; or why not. */
function openHold(input: RuleInput, id: Uint8Array): Hold | Rejection {
  const h = input.hold ?? null
  if (h === null) return reject('unknown_hold', `no hold ${short(toHex(id))}`)
  return h
}

/**
 * Whether the hold's period has passed at this entry. The entry's own time counts: the author's
 * witness is updated with its clock first (apply writes the same update after the entry).
 */
function expiredAt(input: RuleInput, h: Hold, author: Member, timestamp: number): boolean {
  const seen = witnessHolds([h], author.account, input.clock ?? timestamp)[0] ?? h
  const others = (input.witnesses ?? []).filter((m) => m.account !== author.account)
  return holdExpired(seen, [author, ...others], input.active ?? 0)
}

function closeLink(input: RuleInput, h: Hold): Link | undefined {
  const lk = input.link ?? null
  return lk === null ? undefined : { ...lk, held: lk.held - h.amount }
}

function fulfil(input: RuleInput, e: FulfilEntry, author: Member): Outcome {
  const h = openHold(input, e.hold)
  if ('ok' in h) return h
  if (h.payee !== author.account) return reject('not_hold_payee', `${author.name} is not the payee of hold ${short(h.id)}`)
  if (h.status !== 'held') return reject('hold_closed', `hold ${short(h.id)} is already ${h.status}`)
  if (expiredAt(input, h, author, e.timestamp)) return reject('hold_expired', `the period of hold ${short(h.id)} has passed`)
  if (!b4a.equals(conditionOf(e.preimage), b4a.from(h.condition, 'hex'))) return reject('wrong_preimage', `the preimage does not match the condition of hold ${short(h.id)}`)
  const payer = input.counterparty
  const preimage = toHex(e.preimage)
  const done: Hold = { ...h, status: 'fulfilled', closedBy: input.id, preimage }
  const members = payer === null ? [bump(author, h.amount)] : [bump(author, h.amount), bump(payer)]
  return { ok: true, members, moves: [{ account: escrowOf(h.id), delta: -h.amount }, { account: author.account, delta: h.amount }], link: closeLink(input, h), hold: done, note: `fulfil:${h.id}:${preimage}` }
}

function release(input: RuleInput, e: ReleaseEntry, author: Member): Outcome {
  const h = openHold(input, e.hold)
  if ('ok' in h) return h
  if (h.payee !== author.account && h.payer !== author.account) return reject('not_hold_party', `${author.name} is neither payer nor payee of hold ${short(h.id)}`)
  if (h.status !== 'held') return reject('hold_closed', `hold ${short(h.id)} is already ${h.status}`)
  // The payee may give the amount back at any time (a refusal); the payer only once the period passed.
  if (h.payer === author.account && !expiredAt(input, h, author, e.timestamp)) {
    return reject('hold_not_expired', `the period of hold ${short(h.id)} has not passed: ${passedWitnesses(h).length} of ${input.active ?? 0} members witnessed it`)
  }
  const other = input.counterparty
  const payer = author.account === h.payer ? author : other
  const done: Hold = { ...h, status: 'released', closedBy: input.id }
  const members: Member[] = []
  if (author.account === h.payer) members.push(bump(author, h.amount))
  else {
    members.push(bump(author))
    if (payer !== null) members.push(bump(payer, h.amount))
  }
  return { ok: true, members, moves: [{ account: escrowOf(h.id), delta: -h.amount }, { account: h.payer, delta: h.amount }], link: closeLink(input, h), hold: done, note: `release:${h.id}` }
}
