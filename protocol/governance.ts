/**
 * Decisions by the members (protocol/SPEC.md §10), pure: the rules of the governance entries
 * (a ladder of `return reject(...)` like rules.ts), when an open proposal is decided (`settle`),
 * and what a passed proposal does (`enact`). The caller (src/governance-apply.ts) gathers the
 * inputs and writes the results at the log position where the decision falls.
 */
import { AMOUNT_MAX } from './constants.js'
import { toHex } from './hex.js'
import { ACTION_KIND, type ActionRecord, type Decision, type GovState, type GovernanceEntry, type Proposal, type ProposalAction, type ProposalStatus } from './governance-types.js'
import { ruleOf, stewardPolicy, type DecisionKind, type Policy } from './policy.js'
import { periodPassed } from './time.js'
import { checkName } from './names.js'
import type { Hex, Lookups, Member, Outcome, RejectCode, Rejection, RuleInput , AccountKey, WriterKey } from './types.js'
import type { Link } from './federation-types.js'
import { short } from './hex.js'
import { decideInvite, decideUninvite, usable } from './invites.js'

/** Most indexers a ledger may have: Autobase signs with a majority of them, so 3 or 5 is the sweet spot. */
export const INDEXERS_MAX = 9

function reject(code: RejectCode, reason: string): Rejection {
  return { ok: false, code, reason }
}
function bump(m: Member): Member {
  return { ...m, entries: m.entries + 1 }
}

/** The policy in force: the charter's or a later decision's, else the steward policy. */
export function policyOf(gov: GovState | null | undefined): Policy {
  return gov?.policy ?? stewardPolicy()
}

/** The policy kind of the 0.1 entries a steward writes directly, or null for other types. */
export function directKind(type: string): DecisionKind | null {
  if (type === 'admit') return 'admit'
  if (type === 'set-limits') return 'limits'
  if (type === 'suspend') return 'suspend'
  return null
}

/** What a governance entry needs looked up: the member it names, the name and writer of an admit, the proposal. */
export function governanceLookups(entry: GovernanceEntry): Lookups {
  const none: Lookups = { counterparty: null, invoice: null, name: null, writer: null, proposal: null }
  switch (entry.type) {
    case 'propose': {
      const a = entry.proposal
      if (a.action === 'policy' || a.action === 'link') return none
      if (a.action === 'admit') return { ...none, counterparty: toHex(a.account), name: a.name, writer: toHex(a.writer), invite: a.invite ? toHex(a.invite) : null }
      return { ...none, counterparty: toHex(a.account) }
    }
    case 'vote':
    case 'object':
    case 'withdraw':
      return { ...none, proposal: toHex(entry.proposal) }
    case 'invite':
    case 'uninvite':
      return { ...none, invite: toHex(entry.invite) }
    default:
      return none
  }
}

/** The action as the view keeps it (hex keys). */
export function actionRecord(a: ProposalAction): ActionRecord {
  switch (a.action) {
    case 'admit': {
      const { invite, ...rest } = a
      return { ...rest, account: toHex(a.account), writer: toHex(a.writer), ...(invite ? { invite: toHex(invite) } : {}) }
    }
    case 'limits':
      return { ...a, account: toHex(a.account) }
    case 'policy':
      return a
    case 'link':
      return { ...a, ledger: toHex(a.ledger) }
    default:
      return { action: a.action, account: toHex(a.account) }
  }
}

/** Decides a governance entry from an authenticated, active-enough author (rules.ts checked the rest). */
export function decideGovernance(input: RuleInput, entry: GovernanceEntry, author: Member): Outcome {
  const position = input.position ?? 0
  switch (entry.type) {
    case 'charter':
      if (position !== 1) return reject('charter_late', 'a charter must directly follow genesis')
      return { ok: true, members: [], author, moves: [], policy: entry.policy, note: 'charter' }
    case 'tick':
      return { ok: true, members: [], author, moves: [], note: 'tick' }
    case 'propose':
      return propose(input, entry, author, position)
    case 'vote':
    case 'object':
      return vote(input, entry, author, position)
    case 'withdraw':
      return withdraw(input, entry, author, position)
    case 'invite':
      return decideInvite(input, entry, author, position)
    case 'uninvite':
      return decideUninvite(input, entry, author)
  }
}

