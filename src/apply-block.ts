/**
 * The apply pipeline for one block: decode, verify, look up, call the protocol rules and the
 * position's policy (protocol/position.ts), write what they return. Shared by Autobase apply (on the Hyperbee view) and the auditor (in memory), so
 * both decide every entry the same way. Never throws on block content.
 */
import b4a from 'b4a'
import {
  blockSkipped,
  decidePosition,
  decodeEntry,
  entryIdOf,
  entrySkipped,
  splitBlock,
  evaluate,
  hash,
  isJunk,
  nameKey,
  newerVersionStops,
  writerIgnored,
  toHex,
  verifyEntry,
  type Entry,
  type Hex,
  type Invoice,
  type Outcome,
  type Rejection,
  type Decision
} from '../protocol/index.js'
import { baseRecord, moneyFields, type EntryRecord, type ViewMeta } from './records.js'
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

/** What the pipeline decided for one entry of a block, and wrote. */
export interface Decided {
  /** Null: the entry was decided (see `Ignored` for entries that were not). */
  ignored: null
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
  /** Writer calls of decisions made at this entry (admit a writer, make or unmake an indexer). */
  writers?: WriterCall[]
}

/**
 * An entry of a block that is not decided (protocol/position.ts): its block was decided before at
 * this position (`redelivered`), or its writer is past the junk limit (`writer_removed`). Nothing
 * is recorded or written for it and it has no reject code; for a redelivered block the Autobase
 * host calls its position made are given again (Autobase may have lost them; repeating is harmless).
 */
export interface Ignored {
  ignored: 'redelivered' | 'writer_removed'
  /** The BLAKE2b-256 of the bytes (they are not decoded). */
  id: Hex
  bytes: Uint8Array
  record: null
  outcome: null
  interrupt: null
  /** A redelivered admit whose writer the view binds to its account: add the writer again. */
  addWriter: { key: Hex; indexer: boolean } | null
  /** A redelivered block of a writer past its junk limit: remove the writer again. */
  removeWriter: Hex | null
}

/**
 * Decides every entry of one block, in order, and writes their effects to the store. A block is
 * one entry or a bundle of them (protocol/bundle.ts); a bundle whose framing is malformed is
 * decided as one malformed entry; a block of zero bytes is no entry at all (SPEC.md §9: Autobase
 * gives it to peers as an ack, so no node may decide it). Stops after an entry that needs an
 * upgrade (`interrupt`).
 */
export async function applyBlock(store: StateStore, bytes: Uint8Array, ctx: BlockContext, opts: ApplyOptions = {}): Promise<Array<Decided | Ignored>> {
  if (bytes.byteLength === 0) return []
  const ws = await store.getWriterState(ctx.writer)
  const split = splitBlock(bytes)
  if (blockSkipped(ws, ctx.block) === 'redelivered') {
    const junked = writerIgnored(ws.junk) ? ctx.writer : null
    if (!split.ok) return [await redelivered(store, bytes, junked)]
    const out: Ignored[] = []
    for (const entry of split.entries) out.push(await redelivered(store, entry, junked))
    return out
  }
  if (!split.ok) {
    const meta = await store.getMeta()
    if (entrySkipped(ws, meta) !== null) return [ignored(bytes, 'writer_removed')]
    return [await finish(store, meta, { ...ctx, slot: 0 }, bytes, idOfBytes(bytes), null, { ok: false, code: split.code, reason: split.reason }, null)]
  }
  const out: Array<Decided | Ignored> = []
  for (let slot = 0; slot < split.entries.length; slot++) {
    const d = await decideEntry(store, split.entries[slot], { ...ctx, slot }, opts)
    out.push(d)
    if (d.interrupt !== null) break
  }
  return out
}

/** Decides one entry. */
async function decideEntry(store: StateStore, bytes: Uint8Array, ctx: EntryContext, opts: ApplyOptions): Promise<Decided | Ignored> {
  const meta = await store.getMeta()
  if (entrySkipped(await store.getWriterState(ctx.writer), meta) !== null) return ignored(bytes, 'writer_removed')
  const decoded = decodeEntry(bytes)
  if (!decoded.ok) {
    const id = idOfBytes(bytes)
    const outcome: Rejection = { ok: false, code: decoded.code, reason: decoded.reason }
    if (decoded.code === 'unsupported_version' && newerVersionStops(meta, await memberOfWriter(store, ctx.writer))) {
      return { ignored: null, id, outcome, entry: null, bytes, record: baseRecord(id, meta ? meta.entries : 0, ctx, null, outcome), interrupt: 'upgrade needed: ' + decoded.reason, removeWriter: null }
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

function ignored(bytes: Uint8Array, why: Ignored['ignored']): Ignored {
  return { ignored: why, id: idOfBytes(bytes), bytes, record: null, outcome: null, interrupt: null, addWriter: null, removeWriter: null }
}

/**
 * An entry of a block this view has already decided at this very position. That happens when
 * Autobase hands nodes to apply again after a crash left the view ahead of its own bookkeeping
 * (seen in test/crash.test.ts). Autobase's writer set may have lost the host calls of such a
 * block, so they are derived again from the state: an admit the view applied adds its writer.
 */
async function redelivered(store: StateStore, bytes: Uint8Array, removeWriter: Hex | null): Promise<Ignored> {
  const out = { ...ignored(bytes, 'redelivered'), removeWriter }
  const decoded = decodeEntry(bytes)
  if (decoded.ok && decoded.entry.type === 'admit') {
    const admitted = decoded.entry
    if ((await store.accountOfWriter(toHex(admitted.writer))) === toHex(admitted.account)) out.addWriter = { key: toHex(admitted.writer), indexer: admitted.indexer }
  }
  return out
}

/** The member bound to a writer core, if any. Writer cores are signed, so the binding is authentic. */
async function memberOfWriter(store: StateStore, writer: Hex) {
  const account = await store.accountOfWriter(writer)
  return account === null ? null : store.getMember(account)
}

/** Writes a decided entry: the position's chain (protocol/position.ts), the rules' effect, governance and federation. */
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
  const ws = await store.getWriterState(ctx.writer)
  const pos = decidePosition(meta, ws, ctx.block, id, outcome, isJunk(outcome) ? await memberOfWriter(store, ctx.writer) : null)
  // Before genesis there is no ledger: such a block (only the creator can append one) has no position.
  if (pos === null) return { ignored: null, id, record: baseRecord(id, 0, ctx, entry, outcome), outcome, entry, bytes, interrupt: null, removeWriter: null }
  // Opened before any member is written: a view without governance state counts its active members once.
  const tx = await GovTx.open(store, toHex(ctx.ledgerKey))
  if (pos.strike?.member) await tx.putMember(pos.strike.member)
  await store.putWriterState(ctx.writer, pos.writer)
  const record = { ...baseRecord(id, pos.index, ctx, entry, outcome), ...moneyFields(entry, outcome, invoice), reason: pos.reason, stateHash: pos.meta.stateHash }
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
  // Decisions settled here are chained into the state hash after the entry (SPEC.md §10).
  const settled = await tx.settle(record.index, record.stateHash)
  decisions.push(...settled.decisions)
  if (decisions.length > 0) record.decisions = decisions
  record.stateHash = settled.stateHash
  await tx.flush()
  await store.putMeta({ ...pos.meta, stateHash: settled.stateHash })
  await store.putEntry(record)
  return { ignored: null, id, record, outcome, entry, bytes, interrupt: null, removeWriter: pos.strike?.removeWriter ? ctx.writer : null, writers: settled.writers }
}
