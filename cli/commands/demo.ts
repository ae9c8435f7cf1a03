/**
 * `tally demo`: three co-ops on a private loopback network, each a separate `tally` process,
 * driven only through `tally` commands, as a person would: a DHT bootstrap, alpha creates the
 * ledger, beta and gamma join by invite, they trade, the nodes converge, and every node's balances
 * are printed and checked (they sum to zero and all nodes agree). Then everything is stopped.
 */
import fs from 'fs/promises'
import os from 'os'
import path from 'path'
import type { CliEnv, StandaloneCommand } from '../command.js'
import { TallyProcesses, type LongRunning } from '../processes.js'
import { table } from '../output.js'
import { formatAmount, LedgerError } from '../../src/cli-surface.js'

const CONVERGE_TIMEOUT_MS = 40_000
const CONFIRM_TIMEOUT_MS = 15_000
const POLL_MS = 300
const COOPS = ['alpha', 'beta', 'gamma'] as const
type Coop = (typeof COOPS)[number]

export interface DemoOpts {
  keep?: boolean
}

export interface DemoResult {
  ok: boolean
  seconds: number
  /** The data dirs (removed unless --keep). */
  dirs: Record<Coop, string>
  /** Balances in minor units as each node sees them: node -> member -> balance. */
  balances: Record<Coop, Record<string, bigint>>
  stateHash: string
  confirmed: boolean
  unit: string
  decimals: number
}

