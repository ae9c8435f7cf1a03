/**
 * Opening a node's on-disk store with errors people can act on: a store held by another
 * process (a running `tally up`), a damaged file, a read-only or full disk each give one line
 * naming the directory and, where it can be told, the file, instead of a stack trace.
 */
import path from 'path'
import Corestore from 'corestore'
import { LedgerError } from './errors.js'

/** Opens (creating if needed) the Corestore in `dir`; throws LedgerError STORAGE naming `dir`. */
export async function openStore(dir: string): Promise<Corestore> {
  let store: Corestore | null = null
  try {
    store = new Corestore(dir)
    await store.ready()
  } catch (err) {
    if (store) await store.close().catch(() => {})
    throw storageError(dir, err)
  }
  return store
}

/** The directory a Corestore keeps its files in, if it can be told. */
export function storeDir(store: Corestore): string | null {
  const p = (store.storage as { path?: unknown } | undefined)?.path
  return typeof p === 'string' ? p : null
}

/** Every error in a cause chain (and in AggregateErrors), outermost first. */
function causes(err: unknown): Array<{ code?: string; message: string }> {
  const out: Array<{ code?: string; message: string }> = []
  const queue = [err]
  while (queue.length > 0 && out.length < 16) {
    const e = queue.shift() as any
    if (e === null || e === undefined) continue
    out.push({ code: typeof e.code === 'string' ? e.code : undefined, message: String(e.message ?? e) })
    if (e.cause) queue.push(e.cause)
    if (Array.isArray(e.errors)) queue.push(...e.errors)
  }
  return out
}

/** The file a storage error is about: named in the message, or known from the error kind. */
function fileOf(dir: string, chain: Array<{ code?: string; message: string }>): string | null {
  for (const { message } of chain) {
    const named = /(\/[^\s:'",]+)/.exec(message)
    if (named && named[1].startsWith(path.resolve(dir))) return named[1]
  }
  for (const { code, message } of chain) {
    if (code === 'DEVICE_FILE') return path.join(dir, 'CORESTORE')
    if (/CURRENT file|wal_dir contains existing log file/.test(message)) return path.join(dir, 'db', 'CURRENT')
  }
  return null
}

/** Whether an error came from the file system (as opposed to a bug): it carries an errno-style code. */
export function isStorageFailure(err: unknown): boolean {
  return causes(err).some(({ code, message }) => (code !== undefined && /^E[A-Z]+$|^DEVICE_FILE$/.test(code)) || /No space left|Read-only file system|Batch was not applied/.test(message))
}

/** Turns a storage failure into a one-line LedgerError that names the path and says what to do. */
export function storageError(dir: string, err: unknown): LedgerError {
  const chain = causes(err)
  const all = chain.map((c) => `${c.code ?? ''} ${c.message}`).join(' | ')
  const file = fileOf(dir, chain)
  const detail = (chain.find((c) => c.code !== undefined && c.code !== 'STORAGE') ?? chain[chain.length - 1] ?? { message: String(err) }).message.replace(/\s+/g, ' ').trim()
  if (/could not be locked|LOCK: .*(Resource temporarily unavailable|lock)/i.test(all)) {
    return LedgerError.STORE_LOCKED(`the store in ${dir} is in use by another process (is \`tally up\` running for this dir?)`, { cause: err })
  }
  if (/ENOSPC|No space left/i.test(all)) {
    return LedgerError.STORAGE(`no space left on the disk holding the store in ${dir}${file ? ` (writing ${file})` : ''}: free some space, then open it again`, { cause: err })
  }
  if (/EROFS|Read-only file system|EACCES|EPERM|permission denied/i.test(all)) {
    return LedgerError.STORAGE(`cannot write the store in ${dir}${file ? ` (${file})` : ''}: ${/EROFS|Read-only/i.test(all) ? 'the file system is read-only' : 'permission denied'}`, { cause: err })
  }
  return LedgerError.STORAGE(`the store in ${dir} cannot be opened: ${file ? `${file} is damaged or missing` : 'it is damaged'} (${detail})`, { cause: err })
}
