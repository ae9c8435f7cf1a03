/**
 * The bodies of the Ledger's methods for decisions by the members (protocol/SPEC.md §10-11):
 * admit, set limits (directly or by proposal), propose, vote, object, withdraw, and the reads of
 * proposals and the policy. Each takes the Ledger and uses only its public methods; the
 * arguments and views themselves are built in governance-api.ts.
 */
import { fromHex } from '../protocol/index.js'
import { LedgerError } from './errors.js'
import { findProposal, listProposals, policyView, proposalAction, readGov, viewProposal, type PolicyView, type ProposalInput, type ProposalView } from './governance-api.js'
import type { Ledger } from './ledger.js'
import type { Receipt } from './local-writer.js'
import { keyBytes } from './member-lookup.js'
import { requireMeta } from './queries.js'

export async function admit(ledger: Ledger, opts: Parameters<Ledger['admit']>[0]): Promise<Receipt> {
  const meta = await requireMeta(ledger)
  return ledger.write({
    type: 'admit',
    account: keyBytes(opts.account, 'account'),
    writer: keyBytes(opts.writer, 'writer'),
    name: opts.name,
    role: opts.role ?? 'member',
    creditLimit: opts.creditLimit ?? meta.defaultCreditLimit,
    maxBalance: opts.maxBalance === undefined ? meta.defaultMaxBalance : opts.maxBalance,
    indexer: opts.indexer ?? false
  })
}

export async function setLimits(ledger: Ledger, member: string | Uint8Array, limits: { creditLimit: bigint; maxBalance?: bigint | null }): Promise<Receipt> {
  const m = await ledger.findMember(member)
  if ((await ledger.policy()).policy.rules.limits.method !== 'steward') {
    return ledger.propose({ action: 'limits', member: m.account, creditLimit: limits.creditLimit, maxBalance: limits.maxBalance ?? null })
  }
  return ledger.write({ type: 'set-limits', account: fromHex(m.account), creditLimit: limits.creditLimit, maxBalance: limits.maxBalance ?? null })
}

export async function propose(ledger: Ledger, input: ProposalInput, opts: { memo?: string }): Promise<Receipt> {
  const meta = await requireMeta(ledger)
  const proposal = await proposalAction(ledger, input, { creditLimit: meta.defaultCreditLimit, maxBalance: meta.defaultMaxBalance })
  return ledger.write({ type: 'propose', proposal, memo: opts.memo ?? '' })
}

export async function vote(ledger: Ledger, id: string, choice: 'yes' | 'no' | boolean, opts: { memo?: string }): Promise<Receipt> {
  if (choice !== 'yes' && choice !== 'no' && typeof choice !== 'boolean') throw LedgerError.BAD_INPUT(`a vote is yes or no, not ${JSON.stringify(choice)}`)
  const p = await findProposal(ledger.view, id)
  return ledger.write({ type: 'vote', proposal: fromHex(p.id), yes: choice === 'yes' || choice === true, memo: opts.memo ?? '' })
}

export async function object(ledger: Ledger, id: string, opts: { reason?: string }): Promise<Receipt> {
  const p = await findProposal(ledger.view, id)
  return ledger.write({ type: 'object', proposal: fromHex(p.id), memo: opts.reason ?? '' })
}

export async function withdraw(ledger: Ledger, id: string): Promise<Receipt> {
  const p = await findProposal(ledger.view, id)
  return ledger.write({ type: 'withdraw', proposal: fromHex(p.id) })
}

export async function proposals(ledger: Ledger, opts: { all?: boolean }): Promise<ProposalView[]> {
  await ledger.ready()
  return listProposals(ledger.view, opts)
}

export async function proposal(ledger: Ledger, id: string): Promise<ProposalView> {
  await ledger.ready()
  return viewProposal(ledger.view, await findProposal(ledger.view, id), await readGov(ledger.view))
}

export async function policy(ledger: Ledger): Promise<PolicyView> {
  await ledger.ready()
  return policyView(ledger.view)
}