export async function demo(env: CliEnv, opts: DemoOpts): Promise<DemoResult> {
  const started = Date.now()
  const say = (line: string) => (env.json ? env.log(line) : env.out(line))
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'tally-demo-'))
  const dirs = Object.fromEntries(COOPS.map((c) => [c, path.join(root, c)])) as Record<Coop, string>
  const procs = new TallyProcesses({ env: { ...env.env, TALLY_DIR: '' } })
  const nodes: Partial<Record<Coop, LongRunning>> = {}
  const tally = async (coop: Coop, args: string[]) => procs.json(['--dir', dirs[coop], ...args])
  const abort = () => {
    if (env.signal.aborted) throw LedgerError.INTERRUPTED('demo interrupted')
  }
  try {
    say('tally demo: three co-ops on a private loopback network, each a separate process\n')
    const boot = await procs.start('bootstrap', ['bootstrap'], /^\d+\.\d+\.\d+\.\d+:\d+$/)
    const bootstrap = boot.stdout.split('\n')[0].trim()
    say(`1. DHT bootstrap node at ${bootstrap}  (tally bootstrap)`)

    for (const c of COOPS) await tally(c, ['init', '--name', c])
    say(`2. identities created: ${COOPS.join(', ')}  (tally init --name NAME)`)
    // The default policy: the members decide (admits unless someone objects; the window short for a demo).
    const created = await tally('alpha', ['ledger', 'create', '--name', 'Demo Exchange', '--unit', 'CTC', '--credit-limit', '100', '--bootstrap', bootstrap, '--objection-window', '1m'])
    say(`3. alpha created "${created.name}" (CTC, credit limit 100.00); the members decide admissions, limits, roles and indexers  (tally ledger create)`)
    nodes.alpha = await startNode(procs, 'alpha', dirs.alpha, bootstrap)
    say('4. alpha is up  (tally up)')

    abort()
    const first = await tally('alpha', ['invite', '--expires', '10m'])
    const beta = await tally('beta', ['join', first.code, '--bootstrap', bootstrap, '--timeout', '60'])
    nodes.beta = await startNode(procs, 'beta', dirs.beta, bootstrap)
    say(`5. beta joined with alpha's one-time invite: alpha, the only member, proposed it and so decided (${beta.entries} entries synced); beta is up  (tally invite; tally join CODE; tally up)`)
    abort()
    // Gamma's admission needs every member's yes (or the window passing with no objection): beta, a member, invites and alpha says yes.
    const second = await tally('beta', ['invite', '--expires', '10m'])
    const gammaJoin = tally('gamma', ['join', second.code, '--bootstrap', bootstrap, '--timeout', '120'])
    gammaJoin.catch(() => {})
    let admission: any = null
    await until(async () => {
      admission = (await tally('alpha', ['proposals'])).proposals.find((p: any) => p.action.action === 'admit' && p.targetName === 'gamma') ?? null
      return admission !== null
    }, "gamma's admission to be proposed", env)
    // Any member's running node answers the code; the one that did proposed (its own yes), the other member says yes.
    const voter: Coop = admission.proposerName === 'alpha' ? 'beta' : 'alpha'
    say(`   beta invited gamma; ${admission.proposerName}'s node answered gamma's join with proposal ${admission.id.slice(0, 8)}: admit gamma, passes unless a member objects  (tally invite; tally join CODE)`)
    await until(async () => (await tally(voter, ['proposals'])).proposals.some((p: any) => p.id === admission.id), `the proposal to reach ${voter}`, env)
    const yes = await tally(voter, ['vote', admission.id.slice(0, 12), 'yes'])
    say(`   ${voter} votes yes: ${yes.proposal.status} (${yes.proposal.reason})  (tally vote ID yes)`)
    const gamma = await gammaJoin
    nodes.gamma = await startNode(procs, 'gamma', dirs.gamma, bootstrap)
    say(`   gamma joined (${gamma.entries} entries synced) and is up  (tally up)`)

    abort()
    say('6. trading:')
    await tally('beta', ['pay', 'alpha', '25.00', '--memo', 'web design'])
    say('   beta pays alpha 25.00 for web design')
    await tally('gamma', ['pay', 'beta', '40.00', '--memo', 'catering'])
    say('   gamma pays beta 40.00 for catering')
    await tally('alpha', ['pay', 'gamma', '10.00', '--memo', 'room hire'])
    say('   alpha pays gamma 10.00 for room hire')
    const invoice = await tally('alpha', ['invoice', 'gamma', '15.50', '--memo', 'bookkeeping'])
    say(`   alpha invoices gamma 15.50 for bookkeeping (invoice ${invoice.id.slice(0, 8)})`)
    await until(async () => (await tally('gamma', ['invoices'])).invoices.some((i: any) => i.id === invoice.id), 'the invoice to reach gamma', env)
    await tally('gamma', ['accept', invoice.id.slice(0, 12)])
    say('   gamma accepts it')
    const over = await procs.run(['--dir', dirs.beta, 'pay', 'gamma', '500'])
    say(`   beta tries to pay gamma 500.00: refused (exit ${over.code}): ${over.stderr.trim().replace(/^tally: /, '')}`)

    abort()
    say('7. a decision by the members:')
    const proposed = await tally('beta', ['propose', 'indexer', 'gamma', '--reason', 'always-on server'])
    say(`   beta proposes gamma as an indexer (proposal ${proposed.id.slice(0, 8)}, majority of 3 needed)  (tally propose indexer gamma)`)
    await until(async () => (await tally('gamma', ['proposals'])).proposals.some((p: any) => p.id === proposed.id), 'the proposal to reach gamma', env)
    const voted = await tally('gamma', ['vote', proposed.id.slice(0, 12), 'yes'])
    say(`   gamma votes yes: ${voted.proposal.status} (${voted.proposal.reason})  (tally vote ID yes)`)

    say('8. waiting for the three nodes to converge...')
    let statuses: any[] = []
    await until(
      async () => {
        statuses = await Promise.all(COOPS.map((c) => tally(c, ['status'])))
        return statuses.every((s) => s.stateHash === statuses[0].stateHash)
      },
      'the nodes to converge',
      env,
      CONVERGE_TIMEOUT_MS
    )
    const stateHash: string = statuses[0].stateHash
    let confirmed = false
    await until(
      async () => {
        statuses = await Promise.all(COOPS.map((c) => tally(c, ['status'])))
        return (confirmed = statuses.every((s) => s.confirmedStateHash === stateHash))
      },
      'confirmation',
      env,
      CONFIRM_TIMEOUT_MS
    ).catch(() => {})
    say(`   converged: ${statuses[0].entries} entries, state hash ${stateHash.slice(0, 16)} on every node${confirmed ? ', all confirmed' : ' (some still pending confirmation)'}`)

    const lists = await Promise.all(COOPS.map((c) => tally(c, ['members'])))
    const decimals: number = lists[0].decimals
    const unit: string = lists[0].unit
    const balances = Object.fromEntries(
      COOPS.map((c, i) => [c, Object.fromEntries(lists[i].members.map((m: any) => [m.name, BigInt(m.balance)]))])
    ) as Record<Coop, Record<string, bigint>>
    say(`\n9. balances (${unit}) as each node sees them:`)
    const names = Object.keys(balances.alpha).sort()
    say(
      table(
        ['MEMBER', ...COOPS.map((c) => `AT ${c.toUpperCase()}`)],
        [
          ...names.map((n) => [n, ...COOPS.map((c) => formatAmount(balances[c][n] ?? 0n, decimals))]),
          ['total', ...COOPS.map((c) => formatAmount(sum(balances[c]), decimals))]
        ],
        ['left', 'right', 'right', 'right']
      )
        .split('\n')
        .map((l) => '   ' + l)
        .join('\n')
    )

    const zero = COOPS.every((c) => sum(balances[c]) === 0n)
    const agree = COOPS.every((c) => names.every((n) => balances[c][n] === balances.alpha[n]) && Object.keys(balances[c]).length === names.length)
    say(`\n10. audit check: balances sum to zero on every node: ${zero ? 'yes' : 'NO'}; all nodes agree: ${agree ? 'yes' : 'NO'}`)
    if (!zero || !agree) throw new Error('internal error: the audit check failed: balances do not sum to zero or the nodes disagree')

    say('11. stopping the nodes and the bootstrap  (SIGTERM = Ctrl-C)')
    for (const c of [...COOPS].reverse()) await procs.stop(nodes[c]!)
    await procs.stop(boot)
    const seconds = Math.round((Date.now() - started) / 100) / 10
    say(`\ndone in ${seconds} s.${opts.keep ? ` data dirs kept in ${root}` : ''}`)
    return { ok: true, seconds, dirs, balances, stateHash, confirmed, unit, decimals }
  } finally {
    await procs.stopAll()
    if (!opts.keep) await fs.rm(root, { recursive: true, force: true })
  }
}

async function startNode(procs: TallyProcesses, coop: Coop, dir: string, bootstrap: string): Promise<LongRunning> {
  return procs.start(coop, ['--dir', dir, 'up', '--bootstrap', bootstrap], /^announced/)
}

async function until(cond: () => Promise<boolean>, what: string, env: CliEnv, timeoutMs = CONVERGE_TIMEOUT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await cond())) {
    if (env.signal.aborted) throw LedgerError.INTERRUPTED('demo interrupted')
    if (Date.now() > deadline) throw LedgerError.TIMEOUT(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, POLL_MS))
  }
}

function sum(balances: Record<string, bigint>): bigint {
  return Object.values(balances).reduce((a, b) => a + b, 0n)
}

export const demoCommand: StandaloneCommand<DemoOpts, DemoResult> = {
  name: 'demo',
  scope: 'standalone',
  longRunning: true,
  summary: 'three co-ops on a private loopback network: invite, trade, decide, sync, audit',
  flags: { keep: { type: 'boolean', help: 'keep the three data dirs (printed at the end)' } },
  examples: ['npm run demo', 'tally demo --keep'],
  run: demo,
  render: () => ''
}
