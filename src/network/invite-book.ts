/**
 * The steward and auditor invites a node has issued, kept in `invites.json` in its data dir.
 *
 * Why a file and not the ledger view: these invites admit (or hand out the keys) at once, with no
 * decision by the members, so only the steward who issued one answers it, and keeping them out of
 * the ledger keeps unused codes (and who was invited with what limit) private to the steward.
 * Member invites, which the members decide, are entries in the ledger instead, so any member's
 * node can answer them (invite-issue.ts, SPEC.md §10). The file holds no secret that lets anyone
 * join: the code's seed is printed once and never stored.
 *
 * Only the process holding the data dir's store lock writes the file (the running node, or a
 * command that opened the store itself), so writes never race; each write replaces the file
 * atomically (write a temp file, then rename).
 */
import fs from 'fs/promises'
import type { Hex } from '../../protocol/index.js'
import { LedgerError } from '../errors.js'

/** One issued invite. */
export interface InviteRecord {
  /** blind-pairing invite id (hex). */
  id: Hex
  /** The invite's public key (hex): opens the requests made with the code. */
  publicKey: Hex
  /** When it was issued, ms since the epoch. */
  createdAt: number
  /** When it stops being accepted, ms since the epoch; 0 for never. */
  expires: number
  /** An auditor invite hands out the keys to read the ledger, without admitting a member. */
  auditor: boolean
  /** The credit limit to admit with, in minor units (decimal string), or null for the ledger default. */
  creditLimit: string | null
  /**
   * The role granted (`member` or `auditor`) signed by the invite's key at creation (hex): sent
   * back with the confirmation so the candidate knows, verifiably, what it was granted.
   */
  grant: { data: string; signature: string }
  /** Who used it, once used. */
  used: {
    at: number
    account: Hex
    writer: Hex
    name: string
    /** When the members decide admissions: the admit proposal this use made (the keys go out once it passes). */
    proposal?: Hex | null
  } | null
}

interface BookFile {
  version: 1
  invites: InviteRecord[]
}

export class InviteBook {
  private readonly records = new Map<string, InviteRecord>()
  private loaded = false
  private saving: Promise<void> = Promise.resolve()

  constructor(readonly file: string) {}

  /** Reads the file (a missing file is an empty book). */
  async load(): Promise<void> {
    let text: string
    try {
      text = await fs.readFile(this.file, 'utf8')
    } catch (caught) {
      const err = caught as NodeJS.ErrnoException
      if (err.code !== 'ENOENT') throw LedgerError.STORAGE(`cannot read ${this.file}: ${err.message}`, { cause: err })
      this.loaded = true
      return
    }
    let doc: BookFile
    try {
      doc = JSON.parse(text)
    } catch {
      throw LedgerError.STORAGE(`${this.file} is damaged: not JSON`)
    }
    if (!doc || doc.version !== 1 || !Array.isArray(doc.invites)) throw LedgerError.STORAGE(`${this.file} is damaged: expected {version: 1, invites: [...]}`)
    this.records.clear()
    for (const r of doc.invites) this.records.set(r.id, r)
    this.loaded = true
  }

  get(id: string): InviteRecord | null {
    this.assertLoaded()
    return this.records.get(id) ?? null
  }

  list(): InviteRecord[] {
    this.assertLoaded()
    return [...this.records.values()].sort((a, b) => a.createdAt - b.createdAt)
  }

  async add(record: InviteRecord): Promise<void> {
    this.assertLoaded()
    this.records.set(record.id, record)
    await this.save()
  }

  /** Records who used an invite (persisted before the candidate is confirmed). */
  async markUsed(id: string, used: NonNullable<InviteRecord['used']>): Promise<void> {
    const r = this.records.get(id)
    if (!r) throw LedgerError.UNKNOWN_INVITE(`no invite ${id}`)
    this.records.set(id, { ...r, used })
    await this.save()
  }

  /** Makes an invite usable again (when the admit it was used for was refused and nothing was appended). */
  async unmark(id: string): Promise<void> {
    const r = this.records.get(id)
    if (!r) return
    this.records.set(id, { ...r, used: null })
    await this.save()
  }

  /** Saves one at a time (two invites issued at once must not interleave their temp files). */
  private save(): Promise<void> {
    const next = this.saving.then(() => this.write())
    this.saving = next.catch(() => {})
    return next
  }

  private async write(): Promise<void> {
    const doc: BookFile = { version: 1, invites: this.list() }
    const tmp = this.file + '.tmp-' + process.pid
    try {
      await fs.writeFile(tmp, JSON.stringify(doc, null, 2) + '\n', { mode: 0o600 })
      await fs.rename(tmp, this.file)
    } catch (caught) {
      const err = caught as NodeJS.ErrnoException
      await fs.rm(tmp, { force: true }).catch(() => {})
      throw LedgerError.STORAGE(`cannot write ${this.file}: ${err.message}`, { cause: err })
    }
  }

  private assertLoaded(): void {
    if (!this.loaded) throw new Error('InviteBook used before load()')
  }
}
