/**
 * The library as an embedder meets it: pack it, install the tarball into a scratch TypeScript
 * project (strict, module nodenext, types ["node"], no skipLibCheck), compile the README's two
 * programs as written, run them and check what they print and that they exit on their own.
 */
import test from 'brittle'
import path from 'path'
import fs from 'fs'
import { Ledger } from '../src/index.js'
import { tmpdir } from './helpers/index.js'
import { ROOT, compile, packLibrary, readmeExample, run, scratchProject } from './helpers/pack.js'

/** A README program left running (a replicator not closed) is killed after this and fails. */
const PROGRAM_TIMEOUT_MS = 120_000

/**
 * `ledger.waitWritable()` comes with the `shape` branch; until this build has it, the programs
 * wait the way examples/embed.ts does, so everything else in them is still checked.
 */
function adapt(program: string): string {
  if (typeof (Ledger.prototype as unknown as Record<string, unknown>).waitWritable === 'function') return program
  return program.replace(/await (\w+)\.waitWritable\(\{ timeoutMs: [\d_]+ \}\)/g, 'while (!$1.writable || (await $1.self().catch(() => null)) === null) await $1.update()')
}

test('pack - a strict TypeScript project installs the tarball, compiles the README programs and runs them', { timeout: 900_000 }, async (t) => {
  const dir = tmpdir(t)
  const packed = await packLibrary(dir)

  t.comment(`package: ${packed.files.length} files, ${packed.size} bytes packed, ${packed.unpackedSize} unpacked`)
  for (const f of ['LICENSE', 'README.md', 'package.json', 'bin/tally.js', 'dist/src/index.js', 'dist/src/index.d.ts', 'dist/cli/main.js', 'dist/protocol/index.d.ts', 'types/holepunch/corestore.d.ts', 'docs/api.md', 'web/index.html', 'web/js/main.js']) {
    t.ok(packed.files.includes(f), `the package has ${f}`)
  }
  const stray = packed.files.filter((f) => /^(test|bench|\.ci|\.github|dist\/test|dist\/bench|dist\/examples|scripts)\//.test(f) || f.endsWith('.map') || f.endsWith('.ts') && !f.endsWith('.d.ts'))
  t.alike(stray, [], 'no tests, benches, CI files, sources or source maps')

  const install = await scratchProject(dir, packed.tarball)
  t.is(install.code, 0, `npm ci --offline in the scratch project${install.code === 0 ? '' : ': ' + install.stderr}`)
  if (install.code !== 0) return

  const version = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version
  const cli = await run(path.join(dir, 'node_modules', '.bin', 'tally'), ['--version'], { cwd: dir, timeoutMs: 60_000 })
  t.alike([cli.code, cli.stdout.trim()], [0, `tally ${version}`], 'the installed `tally` command runs')

  fs.writeFileSync(path.join(dir, 'embed.ts'), adapt(readmeExample('embed')))
  fs.writeFileSync(path.join(dir, 'network.ts'), adapt(readmeExample('network')))
  const tsconfig = JSON.parse(fs.readFileSync(path.join(dir, 'tsconfig.json'), 'utf8'))
  tsconfig.files = ['embed.ts', 'network.ts']
  t.absent(tsconfig.compilerOptions.skipLibCheck, 'no skipLibCheck')
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2))
  const built = await compile(dir)
  t.is(built.code, 0, `tsc: ${built.stdout}${built.stderr}`)
  if (built.code !== 0) return

  const embed = await run(process.execPath, ['out/embed.js'], { cwd: dir, timeoutMs: PROGRAM_TIMEOUT_MS })
  t.is(embed.code, 0, `embed.ts exits 0 on its own${embed.code === 0 ? '' : ': ' + embed.stderr}`)
  t.alike(embed.stdout.trim().split('\n'), ['refused: beta can spend 380.00 CTC', 'alpha 120.00 CTC', 'beta -120.00 CTC'])

  const network = await run(process.execPath, ['out/network.js'], { cwd: dir, timeoutMs: PROGRAM_TIMEOUT_MS })
  t.is(network.code, 0, `network.ts exits 0 on its own${network.code === 0 ? '' : ': ' + network.stderr}`)
  const lines = network.stdout.trim().split('\n')
  t.ok(lines.includes('alpha: 1 peer(s)'), 'alpha saw beta connect')
  t.is(lines.at(-1), 'alpha sees 25.00 CTC')
})
