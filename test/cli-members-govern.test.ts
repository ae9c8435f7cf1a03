/**
 * Issue 11's "must show", through the CLI only (bin/tally.js processes on a loopback bootstrap):
 * five co-ops; the creator proposes beta and gamma as indexers and the members vote; the creator's
 * node stops; payments between the others are confirmed; a co-op beta invites is admitted once a
 * short objection window passes, the creator still away; one member's objection refuses another
 * candidate; a limit change passes by majority.
 */
import test from 'brittle'
import fs from 'fs'
import path from 'path'
import type { LongRunning } from '../cli/processes.js'
import { cliWorld } from './helpers/cli.js'

const POLL_MS = 500
// Generous: five node processes, one-shot commands each starting Node, on a shared 2-core machine.
const WAIT_MS = 180_000
// Long enough for a candidate's join to print that it waits; short enough for a test.
const OBJECTION_WINDOW = '15s'

test('cli members govern - indexers by vote, confirmation and admission with the creator offline, an objection refuses, limits by majority', { timeout: 900_000 }, async (t) => {
  const started = Date.now()
  const at = () => `${Math.round((Date.now() - started) / 1000)} s`
  const world = cliWorld(t)
  const { procs, dir, tally, raw, stopClean } = world
  const until = (cond: () => Promise<boolean>, what: string, ms = WAIT_MS) => world.until(cond, what, ms, POLL_MS)
  const nodes: Record<string, LongRunning> = {}
  const coops = ['alpha', 'beta', 'gamma', 'delta', 'epsilon']
  const others = coops.slice(1)

  const boot = await procs.start('bootstrap', ['bootstrap'], /^127\.0\.0\.1:\d+$/)
  const bootstrap = boot.stdout.split('\n')[0]
  for (const c of [...coops, 'zeta', 'eta', 'theta']) await tally(c, ['init', '--name', c])
  await tally('alpha', ['ledger', 'create', '--name', 'Five Co-ops', '--unit', 'CTC', '--credit-limit', '100', '--decisions', 'steward'])
  nodes.alpha = await procs.start('alpha', ['--dir', dir('alpha'), 'up', '--bootstrap', bootstrap], /^announced/)
  for (const c of others) {
    const { code } = await tally('alpha', ['invite', '--expires', '30m'])
    await tally(c, ['join', code, '--bootstrap', bootstrap, '--timeout', '180'])
    nodes[c] = await procs.start(c, ['--dir', dir(c), 'up'], /^online/)
  }
  t.comment(`five co-ops up after ${at()}`)

  // The steward hands the decisions to the members: admissions pass unless someone objects within
  // the short window; limits, like indexers, need a majority (within 10 min).
  const moved = await tally('alpha', ['propose', 'policy', '--objection-window', OBJECTION_WINDOW, '--vote-window', '10m', '--majority', 'limits'])
  t.is(moved.proposal.status, 'passed', "the steward's proposal passes at once under the steward policy")
  await until(async () => (await Promise.all(coops.map((c) => tally(c, ['policy'])))).every((p) => p.policy.rules.limits.method === 'majority'), 'every node has the members policy')

  // The creator proposes beta and gamma as indexers; beta and gamma vote yes: 3 of 5.
  const ids: string[] = []
  for (const c of ['beta', 'gamma']) ids.push((await tally('alpha', ['propose', 'indexer', c, '--reason', 'always on'])).id)
  await until(async () => (await Promise.all(['beta', 'gamma'].map((c) => tally(c, ['proposals'])))).every((r) => ids.every((id) => r.proposals.some((p: any) => p.id === id))), 'beta and gamma see both proposals')
  for (const c of ['beta', 'gamma']) for (const id of ids) await tally(c, ['vote', id, 'yes'])
  await until(async () => {
    const st = await Promise.all(coops.map((c) => tally(c, ['status'])))
    return st.every((s) => s.indexers.length === 3 && s.pendingEntries === 0)
  }, 'three indexers on every node, everything confirmed')
  const pol = await tally('delta', ['policy'])
  t.alike(pol.indexerNames.map((w: any) => w.name).sort(), ['alpha', 'beta', 'gamma'], 'the members made beta and gamma indexers')
  t.comment(`indexers chosen after ${at()}`)

  // The creator's node stops.
  await stopClean(nodes.alpha, "alpha's node stops on SIGTERM")
  const away = others
  await tally('delta', ['pay', 'epsilon', '5', '--memo', 'veg box'])
  await tally('beta', ['pay', 'gamma', '2', '--memo', 'printing'])
  await until(async () => {
    const st = await Promise.all(away.map((c) => tally(c, ['status'])))
    return st.every((s) => s.pendingEntries === 0 && s.confirmedStateHash === st[0].confirmedStateHash && s.entries === st[0].entries)
  }, 'the payments confirmed on the four nodes without the creator')
  for (const [c, want] of [['epsilon', 500], ['gamma', 200], ['delta', -500], ['beta', -200]] as const) {
    const b = await tally(c, ['balance'])
    t.is(b.confirmed, want, `${c}'s confirmed balance with the creator away`)
  }
  t.comment(`payments confirmed without the creator after ${at()}`)

  // Beta, a member and no steward, invites zeta: the invite goes in the ledger. Zeta waits for the
  // members' decision and is admitted once the window has passed on a majority of the members'
  // clocks, the creator still away.
  const zetaInvite = await tally('beta', ['invite', '--expires', '30m'])
  t.is(zetaInvite.inLedger, true, "the invite is in the ledger: any member's node answers it")
  const zetaCode = zetaInvite.code
  const zetaJoin = await raw('zeta', ['join', zetaCode, '--bootstrap', bootstrap, '--timeout', '300'])
  t.is(zetaJoin.code, 0, 'zeta joined: ' + zetaJoin.stderr.trim().split('\n').slice(-1)[0])
  t.ok(/waiting for the members' decision/.test(zetaJoin.stderr + zetaJoin.stdout), 'join said it waited for the members')
  const zetaDecision = (await tally('beta', ['proposals', '--all'])).proposals.find((p: any) => p.action.action === 'admit' && p.targetName === 'zeta')
  t.is(zetaDecision?.status, 'passed', 'by the admit proposal the code made')
  t.is(zetaDecision?.method, 'no-objection')
  nodes.zeta = await procs.start('zeta', ['--dir', dir('zeta'), 'up'], /^online/)
  t.is((await tally('zeta', ['balance'])).name, 'zeta', 'zeta is a member')
  t.comment(`zeta admitted without the creator after ${at()}`)

  // Gamma invites eta; delta objects; eta's join ends refused, with no ledger on its disk.
  const etaCode = (await tally('gamma', ['invite', '--expires', '30m'])).code
  const etaJoin = raw('eta', ['join', etaCode, '--bootstrap', bootstrap, '--timeout', '300'])
  let etaId = ''
  await until(async () => {
    const open = (await tally('delta', ['proposals'])).proposals.find((p: any) => p.action.action === 'admit' && p.targetName === 'eta')
    etaId = open?.id ?? ''
    return etaId !== ''
  }, "delta sees eta's admission proposed")
  const objected = await tally('delta', ['object', etaId, '--reason', 'we have not met them'])
  t.is(objected.proposal.status, 'refused', "one member's objection refuses the admission")
  const etaDone = await etaJoin
  t.is(etaDone.code, 1, 'eta\'s join exits 1')
  t.ok(/refused/.test(etaDone.stderr), etaDone.stderr.trim().split('\n').slice(-1)[0])
  t.absent(fs.existsSync(path.join(dir('eta'), 'ledger.json')), 'eta received no ledger key')

  // A limit change by majority: delta proposes, three more vote yes: 4 of 6 active.
  const lim = await tally('delta', ['limits', 'epsilon', '--credit-limit', '300'])
  t.is(lim.proposed, true, 'limits proposes under the members policy')
  await until(async () => (await Promise.all(['beta', 'gamma', 'zeta'].map((c) => tally(c, ['proposals'])))).every((r) => r.proposals.some((p: any) => p.id === lim.id)), 'the voters see the limits proposal')
  for (const c of ['beta', 'gamma']) t.is((await tally(c, ['vote', lim.id, 'yes'])).proposal.status, 'open', `${c}'s yes is not yet a majority`)
  await tally('zeta', ['vote', lim.id, 'yes'])
  let decided: any = null
  await until(async () => {
    decided = (await tally('beta', ['proposals', '--all'])).proposals.find((p: any) => p.id === lim.id)
    return decided?.status !== 'open'
  }, 'the limit change decided on beta\'s node')
  t.is(decided.status, 'passed', 'the fourth yes of six active passes it')
  t.is(decided.method, 'majority')
  await until(async () => (await tally('beta', ['balance', 'epsilon'])).creditLimit === 300_00, "epsilon's new limit on beta's node")

  // Epsilon (no indexer) invites theta and its node stops before theta asks: another member's node
  // answers from the ledger. (The admission must be confirmed before theta's node can write, so this
  // needs a majority of the indexers up: beta and gamma are.)
  const thetaCode = (await tally('epsilon', ['invite', '--expires', '30m'])).code
  const withInvite = (await tally('epsilon', ['status'])).entries
  await until(async () => (await Promise.all(['beta', 'gamma', 'delta', 'zeta'].map((c) => tally(c, ['status'])))).every((s) => s.entries >= withInvite), 'the invite reaches the other nodes')
  await stopClean(nodes.epsilon, "epsilon's node stops on SIGTERM before theta asks")
  const thetaJoin = await raw('theta', ['join', thetaCode, '--bootstrap', bootstrap, '--timeout', '300'])
  t.is(thetaJoin.code, 0, 'theta joined: ' + thetaJoin.stderr.trim().split('\n').slice(-1)[0])
  const thetaDecision = (await tally('gamma', ['proposals', '--all'])).proposals.find((p: any) => p.action.action === 'admit' && p.targetName === 'theta')
  t.is(thetaDecision?.status, 'passed')
  t.not(thetaDecision?.proposerName, 'epsilon', `proposed by ${thetaDecision?.proposerName}'s node, not the issuer's`)
  t.comment(`done after ${at()}`)
})
