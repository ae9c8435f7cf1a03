/**
 * The apply pipeline for one block: decode, verify, look up, call the protocol rules, write
 * the effect. Shared by Autobase apply (on the Hyperbee view) and the auditor (in memory), so
 * both decide every entry the same way. Never throws on block content.
 */
import b4a from 'b4a'
import {
  decodeEntry,
  entryIdOf,
  splitBlock,
  evaluate,
  hash,
  nameKey,
  newerVersionStops,
  strikeWriter,
  writerIgnored,
  JUNK_CODES,
  WRITER_JUNK_MAX,
  nextStateHash,
  toHex,
  verifyEntry,
  EMPTY_STATE_HASH,
  type Entry,
  type Hex,
  type Invoice,
  type Outcome,
  type Rejection,
  type Strike,
  type Decision
} from '../protocol/index.js'
import type { EntryRecord, ViewMeta } from './records.js'
import type { StateStore } from './state-store.js'
import { ruleInput } from './rule-input.js'
import { VerifiedSet } from './verified-set.js'
import { GovTx, type WriterCall } from './governance-apply.js'
import { applyFederation } from './federation-apply.js'

/** Where a block came from. */
export interface BlockContext {
  ledgerKey: Uint8Array
  /** Hex of the writer core that appended the block. */
  writer: Hex
  /** The block's index in that writer core. */
  block: number
}

/** Where one entry came from: its block, and its place in the block (0 unless the block is a bundle). */
interface EntryContext extends BlockContext {
  slot: number
}

export interface ApplyOptions {
  /** Skip the signature check: the caller (the auditor's batch verifier) has done it. */
  verified?: boolean
  /**
   * Signatures already known to verify (entries this node sealed, or checked in an earlier apply
   * of the same entries before a reorder); entries that verify here are added to it.
   */
  verifiedSet?: VerifiedSet
}

/** What the pipeline decided for one entry of a block. */
export interface Decided {
  /** The entry id, or for undecodable bytes the BLAKE2b-256 of the bytes. */
  id: Hex
  record: EntryRecord
  outcome: Outcome
  entry: Entry | null
  /** The entry's bytes (the whole block when its bundle framing is malformed). */
  bytes: Uint8Array
  /** Set when this build cannot read the entry's version: the caller must stop, not guess. */
  interrupt: string | null
  /** Set when this entry was the writer's last allowed junk: the caller removes that writer. */
  removeWriter: Hex | null
  /** Set when nothing was decided or written: the writer is past its junk limit, or this position was decided before. */
  ignored: 'writer_removed' | 'redelivered' | null
  /** Writer calls of decisions made at this entry (admit a writer, make or unmake an indexer). */
  writers?: WriterCall[]
}

/**
 * Decides every entry of one block, in order, and writes their effects to the store. A block is
 * one entry or a bundle of them (protocol/bundle.ts); a bundle whose framing is malformed is
 * decided as one malformed entry. Stops after an entry that needs an upgrade (`interrupt`).
 */
export async function applyBlock(store: StateStore, bytes: Uint8Array, ctx: BlockContext, opts: ApplyOptions = {}): Promise<Decided[]> {
  const ws = await store.getWriterState(ctx.writer)
  const split = splitBlock(bytes)
  // A writer's blocks reach apply in order, so a position at or below the last decided one is a
  // redelivery. A block's entries are decided in one apply, so the block is the unit here.
  if (ctx.block <= ws.block) {
    const meta = await store.getMeta()
    if (!split.ok) return [await ignore(store, bytes, meta, { ...ctx, slot: 0 }, 'redelivered')]
    const out: Decided[] = []
    for (let slot = 0; slot < split.entries.length; slot++) out.push(await ignore(store, split.entries[slot], meta, { ...ctx, slot }, 'redelivered'))
    return out
  }
  if (!split.ok) {
    const meta = await store.getMeta()
    const at = { ...ctx, slot: 0 }
    if (meta !== null && writerIgnored(ws.junk)) return [await ignore(store, bytes, meta, at, 'writer_removed')]
    return [await finish(store, meta, at, bytes, idOfBytes(bytes), null, { ok: false, code: split.code, reason: split.reason }, null)]
  }
  const out: Decided[] = []
  for (let slot = 0; slot < split.entries.length; slot++) {
    const d = await decideEntry(store, split.entries[slot], { ...ctx, slot }, opts)
    out.push(d)
    if (d.interrupt !== null) break
  }
  return out
}

