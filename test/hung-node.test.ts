/**
 * A paused node (kill -STOP) and retried payments, with the built `tally` binary on the real
 * stack: commands for its data dir time out with a message instead of hanging, and a payment
 * retried with the same --key is made once.
 */
import test from 'brittle'
import fs from 'fs'
import path from 'path'
import { TallyProcesses } from '../cli/processes.js'
import { PayKeys } from '../src/node/pay-keys.js'
import { openContext } from '../src/node/context.js'
import { DataDir } from '../src/node/data-dir.js'
import { twoDataDirs } from './helpers/data-dirs.js'
import { stopClean } from './helpers/cli.js'

test('hung node - commands time out on a paused node and work once it resumes; pay --key pays once', { timeout: 180_000 }, async (t) => {
  const dirs = await twoDataDirs(t)
  const procs = new TallyProcesses({ env: { ...process.env, TALLY_DIR: '' }, debug: true })
  t.teardown(() => procs.stopAll(), { order: 0 })
  const boot = await procs.start('bootstrap', ['bootstrap'], /^127\.0\.0\.1:\d+$/)
  const bootstrap = boot.stdout.split('\n')[0]
  const node = await procs.start('beta', ['--dir', dirs.beta, 'up', '--bootstrap', bootstrap], /^listening/m)
  const balance = async () => JSON.parse((await procs.run(['--dir', dirs.beta, '--json', 'balance'])).stdout).balance

  // A payment, then the same payment retried with its key: made once.
  const first = await procs.run(['--dir', dirs.beta, '--json', 'pay', 'alpha', '1.00', '--key', 'rent-nov'])
  t.is(first.code, 0, first.stderr)
  const paid = JSON.parse(first.stdout)
  t.is(paid.key, 'rent-nov')
  t.is(paid.repeated, false)
  const after = await balance()
  const again = await procs.run(['--dir', dirs.beta, 'pay', 'alpha', '1.00', '--key', 'rent-nov'])
  t.is(again.code, 0, again.stderr)
  t.ok(/already paid alpha 1\.00 CTC with key rent-nov \(entry [0-9a-f]{8}\): nothing paid again/.test(again.stdout), again.stdout.trim())
  t.is(await balance(), after, 'the balance did not move')
  const other = await procs.run(['--dir', dirs.beta, 'pay', 'alpha', '2.00', '--key', 'rent-nov'])
  t.is(other.code, 1)
  t.ok(/key rent-nov was already used for another payment/.test(other.stderr), other.stderr.trim())
  const plain = await procs.run(['--dir', dirs.beta, 'pay', 'alpha', '0.50'])
  t.ok(/\(entry [0-9a-f]{8}, pending confirmation; key [0-9a-f]{12}\)/.test(plain.stdout), 'a key is made up and printed: ' + plain.stdout.split('\n')[0])

  // The node is paused: every command says so within seconds, and nothing is sent to it.
  process.kill(node.child.pid!, 'SIGSTOP')
  t.teardown(() => {
    try {
      process.kill(node.child.pid!, 'SIGCONT')
    } catch {}
  }, { order: -1 })
  const started = Date.now()
  const stuck = await procs.run(['--dir', dirs.beta, 'balance'])
  t.is(stuck.code, 1, 'exit 1, not a hang')
  t.ok(/did not answer within 5 s: it is paused \(kill -STOP\?\) or hung\. Nothing was sent to it/.test(stuck.stderr), stuck.stderr.trim())
  t.comment(`answered in ${Date.now() - started} ms`)
  const stuckPay = await procs.run(['--dir', dirs.beta, 'pay', 'alpha', '3.00', '--key', 'tea'])
  t.is(stuckPay.code, 1)
  t.ok(/Nothing was sent to it.*; retry with `--key tea`: a payment with the same key is made once/.test(stuckPay.stderr), stuckPay.stderr.trim())

  // Resumed: the retried payment is made once.
  process.kill(node.child.pid!, 'SIGCONT')
  const before = await balance()
  const retried = await procs.run(['--dir', dirs.beta, '--json', 'pay', 'alpha', '3.00', '--key', 'tea'])
  t.is(retried.code, 0, retried.stderr)
  t.is(JSON.parse(retried.stdout).repeated, false)
  t.is(await balance(), before - 300, 'paid once')
  await stopClean(t, procs, node, 'the resumed node stops on SIGTERM')
})

test('pay keys - a payment written before its attempt was interrupted is found by its key, not paid again', { timeout: 120_000 }, async (t) => {
  const dirs = await twoDataDirs(t)
  const dir = new DataDir(dirs.beta)
  const ctx = await openContext(dir)
  t.teardown(() => ctx.close(), { order: 10 })
  const alpha = (await ctx.ledger.members()).find((m) => m.name === 'alpha')!
  // The first attempt wrote the entry, then stopped before recording its id (a kill, a time-out).
  const at = Date.now()
  const receipt = await ctx.ledger.transfer(alpha.account, 125n, { memo: 'coffee' })
  fs.writeFileSync(dir.payKeysFile, JSON.stringify({ version: 1, keys: [{ key: 'k1', payee: alpha.account, amount: '125', memo: 'coffee', at, id: null }] }))
  const keys = new PayKeys(dir.payKeysFile)
  const before = (await ctx.ledger.balance()).balance
  const retried = await keys.payOnce(ctx.ledger, 'k1', alpha.account, 125n, 'coffee')
  t.is(retried.repeated, true)
  t.is(retried.receipt.id, receipt.id, 'the first payment')
  t.is((await ctx.ledger.balance()).balance, before, 'nothing paid again')
  t.is(JSON.parse(fs.readFileSync(dir.payKeysFile, 'utf8')).keys[0].id, receipt.id, 'the id is recorded now')
  // A key whose attempt never reached the ledger pays now.
  fs.writeFileSync(path.join(dirs.beta, 'pay-keys.json'), JSON.stringify({ version: 1, keys: [{ key: 'k2', payee: alpha.account, amount: '7', memo: '', at: Date.now(), id: null }] }))
  const fresh = await new PayKeys(dir.payKeysFile).payOnce(ctx.ledger, 'k2', alpha.account, 7n, '')
  t.is(fresh.repeated, false)
  t.is((await ctx.ledger.balance()).balance, before - 7n)
  await t.exception(() => keys.payOnce(ctx.ledger, 'bad key!', alpha.account, 1n, ''), /--key must be 1 to 64 letters/)
})
