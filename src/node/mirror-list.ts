/**
 * The mirrors a member's node uses (DIR/mirrors.json): the keys of always-on blind peers that keep
 * the ledger's encrypted cores (src/network/mirror.ts). A co-op's own choice, local to its node:
 * a mirror helps availability only and can read nothing, so the members need not agree on it.
 */
import fs from 'fs/promises'
import { LedgerError } from '../errors.js'

/** Parses a mirror key as `tally mirrors add` takes it: 64 hex digits, or 32 bytes. */
export function mirrorKey(text: string | Uint8Array): Uint8Array {
  if (typeof text !== 'string') {
    if (text.length !== 32) throw LedgerError.BAD_INPUT(`a mirror key is 32 bytes, got ${text.length}`)
    return text
  }
  const s = text.trim()
  if (/^[0-9a-fA-F]{64}$/.test(s)) return Buffer.from(s, 'hex')
  throw LedgerError.BAD_INPUT(`a mirror key is 64 hex digits, got ${JSON.stringify(text.length > 80 ? text.slice(0, 80) + '…' : text)}`)
}

interface MirrorFile {
  version: 1
  mirrors: string[]
}

/** Reads the list; an absent file is an empty list, a damaged one is STORAGE. */
export async function readMirrors(file: string): Promise<string[]> {
  let text: string
  try {
    text = await fs.readFile(file, 'utf8')
  } catch (caught) {
    const err = caught as NodeJS.ErrnoException
    if (err.code === 'ENOENT') return []
    throw LedgerError.STORAGE(`cannot read ${file}: ${err.message}`, { cause: err })
  }
  let doc: MirrorFile
  try {
    doc = JSON.parse(text)
  } catch {
    throw LedgerError.STORAGE(`${file} is damaged: not JSON`)
  }
  if (!doc || doc.version !== 1 || !Array.isArray(doc.mirrors) || !doc.mirrors.every((k) => typeof k === 'string' && /^[0-9a-f]{64}$/.test(k))) {
    throw LedgerError.STORAGE(`${file} is damaged: expected {version: 1, mirrors: [64 hex digits, ...]}`)
  }
  return doc.mirrors
}

/** Writes the list through a temp file and a rename, so a crash leaves the old list or the new. */
export async function writeMirrors(file: string, mirrors: string[]): Promise<void> {
  const tmp = file + '.tmp-' + process.pid
  try {
    await fs.writeFile(tmp, JSON.stringify({ version: 1, mirrors } satisfies MirrorFile, null, 2) + '\n', { mode: 0o600 })
    await fs.rename(tmp, file)
  } catch (caught) {
    await fs.rm(tmp, { force: true }).catch(() => {})
    throw LedgerError.STORAGE(`cannot write ${file}: ${(caught as Error).message}`, { cause: caught })
  }
}
