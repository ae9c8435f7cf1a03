/**
 * `tally-ledger/cli-surface`: the light part of the public library, for a client that must start
 * fast (the CLI answers a command through the node's socket in about 0.1 s). It loads no native
 * module (no storage, network or crypto addon: test/cli-args.test.ts): errors, text safe for a
 * terminal, the data dir and the node's socket, the soft limit, and the protocol's small checks
 * (amounts, names, policies). Everything else comes from the main entry, 'tally-ledger'
 * (src/index.ts), which such a client imports when a command needs it. Types cost nothing at
 * run time, so the types a client names are here too.
 */
export { LedgerError, ERROR_CODES, exitCodeOf, isLedgerErrorCode } from './errors.js'
export type { LedgerErrorCode, LedgerErrorExtra } from './errors.js'
export { displayText, displayValue, jsonSafe, oneLine } from './display-text.js'
export { parsePercent, passesSoftLimit, softLimit, SOFT_LIMIT_PERCENT_DEFAULT } from './soft-limit.js'
export type { SoftLimit } from './soft-limit.js'
export { DataDir } from './node/data-dir.js'
export { mirrorKey, readMirrors, writeMirrors } from './node/mirror-list.js'
export { runOnLedger } from './node/session.js'
export { callNode } from './node/client.js'
export { parseRate } from './federation-rate.js'
export { describeUnavailable } from './audit/completeness.js'
export { AmountError, amountProblem, formatAmount, parseAmount } from '../protocol/amount.js'
export { short, toHex } from '../protocol/hex.js'
export { DECIMALS_MAX, UNIT_CODE_PATTERN } from '../protocol/constants.js'
export { DECISION_KINDS, membersDecide, membersPolicy, ruleOf, stewardPolicy } from '../protocol/policy.js'
export { readSiblings, recordSibling } from './node/siblings.js'
export { acrossLines } from './federation-history.js'
export type { AcrossState } from './federation-history.js'
export { checkName } from '../protocol/names.js'

export type { Ledger, MemberBalance } from './ledger.js'
export type { NodeContext } from './node/context.js'
export type { ViewMeta } from './records.js'
export type { PolicyView, ProposalInput, ProposalView } from './governance-api.js'
export type { AdmittedEvent, JoinProgress, JoinRole, ProposedEvent, RefusedEvent } from './network/invites.js'
export type { BootstrapNode } from './network/swarm.js'
export type { AuditProgress, AuditReport, ExportFormat, reportToJson } from './audit/index.js'
export type { ActionName, DecisionKind, DecisionMethod, EntryType, Hex, Hold, InvoiceStatus, MemberStatus, Policy, RejectCode, Role } from '../protocol/index.js'
