/**
 * The soft-limit warning: a member who has used most of its credit limit is told so before the
 * hard limit refuses its payments (Komunitin's issue 400). Not a ledger rule: nothing is refused,
 * the page and `tally balance` only warn, and the page asks for confirmation before a payment
 * that leaves the balance past the line.
 */

/** Warn once this percentage of the credit limit is used. */
export const SOFT_LIMIT_PERCENT_DEFAULT = 80

export interface SoftLimit {
  /** The percentage of the credit limit that triggers the warning. */
  percent: number
  /** The balance at or below which the warning shows (minor units, negative or zero). */
  threshold: bigint
  /** Whether the balance is at or past the threshold. */
  reached: boolean
}

/**
 * Where the warning line is for a balance and credit limit. A member with no credit limit gets no
 * warning (it cannot go below zero anyway).
 * @example softLimit(-8500n, 10000n) // { percent: 80, threshold: -8000n, reached: true }
 */
export function softLimit(balance: bigint, creditLimit: bigint, percent = SOFT_LIMIT_PERCENT_DEFAULT): SoftLimit {
  const threshold = -((creditLimit * BigInt(Math.round(percent * 100))) / 10000n)
  return { percent, threshold, reached: creditLimit > 0n && balance <= threshold }
}

/** Whether paying `amount` would leave the balance at or past the warning line. */
export function passesSoftLimit(balance: bigint, amount: bigint, creditLimit: bigint, percent = SOFT_LIMIT_PERCENT_DEFAULT): boolean {
  return softLimit(balance - amount, creditLimit, percent).reached
}

/** Parses a percentage such as `--warn-at 80`; null when it is not a number from 1 to 100. */
export function parsePercent(text: string): number | null {
  if (!/^\d{1,3}(\.\d{1,2})?$/.test(text)) return null
  const v = Number(text)
  return v >= 1 && v <= 100 ? v : null
}
