/**
 * Checks of the amounts the library is called with, before anything is signed: an amount is a
 * bigint of minor units within the protocol's bounds (protocol/amount.ts), refused with the
 * reject code the rules would give it.
 */
import { AMOUNT_MAX, amountProblem } from '../protocol/index.js'
import { LedgerError } from './errors.js'

export function checkAmountArg(amount: bigint): bigint {
  if (typeof amount !== 'bigint') throw LedgerError.BAD_INPUT('amounts are bigint minor units (e.g. 1250n for 12.50)')
  const problem = amountProblem(amount)
  if (problem === 'amount_too_large') throw LedgerError.REJECTED(`amount ${amount} is over ${AMOUNT_MAX}`, { reject: problem })
  if (problem === 'amount_not_positive') throw LedgerError.REJECTED(`amount ${amount} is not positive`, { reject: problem })
  return amount
}