function checkLimits(creditLimit: bigint, maxBalance: bigint | null): Rejection | null {
  if (creditLimit > AMOUNT_MAX) return reject('limit_too_large', `credit limit ${creditLimit} is over ${AMOUNT_MAX}`)
  if (maxBalance !== null && maxBalance > AMOUNT_MAX) return reject('limit_too_large', `max balance ${maxBalance} is over ${AMOUNT_MAX}`)
  return null
}

/** The checks an action's target must pass when proposed (enact checks again when it passes). */
function checkAction(input: RuleInput, a: ProposalAction): Rejection | null {
  switch (a.action) {
    case 'admit':
      if (input.counterparty !== null) return reject('member_exists', `account ${short(toHex(a.account))} is already a member`)
      if (input.writerTakenBy !== null) return reject('writer_in_use', `writer ${short(toHex(a.writer))} already belongs to ${short(input.writerTakenBy)}`)
      {
        const name = checkName(a.name)
        if (!name.ok) return reject('bad_name', name.reason)
      }
      if (input.nameTaken) return reject('name_taken', `the name ${JSON.stringify(a.name)} is taken, or too like a member's name`)
      return checkLimits(a.creditLimit, a.maxBalance)
    case 'limits':
      if (input.counterparty === null) return reject('unknown_member', `no member ${short(toHex(a.account))}`)
      return checkLimits(a.creditLimit, a.maxBalance)
    case 'policy':
      return null
    case 'link':
      return linkProblem(input, a)
    default:
      if (input.counterparty === null) return reject('unknown_member', `no member ${short(toHex(a.account))}`)
      return null
  }
}

/** A link proposal's terms pass the link entry's checks (federation.ts): not this ledger, a rate, a capacity. */
function linkProblem(input: RuleInput, a: Extract<ProposalAction, { action: 'link' }>): Rejection | null {
  if (toHex(a.ledger) === input.ledgerKey) return reject('self_link', 'a ledger cannot link to itself')
  if (a.rateNum <= 0n || a.rateDen <= 0n || a.rateNum > AMOUNT_MAX || a.rateDen > AMOUNT_MAX) return reject('bad_rate', `rate ${a.rateNum}/${a.rateDen}: both must be 1-${AMOUNT_MAX}`)
  if (a.capacity > AMOUNT_MAX) return reject('amount_too_large', `capacity ${a.capacity} is over ${AMOUNT_MAX}`)
  return null
}

function propose(input: RuleInput, e: Extract<GovernanceEntry, { type: 'propose' }>, author: Member, position: number): Outcome {
  const bad = checkAction(input, e.proposal)
  if (bad) return bad
  const kind = ACTION_KIND[e.proposal.action]
  const rule = ruleOf(policyOf(input.gov), kind)
  const clock = author.clock ?? e.timestamp
  // An admit citing an invite uses it: the first such proposal in log order, and only that one.
  const cited = e.proposal.action === 'admit' && e.proposal.invite !== undefined ? e.proposal.invite : null
  if (cited !== null) {
    const bad = usable(input.invite ?? null, clock, cited)
    if (bad) return bad
  }
  const proposal: Proposal = {
    id: input.id,
    proposer: author.account,
    action: actionRecord(e.proposal),
    kind,
    method: rule.method,
    windowMs: rule.windowMs,
    index: position,
    time: clock,
    votes: { [author.account]: { yes: true, reason: e.memo, index: position } },
    witnesses: { [author.account]: { from: clock, passed: false } },
    status: 'open',
    decidedAt: null,
    reason: null
  }
  const used = cited !== null && input.invite ? { ...input.invite, status: 'used' as const, proposal: input.id } : undefined
  return { ok: true, members: [bump(author)], moves: [], proposal, ...(used ? { invite: used } : {}), note: `propose:${e.proposal.action}` }
}

function openProposal(input: RuleInput, id: Uint8Array): Proposal | Rejection {
  const p = input.proposal ?? null
  if (p === null) return reject('unknown_proposal', `no proposal ${short(toHex(id))}`)
  if (p.status !== 'open') return reject('proposal_closed', `proposal ${short(p.id)} is already ${p.status}`)
  return p
}

