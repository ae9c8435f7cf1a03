/**
 * Decisions in the apply pipeline (protocol/SPEC.md §10-11). For each decided entry, apply-block
 * opens a GovTx: it keeps the count of active members as member records are written, records what
 * governance entries created or changed, lets the entry's author witness every open proposal's
 * window on its clock (protocol/time.ts), and then settles every open proposal whose outcome is
 * now certain or whose window has passed, in the order they were proposed. Each decision is
 * chained into the state hash at this entry's position. The rules themselves are pure, in
 * protocol/governance.ts; this file only gathers their inputs and writes their results.
 */
import b4a from 'b4a'
import {
  enact,
  hash,
  fromHex,
  nameKey,
  settle,
  tally,
  toHex,
  witness,
  decisionSummary,
  type Decision,
  type Effect,
  type Entry,
  type GovState,
  type Hex,
  type Link,
  type Member,
  type Proposal,
  type StateHash
} from '../protocol/index.js'
import type { StateStore } from './state-store.js'

/** An Autobase writer call a decision asks for: add a writer, or set whether it indexes. */
export interface WriterCall {
  key: Hex
  indexer: boolean
}

export class GovTx {
  private dirty = false

  private constructor(
    private readonly store: StateStore,
    readonly gov: GovState
  ) {}

  /**
   * Reads the governance state. A view without one (a new ledger, or one decided by 0.1 code)
   * starts from its members: the active ones counted, the creator (bound to the bootstrap
   * writer, whose key is the ledger key) as the one indexer known.
   */
  static async open(store: StateStore, ledgerKey: Hex): Promise<GovTx> {
    const stored = await store.getGov()
    if (stored) return new GovTx(store, { ...stored, open: [...stored.open], indexers: [...stored.indexers] })
    const members = await store.listMembers()
    const creator = await store.accountOfWriter(ledgerKey)
    const tx = new GovTx(store, { policy: null, open: [], active: members.filter((m) => m.status === 'active').length, indexers: creator ? [creator] : [] })
    tx.dirty = true
    return tx
  }

  /** Writes a member record, keeping the count of active members. */
  async putMember(m: Member): Promise<void> {
    const prev = await this.store.getMember(m.account)
    const was = prev !== null && prev.status === 'active'
    const is = m.status === 'active'
    if (was !== is) {
      this.gov.active += is ? 1 : -1
      this.dirty = true
    }
    await this.store.putMember(m)
  }

  /** What an applied entry changes in governance: the charter's policy, a proposal, the creator or an admitted indexer. */
  async applied(entry: Entry | null, outcome: Effect): Promise<Decision | null> {
    if (outcome.policy) {
      this.gov.policy = outcome.policy
      this.dirty = true
    }
    if (entry?.type === 'genesis') {
      this.gov.indexers = [toHex(entry.author)]
      this.dirty = true
    }
    if (entry?.type === 'admit' && entry.indexer) {
      this.gov.indexers.push(toHex(entry.account))
      this.dirty = true
    }
    if (outcome.invite) await this.store.putInvite(outcome.invite)
    const p = outcome.proposal
    if (!p) return null
    await this.store.putProposal(p)
    if (p.status === 'open' && !this.gov.open.includes(p.id)) {
      this.gov.open.push(p.id)
      this.dirty = true
    }
    if (p.status !== 'open' && this.gov.open.includes(p.id)) {
      this.gov.open = this.gov.open.filter((id) => id !== p.id)
      this.dirty = true
      return { proposal: p.id, status: p.status, reason: p.reason ?? '' }
    }
    return null
  }

  /** The entry's author witnesses each open proposal's window on its clock (protocol/time.ts). */
  async witness(author: Member): Promise<void> {
    const clock = author.clock ?? 0
    for (const id of this.gov.open) {
      const p = await this.store.getProposal(id)
      if (p === null) continue
      const w = witness(p.witnesses[author.account], clock, p.windowMs)
      if (w !== null) await this.store.putProposal({ ...p, witnesses: { ...p.witnesses, [author.account]: w } })
    }
  }

  /**
   * Settles open proposals at log position `index`, oldest first, until none changes: a decision
   * (a suspension, say) can settle another. Returns the decisions, the writer calls they ask for,
   * and the state hash with each decision chained in.
   */
  async settle(index: number, stateHash: StateHash): Promise<{ decisions: Decision[]; writers: WriterCall[]; stateHash: StateHash }> {
    const decisions: Decision[] = []
    const writers: WriterCall[] = []
    for (let again = true; again; ) {
      again = false
      for (const id of [...this.gov.open]) {
        const p = await this.store.getProposal(id)
        if (p === null) continue
        const voters = new Map<Hex, Member | null>()
        for (const a of [...Object.keys(p.votes), ...Object.keys(p.witnesses)]) {
          if (!voters.has(a as Hex)) voters.set(a as Hex, await this.store.getMember(a as Hex))
        }
        const outcome = settle(p, tally(p, this.gov.active, (a) => voters.get(a) ?? null))
        if (outcome === null) continue
        const { decision, members, writer, link } = await this.decide(p, outcome, index)
        decisions.push(decision)
        if (writer) writers.push(writer)
        stateHash = <StateHash>toHex(hash(fromHex(stateHash), fromHex(p.id), b4a.from(decisionSummary(decision, members, decision.status === 'passed' ? this.gov : null, link))))
        again = true
        break
      }
    }
    return { decisions, writers, stateHash }
  }

  /** Closes a proposal with its outcome; a passed one is enacted, or `void` if its action no longer applies. */
  private async decide(p: Proposal, outcome: { status: 'passed' | 'refused' | 'expired'; reason: string }, index: number) {
    this.gov.open = this.gov.open.filter((id) => id !== p.id)
    this.dirty = true
    let status: Decision['status'] = outcome.status
    let reason = outcome.reason
    let members: Member[] = []
    let writer: WriterCall | undefined
    let link: Link | null = null
    if (outcome.status === 'passed') {
      const a = p.action
      // A link's bridge is its proposer (protocol/governance.ts, enact).
      const account = a.action === 'policy' ? null : a.action === 'link' ? p.proposer : a.account
      const done = enact(p, {
        target: account === null ? null : await this.store.getMember(account),
        nameTaken: a.action === 'admit' ? (await this.store.accountOfName(nameKey(a.name))) !== null : false,
        writerTakenBy: a.action === 'admit' ? await this.store.accountOfWriter(a.writer) : null,
        gov: this.gov
      })
      if (!done.ok) {
        status = 'void'
        reason = `${reason}; but ${done.reason}`
      } else {
        Object.assign(this.gov, done.gov)
        members = done.members
        for (const m of members) await this.putMember(m)
        if (done.admitted) {
          await this.store.bindWriter(done.admitted.writer, done.admitted.account)
          await this.store.bindName(nameKey(done.admitted.name), done.admitted.account)
        }
        writer = done.writer
        if (done.link) {
          // Holds already open through this link still count against it.
          link = { ...done.link, held: (await this.store.getLink(done.link.bridge, done.link.ledger))?.held ?? 0n }
          await this.store.putLink(link)
        }
      }
    }
    await this.store.putProposal({ ...p, status, reason, decidedAt: index })
    return { decision: { proposal: p.id, status, reason } as Decision, members, writer, link }
  }

  async flush(): Promise<void> {
    if (this.dirty) await this.store.putGov(this.gov)
    this.dirty = false
  }
}
