/**
 * The library side of decisions by the members (protocol/SPEC.md §10-11): building proposal,
 * vote, objection and withdrawal entries from friendly arguments, reading proposals with their
 * tallies, and the witness that appends a `tick` when this member's clock has something to say
 * about an open window. The Ledger's methods of the same names delegate here.
 */
import type Hyperbee from 'hyperbee'
import type { BeeReader } from 'hyperbee'
import {
  fromHex,
  policyOf,
  tally,
  type ActionName,
  type GovState,
  type Hex,
  type Member,
  type Policy,
  type Proposal,
  type ProposalAction,
  type ProposalStatus
} from '../protocol/index.js'
import { BeeReaderStore } from './bee-store.js'
import { LedgerError } from './errors.js'
import { proposalFromJson } from './governance-records.js'
import { nextHoldTick } from './federation-api.js'
import * as K from './view-keys.js'
import { keyBytes } from './member-lookup.js'

/** What to propose. Members are named as for `findMember` (name, key or unique prefix). */
export type ProposalInput =
  | { action: 'admit'; account: Uint8Array | string; writer: Uint8Array | string; name: string; creditLimit?: bigint; maxBalance?: bigint | null; invite?: Uint8Array | string }
  | { action: 'limits'; member: string; creditLimit: bigint; maxBalance?: bigint | null }
  | { action: 'suspend' | 'reinstate' | 'steward' | 'unsteward' | 'indexer' | 'unindexer'; member: string }
  | { action: 'policy'; policy: Policy }

/** A proposal as people read it: the record plus names and the current count. */
export interface ProposalView extends Proposal {
  proposerName: string
  /** For actions naming a member: its name (for admit, the candidate's). */
  targetName: string | null
  /** Current votes of active members, by name. */
  ballots: Array<{ account: Hex; name: string; yes: boolean; reason: string }>
  yes: number
  no: number
  active: number
  /** Active members that witnessed the window pass, and how many must (more than half). */
  witnessed: number
  needed: number
  /** The proposer's clock plus the window: when the window passes if the members' clocks agree (informational). */
  deadline: number
}

/** The policy in force and, per kind, who decides. */
export interface PolicyView {
  policy: Policy
  /** True for a ledger without a charter or policy decision (0.1): the steward policy. */
  stewardDefault: boolean
  indexers: Hex[]
  activeMembers: number
}

export interface GovernanceHost {
  view: Hyperbee
  account: Hex
  findMember(query: string): Promise<Member>
}

/** A 32-byte key argument: one definition, in member-lookup.ts. */
const keyArg = keyBytes

const ACTIONS: ReadonlySet<ActionName> = new Set(['admit', 'limits', 'suspend', 'reinstate', 'steward', 'unsteward', 'indexer', 'unindexer', 'policy'])

/** The wire action for a friendly proposal; checks arguments, finds members. */
export async function proposalAction(host: GovernanceHost, input: ProposalInput, defaults: { creditLimit: bigint; maxBalance: bigint | null }): Promise<ProposalAction> {
  if (!input || !ACTIONS.has(input.action)) throw LedgerError.BAD_INPUT(`unknown proposal action ${JSON.stringify((input as { action?: unknown } | null)?.action)}; one of ${[...ACTIONS].join(', ')}`)
  switch (input.action) {
    case 'admit':
      return {
        action: 'admit',
        account: keyArg(input.account, 'account'),
        writer: keyArg(input.writer, 'writer'),
        name: input.name,
        creditLimit: input.creditLimit ?? defaults.creditLimit,
        maxBalance: input.maxBalance === undefined ? defaults.maxBalance : input.maxBalance,
        ...(input.invite === undefined ? {} : { invite: keyArg(input.invite, 'invite') })
      }
    case 'limits': {
      const m = await host.findMember(input.member)
      return { action: 'limits', account: fromHex(m.account), creditLimit: input.creditLimit, maxBalance: input.maxBalance ?? null }
    }
    case 'policy':
      return { action: 'policy', policy: input.policy }
    default: {
      const m = await host.findMember(input.member)
      return { action: input.action, account: fromHex(m.account) }
    }
  }
}

/** Finds a proposal by id or unique id prefix. */
export async function findProposal(view: Hyperbee, query: string): Promise<Proposal> {
  const q = String(query).trim().toLowerCase()
  if (!/^[0-9a-f]{4,64}$/.test(q)) throw LedgerError.BAD_INPUT(`not a proposal id: ${JSON.stringify(query)} (hex, at least 4 characters)`)
  const found: Proposal[] = []
  for await (const node of view.createReadStream(K.prefixRange(K.proposalKey(q as Hex)), { limit: 2 })) found.push(proposalFromJson(node.value))
  if (found.length === 0) throw LedgerError.UNKNOWN_PROPOSAL(`no proposal ${q}`)
  if (found.length > 1) throw LedgerError.AMBIGUOUS_PROPOSAL(`proposal id prefix ${q} is ambiguous; give more characters`)
  return found[0]
}

