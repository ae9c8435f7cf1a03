/**
 * Federation as a new user would try it, through the CLI only: the built `tally` binary as separate
 * processes on one loopback bootstrap, two ledgers (Leeds: steward, payer, bridge; York: payee,
 * bridge), the bridge co-op with a data dir in each, `tally up` on every dir. The bridge's two nodes
 * carry the payment without a person (src/node/bridge-half.ts).
 * (a) `tally pay KEY@York` shows the quote, completes, and both ledgers show the four balances; one the
 *     bridge cannot carry (past its credit on York) is refused at once, with the reason;
 * (b) with the bridge's nodes stopped, a payment with a short --expires is released, with the reason,
 *     and every balance is as before; (c) the same with only the bridge's node on York stopped.
 */
import test from 'brittle'
import type { LongRunning } from '../cli/processes.js'
import { cliWorld } from './helpers/cli.js'

const POLL_MS = 500
const WAIT_MS = 180_000

test('federation e2e - tally pay KEY@LEDGER through a bridge run by tally up on both its dirs; then with the bridge stopped it is released', { timeout: 900_000 }, async (t) => {
  const world = cliWorld(t)
  const { procs, dir, tally, raw, stopClean } = world
  const until = (cond: () => Promise<boolean>, what: string, ms = WAIT_MS) => world.until(cond, what, ms, POLL_MS)
  const nodes: Record<string, LongRunning> = {}
  const up = async (c: string, ready = /^online/) => (nodes[c] = await procs.start(c, ['--dir', dir(c), 'up'], ready))

  const boot = await procs.start('bootstrap', ['bootstrap'], /^127\.0\.0\.1:\d+$/)
  const bootstrap = boot.stdout.split('\n')[0]
  const names: Record<string, string> = { stewa: 'stewa', payer: 'payer', bridgea: 'bridge', payee: 'payee', bridgeb: 'bridge' }
  await Promise.all(Object.entries(names).map(([c, name]) => tally(c, ['init', '--name', name])))
  await tally('stewa', ['ledger', 'create', '--name', 'Leeds', '--unit', 'CTC', '--credit-limit', '100', '--bootstrap', bootstrap, '--decisions', 'steward'])
  await tally('payee', ['ledger', 'create', '--name', 'York', '--unit', 'YRK', '--credit-limit', '100', '--bootstrap', bootstrap, '--decisions', 'steward'])
  await up('stewa', /^announced/)
  await up('payee', /^announced/)
  for (const [host, c] of [['stewa', 'payer'], ['stewa', 'bridgea'], ['payee', 'bridgeb']]) {
    const { code } = await tally(host, ['invite', '--expires', '10m'])
    await tally(c, ['join', code, '--bootstrap', bootstrap, '--timeout', '120'])
    await up(c)
  }
  // The bridge links each of its dirs to the other: the node of each carries what comes toward it.
  const linked = await tally('bridgea', ['link', dir('bridgeb'), '--rate', '3/2', '--capacity', '50', '--name', 'York'])
  t.is(linked.sibling, dir('bridgeb'), 'link records the sibling dir')
  await tally('bridgeb', ['link', dir('bridgea'), '--rate', '2/3', '--capacity', '75', '--name', 'Leeds'])
  t.is((await tally('bridgea', ['links'])).links[0].sibling, dir('bridgeb'), "links says which node carries the bridge's own link")
  await until(async () => (await tally('payer', ['links'])).links.some((l: any) => l.ledgerName === 'York' && l.status === 'active'), 'the payer sees the link to York')
  const payeeKey: string = (await tally('payee', ['balance'])).account
  const address: string = (await tally('payee', ['status'])).address
  t.is(address.split('@')[0], payeeKey, "the payee's address: its key @ its ledger's key prefix")

  // (a) A payment across: the quote, completed on both ledgers.
  const paid = await raw('payer', ['pay', `${payeeKey}@York`, '20', '--memo', 'veg box']) // the default period, 10 min
  t.is(paid.code, 0, paid.stderr.trim())
  t.ok(/20\.00 CTC to .*@York via bridge: 3000 minor units there at 3\/2/.test(paid.stdout), `the quote: ${paid.stdout.split('\n')[0]}`)
  t.ok(/^completed on both ledgers: /m.test(paid.stdout), `completed: ${paid.stdout.trim()}`)
  const balances = async (host: string) => Object.fromEntries((await tally(host, ['members'])).members.map((m: any) => [m.name, m.balance]))
  await until(async () => (await balances('stewa')).bridge === 2000, 'Leeds settles at the steward')
  await until(async () => (await balances('bridgeb')).payee === 3000, 'York settles at the bridge')
  t.alike(await balances('stewa'), { stewa: 0, payer: -2000, bridge: 2000 }, 'Leeds: payer -20.00, bridge +20.00')
  t.alike(await balances('payee'), { payee: 3000, bridge: -3000 }, 'York: bridge -30.00, payee +30.00')
  t.is((await tally('payer', ['balance'])).balance, -2000, "the payer's own balance")
  t.is((await tally('payee', ['balance'])).balance, 3000, "the payee's own balance")
  // History: the two halves (hold and its fulfilment) as one line with its state, on both sides.
  const across = (rows: any[]) => rows.filter((e: any) => e.type === 'across')
  const payerRows = across((await tally('payer', ['history'])).entries)
  t.is(payerRows.length, 1, "one line on the payer's side")
  t.is(payerRows[0].state, 'completed')
  const payeeRows = across((await tally('payee', ['history'])).entries)
  t.is(payeeRows.length, 1, "one line on the payee's side")
  t.is(payeeRows[0].state, 'completed')
  t.ok(/across .* completed/.test((await raw('payer', ['history'])).stdout), 'the table shows it')
  await until(async () => nodes.bridgea.stdout.includes('bridge: settled'), "the bridge's log says it settled", 30_000)

  // (a2) Within Leeds' capacity, but 75.00 YRK would take the bridge past its credit on York: refused at once.
  await until(async () => (await tally('payer', ['links'])).links.some((l: any) => l.ledgerName === 'York' && l.held === 0), 'the link has room again')
  const tooMuch = await raw('payer', ['pay', `${payeeKey}@York`, '50'])
  t.is(tooMuch.code, 0, tooMuch.stderr.trim())
  t.ok(/^released: refused by the bridge: over_credit_limit on the other ledger/m.test(tooMuch.stdout), `refused with the reason: ${tooMuch.stdout.trim()}`)
  await until(async () => (await balances('stewa')).payer === -2000, 'the steward sees the refusal')
  t.alike(await balances('payee'), { payee: 3000, bridge: -3000 }, 'York: nothing moved')

  // (b) The bridge's nodes stopped: the payment is released once its period passed, with the reason.
  await stopClean(nodes.bridgea, "the bridge's Leeds node stops on SIGTERM")
  await stopClean(nodes.bridgeb, "the bridge's York node stops on SIGTERM")
  const before = { leeds: await balances('stewa'), york: await balances('payee') }
  const late = await raw('payer', ['pay', `${payeeKey}@York`, '5', '--expires', '5s'])
  t.is(late.code, 0, late.stderr.trim())
  t.ok(/^released: expired/m.test(late.stdout), `released with the reason: ${late.stdout.trim()}`)
  await until(async () => (await balances('stewa')).payer === -2000, 'the steward sees the release')
  t.alike(await balances('stewa'), before.leeds, 'Leeds: every balance as before')
  t.alike(await balances('payee'), before.york, 'York: every balance as before')
  const rows = across((await tally('payer', ['history'])).entries)
  t.alike(rows.map((r: any) => r.state), ['released', 'released', 'completed'], 'history: the expired payment, the refused one and the completed one')

  // (c) Only the sibling is down: the bridge's node on Leeds says so, carries nothing, and the payment is released.
  await up('bridgea')
  const half = await raw('payer', ['pay', address, '5', '--expires', '5s']) // the address as `tally status` shows it
  t.ok(/^released: /m.test(half.stdout), `released: ${half.stdout.trim()}`)
  t.ok(/the sibling node for ledger .* does not answer/.test(nodes.bridgea.stdout), "the bridge's log says its sibling does not answer")
  await until(async () => (await balances('bridgea')).payer === -2000, "the bridge's node sees the release")
  t.alike(await balances('bridgea'), before.leeds, 'Leeds: every balance as before')
})
