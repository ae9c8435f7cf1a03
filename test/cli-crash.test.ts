/**
 * A node killed with SIGKILL in the middle of trading loses nothing it confirmed to a command;
 * commands run while it is down append on their own, even several at once, and replicate once it
 * is back up.
 */
import test from 'brittle'
import path from 'path'
import { TallyProcesses, type Ran } from '../cli/processes.js'
import { tmpdir, until } from './helpers/index.js'

const POLL_MS = 300

test('cli crash - SIGKILL during trading, offline and concurrent commands, restart: nothing lost', { timeout: 150_000 }, async (t) => {
  const started = Date.now()
  const at = (what: string) => t.comment(`${what} after ${((Date.now() - started) / 1000).toFixed(1)} s`)
  const root = tmpdir(t)
  const procs = new TallyProcesses({ env: { ...process.env, TALLY_DIR: '' }, debug: true })
  t.teardown(() => procs.stopAll(), { order: 0 })
  const dir = (c: string) => path.join(root, c)
  const tally = (c: string, args: string[]) => procs.json(['--dir', dir(c), ...args])

  const boot = await procs.start('bootstrap', ['bootstrap'], /^127\.0\.0\.1:\d+$/)
  const bootstrap = boot.stdout.split('\n')[0]
  await Promise.all(['alpha', 'beta'].map((c) => tally(c, ['init', '--name', c])))
  await tally('alpha', ['ledger', 'create', '--name', 'Crash Exchange', '--unit', 'CTC', '--credit-limit', '1000', '--bootstrap', bootstrap, '--decisions', 'steward'])
  await procs.start('alpha', ['--dir', dir('alpha'), 'up'], /^announced/)
  const code = (await tally('alpha', ['invite'])).code
  await tally('beta', ['join', code, '--bootstrap', bootstrap, '--timeout', '60'])
  let beta = await procs.start('beta', ['--dir', dir('beta'), 'up'], /^online/)
  at('beta up')

  // Trade through beta's node, several payments at a time, and kill the node with SIGKILL while
  // some are in flight. Each payment either reports done (then it must survive), or says the node
  // stopped before answering (then it may or may not have been appended), or ran on its own after
  // the node was gone.
  const results: Ran[] = []
  const batch = (from: number) => Promise.all([0, 1, 2, 3].map((i) => procs.run(['--dir', dir('beta'), '--json', 'pay', 'alpha', '1', '--memo', `p${from + i}`])))
  results.push(...(await batch(0)))
  const inFlight = batch(4)
  await new Promise((r) => setTimeout(r, 150))
  await procs.kill(beta)
  results.push(...(await inFlight))
  results.push(...(await batch(8)))
  const ok = results.filter((r) => r.code === 0).map((r) => JSON.parse(r.stdout).id as string)
  t.comment(`${ok.length} of ${results.length} payments reported done; exit codes ${results.map((r) => r.code).join(' ')}`)
  t.ok(results.slice(0, 4).every((r) => r.code === 0), 'payments before the crash went through the node')
  t.ok(results.slice(8).every((r) => r.code === 0), 'payments after the crash went through on their own')
  for (const r of results.filter((x) => x.code !== 0)) t.ok(/stopped before answering/.test(r.stderr), `an interrupted one says so: ${r.stderr.trim()}`)

  // Offline, several commands at once: the store lock makes them take turns.
  const concurrent = await Promise.all([1, 2, 3, 4].map((i) => procs.run(['--dir', dir('beta'), '--json', 'pay', 'alpha', '0.50', '--memo', `c${i}`])))
  t.alike(concurrent.map((r) => r.code), [0, 0, 0, 0], 'four concurrent offline payments all succeed')
  for (const r of concurrent) ok.push(JSON.parse(r.stdout).id)

  at('offline payments done')
  // Restart: the stale socket is replaced, and every payment a command reported is there.
  beta = await procs.start('beta', ['--dir', dir('beta'), 'up'], /^online/)
  at('beta restarted')
  const via = await tally('beta', ['status'])
  t.is(via.node.running, true, 'the restarted node answers on the socket')
  const history = await tally('beta', ['history', '--limit', '100'])
  const ids = new Set(history.entries.filter((e: any) => e.type === 'transfer').map((e: any) => e.id))
  t.ok(ok.every((id) => ids.has(id)), `all ${ok.length} reported payments are in the history after the restart`)
  t.ok(ids.size <= results.length + concurrent.length, 'and nothing appears twice')
  t.ok(ids.size >= ok.length, 'at least every reported payment')

  const paid = BigInt(ids.size - concurrent.length) * 100n + BigInt(concurrent.length) * 50n
  const diagnose = async () => {
    const st = await Promise.all(['alpha', 'beta'].map((c) => tally(c, ['status'])))
    return st.map((x) => `${x.member}: ${x.entries} entries, ${x.node.peers} peers`).join('; ') + ` | beta's node: ${beta.stdout.trim().split('\n').slice(-3).join(' / ')}`
  }
  await until(async () => (await tally('alpha', ['balance', 'beta'])).balance === -Number(paid), "alpha to see all of beta's payments", undefined, 60_000, { pollMs: POLL_MS, diagnose })
  at('alpha has every payment')
  const [a, b] = await Promise.all([tally('alpha', ['status']), tally('beta', ['status'])])
  await until(async () => {
    const [x, y] = await Promise.all([tally('alpha', ['status']), tally('beta', ['status'])])
    return x.stateHash === y.stateHash
  }, 'one state hash', undefined, 60_000, { pollMs: POLL_MS, diagnose })
  t.ok(a.entries > 0 && b.entries > 0)
  t.is((await tally('beta', ['balance'])).balance, -Number(paid), "beta's own balance agrees")
})
