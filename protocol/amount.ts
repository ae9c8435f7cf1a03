/**
 * Amounts: the bounds an amount must keep (one place, for the rules and for clients' early
 * errors), what a member can still spend, and decimal text <-> integer minor units, exactly (no
 * floats): "12.50" with 2 decimals is 1250n.
 */
import { AMOUNT_MAX } from './constants.js'

/**
 * Whether an amount may be paid, held or invoiced: the rules' bounds, one place. Returns the
 * reject code the rules give it, or null. Clients call it for an early, friendly error.
 */
export function amountProblem(amount: bigint): 'amount_not_positive' | 'amount_too_large' | null {
  if (amount <= 0n) return 'amount_not_positive'
  if (amount > AMOUNT_MAX) return 'amount_too_large'
  return null
}

/** What a member can still spend within its credit limit: creditLimit + balance, never below zero. */
export function available(member: { creditLimit: bigint; balance: bigint }): bigint {
  const left = member.creditLimit + member.balance
  return left < 0n ? 0n : left
}

export class AmountError extends Error {
  code = 'BAD_AMOUNT'
}

/** Parses a non-negative decimal amount; throws AmountError with a message for people. */
export function parseAmount(text: string, decimals: number): bigint {
  const s = String(text).trim()
  const m = /^(\d+)(?:\.(\d+))?$/.exec(s)
  if (!m) {
    if (/^-/.test(s)) throw new AmountError(`amount must not be negative: ${JSON.stringify(text)}`)
    throw new AmountError(`not an amount: ${JSON.stringify(text)} (write it like 12.50)`)
  }
  const whole = m[1]
  const frac = m[2] ?? ''
  if (frac.length > decimals) {
    throw new AmountError(`too many decimals in ${JSON.stringify(text)}: this unit has ${decimals}`)
  }
  const value = BigInt(whole + frac.padEnd(decimals, '0'))
  if (value > AMOUNT_MAX) throw new AmountError(`amount ${text} is too large (at most ${formatAmount(AMOUNT_MAX, decimals)})`)
  return value
}

/** Formats minor units as a decimal with exactly `decimals` places; negative amounts keep their sign. */
export function formatAmount(value: bigint, decimals: number): string {
  const neg = value < 0n
  const digits = (neg ? -value : value).toString().padStart(decimals + 1, '0')
  const cut = digits.length - decimals
  const body = decimals === 0 ? digits : digits.slice(0, cut) + '.' + digits.slice(cut)
  return (neg ? '-' : '') + body
}
