/**
 * docs/api.md stays a reference of the whole public surface: every public member of Ledger and
 * Replicator (read from the built declarations, which list only public ones) has its entry.
 */
import test from 'brittle'
import fs from 'fs'
import path from 'path'
import { fileURLToPath } from 'url'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
const API = fs.readFileSync(path.join(ROOT, 'docs', 'api.md'), 'utf8')

/** Public members of an exported class in a built .d.ts: constructor and private ones left out. */
function publicMembers(dts: string, className: string): string[] {
  const text = fs.readFileSync(path.join(ROOT, 'dist', 'src', dts), 'utf8')
  const start = text.indexOf(`export declare class ${className} `)
  if (start === -1) throw new Error(`${className} not in ${dts}`)
  const body = text.slice(start, text.indexOf('\n}', start))
  const names = new Set<string>()
  for (const m of body.matchAll(/^ {4}(?:static |readonly |get )*(\w+)[?]?[(:<]/gm)) {
    if (m[1] !== 'constructor') names.add(m[1])
  }
  for (const m of body.matchAll(/^ {4}private (?:static |readonly |get )*(\w+)/gm)) names.delete(m[1])
  return [...names].sort()
}

test('docs - docs/api.md has an entry for every public member of Ledger', async (t) => {
  const members = publicMembers('ledger.d.ts', 'Ledger')
  t.ok(members.length > 30, `${members.length} public members read`)
  const missing = members.filter((name) => !new RegExp(`(ledger|Ledger)\\.${name}\\b`).test(API))
  t.alike(missing, [], 'every member is documented')
})

test('docs - docs/api.md has an entry for every public member of Replicator', async (t) => {
  const members = publicMembers(path.join('network', 'swarm.d.ts'), 'Replicator')
  t.ok(members.includes('waitForPeers') && members.includes('close'))
  const missing = members.filter((name) => !new RegExp(`net\\.${name}\\b`).test(API))
  t.alike(missing, [], 'every member is documented')
})
