/**
 * Wire bodies of the governance entries (protocol/SPEC.md §2 and §10), in the same strict,
 * canonical style as codec.ts, whose encoders they reuse.
 */
import c, { type State } from 'compact-encoding'
import { amount, fail, key, name, optionalAmount, strictBool } from './codec.js'
import { INVITE_EXPIRES_MAX } from './invites.js'
import { ACTION_CODES, ADMIT_INVITED_CODE, type ActionName, type GovernanceEntry, type ProposalAction } from './governance-types.js'
import { DECISION_KINDS, METHOD_CODES, policyProblem, type DecisionMethod, type Policy } from './policy.js'
import type { Entry, EntryType } from './types.js'

const GOVERNANCE_TYPES: ReadonlySet<EntryType> = new Set(['charter', 'propose', 'vote', 'object', 'withdraw', 'tick', 'invite', 'uninvite'])
const ACTION_NAMES = new Map<number, ActionName>(Object.entries(ACTION_CODES).map(([k, v]) => [v, k as ActionName]))
const METHOD_NAMES = new Map<number, DecisionMethod>(Object.entries(METHOD_CODES).map(([k, v]) => [v, k as DecisionMethod]))

export function isGovernanceType(t: EntryType): t is GovernanceEntry['type'] {
  return GOVERNANCE_TYPES.has(t)
}
export function isGovernanceEntry(e: Entry): e is GovernanceEntry {
  return GOVERNANCE_TYPES.has(e.type)
}

type Op = 'preencode' | 'encode'

/**
 * A policy that names an optional kind (`link`) starts with this byte, never a method code, then
 * says which optional kinds follow the core ones; one that names none is encoded as before it existed.
 */
const EXTENDED = 0xff
const LINK_BIT = 1

/**
 * policy = [0xff, kinds u8 (bit 0: link)] for each kind in DECISION_KINDS order: method u8, windowMs uint;
 * then the optional kinds named, in OPTIONAL_KINDS order, the same way; then ratePerHour uint.
 */
function policy(state: State, p: Policy, op: Op): void {
  const problem = policyProblem(p)
  if (problem) fail('policy: ' + problem)
  const rules = DECISION_KINDS.map((kind) => p.rules[kind])
  if (p.rules.link !== undefined) {
    c.uint8[op](state, EXTENDED)
    c.uint8[op](state, LINK_BIT)
    rules.push(p.rules.link)
  }
  for (const r of rules) {
    c.uint8[op](state, METHOD_CODES[r.method])
    c.uint[op](state, r.windowMs)
  }
  c.uint[op](state, p.ratePerHour)
}

function decodeRule(state: State): { method: DecisionMethod; windowMs: number } {
  const code = c.uint8.decode(state)
  const method = METHOD_NAMES.get(code)
  if (method === undefined) fail('unknown decision method ' + code)
  return { method, windowMs: c.uint.decode(state) }
}

function decodePolicy(state: State): Policy {
  const rules = {} as Policy['rules']
  let optional = 0
  if (state.start < state.end && state.buffer![state.start] === EXTENDED) {
    state.start++
    optional = c.uint8.decode(state)
    // Canonical: the extended form only for a policy that names an optional kind, and only known ones.
    if (optional !== LINK_BIT) fail('unknown optional decision kinds ' + optional)
  }
  for (const kind of DECISION_KINDS) rules[kind] = decodeRule(state)
  if (optional & LINK_BIT) rules.link = decodeRule(state)
  const p: Policy = { rules, ratePerHour: c.uint.decode(state) }
  const problem = policyProblem(p)
  if (problem) fail('policy: ' + problem)
  return p
}

type LinkAction = Extract<ProposalAction, { action: 'link' }>

/** A link action's fields, in a link entry's wire order (federation-codec.ts). */
function linkBody(state: State, a: LinkAction, op: Op): void {
  key[op](state, a.ledger)
  name[op](state, a.name)
  amount[op](state, a.rateNum)
  amount[op](state, a.rateDen)
  amount[op](state, a.capacity)
}

