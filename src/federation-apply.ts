/**
 * The federation part of the apply pipeline (protocol/SPEC.md §11-12): gathers what the
 * federation rules read, moves the author's clock, writes links and holds, and lets every
 * authenticated entry witness the open holds' periods. Called by apply-block.ts for every
 * entry, on the view and in memory alike.
 */
import {
  advanceClock,
  holdCounterparty,
  isFederationEntry,
  passedWitnesses,
  toHex,
  witnessHolds,
  type Entry,
  type Hex,
  type Hold,
  type Lookups,
  type Member,
  type Outcome,
  type RuleInput
} from '../protocol/index.js'
import type { StateStore } from './state-store.js'

/** The reads federation needs: the view inside apply, or a reader of it for a precheck. */
export type FederationReads = Pick<StateStore, 'getLink' | 'getHold' | 'getFed' | 'getGov' | 'getMember' | 'listMembers'>

/** What the federation rules read beyond the 0.1 inputs; empty for other entries. */
export type FederationInput = Pick<RuleInput, 'position' | 'clock' | 'active' | 'link' | 'hold' | 'witnesses' | 'openHolds'>

/**
 * Reads the link, hold, witnesses, active count and open-hold count a federation entry needs.
 * `counterparty` is the account the rules compare against (for fulfil and release, the other party of the hold).
 */
export async function gatherFederation(store: FederationReads, entry: Entry, look: Lookups, author: Member | null, position: number): Promise<{ input: FederationInput; counterparty: Hex | null }> {
  // A member who leaves with a hold open would be paid or refunded after it left: count its open holds.
  if (entry.type === 'leave') return { input: { openHolds: await openHoldsOf(store, toHex(entry.author)) }, counterparty: look.counterparty }
  if (!isFederationEntry(entry)) return { input: {}, counterparty: look.counterparty }
  const clock = advanceClock(author?.clock ?? 0, entry.timestamp)
  const input: FederationInput = { position, clock }
  if (look.link) input.link = await store.getLink(look.link.bridge, look.link.ledger)
  if (entry.type === 'hold') input.openHolds = (await store.getFed()).open.length
  if (look.hold) {
    const hold = await store.getHold(look.hold)
    input.hold = hold
    if (hold !== null) {
      input.link = await store.getLink(hold.bridge, hold.ledger)
      const witnesses: Member[] = []
      for (const account of passedWitnesses(hold)) {
        const m = await store.getMember(account)
        if (m !== null) witnesses.push(m)
      }
      input.witnesses = witnesses
      input.active = await countActive(store)
    }
    return { input, counterparty: holdCounterparty(toHex(entry.author), hold) }
  }
  return { input, counterparty: look.counterparty }
}

/** How many open holds name `account` as their payer or payee. */
async function openHoldsOf(store: FederationReads, account: Hex): Promise<number> {
  let n = 0
  for (const id of (await store.getFed()).open) {
    const hold = await store.getHold(id)
    if (hold !== null && (hold.payer === account || hold.payee === account)) n++
  }
  return n
}

/**
 * Active members now: what "more than half" of a period's witnesses is measured against (time.ts).
 * Governance keeps the count (GovState.active); a view it has not written yet counts them once.
 */
async function countActive(store: FederationReads): Promise<number> {
  const gov = await store.getGov()
  if (gov !== null) return gov.active
  return (await store.listMembers()).filter((m) => m.status === 'active').length
}

/**
 * Writes a federation outcome (link, hold, open list) and then lets the entry's author witness
 * the open holds. `author` is the author's record after the entry, its clock moved by the rules
 * (null if the entry was not authenticated).
 */
export async function applyFederation(store: StateStore, outcome: Outcome, author: Member | null): Promise<void> {
  let fed = await store.getFed()
  if (outcome.ok && outcome.link) await store.putLink(outcome.link)
  if (outcome.ok && outcome.hold) {
    const h = outcome.hold
    await store.putHold(h)
    const open = h.status === 'held' ? [...fed.open, h.id] : fed.open.filter((id) => id !== h.id)
    fed = { open }
    await store.putFed(fed)
  }
  if (author === null || author.clock === undefined || fed.open.length === 0) return
  const holds: Hold[] = []
  for (const id of fed.open) {
    const h = await store.getHold(id)
    if (h !== null) holds.push(h)
  }
  for (const changed of witnessHolds(holds, author.account, author.clock)) await store.putHold(changed)
}
