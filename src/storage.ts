/**
 * Opening a node's on-disk store with errors people can act on: a store held by another
 * process (a running `tally up`) or a damaged one names the directory instead of a stack trace.
 */
import Corestore from 'corestore'
import { LedgerError } from './errors.js'

/** Opens (creating if needed) the Corestore in `dir`; throws LedgerError STORAGE naming `dir`. */
export async function openStore(dir: string): Promise<Corestore> {
  let store: Corestore
  try {
    store = new Corestore(dir)
    await store.ready()
  } catch (err) {
    throw storageError(dir, err)
  }
  return store
}

/** Turns a storage failure into a LedgerError that names the path and says what to do. */
export function storageError(dir: string, err: unknown): LedgerError {
  const msg = (err as Error)?.message ?? String(err)
  if (/could not be locked|LOCK/i.test(msg)) {
    return new LedgerError('STORE_LOCKED', `the store in ${dir} is in use by another process (is \`tally up\` running for this dir?)`, { cause: err })
  }
  if (/EACCES|EROFS|permission|read-only/i.test(msg)) {
    return new LedgerError('STORAGE', `cannot write the store in ${dir}: ${msg}`, { cause: err })
  }
  if (/ENOSPC/i.test(msg)) return new LedgerError('STORAGE', `no space left for the store in ${dir}`, { cause: err })
  return new LedgerError('STORAGE', `the store in ${dir} cannot be opened (damaged?): ${msg}`, { cause: err })
}
