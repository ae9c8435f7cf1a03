/**
 * The apply pipeline for one block: decode, verify, look up, call the protocol rules, write
 * the effect. Shared by Autobase apply (on the Hyperbee view) and the auditor (in memory), so
 * both decide every entry the same way. Never throws on block content.
 */
import b4a from 'b4a'
import {
  counterpartyOf,
  decodeEntry,
  entryIdOf,
  evaluate,
  hash,
  lookups,
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
  type RejectCode,
  type Rejection,
  type Strike
} from '../protocol/index.js'
import type { EntryRecord, ViewMeta } from './records.js'
import type { StateStore } from './state-store.js'

/** Where a block came from. */
export interface BlockContext {
  ledgerKey: Uint8Array
  /** Hex of the writer core that appended the block. */
  writer: Hex
  /** The block's index in that writer core. */
  block: number
}

export interface ApplyOptions {
  /** Skip the signature check: the caller (the auditor's batch verifier) has done it. */
  verified?: boolean
}

/** What the pipeline decided for one block. */
export interface Decided {
  /** The entry id, or for undecodable bytes the BLAKE2b-256 of the bytes. */
  id: Hex
  record: EntryRecord
  outcome: Outcome
  entry: Entry | null
  /** Set when this build cannot read the entry's version: the caller must stop, not guess. */
  interrupt: string | null
  /** Set when this block was the writer's last allowed junk block: the caller removes that writer. */
  removeWriter: Hex | null
  /** Set when nothing was decided or written: the writer is past its junk limit, or this position was decided before. */
  ignored: 'writer_removed' | 'redelivered' | null
}

/**
 * Outcomes decided before the author is known to own the writer. Such blocks are recorded by
 * position, not by id, so a copy of someone else's entry cannot mark the genuine one as seen.
 */
const UNAUTHENTICATED: ReadonlySet<RejectCode> = new Set<RejectCode>([
  'malformed',
  'unsupported_version',
  'bad_signature',
  'no_genesis',
  'genesis_exists',
  'genesis_writer_mismatch',
  'author_not_writer',
  'duplicate_entry'
])

/** Decides one block and writes its effect to the store. */
export async function applyBlock(store: StateStore, bytes: Uint8Array, ctx: BlockContext, opts: ApplyOptions = {}): Promise<Decided> {
  const meta = await store.getMeta()
  const rejectedHere = await store.getRejectedBlock(ctx.writer, ctx.block)
  if (rejectedHere !== null) return ignore(store, bytes, meta, ctx, 'redelivered', rejectedHere)
  if (meta !== null && writerIgnored(await store.junkCount(ctx.writer))) return ignore(store, bytes, meta, ctx, 'writer_removed', null)
  const decoded = decodeEntry(bytes)
  if (!decoded.ok) {
    const id = idOfBytes(bytes)
    const outcome: Rejection = { ok: false, code: decoded.code, reason: decoded.reason }
    if (decoded.code === 'unsupported_version' && newerVersionStops(meta, await memberOfWriter(store, ctx.writer))) {
      return { id, outcome, entry: null, record: baseRecord(id, meta, ctx, null, outcome), interrupt: 'upgrade needed: ' + decoded.reason, removeWriter: null, ignored: null }
    }
    return finish(store, meta, ctx, id, null, outcome, null)
  }
  const { entry, unsigned } = decoded
  const id = entryIdOf(ctx.ledgerKey, entry.type, unsigned)
  if (!opts.verified && !verifyEntry(ctx.ledgerKey, entry.type, unsigned, entry.author, entry.signature)) {
    return finish(store, meta, ctx, id, entry, { ok: false, code: 'bad_signature', reason: 'signature does not verify' }, null)
  }
  const prior = await store.getEntry(id)
  if (prior !== null && prior.writer === ctx.writer && prior.block === ctx.block) return ignore(store, bytes, meta, ctx, 'redelivered', prior)
  const look = lookups(entry)
  const invoice = look.invoice === null ? null : await store.getInvoice(look.invoice)
  const counterpartyKey = counterpartyOf(entry, invoice)
  const outcome = evaluate(
    {
      ledgerKey: toHex(ctx.ledgerKey),
      meta,
      id,
      writer: ctx.writer,
      writerAccount: await store.accountOfWriter(ctx.writer),
      author: await store.getMember(toHex(entry.author)),
      counterparty: counterpartyKey === null ? null : await store.getMember(counterpartyKey),
      invoice,
      seen: prior !== null,
      nameTaken: look.name === null ? false : (await store.accountOfName(nameKey(look.name))) !== null,
      writerTakenBy: look.writer === null ? null : await store.accountOfWriter(look.writer)
    },
    entry
  )
  return finish(store, meta, ctx, id, entry, outcome, invoice)
}

/** Undecodable bytes have no entry id; they are named by their hash. */
function idOfBytes(bytes: Uint8Array): Hex {
  return toHex(hash(b4a.isBuffer(bytes) ? bytes : b4a.from(bytes)))
}

