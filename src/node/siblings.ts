/**
 * A bridge co-op's other data dirs: `tally link DIR2` run on DIR1 records, in DIR1/siblings.json,
 * that the ledger DIR2 holds is reached through DIR2's node. The node's bridge half
 * (bridge-half.ts) reads it to find the sibling node's local socket.
 *
 * ```
 * { "version": 1, "siblings": { "<other ledger key>": "/abs/path/DIR2" } }
 * ```
 */
import fs from 'fs/promises'
import path from 'path'
import { isKeyHex } from '../../protocol/hex.js'
import type { Hex } from '../../protocol/types.js'
import { LedgerError } from '../errors.js'
import type { DataDir } from './data-dir.js'

export function siblingsFile(dir: DataDir): string {
  return path.join(dir.root, 'siblings.json')
}

/** The recorded sibling dirs by the other ledger's key; empty when none was recorded. */
export async function readSiblings(dir: DataDir): Promise<Map<Hex, string>> {
  let text: string
  try {
    text = await fs.readFile(siblingsFile(dir), 'utf8')
  } catch (caught) {
    const err = caught as NodeJS.ErrnoException
    if (err.code === 'ENOENT') return new Map()
    throw LedgerError.STORAGE(`cannot read ${siblingsFile(dir)}: ${err.message}`, { cause: err })
  }
  let doc: { version?: number; siblings?: Record<string, unknown> }
  try {
    doc = JSON.parse(text)
  } catch {
    throw LedgerError.STORAGE(`${siblingsFile(dir)} is damaged: not JSON`)
  }
  const out = new Map<Hex, string>()
  for (const [key, root] of Object.entries(doc?.siblings ?? {})) if (isKeyHex(key) && typeof root === 'string') out.set(key as Hex, root)
  return out
}

/** Records (or replaces) the sibling dir holding ledger `key`; written whole to a temp file, then renamed. */
export async function recordSibling(dir: DataDir, key: Hex, root: string): Promise<void> {
  const siblings = await readSiblings(dir)
  siblings.set(key, path.resolve(root))
  const file = siblingsFile(dir)
  const tmp = file + '.tmp'
  try {
    await fs.writeFile(tmp, JSON.stringify({ version: 1, siblings: Object.fromEntries(siblings) }, null, 2) + '\n', { mode: 0o600 })
    await fs.rename(tmp, file)
  } catch (caught) {
    const err = caught as NodeJS.ErrnoException
    throw LedgerError.STORAGE(`cannot write ${file}: ${err.message}`, { cause: err })
  }
}