function vote(input: RuleInput, e: Extract<GovernanceEntry, { type: 'vote' | 'object' }>, author: Member, position: number): Outcome {
  const p = openProposal(input, e.proposal)
  if ('ok' in p) return p
  const yes = e.type === 'vote' ? e.yes : false
  const proposal = { ...p, votes: { ...p.votes, [author.account]: { yes, reason: e.memo, index: position } } }
  return { ok: true, members: [bump(author)], moves: [], proposal, note: `${e.type}:${p.id}:${yes ? 'yes' : 'no'}` }
}

function withdraw(input: RuleInput, e: Extract<GovernanceEntry, { type: 'withdraw' }>, author: Member, position: number): Outcome {
  const p = input.proposal ?? null
  if (p === null) return reject('unknown_proposal', `no proposal ${short(toHex(e.proposal))}`)
  if (p.proposer !== author.account) return reject('not_proposer', `${author.name} did not propose ${short(p.id)}`)
  if (p.status !== 'open') return reject('proposal_closed', `proposal ${short(p.id)} is already ${p.status}`)
  const proposal: Proposal = { ...p, status: 'withdrawn', decidedAt: position, reason: 'withdrawn by its proposer' }
  return { ok: true, members: [bump(author)], moves: [], proposal, note: `withdraw:${p.id}` }
}

/** The votes and witnesses of a proposal that count now: those of members active at this position. */
export interface Tally {
  /** Active members now. */
  active: number
  yes: number
  no: number
  /** Active stewards' votes (for the steward method). */
  stewardYes: number
  stewardNo: number
  /** Active members that witnessed the window pass (time.ts). */
  witnessedPassed: number
}

/** Counts a proposal's votes and witnesses against the voters' current records. */
export function tally(p: Proposal, active: number, memberOf: (account: Hex) => Member | null): Tally {
  const t: Tally = { active, yes: 0, no: 0, stewardYes: 0, stewardNo: 0, witnessedPassed: 0 }
  for (const [account, v] of Object.entries(p.votes)) {
    const m = memberOf(account as Hex)
    if (m === null || m.status !== 'active') continue
    if (v.yes) t.yes++
    else t.no++
    if (m.role === 'steward' && v.yes) t.stewardYes++
    else if (m.role === 'steward') t.stewardNo++
  }
  for (const [account, w] of Object.entries(p.witnesses)) {
    const m = memberOf(account as Hex)
    if (w.passed && m !== null && m.status === 'active') t.witnessedPassed++
  }
  return t
}

/**
 * Whether an open proposal is decided now, and how: when its outcome is certain, or when its
 * window has passed (time.ts). Null while it stays open.
 */
export function settle(p: Proposal, t: Tally): { status: Exclude<ProposalStatus, 'open' | 'withdrawn' | 'void'>; reason: string } | null {
  const windowPassed = periodPassed(t.witnessedPassed, t.active)
  const counts = `${t.yes} yes, ${t.no} no of ${t.active} active`
  switch (p.method) {
    case 'steward':
      if (t.stewardYes > 0) return { status: 'passed', reason: 'a steward said yes' }
      if (t.stewardNo > 0) return { status: 'refused', reason: 'a steward said no' }
      if (windowPassed) return { status: 'expired', reason: 'no steward decided within the window' }
      return null
    case 'majority':
      if (t.yes * 2 > t.active) return { status: 'passed', reason: `majority yes (${counts})` }
      if (t.no * 2 >= t.active && t.active > 0) return { status: 'refused', reason: `no majority possible (${counts})` }
      if (windowPassed) return { status: 'expired', reason: `no majority within the window (${counts})` }
      return null
    case 'no-objection':
      if (t.no > 0) return { status: 'refused', reason: `an active member objected (${counts})` }
      if (t.active > 0 && t.yes === t.active) return { status: 'passed', reason: `every active member said yes (${counts})` }
      if (windowPassed) return { status: 'passed', reason: 'no objection within the window' }
      return null
  }
}

/** What the caller reads before enacting a passed proposal. */
export interface EnactInput {
  /** The member the action names, if any. */
  target: Member | null
  /** For admit: whether the name is taken, and the account already bound to the writer. */
  nameTaken: boolean
  writerTakenBy: Hex | null
  gov: GovState
}

/** What a passed proposal changes; records are complete replacements. */
export interface Enacted {
  ok: true
  members: Member[]
  /** A new member (admit): its writer and name must be bound. */
  admitted?: Member
  gov: GovState
  /** The Autobase writer call: add a writer, or change whether it indexes (indexer: false demotes). */
  writer?: { key: Hex; indexer: boolean }
  /** A link decided by the members (its `held` is the caller's to carry over from the link's record). */
  link?: Link
}

