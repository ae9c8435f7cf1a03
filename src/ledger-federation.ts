/**
 * The bodies of the Ledger's methods for payments across ledgers (protocol/SPEC.md §12): link,
 * hold, fulfil, release and payAcross. Each takes the Ledger and uses only its public methods;
 * reads of links and holds, rates and sealed preimages are in federation-api.ts.
 */
import { conditionOf, convert, fromHex, membersDecide, toHex, type Hex, type Link } from '../protocol/index.js'
import { LedgerError } from './errors.js'
import { newPreimage, sealPreimage } from './federation-api.js'
import type { Ledger } from './ledger.js'
import { checkAmountArg } from './ledger-args.js'
import { DEFAULT_HOLD_MS } from './ledger-options.js'
import type { Receipt } from './local-writer.js'

/**
 * Announces or changes the link; where the policy gives links to the members (kind `link`, SPEC.md §10),
 * proposes it instead. Withdrawing (capacity 0) is always the bridge's own act.
 */
export async function link(ledger: Ledger, other: Uint8Array | string, opts: { name: string; rate?: { rateNum: bigint; rateDen: bigint }; capacity: bigint; memo?: string }): Promise<Receipt> {
  const rate = opts.rate ?? { rateNum: 1n, rateDen: 1n }
  const terms = { ledger: keyArg(other, 'ledger key'), name: opts.name, rateNum: rate.rateNum, rateDen: rate.rateDen, capacity: opts.capacity }
  const memo = opts.memo ?? ''
  if (terms.capacity > 0n && membersDecide((await ledger.policy()).policy, 'link')) return ledger.write({ type: 'propose', proposal: { action: 'link', ...terms }, memo })
  return ledger.write({ type: 'link', ...terms, memo })
}

export async function hold(ledger: Ledger, payee: string | Uint8Array, amount: bigint, opts: Parameters<Ledger['hold']>[2]): Promise<Receipt> {
  const m = await ledger.findMember(payee)
  const bridge = typeof opts.bridge === 'string' ? fromHex((await ledger.findMember(opts.bridge)).account) : opts.bridge
  return ledger.write({
    type: 'hold',
    payee: fromHex(m.account),
    amount: checkAmountArg(amount),
    bridge,
    ledger: keyArg(opts.ledger, 'ledger key'),
    condition: opts.condition,
    peer: opts.peer,
    sealed: opts.sealed,
    expiresMs: opts.expiresMs,
    memo: opts.memo ?? ''
  })
}

export async function fulfil(ledger: Ledger, hold: string, preimage: Uint8Array): Promise<Receipt> {
  const h = await ledger.getHold(hold)
  return ledger.write({ type: 'fulfil', hold: fromHex(h.id), preimage })
}

export async function release(ledger: Ledger, hold: string, opts: { memo?: string } = {}): Promise<Receipt> {
  const h = await ledger.getHold(hold)
  return ledger.write({ type: 'release', hold: fromHex(h.id), memo: opts.memo ?? '' })
}

export async function payAcross(ledger: Ledger, opts: Parameters<Ledger['payAcross']>[0]): Promise<{ receipt: Receipt; condition: Hex; amountThere: bigint; link: Link }> {
  const other = keyArg(opts.ledger, 'ledger key')
  const payee = keyArg(opts.payee, 'payee account key')
  const bridge = await ledger.findMember(opts.bridge)
  const link = (await ledger.links()).find((l) => l.bridge === bridge.account && l.ledger === toHex(other) && l.status === 'active')
  if (!link) throw LedgerError.REJECTED(`${bridge.name} has no link to ledger ${toHex(other).slice(0, 8)}`, { reject: 'unknown_link' })
  const preimage = newPreimage()
  const condition = conditionOf(preimage)
  const receipt = await ledger.hold(fromHex(bridge.account), opts.amount, {
    bridge: fromHex(bridge.account),
    ledger: other,
    condition,
    peer: payee,
    sealed: sealPreimage(preimage, payee),
    expiresMs: opts.expiresMs ?? DEFAULT_HOLD_MS,
    memo: opts.memo
  })
  return { receipt, condition: toHex(condition), amountThere: convert(opts.amount, link.rateNum, link.rateDen), link }
}

/** A 32-byte key given as bytes or 64 hex digits. */
function keyArg(key: Uint8Array | string, what: string): Uint8Array {
  if (typeof key === 'string') {
    if (!/^[0-9a-fA-F]{64}$/.test(key)) throw LedgerError.BAD_INPUT(`a ${what} is 64 hex digits, not ${JSON.stringify(key)}`)
    return fromHex(key.toLowerCase())
  }
  if (!(key instanceof Uint8Array) || key.byteLength !== 32) throw LedgerError.BAD_INPUT(`a ${what} is 32 bytes`)
  return key
}
