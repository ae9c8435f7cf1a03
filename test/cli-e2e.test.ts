/**
 * End to end: the built `tally` binary as separate processes on a loopback bootstrap, as the
 * README's quick start runs it.
 */
import test from 'brittle'
import fs from 'fs'
import path from 'path'
import { cliWorld } from './helpers/cli.js'
import { openStore } from '../src/index.js'
import { until } from './helpers/index.js'

const POLL_MS = 300
const CONVERGE_MS = 60_000

/** Each poll runs a CLI process: a try every POLL_MS. */
const CLI_POLL = { pollMs: POLL_MS }

test('cli e2e - three co-ops init, create, invite, join, pay and invoice; every node converges; bad input changes nothing', { timeout: 300_000 }, async (t) => {
  const started = Date.now()
  const { procs, dir, tally, raw, stopClean } = cliWorld(t)

  const boot = await procs.start('bootstrap', ['bootstrap'], /^127\.0\.0\.1:\d+$/)
  const bootstrap = boot.stdout.split('\n')[0]
  await Promise.all(['alpha', 'beta', 'gamma', 'delta'].map((c) => tally(c, ['init', '--name', c])))
  const created = await tally('alpha', ['ledger', 'create', '--name', 'E2E Exchange', '--unit', 'CTC', '--credit-limit', '100', '--decisions', 'steward'])
  t.is(created.steward.name, 'alpha')
  t.is(created.creditLimit, 10000)
  const alphaNode = await procs.start('alpha', ['--dir', dir('alpha'), 'up', '--bootstrap', bootstrap], /^announced/)
  t.comment(`alpha up after ${Math.round((Date.now() - started) / 1000)} s`)

  // While `up` runs, the node has the store: a command that works now went through its socket.
  const viaNode = await tally('alpha', ['status'])
  t.is(viaNode.node.running, true, 'status answered by the running node')
  t.is(viaNode.node.pid !== process.pid && typeof viaNode.node.pid, 'number')
  await t.exception(() => openStore(path.join(dir('alpha'), 'store')), /in use by another process/, 'the store is held by the node')

  const codes: Record<string, string> = {}
  for (const c of ['beta', 'gamma']) {
    codes[c] = (await tally('alpha', ['invite', '--expires', '10m'])).code
    const joined = await tally(c, ['join', codes[c], '--bootstrap', bootstrap, '--timeout', '60'])
    t.is(joined.role, 'member')
    t.is(joined.writable, true, `${c} can write once join exits`)
    // The bootstrap was saved by join. Gamma opens one connection at most (--max-peers): the others may
    // still connect to it, and everything below reaches it all the same.
    await procs.start(c, ['--dir', dir(c), 'up', ...(c === 'gamma' ? ['--max-peers', '1'] : [])], /^online/)
  }

  t.comment(`joined after ${Math.round((Date.now() - started) / 1000)} s`)
  await tally('beta', ['pay', 'alpha', '25', '--memo', 'web design'])
  await tally('gamma', ['pay', 'beta', '40.00', '--memo', 'catering'])
  const inv = await tally('alpha', ['invoice', 'gamma', '15.50', '--memo', 'bookkeeping'])
  t.is(inv.amount, 1550)
  await until(async () => (await tally('gamma', ['invoices'])).invoices.some((i: any) => i.id === inv.id), 'the invoice at gamma', undefined, CONVERGE_MS, CLI_POLL)
  const accepted = await tally('gamma', ['accept', inv.id.slice(0, 12)])
  t.is(accepted.invoice.status, 'accepted')

  const expected = { alpha: 4050, beta: 1500, gamma: -5550 }
  await until(async () => {
    const st = await Promise.all(['alpha', 'beta', 'gamma'].map((c) => tally(c, ['status'])))
    return st.every((s) => s.entries === 7 && s.stateHash === st[0].stateHash)
  }, 'the three nodes to converge', undefined, CONVERGE_MS, CLI_POLL)
  for (const node of ['alpha', 'beta', 'gamma'] as const) {
    const own = await tally(node, ['balance'])
    t.is(own.balance, expected[node], `${node}'s own balance --json`)
    t.is(own.name, node)
    t.ok(/^[0-9a-f]{64}$/.test(own.account))
    const all = await tally(node, ['members'])
    t.alike(Object.fromEntries(all.members.map((m: any) => [m.name, m.balance])), expected, `${node} sees every balance the same`)
    t.is(all.total, 0, 'balances sum to zero')
  }
  t.comment(`converged after ${Math.round((Date.now() - started) / 1000)} s`)
  // Through the CLI the creator is the one indexer; beta's node says whether it reaches it.
  await until(async () => (await tally('beta', ['status'])).reachableIndexers === 1, "beta's node connected to the indexer", undefined, CONVERGE_MS, CLI_POLL)
  const reachView = await tally('beta', ['status'])
  t.alike(reachView.indexers.map((i: any) => [i.name, i.self, i.reachable]), [['alpha', false, true]], 'status lists alpha as the indexer, reachable')
  t.is(reachView.quorum, 1)

  // Bad arguments: non-zero exit, one line naming the problem, nothing appended.
  const before = await tally('beta', ['status'])
  const bad: Array<[string[], RegExp]> = [
    [['pay', 'zeta', '1'], /no member matches "zeta"; members: alpha, beta, gamma/],
    [['pay', 'alpha', '-5'], /must not be negative/],
    [['pay', 'alpha', '12,5'], /not an amount/],
    [['pay', 'alpha', '1.001'], /too many decimals/],
    [['pay', 'alpha', '1000'], /overspend: cannot pay 1000.00 CTC; 115.00 CTC is available/],
    [['invoice', 'gamma', 'ten'], /not an amount/],
    [['accept', 'ffffffff'], /no invoice ffffffff/]
  ]
  for (const [args, message] of bad) {
    const r = await raw('beta', args)
    t.is(r.code, 1, `${args.join(' ')} exits 1`)
    t.ok(message.test(r.stderr), `${args.join(' ')}: ${r.stderr.trim()}`)
    t.is(r.stderr.trim().split('\n').length, 1, 'one line')
  }
  const usage = await raw('beta', ['pay', 'alpha'])
  t.is(usage.code, 2, 'a wrong command line exits 2')
  const after = await tally('beta', ['status'])
  t.is(after.stateHash, before.stateHash, 'state hash unchanged')
  t.is(after.entries, before.entries, 'no entry appended')

  // Bad invites: refused with a clear message, and the would-be member gets no ledger.
  const used = await raw('delta', ['join', codes.beta, '--bootstrap', bootstrap, '--timeout', '30'])
  t.is(used.code, 1)
  t.ok(/already used/.test(used.stderr), used.stderr.trim())
  const chars = codes.gamma.split('')
  chars[20] = chars[20] === 'y' ? 'b' : 'y'
  const forged = await raw('delta', ['join', chars.join(''), '--bootstrap', bootstrap])
  t.is(forged.code, 1)
  t.ok(/not a valid invite code/.test(forged.stderr), forged.stderr.trim())
  const short = (await tally('alpha', ['invite', '--expires', '1s'])).code
  await new Promise((r) => setTimeout(r, 2100))
  const expired = await raw('delta', ['join', short, '--bootstrap', bootstrap])
  t.is(expired.code, 1)
  t.ok(/expired/.test(expired.stderr), expired.stderr.trim())
  // A taken name (here one too like beta's): NAME_TAKEN says so, and that the same code works with another name.
  const nameCode = (await tally('alpha', ['invite'])).code
  const taken = await raw('delta', ['join', nameCode, '--name', 'BETA', '--bootstrap', bootstrap, '--timeout', '60'])
  t.is(taken.code, 1)
  t.ok(/NAME_TAKEN|taken, or too like a member's name: join again with the same code and another name/.test(taken.stderr), taken.stderr.trim())
  t.absent(fs.existsSync(path.join(dir('delta'), 'ledger.json')), 'delta has no ledger')
  t.is((await tally('alpha', ['members'])).members.length, 3, 'nobody else was admitted')

  // An auditor invite: delta can read the (encrypted) ledger, and cannot write to it.
  const auditorCode = (await tally('alpha', ['invite', '--auditor'])).code
  const auditor = await tally('delta', ['join', auditorCode, '--bootstrap', bootstrap, '--timeout', '60'])
  t.is(auditor.role, 'auditor')
  t.is(auditor.writable, false)
  const seen = await tally('delta', ['members'])
  t.alike(Object.fromEntries(seen.members.map((m: any) => [m.name, m.balance])), expected, 'the auditor reads every balance')
  const write = await raw('delta', ['pay', 'alpha', '1'])
  t.is(write.code, 1)
  t.ok(/as an auditor: it can read and verify, not write/.test(write.stderr), write.stderr.trim())
  t.is((await tally('alpha', ['members'])).members.length, 3, 'an auditor is not a member')
  // SIGTERM (what Ctrl-C sends as SIGINT) stops a node cleanly: exit 0, socket removed.
  await stopClean(alphaNode, 'up exits 0 on SIGTERM')
  t.ok(/^stopped$/m.test(alphaNode.stdout), 'and says it stopped')
  t.absent(fs.existsSync(path.join(dir('alpha'), 'node.sock')), 'the socket is gone')
  t.comment(`done after ${Math.round((Date.now() - started) / 1000)} s`)
})
