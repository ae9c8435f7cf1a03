/**
 * Turning command-line text into values (amounts, durations, counts) with the one-line messages
 * people need, and ledger facts commands share (unit, member names).
 */
import { money } from './output.js'
import { AmountError, amountProblem, checkName, LedgerError, parseAmount, type Hex, type Ledger, type ViewMeta } from '../src/cli-surface.js'

/** A ledger's unit as results carry it, so output can be rendered without the ledger. */
export interface UnitInfo {
  unit: string
  decimals: number
}

/** A member as results name it. */
export interface Who {
  name: string
  account: Hex
}

/** Refuses a write on an auditor's data dir with a message that says why. */
export function assertWriter(ctx: { config: { role: string } }): void {
  if (ctx.config.role === 'auditor') throw LedgerError.NOT_WRITABLE('this data dir joined the ledger as an auditor: it can read and verify, not write')
}

/** The ledger's meta, or NOT_SYNCED when this node has not synced the ledger yet. */
export async function ledgerMeta(ledger: Ledger): Promise<ViewMeta> {
  const meta = await ledger.meta()
  if (meta === null) throw LedgerError.NOT_SYNCED('this node has not synced the ledger yet: run `tally up` until it has')
  return meta
}

export function unitOf(meta: ViewMeta): UnitInfo {
  return { unit: meta.unitCode, decimals: meta.decimals }
}

/** Parses an AMOUNT argument in the ledger's unit; BAD_INPUT naming the argument. */
export function amountArg(text: unknown, meta: ViewMeta, what = 'amount'): bigint {
  if (typeof text !== 'string') throw LedgerError.BAD_INPUT(`${what} is missing`)
  try {
    return parseAmount(text, meta.decimals)
  } catch (err) {
    if (err instanceof AmountError) throw LedgerError.BAD_INPUT(`${what}: ${err.message} (${meta.unitCode} has ${meta.decimals} decimals)`)
    throw err
  }
}

/** Parses a positive amount (what is paid or invoiced): zero is refused here with a clear message. */
export function positiveAmountArg(text: unknown, meta: ViewMeta): bigint {
  const v = amountArg(text, meta)
  // parseAmount has refused negative and too large amounts; the rules' bounds say the rest.
  if (amountProblem(v) === 'amount_not_positive') throw LedgerError.BAD_INPUT('amount must be more than zero')
  return v
}

/** A member name given on the command line; the ledger's rules would refuse a bad one at admission, so say so first. */
export function nameArg(text: unknown): string {
  const name = String(text ?? '').trim()
  const check = checkName(name)
  if (!check.ok) throw LedgerError.BAD_INPUT(`--name: ${check.reason}`, { reject: 'bad_name' })
  return name
}

/** Parses a count such as --limit; BAD_INPUT when it is not a whole number in range. */
export function countArg(text: unknown, what: string, min: number, max: number): number {
  const s = String(text)
  if (!/^\d+$/.test(s) || Number(s) < min || Number(s) > max) throw LedgerError.BAD_INPUT(`${what} must be a whole number from ${min} to ${max}, got ${JSON.stringify(s)}`)
  return Number(s)
}

const DURATION_UNITS_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }
/** Longest duration taken (10 years): past it, use "never"; far larger ones overflow the invite code's seconds. */
const DURATION_MAX_DAYS = 3650
const DURATION_MAX_MS = DURATION_MAX_DAYS * 86_400_000

/** Parses "90s", "30m", "24h", "7d" (or "0"/"never" for no expiry) into ms. */
export function durationArg(text: unknown, what: string): number {
  const s = String(text).trim()
  if (s === '0' || s === 'never') return 0
  const m = /^(\d+)([smhd])$/.exec(s)
  if (!m || Number(m[1]) === 0) throw LedgerError.BAD_INPUT(`${what} must be like 90s, 30m, 24h or 7d (or never), got ${JSON.stringify(s)}`)
  const ms = Number(m[1]) * DURATION_UNITS_MS[m[2]]
  if (ms > DURATION_MAX_MS) throw LedgerError.BAD_INPUT(`${what} must be at most ${DURATION_MAX_DAYS}d (or never), got ${JSON.stringify(s)}`)
  return ms
}

/** Names every account the ledger knows, for results that mention accounts. */
export async function namesOf(ledger: Ledger): Promise<(account: Hex | null) => Who | null> {
  const names = new Map<string, string>()
  for (const m of await ledger.members()) names.set(m.account, m.name)
  return (account) => (account === null ? null : { name: names.get(account) ?? account.slice(0, 8), account })
}

/**
 * Rewords a rule's refusal in the ledger's unit: the rules speak minor units ("can spend 12000"),
 * people want "can spend 120.00 CTC". Other errors pass through.
 */
export function explain(err: unknown, meta: ViewMeta, amount?: bigint): unknown {
  if (!(err instanceof LedgerError) || err.code !== 'REJECTED' || err.available === undefined) return err
  const fmt = (v: bigint) => money(v, meta.decimals, meta.unitCode)
  const asked = amount === undefined ? '' : ` ${fmt(amount)}`
  if (err.reject === 'over_credit_limit') {
    return LedgerError.REJECTED(`overspend: cannot pay${asked}; ${fmt(err.available)} is available within the credit limit`, {
      reject: err.reject,
      available: err.available
    })
  }
  if (err.reject === 'over_max_balance') {
    return LedgerError.REJECTED(`over the payee's max balance: it can receive ${fmt(err.available)} more, not${asked}`, {
      reject: err.reject,
      available: err.available
    })
  }
  return err
}
