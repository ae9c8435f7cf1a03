/**
 * The JSON export: the audit summary, members with replayed balances, and every entry in
 * linear order with the signed bytes its author wrote, so each one is a portable receipt
 * (`verifyReceipt`, docs/audit.md). Amounts are integers of the minor unit.
 */
import { SIGNATURE_BYTES, toHex, type Proposal } from '../../protocol/index.js'
import { timeOf } from './export-common.js'
import type { AuditReport } from './types.js'

export const JSON_EXPORT_FORMAT = 'tally-audit-export'
export const JSON_EXPORT_VERSION = 1

/** Integers of the minor unit as JSON numbers while exact, else as decimal strings. */
export function jsonAmount(v: bigint | string | null): number | string | null {
  if (v === null) return null
  const big = typeof v === 'bigint' ? v : BigInt(v)
  return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big.toString()
}

const HOW_TO_VERIFY =
  'Each entry is a receipt: "entry" is the block its author signed. Its last 64 bytes are an ed25519 signature by the key in bytes 2..33 (the author) ' +
  'over UTF-8 "tally/v1/" + type + NUL, then the 32-byte ledger key, then the entry without its signature. ' +
  'The id is the BLAKE2b-256 of those same signed bytes. See docs/audit.md, "Checking a receipt".'

/** A proposal's action with its limits as JSON numbers (or strings past 2^53). */
function actionJson(a: Proposal['action']): unknown {
  if (a.action === 'admit' || a.action === 'limits') return { ...a, creditLimit: jsonAmount(a.creditLimit), maxBalance: jsonAmount(a.maxBalance) }
  if (a.action === 'link') return { ...a, rateNum: jsonAmount(a.rateNum), rateDen: jsonAmount(a.rateDen), capacity: jsonAmount(a.capacity) }
  return a
}

/** The export as a JSON document (a string ending in a newline). */
export function exportJson(report: AuditReport): string {
  const doc = {
    format: JSON_EXPORT_FORMAT,
    version: JSON_EXPORT_VERSION,
    ledger: report.ledger,
    audit: {
      ok: report.ok,
      findings: report.findings.length,
      entriesChecked: report.entriesChecked,
      stateHash: report.stateHash,
      confirmedEntries: report.confirmed.entries,
      confirmedStateHash: report.confirmed.stateHash
    },
    howToVerify: HOW_TO_VERIFY,
    members: report.members.map((m) => ({
      account: m.account,
      name: m.name,
      writer: m.writer,
      role: m.role,
      status: m.status,
      balance: jsonAmount(m.balance),
      confirmed: jsonAmount(m.confirmed),
      creditLimit: jsonAmount(m.creditLimit),
      maxBalance: jsonAmount(m.maxBalance)
    })),
    policy: report.policy,
    decisions: report.decisions,
    proposals: report.proposals.map((p) => ({ ...p, action: actionJson(p.action) })),
    entries: report.entries.map((e) => {
      const r = e.record
      return {
        index: r.index,
        id: r.id,
        writer: r.writer,
        block: r.block,
        slot: r.slot ?? 0,
        type: r.type,
        author: r.author,
        seq: r.seq,
        timestamp: r.timestamp,
        time: timeOf(r.timestamp),
        memo: r.memo,
        status: r.status,
        code: r.code,
        reason: r.reason,
        payer: r.payer,
        payee: r.payee,
        amount: jsonAmount(r.amount),
        invoice: r.invoice,
        account: r.account,
        stateHash: r.stateHash,
        proposal: r.proposal ?? null,
        decisions: r.decisions ?? [],
        confirmed: e.confirmed,
        signatureValid: e.signatureValid,
        entry: toHex(e.bytes),
        signature: e.bytes.byteLength >= SIGNATURE_BYTES ? toHex(e.bytes.subarray(e.bytes.byteLength - SIGNATURE_BYTES)) : null
      }
    })
  }
  return JSON.stringify(doc, null, 1) + '\n'
}