/** Applies a passed proposal's action, or says why it no longer applies (the proposal is then `void`). */
export function enact(p: Proposal, x: EnactInput): Enacted | { ok: false; reason: string } {
  const a = p.action
  const no = (reason: string) => ({ ok: false as const, reason })
  const target = x.target
  switch (a.action) {
    case 'admit': {
      if (target !== null) return no(`account ${short(a.account)} is already a member`)
      if (x.writerTakenBy !== null) return no(`writer ${short(a.writer)} already belongs to ${short(x.writerTakenBy)}`)
      if (x.nameTaken) return no(`the name ${JSON.stringify(a.name)} is taken, or too like a member's name`)
      const m: Member = { account: a.account as AccountKey, name: a.name, writer: a.writer as WriterKey, role: 'member', status: 'active', creditLimit: a.creditLimit, maxBalance: a.maxBalance, balance: 0n, entries: 0, lastSeq: 0 }
      return { ok: true, members: [m], admitted: m, gov: x.gov, writer: { key: a.writer, indexer: false } }
    }
    case 'policy':
      return { ok: true, members: [], gov: { ...x.gov, policy: a.policy } }
    case 'link':
      // `target` is the proposer: the bridge whose credit the link binds.
      if (target === null || target.status !== 'active') return no('the bridge is no longer an active member')
      return {
        ok: true,
        members: [],
        gov: x.gov,
        link: { bridge: p.proposer, ledger: a.ledger, name: a.name, rateNum: a.rateNum, rateDen: a.rateDen, capacity: a.capacity, held: 0n, status: a.capacity === 0n ? 'withdrawn' : 'active', by: p.id }
      }
  }
  if (target === null) return no(`no member ${short(a.account)}`)
  if (target.status === 'left') return no(`${target.name} has left`)
  switch (a.action) {
    case 'limits':
      return { ok: true, members: [{ ...target, creditLimit: a.creditLimit, maxBalance: a.maxBalance }], gov: x.gov }
    case 'suspend':
      if (target.status === 'suspended') return no(`${target.name} is already suspended`)
      return { ok: true, members: [{ ...target, status: 'suspended' }], gov: x.gov }
    case 'reinstate':
      if (target.status !== 'suspended') return no(`${target.name} is not suspended`)
      return { ok: true, members: [{ ...target, status: 'active' }], gov: x.gov }
    case 'steward':
    case 'unsteward': {
      const role = a.action === 'steward' ? 'steward' : 'member'
      if (target.role === role) return no(`${target.name} is already a ${role}`)
      return { ok: true, members: [{ ...target, role }], gov: x.gov }
    }
    case 'indexer':
      if (target.status !== 'active') return no(`${target.name} is ${target.status}`)
      if (x.gov.indexers.includes(target.account)) return no(`${target.name} is already an indexer`)
      if (x.gov.indexers.length >= INDEXERS_MAX) return no(`a ledger has at most ${INDEXERS_MAX} indexers`)
      return { ok: true, members: [], gov: { ...x.gov, indexers: [...x.gov.indexers, target.account] }, writer: { key: target.writer, indexer: true } }
    case 'unindexer':
      if (!x.gov.indexers.includes(target.account)) return no(`${target.name} is not an indexer`)
      if (x.gov.indexers.length <= 1) return no('the last indexer cannot be removed')
      return { ok: true, members: [], gov: { ...x.gov, indexers: x.gov.indexers.filter((i) => i !== target.account) }, writer: { key: target.writer, indexer: false } }
  }
}

/** The line a decision chains into the state hash (SPEC.md §7): "decision:<status>" and what it wrote. */
export function decisionSummary(d: Decision, members: Member[], gov: GovState | null, link: Link | null = null): string {
  const parts = [`decision:${d.status}`, ...members.map((m) => `${m.account}:${m.balance}:${m.creditLimit}:${m.status}:${m.role}`)]
  if (gov) parts.push('indexers:' + gov.indexers.join(','), 'policy:' + JSON.stringify(gov.policy))
  if (link) parts.push(`link:${link.bridge}/${link.ledger}:${link.rateNum}/${link.rateDen}:${link.capacity}`)
  return parts.join('|')
}
