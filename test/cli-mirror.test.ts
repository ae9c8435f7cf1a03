/**
 * Mirrors through the CLI, as a co-op would use them: `tally mirror` runs a blind peer, members
 * add its key with `tally mirrors add`, and a payment made while the payee's node was off reaches
 * the payee after the payer's node went off too: no member's node is up, only the mirror.
 */
import test from 'brittle'
import fs from 'fs'
import path from 'path'
import { until } from './helpers/index.js'
import { cliWorld } from './helpers/cli.js'

const WAIT_MS = 90_000
const POLL = () => new Promise((r) => setTimeout(r, 300))

test('cli mirror - a payment reaches a member while the payer\'s node is off, through a mirror alone', { timeout: 300_000 }, async (t) => {
  const { procs, dir, tally, raw, stopClean } = cliWorld(t)
  const wait = (cond: () => Promise<boolean>, what: string) => until(cond, what, POLL, WAIT_MS)

  const boot = await procs.start('bootstrap', ['bootstrap'], /^127\.0\.0\.1:\d+$/)
  const bootstrap = boot.stdout.split('\n')[0]
  const mirror = await procs.start('mirror', ['--dir', dir('mirror'), 'mirror', '--bootstrap', bootstrap], /^[0-9a-f]{64}$/)
  const key = mirror.stdout.split('\n')[0]

  await tally('alpha', ['init', '--name', 'alpha'])
  await tally('beta', ['init', '--name', 'beta'])
  await tally('alpha', ['ledger', 'create', '--name', 'Mirror Exchange', '--unit', 'CTC', '--credit-limit', '100', '--decisions', 'steward'])
  const alphaNode = await procs.start('alpha', ['--dir', dir('alpha'), 'up', '--bootstrap', bootstrap], /^announced/)
  const code = (await tally('alpha', ['invite', '--expires', '10m'])).code
  await tally('beta', ['join', code, '--bootstrap', bootstrap, '--timeout', '60'])
  let betaNode = await procs.start('beta', ['--dir', dir('beta'), 'up'], /^online/)

  // Bad input first: nothing is written.
  const typo = await raw('alpha', ['--json', 'mirrors', 'add', key.slice(0, 60)])
  t.is(typo.code, 1, 'a short key: exit 1')
  t.is(JSON.parse(typo.stderr).error.code, 'BAD_INPUT')
  const unknown = await raw('alpha', ['--json', 'mirrors', 'remove', 'deadbeef00'])
  t.is(JSON.parse(unknown.stderr).error.code, 'UNKNOWN_MIRROR')
  t.is((await tally('alpha', ['mirrors'])).mirrors.length, 0, 'no mirror was added by the typo')
  const twins = ['abcdef01' + 'a'.repeat(56), 'abcdef01' + 'b'.repeat(56)]
  for (const k of twins) await tally('alpha', ['mirrors', 'add', k])
  const ambiguous = await raw('alpha', ['--json', 'mirrors', 'remove', 'abcdef01'])
  t.is(JSON.parse(ambiguous.stderr).error.code, 'AMBIGUOUS_MIRROR', 'a prefix two keys share: AMBIGUOUS_MIRROR')
  for (const k of twins) await tally('alpha', ['mirrors', 'remove', k])
  t.is((await tally('alpha', ['mirrors'])).mirrors.length, 0, 'both removed by their full keys')

  // Both running nodes take the mirror at once.
  for (const c of ['alpha', 'beta']) {
    const added = await tally(c, ['mirrors', 'add', key])
    t.is(added.mirrors[0].key, key, `${c} lists the mirror`)
  }
  await wait(async () => (await tally('alpha', ['mirrors'])).mirrors[0].connected === true, "alpha's node connected to the mirror")

  await stopClean(betaNode, "beta's node stops on SIGTERM")
  const paid = await tally('alpha', ['pay', 'beta', '12.50', '--memo', 'while beta was away'])
  t.ok(paid.id, 'alpha paid beta while beta was off')
  await wait(async () => {
    const m = (await tally('alpha', ['mirrors'])).mirrors[0]
    return m.connected === true && m.holds === m.of && m.of > 0
  }, 'the mirror to hold all of alpha\'s blocks')
  await stopClean(alphaNode, "alpha's node stops on SIGTERM")

  betaNode = await procs.start('beta', ['--dir', dir('beta'), 'up'], /^announced/)
  await wait(async () => (await tally('beta', ['balance'])).balance === 1250, "beta's node to see the payment")
  const st = await tally('beta', ['status'])
  t.is(st.node.peers, 0, "no member's node is up: the payment came from the mirror")
  await t.execution(wait(async () => (await tally('beta', ['mirrors'])).mirrors[0].connected === true, "beta's node lists the mirror as connected"), "beta's node lists the mirror as connected")

  // A damaged mirror list stops `tally up` with its name, and changes nothing.
  await stopClean(betaNode, "beta's node stops on SIGTERM again")
  fs.writeFileSync(path.join(dir('beta'), 'mirrors.json'), '{"version":1,"mirrors":["nope"]}')
  const damaged = await raw('beta', ['--json', 'up'])
  t.is(damaged.code, 1, 'up exits 1')
  t.is(JSON.parse(damaged.stderr).error.code, 'STORAGE', 'STORAGE, naming mirrors.json')
  t.ok(/mirrors\.json/.test(damaged.stderr), 'the message names the file')
})