/** Decides one entry. */
async function decideEntry(store: StateStore, bytes: Uint8Array, ctx: EntryContext, opts: ApplyOptions): Promise<Decided> {
  const meta = await store.getMeta()
  const ws = await store.getWriterState(ctx.writer)
  if (meta !== null && writerIgnored(ws.junk)) return ignore(store, bytes, meta, ctx, 'writer_removed')
  const decoded = decodeEntry(bytes)
  if (!decoded.ok) {
    const id = idOfBytes(bytes)
    const outcome: Rejection = { ok: false, code: decoded.code, reason: decoded.reason }
    if (decoded.code === 'unsupported_version' && newerVersionStops(meta, await memberOfWriter(store, ctx.writer))) {
      return { id, outcome, entry: null, bytes, record: baseRecord(id, meta, ctx, null, outcome), interrupt: 'upgrade needed: ' + decoded.reason, removeWriter: null, ignored: null }
    }
    return finish(store, meta, ctx, bytes, id, null, outcome, null)
  }
  const { entry, unsigned } = decoded
  const id = entryIdOf(ctx.ledgerKey, entry.type, unsigned)
  const known = opts.verifiedSet ? VerifiedSet.key(id, entry.signature) : null
  if (opts.verified !== true && !(known !== null && opts.verifiedSet!.has(known))) {
    if (!verifyEntry(ctx.ledgerKey, entry.type, unsigned, entry.author, entry.signature)) {
      return finish(store, meta, ctx, bytes, id, entry, { ok: false, code: 'bad_signature', reason: 'signature does not verify' }, null)
    }
    if (known !== null) opts.verifiedSet!.add(known)
  }
  const { input, invoice } = await ruleInput(store, entry, { ledgerKey: toHex(ctx.ledgerKey), id, writer: ctx.writer })
  const outcome = evaluate(input, entry)
  return finish(store, meta, ctx, bytes, id, entry, outcome, invoice)
}

/** Undecodable bytes have no entry id; they are named by their hash. */
function idOfBytes(bytes: Uint8Array): Hex {
  return toHex(hash(b4a.isBuffer(bytes) ? bytes : b4a.from(bytes)))
}

/**
 * A block that must not be decided: from a writer past its junk limit (no effect, no record),
 * or one this view has already decided at this very position. The second happens when Autobase
 * hands nodes to apply again after a crash left the view ahead of its own bookkeeping (seen in
 * test/crash.test.ts); in a correct linearization a (writer, block) position occurs once, so
 * skipping is a no-op there. Autobase's writer set may have lost the host calls of such a
 * block, so they are derived again from the state and repeated (adding a writer twice is harmless).
 */
async function ignore(store: StateStore, bytes: Uint8Array, meta: ViewMeta | null, ctx: EntryContext, why: 'redelivered' | 'writer_removed'): Promise<Decided> {
  const reason = why === 'redelivered' ? `block ${ctx.block} of writer ${ctx.writer.slice(0, 8)} was already decided` : `writer ${ctx.writer.slice(0, 8)} was removed after ${WRITER_JUNK_MAX} junk blocks`
  const id = idOfBytes(bytes)
  const skipped: Rejection = { ok: false, code: why === 'redelivered' ? 'duplicate_entry' : 'author_not_writer', reason }
  const record = { ...baseRecord(id, meta, ctx, null, skipped), stateHash: meta?.stateHash ?? EMPTY_STATE_HASH }
  let outcome: Outcome = skipped
  let removeWriter: Hex | null = null
  if (why === 'redelivered') {
    const decoded = decodeEntry(bytes)
    if (decoded.ok && decoded.entry.type === 'admit') {
      const admitted = decoded.entry
      if ((await store.accountOfWriter(toHex(admitted.writer))) === toHex(admitted.account)) {
        outcome = { ok: true, members: [], moves: [], addWriter: { key: toHex(admitted.writer), indexer: admitted.indexer } }
      }
    }
    if (writerIgnored((await store.getWriterState(ctx.writer)).junk)) removeWriter = ctx.writer
  }
  return { id, outcome, entry: null, bytes, record, interrupt: null, removeWriter, ignored: why }
}

/** The member bound to a writer core, if any. Writer cores are signed, so the binding is authentic. */
async function memberOfWriter(store: StateStore, writer: Hex) {
  const account = await store.accountOfWriter(writer)
  return account === null ? null : store.getMember(account)
}

/** Counts a junk block against the member bound to `writer` (SPEC.md, "Limits on one writer"). */
async function strikeOf(store: StateStore, tx: GovTx, writer: Hex, junkBefore: number): Promise<Strike | null> {
  const member = await memberOfWriter(store, writer)
  if (member === null) return null
  const strike = strikeWriter(member, junkBefore)
  if (strike.member) await tx.putMember(strike.member)
  return strike
}

