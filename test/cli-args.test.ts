import test from 'brittle'
import { parseArgv } from '../cli/args.js'
import { UsageError, usageOf } from '../cli/command.js'
import { COMMANDS } from '../cli/commands/index.js'
import { jsonText, table } from '../cli/output.js'
import { durationArg, countArg, nameArg } from '../cli/values.js'
import { DataDir } from '../src/node/data-dir.js'
import path from 'path'

function run(argv: string[]) {
  const p = parseArgv(argv, COMMANDS)
  if (p.kind !== 'run') throw new Error('expected a command, got ' + p.kind)
  return { name: p.spec.name, opts: p.opts, globals: p.globals }
}

function usageError(t: any, argv: string[], pattern: RegExp) {
  try {
    parseArgv(argv, COMMANDS)
    t.fail(`${argv.join(' ')} parsed`)
  } catch (err) {
    t.ok(err instanceof UsageError, `${argv.join(' ')} is a usage error`)
    t.ok(pattern.test((err as Error).message), `${(err as Error).message} ~ ${pattern}`)
  }
}

test('cli args - commands, positionals, flags and globals anywhere', async (t) => {
  t.alike(run(['pay', 'beta', '12.50', '--memo', 'design work']), { name: 'pay', opts: { memo: 'design work', member: 'beta', amount: '12.50' }, globals: { json: false } })
  t.alike(run(['--dir', '/x', 'pay', '--memo=a=b', 'beta', '1', '--json']).globals, { dir: '/x', json: true })
  t.alike(run(['pay', '--memo=a=b', 'beta', '1']).opts.memo, 'a=b')
  t.alike(run(['ledger', 'create', '--name', 'CoTech Exchange', '--unit', 'CTC', '--credit-limit', '500']).opts, { name: 'CoTech Exchange', unit: 'CTC', creditLimit: '500' })
  t.alike(run(['invite', '--auditor', '--expires', '2h']).opts, { auditor: true, expires: '2h' })
  t.alike(run(['balance']).opts, {})
  t.alike(run(['history', 'beta', '--limit', '5']).opts, { member: 'beta', limit: '5' })
  t.is(run(['--dir=/y', 'status']).globals.dir, '/y')
  t.alike(run(['up', '--max-peers', '8']).opts, { maxPeers: '8' })
})

test('cli args - a negative amount is an argument (the amount check explains it), not an unknown flag', async (t) => {
  t.alike(run(['pay', 'beta', '-5']).opts, { member: 'beta', amount: '-5' })
  t.alike(run(['pay', 'beta', '--', '--5']).opts, { member: 'beta', amount: '--5' })
})

test('cli args - typos and missing pieces are usage errors with hints', async (t) => {
  usageError(t, ['paay', 'beta', '1'], /unknown command "paay"; did you mean pay\?/)
  usageError(t, ['pay', 'beta', '1', '--memmo', 'x'], /unknown flag --memmo; did you mean --memo\?/)
  usageError(t, ['pay', 'beta'], /missing AMOUNT/)
  usageError(t, ['pay', 'beta', '1', '2'], /unexpected argument "2"/)
  usageError(t, ['pay', 'beta', '1', '--memo'], /--memo needs a value/)
  usageError(t, ['pay', 'beta', '1', '--memo', 'a', '--memo', 'b'], /given twice/)
  usageError(t, ['invite', '--auditor=yes'], /takes no value/)
  usageError(t, ['ledger', 'crate'], /unknown subcommand.*did you mean create/)
  usageError(t, ['init'], /missing --name NAME/)
  usageError(t, ['ledger', 'create', '--name', 'x'], /missing --unit CODE/)
  usageError(t, ['balance', '-x'], /unknown flag -x/)
})

test('cli args - help and version', async (t) => {
  t.is(parseArgv([], COMMANDS).kind, 'help')
  t.is(parseArgv(['--help'], COMMANDS).kind, 'help')
  const h = parseArgv(['pay', '--help'], COMMANDS)
  t.is(h.kind === 'help' && h.spec?.name, 'pay')
  t.is(parseArgv(['--version'], COMMANDS).kind, 'version')
})

