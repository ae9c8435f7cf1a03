/**
 * The validation rules: a pure state machine. `evaluate(input, entry)` returns what a valid
 * entry changes, or why it is rejected. No I/O, no clock, no randomness, and no throw on any
 * input that decodes: every check is a `return reject(...)`, in the order SPEC.md documents.
 */
import { AMOUNT_MAX } from './constants.js'
import { accountHex, toHex, writerHex } from './hex.js'
import { checkName, nameSkeleton } from './names.js'
import { amountProblem, available } from './amount.js'
import { decideFederation, SUSPENDED_MAY } from './federation.js'
import { isFederationEntry } from './federation-codec.js'
import type {
  Entry,
  Hex,
  Invoice,
  LedgerMeta,
  Lookups,
  Member,
  Outcome,
  RejectCode,
  Rejection,
  RuleInput
} from './types.js'
import { assertNever } from './types.js'
import { isGovernanceEntry } from './governance-codec.js'
import { decideGovernance, directKind, governanceLookups, policyOf } from './governance.js'
import { advanceClock, hourOf } from './time.js'
import { membersDecide } from './policy.js'
import type { Policy } from './policy.js'
import { short } from './hex.js'

function reject(code: RejectCode, reason: string, available?: bigint): Rejection {
  return available === undefined ? { ok: false, code, reason } : { ok: false, code, reason, available }
}

/** What the caller must read before `evaluate`: the named member, invoice, name and writer. */
export function lookups(entry: Entry): Lookups {
  const none: Lookups = { counterparty: null, invoice: null, name: null, writer: null }
  if (isGovernanceEntry(entry)) return governanceLookups(entry)
  switch (entry.type) {
    case 'genesis':
      return none
    case 'admit':
      return { ...none, counterparty: toHex(entry.account), name: entry.name, writer: toHex(entry.writer) }
    case 'set-limits':
    case 'suspend':
      return { ...none, counterparty: toHex(entry.account) }
    case 'transfer':
      return { ...none, counterparty: toHex(entry.payee) }
    case 'invoice':
      return { ...none, counterparty: toHex(entry.payer) }
    case 'accept':
    case 'decline':
    case 'cancel':
      return { ...none, invoice: toHex(entry.invoice) }
    case 'leave':
      return none
    case 'link':
      return { ...none, link: { bridge: toHex(entry.author), ledger: toHex(entry.ledger) } }
    case 'hold':
      return { ...none, counterparty: toHex(entry.payee), link: { bridge: toHex(entry.bridge), ledger: toHex(entry.ledger) } }
    case 'fulfil':
    case 'release':
      return { ...none, hold: toHex(entry.hold) }
    default:
      return assertNever(entry)
  }
}

/** For invoice replies the counterparty is known only once the invoice is read: the other side of it. */
export function counterpartyOf(entry: Entry, invoice: Invoice | null): Hex | null {
  if (entry.type === 'accept' || entry.type === 'decline') return invoice ? invoice.payee : null
  if (entry.type === 'cancel') return invoice ? invoice.payer : null
  return lookups(entry).counterparty
}

/** For fulfil and release the counterparty is the other party of the hold, known once the hold is read. */
export function holdCounterparty(author: Hex, hold: { payer: Hex; payee: Hex } | null): Hex | null {
  if (hold === null) return null
  if (author === hold.payee) return hold.payer
  if (author === hold.payer) return hold.payee
  return null
}

/** Names are unique by skeleton (protocol/names.ts): case, accents and look-alike letters of other scripts ignored. */
export function nameKey(name: string): string {
  return nameSkeleton(name)
}

/** Entry types a suspended member may not author: anything that spends or governs. */
const SUSPENDED_CANNOT: ReadonlySet<Entry['type']> = new Set(['transfer', 'accept', 'admit', 'set-limits', 'suspend', 'propose', 'vote', 'object', 'invite'])

/**
 * Whether a member's status lets it author an entry of `type` at all: a departed member authors
 * nothing, a suspended one nothing that spends or governs. The type's own checks come after.
 * Clients call it for an early refusal (an invite from a suspended steward could never be used).
 */
export function statusAllows(member: Member, type: Entry['type']): boolean {
  return !(member.status === 'left' || (member.status === 'suspended' && SUSPENDED_CANNOT.has(type)))
}

/**
 * Whether `member` may bring in a new member under `policy`, and by which entry: an `admit` by a
 * steward where admissions are the steward's, a `propose` (admit) where they are the members',
 * either only if the member's status allows it. Clients call it to refuse early (an invite code
 * that could never be used); the rules still decide the entry itself.
 */