async function finish(
  store: StateStore,
  meta: ViewMeta | null,
  ctx: EntryContext,
  bytes: Uint8Array,
  id: Hex,
  entry: Entry | null,
  outcome: Outcome,
  invoice: Invoice | null
): Promise<Decided> {
  // Before genesis there is no ledger: such a block (only the creator can append one) has no position.
  if (meta === null && !(outcome.ok && outcome.meta)) {
    return { id, record: baseRecord(id, meta, ctx, entry, outcome), outcome, entry, bytes, interrupt: null, removeWriter: null, ignored: null }
  }
  // Read before any member is written: a view without governance state counts its active members once.
  const tx = await GovTx.open(store, toHex(ctx.ledgerKey))
  const ws = await store.getWriterState(ctx.writer)
  const strike = !outcome.ok && JUNK_CODES.has(outcome.code) ? await strikeOf(store, tx, ctx.writer, ws.junk) : null
  await store.putWriterState(ctx.writer, { block: ctx.block, junk: strike ? strike.junk : ws.junk })
  let stateHash = nextStateHash(meta ? meta.stateHash : EMPTY_STATE_HASH, id, outcome)
  // Removing a writer changes its member's record, so it is chained in as an effect of its own.
  if (strike?.removeWriter) stateHash = nextStateHash(stateHash, id, { ok: true, members: strike.member ? [strike.member] : [], moves: [] })
  const record = { ...baseRecord(id, meta, ctx, entry, outcome), ...moneyFields(entry, outcome, invoice), stateHash }
  if (strike?.removeWriter) record.reason = `${record.reason}; writer removed after ${WRITER_JUNK_MAX} junk blocks`
  const removeWriter = strike?.removeWriter ? ctx.writer : null
  // meta is null here only for genesis, which carries the new meta (checked at the top).
  const prev = meta as ViewMeta
  if (!outcome.ok && outcome.author) await tx.putMember(outcome.author)
  const decisions: Decision[] = []
  if (outcome.ok) {
    if (outcome.author) await tx.putMember(outcome.author)
    for (const m of outcome.members) {
      await tx.putMember(m)
      await store.putHistory(m.account, m.entries, record.index)
    }
    if (outcome.invoice) await store.putInvoice(outcome.invoice)
    if (entry && (entry.type === 'admit' || entry.type === 'genesis')) {
      const m = outcome.members[outcome.members.length - 1]
      await store.bindWriter(m.writer, m.account)
      await store.bindName(nameKey(m.name), m.account)
    }
    const closed = await tx.applied(entry, outcome)
    if (closed) decisions.push(closed)
    if (outcome.proposal) record.proposal = outcome.proposal.id
  }
  // Every authenticated entry moves its author's clock, which may close a window; then open proposals are settled.
  const author = entry && (outcome.ok || outcome.author) ? await store.getMember(toHex(entry.author)) : null
  if (author !== null && author.writer === ctx.writer) await tx.witness(author)
  // Links and holds are written, then the author's time witnesses the open holds' periods (SPEC.md §12).
  await applyFederation(store, outcome, author !== null && author.writer === ctx.writer ? author : null)
  const settled = await tx.settle(record.index, stateHash)
  decisions.push(...settled.decisions)
  if (decisions.length > 0) record.decisions = decisions
  record.stateHash = settled.stateHash
  await tx.flush()
  const next: ViewMeta = outcome.ok && outcome.meta
    ? { ...outcome.meta, stateHash: record.stateHash, entries: 1, rejected: 0 }
    : { ...prev, stateHash: record.stateHash, entries: prev.entries + 1, rejected: prev.rejected + (outcome.ok ? 0 : 1) }
  await store.putMeta(next)
  await store.putEntry(record)
  return { id, record, outcome, entry, bytes, interrupt: null, removeWriter, ignored: null, writers: settled.writers }
}

function baseRecord(id: Hex, meta: ViewMeta | null, ctx: EntryContext, entry: Entry | null, outcome: Outcome): EntryRecord {
  return {
    id,
    index: meta ? meta.entries : 0,
    writer: ctx.writer,
    block: ctx.block,
    slot: ctx.slot,
    type: entry ? entry.type : null,
    author: entry ? toHex(entry.author) : null,
    seq: entry ? entry.seq : 0,
    timestamp: entry ? entry.timestamp : 0,
    memo: entry ? entry.memo : '',
    status: outcome.ok ? 'applied' : 'rejected',
    code: outcome.ok ? null : outcome.code,
    reason: outcome.ok ? null : outcome.reason,
    payer: null,
    payee: null,
    amount: null,
    invoice: null,
    account: null,
    stateHash: EMPTY_STATE_HASH
  }
}

/** Who pays whom, for history and exports; filled from the entry whether or not it applied. */
function moneyFields(entry: Entry | null, outcome: Outcome, invoice: Invoice | null): Partial<EntryRecord> {
  if (entry === null) return {}
  const author = toHex(entry.author)
  switch (entry.type) {
    case 'transfer':
      return { payer: author, payee: toHex(entry.payee), amount: entry.amount.toString() }
    case 'invoice':
      return { payer: toHex(entry.payer), payee: author, amount: entry.amount.toString(), invoice: outcome.ok ? outcome.invoice!.id : null }
    case 'accept':
    case 'decline':
    case 'cancel':
      return invoice
        ? { payer: invoice.payer, payee: invoice.payee, amount: invoice.amount.toString(), invoice: invoice.id }
        : { invoice: toHex(entry.invoice) }
    case 'admit':
    case 'set-limits':
    case 'suspend':
      return { account: toHex(entry.account) }
    case 'hold':
      return { payer: author, payee: toHex(entry.payee), amount: entry.amount.toString(), ...(outcome.ok ? { hold: outcome.hold!.id } : {}) }
    case 'fulfil':
    case 'release':
      return outcome.ok && outcome.hold
        ? { payer: outcome.hold.payer, payee: outcome.hold.payee, amount: outcome.hold.amount.toString(), hold: outcome.hold.id }
        : { hold: toHex(entry.hold) }
    case 'link':
      return { account: toHex(entry.ledger) }
    default:
      return {}
  }
}
