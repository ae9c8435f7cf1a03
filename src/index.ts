// The Holepunch packages ship no type declarations, and the public API takes and exposes their
// objects (a Corestore you own, the Autobase, the Hyperbee view, a Hyperswarm): these narrow
// declarations ship with the package so a consumer's compiler sees them (ARCHITECTURE.md, "Public types").
/// <reference types="node" preserve="true" />
/// <reference path="../types/holepunch/hypercore.d.ts" preserve="true" />
/// <reference path="../types/holepunch/corestore.d.ts" preserve="true" />
/// <reference path="../types/holepunch/autobase.d.ts" preserve="true" />
/// <reference path="../types/holepunch/hyperbee.d.ts" preserve="true" />
/// <reference path="../types/holepunch/hyperswarm.d.ts" preserve="true" />
/**
 * tally-ledger: a peer-to-peer mutual-credit ledger for co-operatives.
 *
 * @example
 * import { Ledger, createIdentity } from 'tally-ledger'
 */
export { Ledger } from './ledger.js'
export type { LedgerOptions, CreateOptions, MemberBalance, HistoryItem, Receipt, LedgerStatus, DecisionEvent } from './ledger.js'
export type { ProposalInput, ProposalView, PolicyView } from './governance-api.js'
export { membersPolicy, stewardPolicy } from '../protocol/index.js'
export type { Policy, DecisionKind, DecisionMethod, Proposal, ProposalStatus, Decision } from '../protocol/index.js'
export { Bridge, Claims } from './federation-agent.js'
export type { BridgeOptions } from './federation-agent.js'
export { parseRate, sealPreimage, openPreimage, newPreimage } from './federation-api.js'
export { conditionOf, convert, amountFor } from '../protocol/index.js'
export type { Link, Hold, HoldStatus } from '../protocol/index.js'
export type { IndexerStatus } from './indexers.js'
export { Presence } from './presence.js'
export type { PresenceEntry } from './presence.js'
export type { LedgerEvents } from './ledger-events.js'
export type { ReplicationStream } from './replication-stream.js'
export { LedgerError, ERROR_CODES, exitCodeOf, isLedgerErrorCode } from './errors.js'
export type { LedgerErrorExtra } from './errors.js'
export type { LedgerErrorCode } from './errors.js'
export { createIdentity, loadIdentity } from './identity.js'
export type { Identity } from './identity.js'
export type { EntryRecord, ViewMeta } from './records.js'
export { applyBlock } from './apply-block.js'
export type { BlockContext, Decided, Ignored } from './apply-block.js'
export { MemoryStore } from './memory-store.js'
export type { StateStore } from './state-store.js'
export { GroupCommit } from './group-commit.js'
export * as protocol from '../protocol/index.js'
export { parseAmount, formatAmount, generateKeyPair, keyPairFromSeed, toHex, fromHex } from '../protocol/index.js'
export type { Hex, KeyPair, Member, Invoice, RejectCode } from '../protocol/index.js'
export { Replicator, createSwarm, parseBootstrap } from './network/swarm.js'
export type { SwarmOptions, BootstrapNode, ReplicatorEvents } from './network/swarm.js'
export { Mirror, DEFAULT_MIRROR_BYTES } from './network/mirror.js'
export type { MirrorOptions } from './network/mirror.js'
export { mirrorKey, readMirrors, writeMirrors } from './node/mirror-list.js'
export type { MirrorStatus } from './network/mirrors.js'
export { openStore, storageError, adoptStore } from './storage.js'
export { displayText, displayValue, jsonSafe, oneLine } from './display-text.js'
export { PayKeys, isPayKey } from './node/pay-keys.js'
export type { PayKeyRecord } from './node/pay-keys.js'
export { BeeStore, BeeReaderStore } from './bee-store.js'
export { audit, reportToJson, exportReport, isExportFormat, EXPORT_FORMATS, ExportError, verifyReceipt } from './audit/index.js'
export type { AuditOptions, AuditReport, AuditMember, AuditWriter, AuditedEntry, AuditProgress, Finding, FindingKind, RejectedEntry, ExportFormat, ReceiptCheck, EquivocationEvidence } from './audit/index.js'
export { InviteHost, issueInvite, withdrawInvite, findLedgerInvite, joinByInvite, DEFAULT_PAIRING_POLL_MS } from './network/invites.js'
export type { InviteHostEvents, AdmittedEvent, ProposedEvent, RefusedEvent, IssueOptions, Issued, AdmissionTerms, JoinOptions, Joined, JoinProgress, JoinRole } from './network/invites.js'
export { InviteBook } from './network/invite-book.js'
export type { InviteRecord } from './network/invite-book.js'
export { decodeInviteCode, encodeInviteCode } from './network/invite-code.js'
export { startPrivateDht } from './network/bootstrap.js'
export type { PrivateDht } from './network/bootstrap.js'
export { DataDir } from './node/data-dir.js'
export type { LedgerConfig } from './node/data-dir.js'
export { TallyNode } from './node/node.js'
export type { TallyNodeOptions, TallyNodeEvents } from './node/node.js'
export { NodeService, answers } from './node/service.js'
export { callNode } from './node/client.js'
export { runOnLedger } from './node/session.js'
export { openContext } from './node/context.js'
export type { NodeContext, NodeInfo } from './node/context.js'
export { UiServer } from './ui/server.js'
