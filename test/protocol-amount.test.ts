/** Decimal text <-> minor units: exact, with clear errors. */
import test from 'brittle'
import { AmountError, formatAmount, parseAmount, AMOUNT_MAX } from '../protocol/index.js'

const parses: Array<[string, number, bigint]> = [
  ['12.50', 2, 1250n],
  ['12.5', 2, 1250n],
  ['12', 2, 1200n],
  ['0.01', 2, 1n],
  [' 7 ', 0, 7n],
  ['0', 2, 0n],
  ['1.000001', 6, 1_000_001n],
  ['10000000000000.00', 2, AMOUNT_MAX]
]
for (const [text, d, want] of parses) {
  test(`amount - parse ${JSON.stringify(text)} with ${d} decimals => ${want}`, async (t) => {
    t.is(parseAmount(text, d), want)
  })
}

const refuses: Array<[string, number, RegExp]> = [
  ['-5', 2, /must not be negative/],
  ['12.345', 2, /too many decimals.*this unit has 2/],
  ['1.5', 0, /too many decimals/],
  ['abc', 2, /not an amount/],
  ['1e3', 2, /not an amount/],
  ['12,50', 2, /not an amount/],
  ['', 2, /not an amount/],
  ['0x10', 2, /not an amount/],
  ['10000000000000.01', 2, /too large/]
]
for (const [text, d, why] of refuses) {
  test(`amount - refuse ${JSON.stringify(text)} with ${d} decimals`, async (t) => {
    await t.exception(async () => parseAmount(text, d), why)
    try {
      parseAmount(text, d)
    } catch (err) {
      t.ok(err instanceof AmountError)
    }
  })
}

test('amount - format keeps exactly the unit decimals and the sign', async (t) => {
  t.is(formatAmount(1250n, 2), '12.50')
  t.is(formatAmount(-1250n, 2), '-12.50')
  t.is(formatAmount(5n, 2), '0.05')
  t.is(formatAmount(-5n, 2), '-0.05')
  t.is(formatAmount(0n, 2), '0.00')
  t.is(formatAmount(7n, 0), '7')
  for (const v of [0n, 1n, 99n, 100n, 123456789n, AMOUNT_MAX]) t.is(parseAmount(formatAmount(v, 3), 3), v, `round-trip ${v}`)
})