/**
 * A block that must not be decided: from a writer past its junk limit (no effect, no record),
 * or one this view has already decided at this very position. The second happens when Autobase
 * hands a node to apply again after a crash left the view ahead of its own bookkeeping; in a
 * correct linearization a (writer, block) position occurs once, so skipping is a no-op there.
 * Autobase's writer set may have lost the host calls of such a block, so they are repeated
 * (adding or removing a writer twice is harmless).
 */
async function ignore(store: StateStore, bytes: Uint8Array, meta: ViewMeta | null, ctx: BlockContext, why: 'redelivered' | 'writer_removed', prior: EntryRecord | null): Promise<Decided> {
  const reason = why === 'redelivered' ? `block ${ctx.block} of writer ${ctx.writer.slice(0, 8)} was already decided` : `writer ${ctx.writer.slice(0, 8)} was removed after ${WRITER_JUNK_MAX} junk blocks`
  const id = prior?.id ?? idOfBytes(bytes)
  const skipped: Rejection = { ok: false, code: why === 'redelivered' ? 'duplicate_entry' : 'author_not_writer', reason }
  const record = prior ?? { ...baseRecord(id, meta, ctx, null, skipped), stateHash: meta?.stateHash ?? EMPTY_STATE_HASH }
  let outcome: Outcome = skipped
  let removeWriter: Hex | null = null
  if (why === 'redelivered') {
    const decoded = decodeEntry(bytes)
    if (prior?.status === 'applied' && decoded.ok && decoded.entry.type === 'admit') {
      outcome = { ok: true, members: [], moves: [], addWriter: { key: toHex(decoded.entry.writer), indexer: decoded.entry.indexer } }
    }
    if (writerIgnored(await store.junkCount(ctx.writer))) removeWriter = ctx.writer
  }
  return { id, outcome, entry: null, record, interrupt: null, removeWriter, ignored: why }
}

/** The member bound to a writer core, if any. Writer cores are signed, so the binding is authentic. */
async function memberOfWriter(store: StateStore, writer: Hex) {
  const account = await store.accountOfWriter(writer)
  return account === null ? null : store.getMember(account)
}

async function finish(
  store: StateStore,
  meta: ViewMeta | null,
  ctx: BlockContext,
  id: Hex,
  entry: Entry | null,
  outcome: Outcome,
  invoice: Invoice | null
): Promise<Decided> {
  const strike = !outcome.ok && JUNK_CODES.has(outcome.code) ? await strikeOf(store, ctx.writer) : null
  let stateHash = nextStateHash(meta ? meta.stateHash : EMPTY_STATE_HASH, id, outcome)
  // Removing a writer changes its member's record, so it is chained in as an effect of its own.
  if (strike?.removeWriter) stateHash = nextStateHash(stateHash, id, { ok: true, members: strike.member ? [strike.member] : [], moves: [] })
  const record = { ...baseRecord(id, meta, ctx, entry, outcome), ...moneyFields(entry, outcome, invoice), stateHash }
  if (strike?.removeWriter) record.reason = `${record.reason}; writer removed after ${WRITER_JUNK_MAX} junk blocks`
  const removeWriter = strike?.removeWriter ? ctx.writer : null
  const next: ViewMeta | null = outcome.ok && outcome.meta
    ? { ...outcome.meta, stateHash, entries: 1, rejected: 0 }
    : meta && { ...meta, stateHash, entries: meta.entries + 1, rejected: meta.rejected + (outcome.ok ? 0 : 1) }
  // Before genesis there is no meta to count in; such blocks are still recorded below.
  if (next) await store.putMeta(next)
  if (!outcome.ok && UNAUTHENTICATED.has(outcome.code)) {
    await store.putRejectedBlock(record)
    return { id, record, outcome, entry, interrupt: null, removeWriter, ignored: null }
  }
  await store.putEntry(record)
  if (outcome.ok) {
    for (const m of outcome.members) {
      await store.putMember(m)
      await store.putHistory(m.account, m.entries, id)
    }
    if (outcome.invoice) await store.putInvoice(outcome.invoice)
    if (entry && (entry.type === 'admit' || entry.type === 'genesis')) {
      const m = outcome.members[outcome.members.length - 1]
      await store.bindWriter(m.writer, m.account)
      await store.bindName(nameKey(m.name), m.account)
    }
  }
  return { id, record, outcome, entry, interrupt: null, removeWriter, ignored: null }
}

/** Counts a junk block against the member bound to `writer` (none before genesis). */
async function strikeOf(store: StateStore, writer: Hex): Promise<Strike | null> {
  const member = await memberOfWriter(store, writer)
  if (member === null) return null
  const strike = strikeWriter(member, await store.junkCount(writer))
  await store.putJunkCount(writer, strike.junk)
  if (strike.member) await store.putMember(strike.member)
  return strike
}

function baseRecord(id: Hex, meta: ViewMeta | null, ctx: BlockContext, entry: Entry | null, outcome: Outcome): EntryRecord {
  return {
    id,
    index: meta ? meta.entries : 0,
    writer: ctx.writer,
    block: ctx.block,
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
    default:
      return {}
  }
}
