/** Key layout of the Hyperbee view (ARCHITECTURE.md, "View layout"). One place, so readers and writers agree. */
import type { Hex } from '../protocol/index.js'

export const META_KEY = 'meta'
export const memberKey = (account: Hex) => 'acct/' + account
export const writerKey = (writer: Hex) => 'writer/' + writer
export const nameIndexKey = (nameKey: string) => 'name/' + nameKey
export const invoiceKey = (id: Hex) => 'inv/' + id
/** Governance state (protocol/governance-types.ts GovState) and proposals by id. */
export const GOV_KEY = 'gov'
export const proposalKey = (id: Hex) => 'prop/' + id
export const PROPOSAL_PREFIX = 'prop/'
/** Invites recorded in the ledger, by blind-pairing invite id. */
export const inviteKey = (id: Hex) => 'invite/' + id
/** Federation (SPEC.md §12): links by bridge and other ledger, holds by id, and the list of open holds. */
export const linkKey = (bridge: Hex, ledger: Hex) => 'link/' + bridge + '/' + ledger
export const LINK_PREFIX = 'link/'
export const holdKey = (id: Hex) => 'hold/' + id
export const HOLD_PREFIX = 'hold/'
export const FED_KEY = 'fed/open'
export const FED_PREFIX = 'fed/'
/**
 * Every decided entry, applied or rejected, by its position in the linear order, LOG_CHUNK
 * records to a key. Keyed by position, not id: sequential keys append at the B-tree's right
 * edge, where random ids would load a different path from disk on every insert. In chunks
 * because every key is a block of the view core, and each block costs Merkle hashing,
 * encryption, a disk write, replication and, on a peer that replays, a copy when Autobase
 * migrates its view. The measured figures are in one place: ARCHITECTURE.md, "View layout".
 */
export const LOG_CHUNK = 64
export const logKey = (chunk: number) => 'log/' + pad(chunk)
export const LOG_PREFIX = 'log/'
/** Where the record at log position `index` is kept. */
export function logSlot(index: number): { chunk: number; offset: number } {
  return { chunk: Math.floor(index / LOG_CHUNK), offset: index % LOG_CHUNK }
}
/** Per writer: last decided block and junk count (WriterState). */
export const writerStateKey = (writer: Hex) => 'wstate/' + writer
/**
 * A member's history: the log positions of its entries, HISTORY_CHUNK to a key. The n-th entry
 * (from 1) is in chunk floor((n-1)/HISTORY_CHUNK). One key per entry cost two B-tree writes per
 * payment; a chunk is rewritten once per apply however many of its slots the apply fills.
 */
export const HISTORY_CHUNK = 64
export const historyKey = (account: Hex, chunk: number) => 'hist/' + account + '/' + pad(chunk)
export const historyPrefix = (account: Hex) => 'hist/' + account + '/'
/** Where the n-th entry (from 1) of a member's history is kept. */
export function historySlot(n: number): { chunk: number; offset: number } {
  return { chunk: Math.floor((n - 1) / HISTORY_CHUNK), offset: (n - 1) % HISTORY_CHUNK }
}

/** Positions are zero-padded so the bee's byte order is numeric order. */
function pad(n: number): string {
  return n.toString().padStart(12, '0')
}

/** The key range of a prefix, for createReadStream: up to the prefix with its last character raised, so any UTF-8 name falls inside. */
export function prefixRange(prefix: string): { gte: string; lt: string } {
  return { gte: prefix, lt: prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1) }
}
