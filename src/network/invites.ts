/**
 * Joining a ledger by invite, in four files, one idea each:
 *
 * - invite-code.ts   the wire formats: the code (with the admission terms where the members decide),
 *                    the signed join request, the roles and the denial statuses;
 * - invite-issue.ts  issuing a code: steward and auditor invites in the node's book, member invites
 *                    in the ledger (an `invite` entry);
 * - invite-host.ts   the node answering requests (member-admission.ts: a member invite, from the view);
 * - join.ts          the candidate's side.
 *
 * This file only gathers their exports, for the library's index and the CLI.
 */
export { DEFAULT_INVITE_EXPIRES_MS, admissionTerms, issueInvite, withdrawInvite, type IssueOptions, type Issued } from './invite-issue.js'
export { DEFAULT_PAIRING_POLL_MS, InviteHost, type AdmittedEvent, type InviteHostEvents, type ProposedEvent, type RefusedEvent } from './invite-host.js'
export { DEFAULT_JOIN_RETRY_MS, DEFAULT_JOIN_TIMEOUT_MS, joinByInvite, type JoinOptions, type JoinProgress, type Joined } from './join.js'
export type { AdmissionTerms, JoinRole } from './invite-code.js'
export { findLedgerInvite, ledgerInvite } from './member-admission.js'