export function mayAdmit(member: Member, policy: Policy): { ok: true; entry: 'admit' | 'propose' } | { ok: false; code: 'not_steward' | 'author_not_active'; reason: string } {
  const entry = policy.rules.admit.method === 'steward' ? 'admit' : 'propose'
  if (entry === 'admit' && member.role !== 'steward') return { ok: false, code: 'not_steward', reason: `${member.name} is not a steward: only stewards admit` }
  if (!statusAllows(member, entry)) return { ok: false, code: 'author_not_active', reason: `${member.name} is ${member.status}` }
  return { ok: true, entry }
}

/** Decides an entry against the state it reads. Signature and decoding are checked before this. */
export function evaluate(input: RuleInput, entry: Entry): Outcome {
  if (input.meta === null) {
    if (entry.type !== 'genesis') return reject('no_genesis', 'the first entry of a ledger must be genesis')
    return genesis(input, entry)
  }
  if (entry.type === 'genesis') return reject('genesis_exists', 'this ledger already has a genesis entry')
  const author = input.author
  const authorHex = toHex(entry.author)
  if (author === null || author.writer !== input.writer) {
    return reject('author_not_writer', `writer ${short(input.writer)} is not bound to author ${short(authorHex)}`)
  }
  // Checked only once the author is known to own the writer, so a copy appended by someone else cannot burn the seq.
  if (entry.seq <= author.lastSeq) return reject('duplicate_entry', `seq ${entry.seq} of ${author.name} is not above its last seq ${author.lastSeq}: a replay`)
  // From here the entry is authenticated: its seq is used up and its time moves the author's clock.
  const advanced = advance(author, entry, input.gov === undefined ? 0 : policyOf(input.gov).ratePerHour)
  if (advanced.limited) return { ...reject('rate_limited', `${author.name} has written ${advanced.member.rateCount} entries this hour, the policy allows ${policyOf(input.gov).ratePerHour}`), author: advanced.member }
  const outcome = decide(input, entry, advanced.member)
  if (!outcome.ok) return { ...outcome, author: advanced.member }
  // A rule may write the author from its counterparty record (limits or suspension of oneself): keep the advance.
  const { lastSeq, clock, rateHour, rateCount } = advanced.member
  return { ...outcome, members: outcome.members.map((m) => (m.account === author.account ? { ...m, lastSeq, clock, rateHour, rateCount } : m)) }
}

/** The author's record once an authenticated entry is decided: seq used up, clock advanced, counted against the rate limit. */
function advance(author: Member, entry: Entry, ratePerHour: number): { member: Member; limited: boolean } {
  const clock = advanceClock(author.clock ?? 0, entry.timestamp)
  const member: Member = { ...author, lastSeq: entry.seq, clock }
  if (ratePerHour === 0) return { member, limited: false }
  const hour = hourOf(clock)
  const count = (author.rateHour === hour ? (author.rateCount ?? 0) : 0) + 1
  if (count > ratePerHour) return { member: { ...member, rateHour: hour, rateCount: count - 1 }, limited: true }
  return { member: { ...member, rateHour: hour, rateCount: count }, limited: false }
}

/** The type-specific rules for an authenticated entry from an admitted author. */
function decide(input: RuleInput, entry: Exclude<Entry, { type: 'genesis' }>, author: Member): Outcome {
  if (!statusAllows(author, entry.type)) return reject('author_not_active', `${author.name} is ${author.status}`)
  if (isGovernanceEntry(entry)) return decideGovernance(input, entry, author)
  if (isFederationEntry(entry)) {
    if (author.status === 'suspended' && !SUSPENDED_MAY.has(entry.type)) return reject('author_not_active', `${author.name} is ${author.status}`)
    // Where the policy gives links to the members, a bridge proposes its link; withdrawing (capacity 0) stays its own act.
    if (entry.type === 'link' && entry.capacity > 0n && membersDecide(policyOf(input.gov), 'link')) {
      return reject('decided_by_members', 'the policy gives link decisions to the members: propose the link instead')
    }
    return decideFederation(input, entry, author)
  }
  // The 0.1 entries a steward writes directly, for kinds the policy gives the members.
  const kind = directKind(entry.type)
  if (kind !== null && membersDecide(policyOf(input.gov), kind)) {
    return reject('decided_by_members', `the policy gives ${kind} decisions to the members: propose it instead`)
  }
  switch (entry.type) {
    case 'admit':
      return admit(input, entry, author)
    case 'set-limits':
      return setLimits(input, entry, author)
    case 'transfer':
      return transfer(input, entry, author)
    case 'invoice':
      return invoice(input, entry, author)
    case 'accept':
      return accept(input, entry, author)
    case 'decline':
      return decline(input, entry, author)
    case 'cancel':
      return cancel(input, entry, author)
    case 'suspend':
      return suspend(input, entry, author)
    case 'leave':
      return leave(input, author)
    default:
      return assertNever(entry as never)
  }
}

