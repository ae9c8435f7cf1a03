/**
 * A data dir copied with `cp -a` (a backup restored, a new disk) and a ledger.json naming the
 * wrong ledger, with the built `tally` binary: each is said for what it is, never "damaged";
 * `tally restore` adopts the copy; the store is never rebound to the wrong ledger.
 */
import test from 'brittle'
import { execFileSync } from 'child_process'
import fs from 'fs'
import path from 'path'
import { TallyProcesses } from '../cli/processes.js'
import { twoDataDirs } from './helpers/data-dirs.js'

test('copied data dir - refused with what happened, adopted by `tally restore`, then works', { timeout: 120_000 }, async (t) => {
  const dirs = await twoDataDirs(t, ['before the copy'])
  const procs = new TallyProcesses({ env: { ...process.env, TALLY_DIR: '' }, debug: true })
  t.teardown(() => procs.stopAll(), { order: 0 })
  const copy = dirs.alpha + '-copy'
  execFileSync('cp', ['-a', dirs.alpha, copy])
  t.teardown(() => fs.rmSync(copy, { recursive: true, force: true }), { order: 100 })

  const refused = await procs.run(['--dir', copy, 'balance'])
  t.is(refused.code, 1)
  t.ok(/was copied or moved here \(cp -a, a restore, a new disk\)/.test(refused.stderr), refused.stderr.trim())
  t.ok(refused.stderr.includes(`tally --dir ${copy} restore`), 'says what to run')
  t.absent(/damaged/.test(refused.stderr), 'not "damaged"')

  const restored = await procs.run(['--dir', copy, 'restore'])
  t.is(restored.code, 0, restored.stderr)
  t.ok(/adopted the store in .*never run the original again/.test(restored.stdout), restored.stdout.trim())
  const balance = await procs.run(['--dir', copy, '--json', 'balance'])
  t.is(balance.code, 0, balance.stderr)
  t.is(JSON.parse(balance.stdout).name, 'alpha')
  const history = await procs.run(['--dir', copy, 'history'])
  t.ok(history.stdout.includes('before the copy'), 'the copy holds the ledger')
  const again = await procs.run(['--dir', copy, 'restore'])
  t.ok(/was not copied or moved: nothing to do/.test(again.stdout), again.stdout.trim())
  // The original is untouched and still opens.
  t.is((await procs.run(['--dir', dirs.alpha, 'balance'])).code, 0)
})

test('wrong ledger key in ledger.json - reported as such, and the store is not rebound to it', { timeout: 120_000 }, async (t) => {
  const dirs = await twoDataDirs(t)
  const procs = new TallyProcesses({ env: { ...process.env, TALLY_DIR: '' }, debug: true })
  const file = path.join(dirs.beta, 'ledger.json')
  const config = JSON.parse(fs.readFileSync(file, 'utf8'))
  const right = config.key
  fs.writeFileSync(file, JSON.stringify({ ...config, key: 'ab'.repeat(32) }))
  const r = await procs.run(['--dir', dirs.beta, 'balance'])
  t.is(r.code, 1)
  t.ok(/names ledger abababababababab\.\.\., but the store in .* holds ledger [0-9a-f]{16}\.\.\.: ledger\.json was edited or comes from another data dir; put back the key [0-9a-f]{64}/.test(r.stderr), r.stderr.trim())
  t.ok(r.stderr.includes(right), 'names the right key')
  t.absent(/damaged|DECODING_ERROR/.test(r.stderr))
  fs.writeFileSync(file, JSON.stringify(config))
  const ok = await procs.run(['--dir', dirs.beta, '--json', 'balance'])
  t.is(ok.code, 0, 'with the right key back, it opens: ' + ok.stderr)
  t.is(JSON.parse(ok.stdout).name, 'beta')
})
