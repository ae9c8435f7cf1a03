/** Dependencies point one way: protocol/ imports nothing of ours, src/ never imports cli/. */
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