function genesis(input: RuleInput, e: Extract<Entry, { type: 'genesis' }>): Outcome {
  const writer = writerHex(e.writer)
  if (writer !== input.writer) return reject('genesis_writer_mismatch', `genesis names writer ${short(writer)} but ${short(input.writer)} appended it`)
  const creatorName = checkName(e.creatorName)
  if (!creatorName.ok) return reject('bad_name', creatorName.reason)
  const limits = checkLimits(e.defaultCreditLimit, e.defaultMaxBalance)
  if (limits) return limits
  const meta: LedgerMeta = {
    ledgerKey: input.ledgerKey,
    name: e.name,
    unitCode: e.unitCode,
    decimals: e.decimals,
    defaultCreditLimit: e.defaultCreditLimit,
    defaultMaxBalance: e.defaultMaxBalance,
    genesis: input.id
  }
  const creator: Member = {
    account: accountHex(e.author),
    name: e.creatorName,
    writer,
    role: 'steward',
    status: 'active',
    creditLimit: e.defaultCreditLimit,
    maxBalance: e.defaultMaxBalance,
    balance: 0n,
    entries: 1,
    lastSeq: e.seq
  }
  return { ok: true, meta, members: [creator], moves: [] }
}

function checkLimits(creditLimit: bigint, maxBalance: bigint | null): Rejection | null {
  if (creditLimit > AMOUNT_MAX) return reject('limit_too_large', `credit limit ${creditLimit} is over ${AMOUNT_MAX}`)
  if (maxBalance !== null && maxBalance > AMOUNT_MAX) return reject('limit_too_large', `max balance ${maxBalance} is over ${AMOUNT_MAX}`)
  return null
}

function checkAmount(amount: bigint): Rejection | null {
  const problem = amountProblem(amount)
  if (problem === 'amount_not_positive') return reject(problem, `amount ${amount} is not positive`)
  if (problem === 'amount_too_large') return reject(problem, `amount ${amount} is over ${AMOUNT_MAX}`)
  return null
}

function bump(m: Member, delta = 0n): Member {
  return { ...m, balance: m.balance + delta, entries: m.entries + 1 }
}

function admit(input: RuleInput, e: Extract<Entry, { type: 'admit' }>, author: Member): Outcome {
  if (author.role !== 'steward') return reject('not_steward', `${author.name} is not a steward`)
  if (input.counterparty !== null) return reject('member_exists', `account ${short(toHex(e.account))} is already a member`)
  if (input.writerTakenBy !== null) return reject('writer_in_use', `writer ${short(toHex(e.writer))} already belongs to ${short(input.writerTakenBy)}`)
  const name = checkName(e.name)
  if (!name.ok) return reject('bad_name', name.reason)
  if (input.nameTaken) return reject('name_taken', `the name ${JSON.stringify(e.name)} is taken, or too like a member's name`)
  const limits = checkLimits(e.creditLimit, e.maxBalance)
  if (limits) return limits
  const member: Member = {
    account: accountHex(e.account),
    name: e.name,
    writer: writerHex(e.writer),
    role: e.role,
    status: 'active',
    creditLimit: e.creditLimit,
    maxBalance: e.maxBalance,
    balance: 0n,
    entries: 1,
    lastSeq: 0
  }
  return { ok: true, members: [bump(author), member], moves: [], addWriter: { key: member.writer, indexer: e.indexer } }
}

function setLimits(input: RuleInput, e: Extract<Entry, { type: 'set-limits' }>, author: Member): Outcome {
  if (author.role !== 'steward') return reject('not_steward', `${author.name} is not a steward`)
  const target = input.counterparty
  if (target === null) return reject('unknown_member', `no member ${short(toHex(e.account))}`)
  const limits = checkLimits(e.creditLimit, e.maxBalance)
  if (limits) return limits
  const changed = { ...target, creditLimit: e.creditLimit, maxBalance: e.maxBalance }
  return { ok: true, members: target.account === author.account ? [bump(changed)] : [bump(author), bump(changed)], moves: [] }
}

/** Moves `amount` from payer to payee if both limits allow. Shared by transfer and accept. */
function pay(payer: Member, payee: Member, amount: bigint): Outcome {
  const left = available(payer)
  if (amount > left) {
    return reject('over_credit_limit', `${payer.name} can spend ${left}, not ${amount}`, left)
  }
  if (payee.maxBalance !== null && payee.balance + amount > payee.maxBalance) {
    const room = payee.maxBalance - payee.balance
    return reject('over_max_balance', `${payee.name} can receive ${room < 0n ? 0n : room}, not ${amount}`, room < 0n ? 0n : room)
  }
  return {
    ok: true,
    members: [bump(payer, -amount), bump(payee, amount)],
    moves: [
      { account: payer.account, delta: -amount },
      { account: payee.account, delta: amount }
    ]
  }
}

