/**
 * The package as an embedder meets it: `npm pack`, then a scratch TypeScript project in a temp dir
 * that installs the tarball. The install is offline: the scratch lockfile takes every dependency's
 * pinned version, tarball URL and integrity from this repo's package-lock.json, so `npm ci --offline`
 * finds them all in the npm cache that installed this repo.
 */
import { execFile } from 'child_process'
import fs from 'fs'
import path from 'path'
import { fileURLToPath } from 'url'

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..')
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm'

export interface RunResult {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

/** Runs a command to its end (or kills it after `timeoutMs`); never rejects. */
export function run(cmd: string, args: string[], opts: { cwd: string; timeoutMs: number; env?: NodeJS.ProcessEnv }): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = execFile(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, timeout: opts.timeoutMs, killSignal: 'SIGKILL', maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err && typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : err ? null : 0
      resolve({ code, signal: child.signalCode, stdout: String(stdout), stderr: String(stderr) })
    })
  })
}

export interface Packed {
  tarball: string
  files: string[]
  /** Bytes of the .tgz. */
  size: number
  unpackedSize: number
}

/**
 * Packs the repo into `dir`. Scripts are skipped: `npm test` has just built dist/, and a rebuild
 * here would rewrite files other test processes are loading.
 */
export async function packLibrary(dir: string): Promise<Packed> {
  const r = await run(NPM, ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: ROOT, timeoutMs: 120_000 })
  if (r.code !== 0) throw new Error(`npm pack failed (${r.code}): ${r.stderr}`)
  const [info] = JSON.parse(r.stdout) as Array<{ filename: string; size: number; unpackedSize: number; files: Array<{ path: string }> }>
  return { tarball: path.join(dir, info.filename), files: info.files.map((f) => f.path), size: info.size, unpackedSize: info.unpackedSize }
}

/** The compiler settings of a strict consumer: no skipLibCheck. */
export const STRICT_TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'nodenext',
    moduleResolution: 'nodenext',
    strict: true,
    types: ['node'],
    outDir: 'out'
  },
  files: ['main.ts']
}

/**
 * Makes a scratch project in `dir` depending on the tarball and @types/node, with a lockfile
 * built from this repo's (so nothing needs the network), and installs it with `npm ci --offline`.
 */
export async function scratchProject(dir: string, tarball: string): Promise<RunResult> {
  const repoLock = JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, Record<string, unknown>> }
  const lib = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as Record<string, unknown>
  const file = 'file:' + path.relative(dir, tarball)
  const typesNode = repoLock.packages['node_modules/@types/node'].version as string
  const dependencies = { 'tally-ledger': file, '@types/node': typesNode }
  const pkg = { name: 'tally-scratch', version: '1.0.0', private: true, type: 'module', dependencies }
  const packages: Record<string, Record<string, unknown>> = { '': { name: pkg.name, version: pkg.version, dependencies } }
  for (const [key, entry] of Object.entries(repoLock.packages)) {
    if (key === '' || !key.startsWith('node_modules/')) continue
    const { dev: _dev, devOptional: _devOptional, ...rest } = entry
    packages[key] = rest
  }
  packages['node_modules/tally-ledger'] = { version: lib.version, resolved: file, license: lib.license, dependencies: lib.dependencies, bin: lib.bin, engines: lib.engines }
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(pkg, null, 2))
  fs.writeFileSync(path.join(dir, 'package-lock.json'), JSON.stringify({ name: pkg.name, version: pkg.version, lockfileVersion: 3, requires: true, packages }, null, 2))
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify(STRICT_TSCONFIG, null, 2))
  return run(NPM, ['ci', '--offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, timeoutMs: 300_000 })
}

/** Compiles the scratch project with this repo's TypeScript. */
export function compile(dir: string): Promise<RunResult> {
  return run(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', dir], { cwd: dir, timeoutMs: 180_000 })
}

/** The TypeScript block that follows `<!-- example:NAME -->` in the README. */
export function readmeExample(name: string): string {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8')
  const marker = `<!-- example:${name} -->`
  const at = readme.indexOf(marker)
  if (at === -1) throw new Error(`README.md has no ${marker}`)
  const m = /```ts\n([\s\S]*?)\n```/.exec(readme.slice(at))
  if (!m) throw new Error(`no ts block after ${marker}`)
  return m[1] + '\n'
}