/** The governance state of the view; a view without one reads as the steward policy. */
export async function readGov(view: Hyperbee): Promise<GovState | null> {
  return new BeeReaderStore(view).getGov()
}

/** A proposal with names and its count against the members as they are now. */
export async function viewProposal(view: Hyperbee, p: Proposal, gov: GovState | null): Promise<ProposalView> {
  const reader = new BeeReaderStore(view)
  const members = new Map<Hex, Member | null>()
  const get = async (a: Hex) => {
    if (!members.has(a)) members.set(a, await reader.getMember(a))
    return members.get(a) ?? null
  }
  for (const a of [...Object.keys(p.votes), ...Object.keys(p.witnesses), p.proposer]) await get(a as Hex)
  const active = gov?.active ?? 0
  const t = tally(p, active, (a) => members.get(a) ?? null)
  const a = p.action
  const targetName = a.action === 'admit' || a.action === 'link' ? a.name : a.action === 'policy' ? null : ((await get(a.account))?.name ?? null)
  const ballots = Object.entries(p.votes)
    .filter(([acct]) => members.get(acct as Hex)?.status === 'active')
    .map(([acct, v]) => ({ account: acct as Hex, name: members.get(acct as Hex)?.name ?? acct.slice(0, 8), yes: v.yes, reason: v.reason }))
  return {
    ...p,
    proposerName: members.get(p.proposer)?.name ?? p.proposer.slice(0, 8),
    targetName,
    ballots,
    yes: t.yes,
    no: t.no,
    active,
    witnessed: t.witnessedPassed,
    needed: Math.floor(active / 2) + 1,
    deadline: p.time + p.windowMs
  }
}

/** Proposals: open ones first (oldest first), then, with `all`, decided ones (newest first). */
export async function listProposals(view: Hyperbee, opts: { all?: boolean } = {}): Promise<ProposalView[]> {
  const gov = await readGov(view)
  const open: Proposal[] = []
  const closed: Proposal[] = []
  for await (const node of view.createReadStream(K.prefixRange(K.PROPOSAL_PREFIX))) {
    const p = proposalFromJson(node.value)
    if (p.status === 'open') open.push(p)
    else if (opts.all) closed.push(p)
  }
  open.sort((a, b) => a.index - b.index)
  closed.sort((a, b) => (b.decidedAt ?? 0) - (a.decidedAt ?? 0))
  const out: ProposalView[] = []
  for (const p of [...open, ...closed]) out.push(await viewProposal(view, p, gov))
  return out
}

export async function policyView(view: Hyperbee): Promise<PolicyView> {
  const gov = await readGov(view)
  return { policy: policyOf(gov), stewardDefault: !gov?.policy, indexers: gov?.indexers ?? [], activeMembers: gov?.active ?? 0 }
}

/**
 * When this member's node should tick for the open proposals, by its own clock `now`: `now` if
 * it has not yet witnessed one, or one has passed on its clock; else the earliest time one will;
 * null when nothing is open or it has witnessed everything.
 */
export async function nextTick(view: BeeReader, account: Hex, now: number): Promise<number | null> {
  // Runs on every update of the view: with no open proposal and no open hold (the usual case) it
  // reads two records (through the Ledger's view cache, shared with Claims) and nothing more.
  const reader = new BeeReaderStore(view)
  const gov = await reader.getGov()
  const fed = await reader.getFed()
  if ((!gov || gov.open.length === 0) && fed.open.length === 0) return null
  const self = await reader.getMember(account)
  if (!self || self.status !== 'active') return null
  // Open holds' periods are witnessed the same way (SPEC.md §12).
  let next: number | null = await nextHoldTick(reader, self, now)
  if (!gov || gov.open.length === 0) return next
  for (const id of gov.open) {
    const p = await reader.getProposal(id)
    if (!p) continue
    const w = p.witnesses[account]
    if (w?.passed) continue
    const due = w === undefined ? now : Math.max(w.from + p.windowMs, (self.clock ?? 0) + 1)
    if (next === null || due < next) next = due
  }
  return next
}

/** Statuses a joiner or a CLI waits for. */
export const DECIDED: ReadonlySet<ProposalStatus> = new Set(['passed', 'refused', 'expired', 'withdrawn', 'void'])
