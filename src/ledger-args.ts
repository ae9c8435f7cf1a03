/**
 * Checks of the amounts the library is called with, before anything is signed: an amount is a
 * bigint of minor units, and one over the protocol's bound is refused with its reject code.
 */
import { AMOUNT_MAX } from '../protocol/index.js'
import { LedgerError } from './errors.js'

export function checkAmountArg(amount: bigint): bigint {
  if (typeof amount !== 'bigint') throw LedgerError.BAD_INPUT('amounts are bigint minor units (e.g. 1250n for 12.50)')
  if (amount > AMOUNT_MAX) throw LedgerError.REJECTED(`amount ${amount} is over ${AMOUNT_MAX}`, { reject: 'amount_too_large' })
  return amount
}