test('cli args - usage lines follow the DESIGN.md surface', async (t) => {
  const usage = (name: string) => usageOf(COMMANDS.find((c) => c.name === name)!)
  t.is(usage('init'), 'tally init --name NAME')
  t.is(usage('pay'), 'tally pay MEMBER AMOUNT [--memo TEXT] [--expires DURATION] [--key KEY]')
  t.is(usage('history'), 'tally history [MEMBER] [--limit N]')
  t.is(usage('limits'), 'tally limits MEMBER --credit-limit AMOUNT [--max-balance AMOUNT]')
  t.is(usage('join'), 'tally join CODE [--name NAME] [--bootstrap HOST:PORT] [--timeout SECONDS]')
  t.is(usage('propose'), 'tally propose ACTION [TARGET] [--credit-limit AMOUNT] [--max-balance AMOUNT] [--account KEY] [--writer KEY] [--decisions WHO] [--objection-window DURATION] [--vote-window DURATION] [--window DURATION] [--majority KINDS] [--rate N] [--links METHOD] [--reason TEXT]')
  t.is(usage('vote'), 'tally vote ID CHOICE [--reason TEXT]')
  t.is(usage('proposals'), 'tally proposals [--all]')
  for (const name of ['init', 'ledger create', 'up', 'bootstrap', 'invite', 'join', 'pay', 'invoice', 'accept', 'decline', 'cancel', 'balance', 'members', 'history', 'status', 'limits', 'demo', 'propose', 'proposals', 'vote', 'object', 'withdraw', 'policy']) {
    t.ok(COMMANDS.some((c) => c.name === name), `${name} exists`)
  }
})

test('cli output - JSON amounts are exact integers, even past 2^53', async (t) => {
  const text = jsonText({ balance: -1250n, big: 12345678901234567890n, name: 'beta', none: null, list: [1n, { a: 2n }], skip: undefined })
  t.ok(text.includes('"balance": -1250'))
  t.ok(text.includes('"big": 12345678901234567890'))
  t.absent(text.includes('skip'))
  t.alike(JSON.parse(text).list, [1, { a: 2 }])
  t.is(table(['A', 'BB'], [['xyz', '1'], ['q', '22']], ['left', 'right']), 'A    BB\nxyz   1\nq    22')
})

test('cli values - durations and counts', async (t) => {
  t.is(durationArg('24h', '--expires'), 86_400_000)
  t.is(durationArg('90s', '--expires'), 90_000)
  t.is(durationArg('never', '--expires'), 0)
  t.exception(() => durationArg('24', '--expires'), /like 90s/)
  t.exception(() => durationArg('0h', '--expires'), /like 90s/)
  t.is(countArg('5', '--limit', 1, 10), 5)
  t.exception(() => countArg('0', '--limit', 1, 10), /from 1 to 10/)
  t.exception(() => countArg('1.5', '--limit', 1, 10), /whole number/)
  t.is(nameArg(' Delta Co-op '), 'Delta Co-op')
  t.exception(() => nameArg(''), /--name/)
})

test('data dir - --dir, then $TALLY_DIR, then the XDG data dir', async (t) => {
  t.is(DataDir.resolve('/a', { TALLY_DIR: '/b', XDG_DATA_HOME: '/c' }).root, '/a')
  t.is(DataDir.resolve(undefined, { TALLY_DIR: '/b', XDG_DATA_HOME: '/c' }).root, '/b')
  t.is(DataDir.resolve(undefined, { XDG_DATA_HOME: '/c' }).root, '/c/tally')
  t.ok(DataDir.resolve(undefined, {}).root.endsWith('/.local/share/tally'))
  t.is(new DataDir('/x').socketPath, '/x/node.sock')
  const long = new DataDir('/' + 'd'.repeat(120))
  t.ok(long.socketPath.length < 108, 'a long dir gets a short socket path')
})

test('cli args - path flags are made absolute where the command line is parsed', async (t) => {
  const spec = { name: 'x', scope: 'ledger' as const, summary: '', flags: { out: { type: 'string' as const, path: true, help: '' } }, run: async () => null, render: () => '' }
  const p = parseArgv(['x', '--out', 'report.json'], [spec])
  t.is(p.kind === 'run' && p.opts.out, path.resolve('report.json'))
})

test('cli startup - loading the CLI loads no native storage, network or crypto module (commands answered by the node start fast)', async (t) => {
  const { execFileSync } = await import('child_process')
  const main = new URL('../cli/main.js', import.meta.url).href
  const script = `await import(${JSON.stringify(main)}); console.log(JSON.stringify(process.report.getReport().sharedObjects.filter((s) => s.includes('node_modules'))))`
  const loaded = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }))
  t.alike(loaded, [], 'no native addon (sodium, rocksdb, udx) loaded by importing cli/main.js')
})
