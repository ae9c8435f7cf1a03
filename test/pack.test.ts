/**
 * The library as an embedder meets it: pack it, install the tarball into a scratch TypeScript
 * project (strict, module nodenext, types ["node"], no skipLibCheck), compile the README's two
 * programs as written, run them and check what they print and that they exit on their own.
 */
import test from 'brittle'
import path from 'path'
import fs from 'fs'
import { tmpdir } from './helpers/index.js'
import { ROOT, compile, packLibrary, readmeExample, run, scratchProject } from './helpers/pack.js'

/** A README program left running (a replicator not closed) is killed after this and fails. */
const PROGRAM_TIMEOUT_MS = 120_000

/**
 * Compiled, not run: a caller's own Corestore, typed events and replication streams. Each
 * `@ts-expect-error` fails the compile if the line it marks has no type error.
 */
const TYPED_PROGRAM = `import Corestore from 'corestore'
import { Ledger, LedgerError, Replicator, generateKeyPair, type ReplicationStream, type MemberBalance } from 'tally-ledger'

export async function typed(dir: string): Promise<MemberBalance[]> {
  const store = new Corestore(dir)
  const ledger = await Ledger.create({ store, identity: generateKeyPair(), name: 'Typed', unitCode: 'TYP', memberName: 'alpha' })
  ledger.on('update', () => {})
  ledger.on('interrupt', (err: LedgerError) => console.log(err.code))
  ledger.on('equivocation', (evidence) => console.log(evidence === null))
  // @ts-expect-error 'update' has no arguments
  ledger.on('update', (n: number) => console.log(n))
  // @ts-expect-error there is no such event
  ledger.on('updated', () => {})
  const a: ReplicationStream = ledger.replicate(true)
  const b = ledger.replicate(false)
  a.pipe(b).pipe(a)
  // @ts-expect-error a stream, not a string
  const wrong: string = ledger.replicate(true)
  const net = new Replicator(ledger)
  net.on('connection', (peers: number) => console.log(peers))
  // @ts-expect-error the count is a number
  net.on('disconnection', (peers: string) => console.log(peers))
  const key: Uint8Array = ledger.key
  const writable: boolean = ledger.writable
  console.log(key, writable, wrong, ledger.encryptionKey, ledger.writerKey)
  await net.close()
  const members = await ledger.members()
  await ledger.close()
  await store.close()
  return members
}
`

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

  fs.writeFileSync(path.join(dir, 'embed.ts'), readmeExample('embed'))
  fs.writeFileSync(path.join(dir, 'network.ts'), readmeExample('network'))
  fs.writeFileSync(path.join(dir, 'typed.ts'), TYPED_PROGRAM)
  const tsconfig = JSON.parse(fs.readFileSync(path.join(dir, 'tsconfig.json'), 'utf8'))
  tsconfig.files = ['embed.ts', 'network.ts', 'typed.ts']
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
