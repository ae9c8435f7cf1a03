/**
 * tally-ledger: a peer-to-peer mutual-credit ledger for co-operatives.
 *
 * @example
 * import { Ledger, createIdentity } from 'tally-ledger'
 */
export { Ledger } from './ledger.js'
export type { LedgerOptions, CreateOptions, MemberBalance, HistoryItem, Receipt, LedgerStatus } from './ledger.js'
export { LedgerError } from './errors.js'
export type { LedgerErrorCode } from './errors.js'
export { createIdentity, loadIdentity } from './identity.js'
export type { Identity } from './identity.js'
export type { EntryRecord, ViewMeta } from './records.js'
export { applyBlock } from './apply-block.js'
export type { BlockContext, Decided } from './apply-block.js'
export { MemoryStore } from './memory-store.js'
export type { StateStore } from './state-store.js'
export { GroupCommit } from './group-commit.js'
export * as protocol from '../protocol/index.js'
export { parseAmount, formatAmount, generateKeyPair, keyPairFromSeed, toHex, fromHex } from '../protocol/index.js'
export type { Hex, KeyPair, Member, Invoice, RejectCode } from '../protocol/index.js'
export { Replicator, createSwarm, parseBootstrap } from './network/swarm.js'
export type { SwarmOptions, BootstrapNode } from './network/swarm.js'
export { openStore, storageError } from './storage.js'
export { BeeStore, BeeReaderStore } from './bee-store.js'
export { audit, reportToJson, exportReport, isExportFormat, EXPORT_FORMATS, ExportError, verifyReceipt } from './audit/index.js'
export type { AuditOptions, AuditReport, AuditMember, AuditWriter, AuditedEntry, AuditProgress, Finding, FindingKind, RejectedEntry, ExportFormat, ReceiptCheck, EquivocationEvidence } from './audit/index.js'
