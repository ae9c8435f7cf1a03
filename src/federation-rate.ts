/**
 * A link's rate from text, as an exact fraction (protocol/SPEC.md §12). Apart from federation-api.ts
 * so the CLI can parse a rate without loading the native crypto module.
 */
import { AMOUNT_MAX } from '../protocol/constants.js'
import { LedgerError } from './errors.js'

/**
 * A rate as an exact fraction: "3/2", "1.5" or "2". Amounts on the other side are rounded down
 * (protocol `convert`), so a rate is never a float.
 */
export function parseRate(text: string): { rateNum: bigint; rateDen: bigint } {
  const t = text.trim()
  let num: bigint
  let den: bigint
  const frac = /^(\d{1,16})\/(\d{1,16})$/.exec(t)
  const dec = /^(\d{1,16})(?:\.(\d{1,12}))?$/.exec(t)
  if (frac) {
    num = BigInt(frac[1])
    den = BigInt(frac[2])
  } else if (dec) {
    const places = dec[2] ?? ''
    num = BigInt(dec[1] + places)
    den = 10n ** BigInt(places.length)
  } else throw LedgerError.BAD_INPUT(`a rate is a fraction like 3/2 or a decimal like 1.5, not ${JSON.stringify(text)}`)
  if (num <= 0n || den <= 0n) throw LedgerError.BAD_INPUT(`a rate must be above 0, not ${JSON.stringify(text)}`)
  const g = gcd(num, den)
  num /= g
  den /= g
  if (num > AMOUNT_MAX || den > AMOUNT_MAX) throw LedgerError.BAD_INPUT(`the rate ${text} is too fine`)
  return { rateNum: num, rateDen: den }
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b]
  return a
}

