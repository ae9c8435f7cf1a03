/**
 * The write path of this node: seq, precheck, in-flight spending, sealing, group commit, and the
 * waiters a write resolves through once the local apply has decided its entry.
 *
 * Order matters here. A write is checked against the local view (minus spending appended but not
 * applied yet); from the moment its seq is assigned to the moment it is queued nothing awaits, so
 * seqs reach the log in the order they are given and the spending check sees every write that
 * passed its own check meanwhile (ARCHITECTURE.md, "Writes").
 */
import type Autobase from 'autobase'
import type Hyperbee from 'hyperbee'
import b4a from 'b4a'
import { available, decodeEntry, encodeUnsigned, evaluate, packEntries, sealEntry, splitBlock, toHex, SIGNATURE_BYTES, type Entry, type EntryDraft, type Hex, type KeyPair } from '../protocol/index.js'
import type { BeeReaderStore } from './bee-store.js'
import { LedgerError } from './errors.js'
import { GroupCommit } from './group-commit.js'
import type { EntryRecord } from './records.js'
import { ruleInput } from './rule-input.js'
import { VerifiedSet } from './verified-set.js'

const APPLY_WAIT_MS = 30_000
/** The precheck has no entry id yet; no rule reads it before the entry is sealed. */
const ZERO_ID = '0'.repeat(64) as Hex

/** What a write returns once applied to the local view. */
export interface Receipt {
  id: Hex
  record: EntryRecord
}

/** What the writer needs from its ledger. */
export interface WriterHost {
  base: Autobase<Hyperbee>
  identity: KeyPair
  account: Hex
  /** The current view, through the ledger's cache. */
  reader(): BeeReaderStore
  /** The error to throw when an append failed (the ledger closed, needs an upgrade, or its storage failed). */
  appendFailed(err: unknown): Error
}

export class LocalWriter {
  private nextSeq = 0
  /** Spending appended but not yet applied locally, so checks made meanwhile see it. */
  private inflightSpend = 0n
  /** All spending ever added to inflightSpend; a precheck compares it before and after. */
  private spendAdded = 0n
  /** Signatures known to verify: apply checks each entry's once, even when a reorder applies it again. */
  readonly verified = new VerifiedSet()
  /** Writes waiting for their entry to be decided by the local apply. */
  private readonly waiters = new Map<Hex, { resolve: (record: EntryRecord) => void; reject: (err: Error) => void }>()
  readonly commit: GroupCommit

  constructor(private readonly host: WriterHost, batchMax: number) {
    // The entries of one group commit go out as bundles of up to 128 (protocol/bundle.ts).
    this.commit = new GroupCommit((entries) => host.base.append(packEntries(entries)), batchMax)
  }

  /** Seqs must keep growing across restarts, also past entries appended here but not applied yet. */
  async start(): Promise<void> {
    this.nextSeq = (await this.lastLocalSeq()) + 1
  }

  /** True while a write waits for its entry: apply then reports what it decided. */
  get waiting(): boolean {
    return this.waiters.size > 0
  }

  /** Called by apply with the records it decided: resolves the writes waiting for them. */
  decided(records: EntryRecord[]): void {
    for (const record of records) this.waiters.get(record.id)?.resolve(record)
  }

  /** Rejects every waiting write (the ledger is closing). */
  rejectAll(err: Error): void {
    for (const w of [...this.waiters.values()]) w.reject(err)
  }

