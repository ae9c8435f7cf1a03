/**
 * Opening a node's on-disk store with errors people can act on: a store held by another
 * process (a running `tally up`), a damaged file, a read-only or full disk each give one line
 * naming the directory and, where it can be told, the file, instead of a stack trace.
 */
import fs from 'fs/promises'
import { readFileSync } from 'fs'
import path from 'path'
import type Corestore from 'corestore'
import { LedgerError } from './errors.js'
import { newCorestore } from './store-options.js'

/** RocksDB info logs kept (it starts a new one at every open and never removes the old ones). */
const OLD_LOGS_KEPT = 3

/** Opens (creating if needed) the Corestore in `dir`, owner-only; throws LedgerError STORAGE naming `dir`. */
export async function openStore(dir: string): Promise<Corestore> {
  let store: Corestore | null = null
  try {
    // The store holds the ledger's encryption keys and every entry: owner-only, like the data dir.
    await fs.mkdir(dir, { recursive: true, mode: 0o700 })
    await fs.chmod(dir, 0o700)
    await pruneOldLogs(path.join(dir, 'db'))
    store = newCorestore(dir)
    await store.ready()
  } catch (err) {
    if (store) await store.close().catch(() => {})
    throw storageError(dir, err)
  }
  return store
}

/** Removes all but the newest few `LOG.old.*` files RocksDB leaves at each open (informational logs, never data). */
async function pruneOldLogs(db: string): Promise<void> {
  let names: string[]
  try {
    names = (await fs.readdir(db)).filter((n) => /^LOG\.old\.\d+$/.test(n))
  } catch {
    return
  }
  names.sort((a, b) => Number(b.slice(8)) - Number(a.slice(8)))
  for (const n of names.slice(OLD_LOGS_KEPT)) await fs.rm(path.join(db, n), { force: true }).catch(() => {})
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
  if (/DEVICE_FILE/.test(all) && /was modified|moved unsafely|different platform/.test(all) && isWholeDeviceFile(dir)) {
    return new LedgerError(
      'STORE_MOVED',
      `the store in ${dir} was copied or moved here (cp -a, a restore, a new disk). It is refused until adopted, so that two copies never write as one member (that would fork this member's log, which every auditor reports). If this copy replaces the original and the original will not run again, run \`tally --dir ${path.dirname(dir)} restore\``,
      { cause: err }
    )
  }
  if (/ENOSPC|No space left/i.test(all)) {
    return LedgerError.STORAGE(`no space left on the disk holding the store in ${dir}${file ? ` (writing ${file})` : ''}: free some space, then open it again`, { cause: err })
  }
  if (/EROFS|Read-only file system|EACCES|EPERM|permission denied/i.test(all)) {
    return LedgerError.STORAGE(`cannot write the store in ${dir}${file ? ` (${file})` : ''}: ${/EROFS|Read-only/i.test(all) ? 'the file system is read-only' : 'permission denied'}`, { cause: err })
  }
  if (/EFBIG|File too large/i.test(all)) {
    return LedgerError.STORAGE(`cannot write the store in ${dir}${file ? ` (${file})` : ''}: a file reached the file size limit (ulimit -f)`, { cause: err })
  }
  if (/Batch was not applied/.test(all)) {
    // RocksDB says no more than this when a write fails: the disk, its permissions or a size limit.
    return LedgerError.STORAGE(`a write to the store in ${dir} failed (the disk is full or read-only, or a file size limit was reached)`, { cause: err })
  }
  return LedgerError.STORAGE(`the store in ${dir} cannot be opened: ${file ? `${file} is damaged or missing` : 'it is damaged'} (${detail})`, { cause: err })
}

/**
 * Whether the store's device file is whole (it names an inode): then a refusal means the store was
 * copied or moved; a truncated or garbled one is damage, reported as such.
 */
function isWholeDeviceFile(dir: string): boolean {
  try {
    return /^device\/inode=\d+$/m.test(readFileSync(path.join(dir, 'CORESTORE'), 'utf8'))
  } catch {
    return false
  }
}

/**
 * Adopts a store that was copied or moved here (`tally restore`): hypercore-storage keeps a device
 * file (CORESTORE) bound to the file's inode, and refuses a copy so that two copies of one writer
 * never both write. Removing it binds the store to this place; it is written again on open.
 * Returns false when the store opened as it was (nothing to adopt). Throws STORE_LOCKED when a
 * process has it open.
 */
export async function adoptStore(dir: string): Promise<boolean> {
  try {
    const store = await openStore(dir)
    await store.close()
    return false
  } catch (err) {
    if (!(err instanceof LedgerError) || err.code !== 'STORE_MOVED') throw err
  }
  await fs.rm(path.join(dir, 'CORESTORE'), { force: true })
  const store = await openStore(dir)
  await store.close()
  return true
}

/**
 * The ledger key a store's local writer is bound to (Autobase keeps it as the writer core's
 * `referrer`), or null for a store that holds no ledger yet. Read before opening the ledger:
 * opening with another key would rebind the writer to that ledger.
 */
export async function storedLedgerKey(store: Corestore, namespace = 'tally'): Promise<Uint8Array | null> {
  const local = store.namespace(namespace).get({ name: 'local', active: false })
  try {
    await local.ready()
    return ((await local.getUserData('referrer')) as Uint8Array | null) ?? null
  } finally {
    await local.close()
  }
}