function decodeLinkBody(state: State): Omit<LinkAction, 'action'> {
  return { ledger: key.decode(state), name: name.decode(state), rateNum: amount.decode(state), rateDen: amount.decode(state), capacity: amount.decode(state) }
}

function action(state: State, a: ProposalAction, op: Op): void {
  c.uint8[op](state, a.action === 'admit' && a.invite !== undefined ? ADMIT_INVITED_CODE : ACTION_CODES[a.action])
  switch (a.action) {
    case 'admit':
      key[op](state, a.account)
      key[op](state, a.writer)
      name[op](state, a.name)
      amount[op](state, a.creditLimit)
      optionalAmount[op](state, a.maxBalance)
      if (a.invite !== undefined) key[op](state, a.invite)
      return
    case 'limits':
      key[op](state, a.account)
      amount[op](state, a.creditLimit)
      optionalAmount[op](state, a.maxBalance)
      return
    case 'policy':
      policy(state, a.policy, op)
      return
    case 'link':
      // As a link entry's body (federation-codec.ts): the bridge is the proposer.
      linkBody(state, a, op)
      return
    default:
      key[op](state, a.account)
  }
}

function decodeAction(state: State): ProposalAction {
  const code = c.uint8.decode(state)
  if (code === ADMIT_INVITED_CODE) {
    return { action: 'admit', account: key.decode(state), writer: key.decode(state), name: name.decode(state), creditLimit: amount.decode(state), maxBalance: optionalAmount.decode(state), invite: key.decode(state) }
  }
  const act = ACTION_NAMES.get(code)
  if (act === undefined) fail('unknown proposal action ' + code)
  switch (act) {
    case 'admit':
      return { action: act, account: key.decode(state), writer: key.decode(state), name: name.decode(state), creditLimit: amount.decode(state), maxBalance: optionalAmount.decode(state) }
    case 'limits':
      return { action: act, account: key.decode(state), creditLimit: amount.decode(state), maxBalance: optionalAmount.decode(state) }
    case 'policy':
      return { action: act, policy: decodePolicy(state) }
    case 'link':
      return { action: act, ...decodeLinkBody(state) }
    default:
      return { action: act, account: key.decode(state) }
  }
}

export function governanceBody(state: State, e: GovernanceEntry, op: Op): void {
  switch (e.type) {
    case 'charter':
      return policy(state, e.policy, op)
    case 'propose':
      return action(state, e.proposal, op)
    case 'vote':
      key[op](state, e.proposal)
      strictBool[op](state, e.yes)
      return
    case 'object':
    case 'withdraw':
      key[op](state, e.proposal)
      return
    case 'tick':
      return
    case 'invite':
      if (!Number.isSafeInteger(e.expires) || e.expires < 0 || e.expires > INVITE_EXPIRES_MAX) fail('invite expiry out of bounds')
      key[op](state, e.invite)
      key[op](state, e.publicKey)
      c.uint[op](state, e.expires)
      optionalAmount[op](state, e.creditLimit)
      return
    case 'uninvite':
      key[op](state, e.invite)
      return
  }
}

export function decodeGovernanceBody(state: State, type: GovernanceEntry['type']): Record<string, unknown> {
  switch (type) {
    case 'charter':
      return { policy: decodePolicy(state) }
    case 'propose':
      return { proposal: decodeAction(state) }
    case 'vote':
      return { proposal: key.decode(state), yes: strictBool.decode(state) }
    case 'object':
    case 'withdraw':
      return { proposal: key.decode(state) }
    case 'tick':
      return {}
    case 'invite': {
      const body = { invite: key.decode(state), publicKey: key.decode(state), expires: c.uint.decode(state), creditLimit: optionalAmount.decode(state) }
      if (body.expires > INVITE_EXPIRES_MAX) fail('invite expiry out of bounds')
      return body
    }
    case 'uninvite':
      return { invite: key.decode(state) }
  }
}