  /**
   * Signs, checks against the local view, appends (group commit) and waits for the local apply.
   * Throws LedgerError REJECTED with the protocol code (and `available` for overspends).
   */
  async write(draft: EntryDraft): Promise<Receipt> {
    const { base, identity } = this.host
    const entry = {
      seq: Number.MAX_SAFE_INTEGER, // checked with the highest seq; the real one is set at append time
      timestamp: draft.timestamp ?? Date.now(),
      memo: draft.memo ?? '',
      ...draft,
      // Last, so no draft can change them: apply trusts the signature of entries written here.
      version: 1,
      author: identity.publicKey
    } as Entry
    try {
      encodeUnsigned(entry)
    } catch (err) {
      throw LedgerError.BAD_INPUT((err as Error).message, { cause: err })
    }
    const check = await this.precheck(entry)
    // From here to push nothing awaits (see the top of this file).
    if (check.spend > 0n) {
      const room = check.available - (this.spendAdded - check.spendAddedAtRead)
      if (check.spend > room) {
        const left = room < 0n ? 0n : room
        throw LedgerError.REJECTED(`can spend ${left}, not ${check.spend} (other payments are in flight)`, { reject: 'over_credit_limit', available: left })
      }
    }
    // The view may know a higher seq than this store (an identity restored onto a new store).
    if (check.lastSeq >= this.nextSeq) this.nextSeq = check.lastSeq + 1
    if (draft.seq === undefined) entry.seq = this.nextSeq++
    const sealed = sealEntry(base.key, entry, identity.secretKey)
    // Signed here a moment ago: apply need not check it (a third of a local write's CPU time).
    this.verified.add(VerifiedSet.key(sealed.id, sealed.block.subarray(sealed.block.byteLength - SIGNATURE_BYTES)))
    this.inflightSpend += check.spend
    this.spendAdded += check.spend
    const applied = this.waitApplied(sealed.id)
    // Awaited below only if the append succeeds; a failed append must not leave it unhandled.
    applied.catch(() => {})
    try {
      try {
        await this.commit.push(sealed.block)
      } catch (err) {
        this.waiters.get(sealed.id)?.reject(err as Error)
        // The append did not complete, so the entry is not in the store.
        throw this.host.appendFailed(err)
      }
      const record = await applied
      if (record.status === 'rejected') {
        throw LedgerError.REJECTED(record.reason ?? String(record.code), { reject: record.code ?? undefined })
      }
      return { id: sealed.id, record }
    } finally {
      this.inflightSpend -= check.spend
    }
  }

  /**
   * Runs the rules on the local view, counting spending appended but not yet applied.
   * Returns what the entry spends and what was available when the author's record was read.
   */
  private async precheck(entry: Entry): Promise<{ spend: bigint; available: bigint; spendAddedAtRead: bigint; lastSeq: number }> {
    const { base, account } = this.host
    const reader = this.host.reader()
    // Captured before the author is read: an entry applied during the read is then counted twice, never missed.
    const inflight = this.inflightSpend
    const spendAddedAtRead = this.spendAdded
    const author = await reader.getMember(account)
    const seen = author ? { ...author, balance: author.balance - inflight } : null
    const site = { ledgerKey: toHex(base.key), id: ZERO_ID, writer: toHex(base.local.key) }
    const outcome = evaluate((await ruleInput(reader, entry, site, { author: seen })).input, entry)
    if (!outcome.ok) {
      if (outcome.code === 'author_not_writer') throw LedgerError.WRONG_IDENTITY("this identity is not the member bound to this node's writer")
      throw LedgerError.REJECTED(outcome.reason, { reject: outcome.code, available: outcome.available })
    }
    const own = outcome.moves.find((m) => m.account === account && m.delta < 0n)
    return { spend: own ? -own.delta : 0n, available: seen ? available(seen) : 0n, spendAddedAtRead, lastSeq: seen ? seen.lastSeq : 0 }
  }

  /** Resolves when the local apply decides `id` (apply notifies through `decided`). */
  private waitApplied(id: Hex): Promise<EntryRecord> {
    return new Promise<EntryRecord>((resolve, reject) => {
      const settle = (fn: () => void) => {
        clearTimeout(timer)
        this.waiters.delete(id)
        fn()
      }
      const timer = setTimeout(() => {
        settle(() => reject(LedgerError.TIMEOUT(`entry ${id.slice(0, 8)} was appended but not applied here within ${APPLY_WAIT_MS} ms`)))
      }, APPLY_WAIT_MS)
      this.waiters.set(id, {
        resolve: (record) => settle(() => resolve(record)),
        reject: (err) => settle(() => reject(err))
      })
    })
  }

  /**
   * The highest seq this identity wrote into the local writer core (0 if none). The core's
   * length is no bound: a bundle holds up to 256 entries in one block. The newest entry block
   * is the last one that is not an ack, and its last entry has the highest seq.
   */
  private async lastLocalSeq(): Promise<number> {
    const core = this.host.base.local
    for (let i = core.length - 1; i >= 0; i--) {
      const value = ((await core.get(i)) as { node?: { value?: Uint8Array | null } } | null)?.node?.value
      if (!value || value.byteLength === 0) continue
      const split = splitBlock(value)
      if (!split.ok) continue
      for (let k = split.entries.length - 1; k >= 0; k--) {
        const decoded = decodeEntry(split.entries[k])
        if (decoded.ok && b4a.equals(decoded.entry.author, this.host.identity.publicKey)) return decoded.entry.seq
      }
    }
    return 0
  }
}