/** The other party of a payment or invoice: exists, is not the author, has not left. */
function counterpartyCheck(input: RuleInput, key: Uint8Array, author: Member): Member | Rejection {
  const other = input.counterparty
  if (other === null) return reject('unknown_member', `no member ${short(toHex(key))}`)
  if (other.account === author.account) return reject('self_transfer', `${author.name} cannot trade with itself`)
  if (other.status === 'left') return reject('counterparty_not_active', `${other.name} has left`)
  return other
}

function transfer(input: RuleInput, e: Extract<Entry, { type: 'transfer' }>, author: Member): Outcome {
  const payee = counterpartyCheck(input, e.payee, author)
  if ('ok' in payee) return payee
  const bad = checkAmount(e.amount)
  if (bad) return bad
  return pay(author, payee, e.amount)
}

function invoice(input: RuleInput, e: Extract<Entry, { type: 'invoice' }>, author: Member): Outcome {
  const payer = counterpartyCheck(input, e.payer, author)
  if ('ok' in payer) return payer
  const bad = checkAmount(e.amount)
  if (bad) return bad
  const inv: Invoice = { id: input.id, payee: author.account, payer: payer.account, amount: e.amount, memo: e.memo, status: 'pending', closedBy: null }
  return { ok: true, members: [bump(author), bump(payer)], invoice: inv, moves: [] }
}

/** Finds the invoice and checks the author's side of it. */
function openInvoice(input: RuleInput, e: { invoice: Uint8Array }, author: Member, side: 'payer' | 'payee'): Invoice | Rejection {
  const inv = input.invoice
  if (inv === null) return reject('unknown_invoice', `no invoice ${short(toHex(e.invoice))}`)
  if (side === 'payer' && inv.payer !== author.account) return reject('not_invoice_payer', `${author.name} is not the payer of invoice ${short(inv.id)}`)
  if (side === 'payee' && inv.payee !== author.account) return reject('not_invoice_author', `${author.name} did not write invoice ${short(inv.id)}`)
  if (inv.status !== 'pending') return reject('invoice_closed', `invoice ${short(inv.id)} is already ${inv.status}`)
  return inv
}

function accept(input: RuleInput, e: Extract<Entry, { type: 'accept' }>, author: Member): Outcome {
  const inv = openInvoice(input, e, author, 'payer')
  if ('ok' in inv) return inv
  const payee = input.counterparty
  if (payee === null || payee.status === 'left') return reject('counterparty_not_active', `the payee of invoice ${short(inv.id)} has left`)
  const paid = pay(author, payee, inv.amount)
  if (!paid.ok) return paid
  return { ...paid, invoice: { ...inv, status: 'accepted', closedBy: input.id } }
}

function close(input: RuleInput, inv: Invoice, author: Member, status: 'declined' | 'cancelled'): Outcome {
  const other = input.counterparty
  const members = other === null ? [bump(author)] : [bump(author), bump(other)]
  return { ok: true, members, invoice: { ...inv, status, closedBy: input.id }, moves: [] }
}

function decline(input: RuleInput, e: Extract<Entry, { type: 'decline' }>, author: Member): Outcome {
  const inv = openInvoice(input, e, author, 'payer')
  if ('ok' in inv) return inv
  return close(input, inv, author, 'declined')
}

function cancel(input: RuleInput, e: Extract<Entry, { type: 'cancel' }>, author: Member): Outcome {
  const inv = openInvoice(input, e, author, 'payee')
  if ('ok' in inv) return inv
  return close(input, inv, author, 'cancelled')
}

function suspend(input: RuleInput, e: Extract<Entry, { type: 'suspend' }>, author: Member): Outcome {
  if (author.role !== 'steward') return reject('not_steward', `${author.name} is not a steward`)
  const target = input.counterparty
  if (target === null) return reject('unknown_member', `no member ${short(toHex(e.account))}`)
  const changed = { ...target, status: target.status === 'left' ? target.status : ('suspended' as const) }
  return { ok: true, members: target.account === author.account ? [bump(changed)] : [bump(author), bump(changed)], moves: [] }
}

function leave(input: RuleInput, author: Member): Outcome {
  if (author.balance !== 0n) return reject('balance_not_zero', `${author.name} has balance ${author.balance}; leaving needs 0`)
  // A hold fulfilled or released after the member left would move money to or from a departed member.
  if ((input.openHolds ?? 0) > 0) return reject('holds_open', `${author.name} has ${input.openHolds} open hold(s); leaving waits until they are fulfilled or released`)
  return { ok: true, members: [bump({ ...author, status: 'left' })], moves: [] }
}

