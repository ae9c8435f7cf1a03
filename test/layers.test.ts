/**
 * Dependencies point one way: protocol/ imports nothing of ours, src/ never imports cli/, and cli/
 * reaches the library only through its public entries and never a rule module.
 */
import test from 'brittle'
import fs from 'fs'
import path from 'path'
import { fileURLToPath } from 'url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

function sources(dir: string): string[] {
  const abs = path.join(root, dir)
  if (!fs.existsSync(abs)) return []
  return fs.readdirSync(abs, { withFileTypes: true, recursive: true } as any)
    .filter((d: any) => d.isFile() && d.name.endsWith('.ts'))
    .map((d: any) => path.join(d.parentPath ?? d.path, d.name))
}

function imports(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8')
  return [...text.matchAll(/(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1] ?? m[2])
}

const PROTOCOL_ALLOWED = new Set(['b4a', 'compact-encoding', 'sodium-native'])

test('layers - protocol/ is pure: only b4a, compact-encoding, sodium-native and itself', async (t) => {
  const bad: string[] = []
  for (const f of sources('protocol')) {
    for (const spec of imports(f)) {
      if (spec.startsWith('./')) continue
      if (!PROTOCOL_ALLOWED.has(spec)) bad.push(`${path.relative(root, f)} imports ${spec}`)
    }
  }
  t.alike(bad, [])
})

test('layers - src/ never imports cli/, bench/ or test/', async (t) => {
  const bad: string[] = []
  for (const f of sources('src')) {
    for (const spec of imports(f)) if (/(^|\/)(cli|bench|test)\//.test(spec)) bad.push(`${path.relative(root, f)} imports ${spec}`)
  }
  t.alike(bad, [])
})

test('layers - no I/O or clock in protocol/', async (t) => {
  const bad: string[] = []
  for (const f of sources('protocol')) {
    const text = fs.readFileSync(f, 'utf8')
    for (const word of ['Date.now', 'Math.random', 'setTimeout', "from 'fs", 'process.']) if (text.includes(word)) bad.push(`${path.relative(root, f)} uses ${word}`)
  }
  t.alike(bad, [])
})

/** The library's public entries (package.json "exports"): the main one, and the light one the CLI starts with. */
const PUBLIC_ENTRIES = new Set(['src/index.ts', 'src/cli-surface.ts'])
/** Modules that decide entries: a client asks the library (or protocol's small checks), never these. */
const RULE_MODULES = ['protocol/rules.ts', 'protocol/governance.ts', 'protocol/federation.ts', 'protocol/position.ts']

function target(file: string, spec: string): string | null {
  if (!spec.startsWith('.')) return null
  return path.relative(root, path.resolve(path.dirname(file), spec)).replace(/\.js$/, '.ts')
}

test('layers - cli/ imports the library only through its public entries (src/index.ts, src/cli-surface.ts)', async (t) => {
  const bad: string[] = []
  for (const f of sources('cli')) {
    for (const spec of imports(f)) {
      const to = target(f, spec)
      if (to === null || !/^(src|protocol)\//.test(to)) continue
      if (!PUBLIC_ENTRIES.has(to)) bad.push(`${path.relative(root, f)} imports ${to}`)
    }
  }
  t.alike(bad, [])
})

test('layers - the light entry the CLI starts with exposes no rule module', async (t) => {
  const file = path.join(root, 'src', 'cli-surface.ts')
  const reached = imports(file).map((spec) => target(file, spec))
  t.ok(reached.length > 5, `${reached.length} modules re-exported`)
  t.alike(reached.filter((to) => to !== null && RULE_MODULES.includes(to)), [])
})
