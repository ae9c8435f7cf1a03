/**
 * Decimal text <-> integer minor units, exactly (no floats). "12.50" with 2 decimals is 1250n.
 */
import { AMOUNT_MAX } from './constants.js'

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
