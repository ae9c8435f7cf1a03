/**
 * Paying once: an idempotency key per payment, kept by this node for its own writes only.
 *
 * `tally pay` carries a key (given with `--key`, else made up and printed). Before the payment is
 * written, the key is recorded in DIR/pay-keys.json with what it pays; once written, with the
 * entry id. A payment retried with the same key (after a time-out, a Ctrl-C, a hung node) finds
 * the record and answers with the first payment instead of paying again. The entry carries
 * nothing new on the wire: the key never leaves this data dir (ARCHITECTURE.md, "Paying once").
 * Only the process holding the store (the running node, or the one command) runs payments, so
 * one process writes the file; within it, one payment per key runs at a time.
 */
import fs from 'fs/promises'
import { fromHex, type Hex } from '../../protocol/index.js'
import { LedgerError } from '../errors.js'
import type { Ledger, Receipt } from '../ledger.js'
import type { EntryRecord } from '../records.js'

/** Keys remembered at most (the oldest are forgotten first): retries come within minutes. */
export const PAY_KEYS_MAX = 1000
/** How far back in this member's history an interrupted payment is looked for. */
const HISTORY_SCAN = 500

const KEY_RE = /^[A-Za-z0-9_-]{1,64}$/

export interface PayKeyRecord {
  key: string
  payee: Hex
  /** Minor units, decimal. */
  amount: string
  memo: string
  /** When the payment was started (ms since the epoch). */
  at: number
  /** The entry id once written; null while (or if) the write did not finish. */
  id: Hex | null
}

interface KeysFile {
  version: 1
  keys: PayKeyRecord[]
}

/** Whether `key` is a usable idempotency key: 1-64 letters, digits, `_` or `-`. */
export function isPayKey(key: string): boolean {
  return KEY_RE.test(key)
}

export class PayKeys {
  private readonly records = new Map<string, PayKeyRecord>()
  private loaded: Promise<void> | null = null
  private saving: Promise<void> = Promise.resolve()
  /** One payment per key at a time. */
  private readonly running = new Map<string, Promise<unknown>>()

  constructor(readonly file: string) {}

  /**
   * Pays `amount` to `payee` once per `key`: the first call writes the transfer; a later call
   * with the same key returns the first one's record (`repeated: true`), also when the first was
   * interrupted after the entry was written. The same key for a different payment is BAD_INPUT.
   */
  async payOnce(ledger: Ledger, key: string, payee: Hex, amount: bigint, memo: string): Promise<{ receipt: Receipt; repeated: boolean }> {
    if (!isPayKey(key)) throw LedgerError.BAD_INPUT(`--key must be 1 to 64 letters, digits, _ or -, got ${JSON.stringify(key)}`)
    const before = this.running.get(key) ?? Promise.resolve()
    const run = before.catch(() => {}).then(() => this.pay(ledger, key, payee, amount, memo))
    this.running.set(key, run)
    try {
      return await run
    } finally {
      if (this.running.get(key) === run) this.running.delete(key)
    }
  }

  private async pay(ledger: Ledger, key: string, payee: Hex, amount: bigint, memo: string): Promise<{ receipt: Receipt; repeated: boolean }> {
    await this.load()
    const old = this.records.get(key)
    if (old) {
      if (old.payee !== payee || old.amount !== amount.toString() || old.memo !== memo) {
        throw LedgerError.BAD_INPUT(`key ${key} was already used for another payment (${old.amount} minor units to ${old.payee.slice(0, 8)}): use a new key for a new payment`)
      }
      // Known id: the entry was written, whatever happened after. Unknown: look for it among our own.
      const record = old.id !== null ? ((await findOwn(ledger, (r) => r.id === old.id)) ?? (await ledger.entry(old.id))) : await findOwn(ledger, (r) => matches(r, old))
      if (old.id !== null && record === null) throw LedgerError.NOT_SYNCED(`key ${key} already paid entry ${old.id.slice(0, 8)}, which this node's view does not show yet: run \`tally up\` and look again`)
      if (record) {
        if (old.id === null) await this.save({ ...old, id: record.id })
        return { receipt: { id: record.id, record }, repeated: true }
      }
      // Never written (the first attempt stopped before its append): pay now, under the same key.
    }
    await this.save({ key, payee, amount: amount.toString(), memo, at: Date.now(), id: null })
    const receipt = await ledger.transfer(fromHex(payee), amount, { memo })
    await this.save({ ...this.records.get(key)!, id: receipt.id })
    return { receipt, repeated: false }
  }

  private load(): Promise<void> {
    if (this.loaded === null) this.loaded = this.read()
    return this.loaded
  }

  private async read(): Promise<void> {
    let text: string
    try {
      text = await fs.readFile(this.file, 'utf8')
    } catch (caught) {
      const err = caught as NodeJS.ErrnoException
      if (err.code === 'ENOENT') return
      throw LedgerError.STORAGE(`cannot read ${this.file}: ${err.message}`, { cause: err })
    }
    let doc: KeysFile
    try {
      doc = JSON.parse(text)
    } catch {
      throw LedgerError.STORAGE(`${this.file} is damaged: not JSON (it only remembers payment keys: remove it to start afresh)`)
    }
    if (!doc || doc.version !== 1 || !Array.isArray(doc.keys)) throw LedgerError.STORAGE(`${this.file} is damaged: expected {version: 1, keys: [...]}`)
    for (const r of doc.keys) this.records.set(r.key, r)
  }

  /** Records `rec` and writes the file (one write at a time, through a temp file and a rename). */
  private save(rec: PayKeyRecord): Promise<void> {
    this.records.delete(rec.key)
    this.records.set(rec.key, rec)
    while (this.records.size > PAY_KEYS_MAX) this.records.delete(this.records.keys().next().value!)
    const next = this.saving.then(() => this.write())
    this.saving = next.catch(() => {})
    return next
  }

  private async write(): Promise<void> {
    const doc: KeysFile = { version: 1, keys: [...this.records.values()] }
    const tmp = this.file + '.tmp-' + process.pid
    try {
      await fs.writeFile(tmp, JSON.stringify(doc) + '\n', { mode: 0o600 })
      await fs.rename(tmp, this.file)
    } catch (caught) {
      const err = caught as NodeJS.ErrnoException
      await fs.rm(tmp, { force: true }).catch(() => {})
      throw LedgerError.STORAGE(`cannot write ${this.file}: ${err.message}`, { cause: err })
    }
  }
}

/** A transfer this member wrote that `old` describes, written no earlier than it was started. */
function matches(r: EntryRecord, old: PayKeyRecord): boolean {
  return r.type === 'transfer' && r.status === 'applied' && r.payee === old.payee && r.amount === old.amount && r.memo === old.memo && r.timestamp >= old.at - 1000
}

/** The newest of this member's recent entries that `pred` accepts (its own writes applied here first). */
async function findOwn(ledger: Ledger, pred: (r: EntryRecord) => boolean): Promise<EntryRecord | null> {
  await ledger.update()
  for (const r of await ledger.history(undefined, { limit: HISTORY_SCAN })) if (r.author === ledger.account && pred(r)) return r
  return null
}
