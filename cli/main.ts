/**
 * `tally`: parses the command line, runs the command and prints its result. The one place that
 * turns errors into exit codes: a wrong command line exits 2 with the usage line; any other
 * failure prints one line on stderr (or one JSON object with --json) and exits with its code's
 * exit code (docs/errors.md: 130 when interrupted, else 1).
 */
import fs from 'fs'
import { GLOBAL_FLAGS, parseArgv } from './args.js'
import { UsageError, usageOf, type CliEnv, type CommandSpec, type Opts } from './command.js'
import { COMMANDS } from './commands/index.js'
import { jsonText } from './output.js'
import { DataDir, displayText, displayValue, exitCodeOf, LedgerError, runOnLedger, type NodeContext } from '../src/cli-surface.js'

export const EXIT_OK = 0
export const EXIT_FAILURE = 1
export const EXIT_USAGE = 2

export interface MainIO {
  stdout(text: string): void
  stderr(text: string): void
  env: NodeJS.ProcessEnv
  /** Signals to take for long-running commands (default: the process's SIGINT and SIGTERM). */
  onSignal?(handler: () => void): () => void
}

const processIO: MainIO = {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  env: process.env,
  onSignal(handler) {
    process.on('SIGINT', handler)
    process.on('SIGTERM', handler)
    return () => {
      process.off('SIGINT', handler)
      process.off('SIGTERM', handler)
    }
  }
}

/** Runs `tally` with `argv` (without node and script); resolves to the exit code. */
export async function main(argv: string[], io: MainIO = processIO, commands: CommandSpec[] = COMMANDS): Promise<number> {
  let spec: CommandSpec | null = null
  let opts: Opts = {}
  try {
    const parsed = parseArgv(argv, commands)
    if (parsed.kind === 'version') {
      io.stdout(parsed.globals.json ? jsonText({ version: version().replace(/^tally ?/, '') || null }) : version() + '\n')
      return EXIT_OK
    }
    if (parsed.kind === 'help') {
      const text = parsed.spec ? commandHelp(parsed.spec) : overview(commands)
      // --json asks for one JSON document on stdout, help included.
      io.stdout(parsed.globals.json ? jsonText(parsed.spec ? { command: parsed.spec.name, usage: usageOf(parsed.spec), help: text } : { commands: commands.map((c) => ({ name: c.name, usage: usageOf(c), summary: c.summary })), help: text }) : text + '\n')
      return EXIT_OK
    }
    spec = parsed.spec
    const dir = DataDir.resolve(parsed.globals.dir, io.env)
    opts = spec.prepare ? spec.prepare(parsed.opts) : parsed.opts
    const result = await execute(spec, opts, dir, parsed.globals.json, io, commands)
    if (result !== undefined) {
      // Member text in a result is shown escaped (src/display-text.ts); --json carries it exactly.
      const text = parsed.globals.json ? jsonText(result) : spec.render(displayValue(result))
      if (text !== '') io.stdout(text.endsWith('\n') ? text : text + '\n')
    }
    return spec.exitCode && result !== undefined ? spec.exitCode(result) : EXIT_OK
  } catch (err) {
    return fail(err, io, spec, opts, argv.includes('--json'))
  }
}

async function execute(spec: CommandSpec, opts: Opts, dir: DataDir, json: boolean, io: MainIO, commands: CommandSpec[]): Promise<unknown> {
  if (spec.scope === 'ledger') {
    const ran = await runOnLedger(dir, { command: spec.name, opts }, (ctx) => spec.run({ ...ctx, log: (line) => io.stderr(line + '\n') }, opts))
    return ran.result
  }
  const controller = new AbortController()
  let signals = 0
  const stop = spec.longRunning && io.onSignal
    ? io.onSignal(() => {
        // The first signal stops cleanly; a second one means "now".
        if (++signals > 1) process.exit(130)
        controller.abort()
      })
    : () => {}
  const env: CliEnv = {
    dir,
    json,
    log: (line) => io.stderr(line + '\n'),
    out: (line) => io.stdout(line + '\n'),
    signal: controller.signal,
    dispatch: (ctx, name, o) => dispatch(commands, ctx, name, o),
    env: io.env
  }
  try {
    return await spec.run(env, opts)
  } finally {
    stop()
  }
}

/** Runs a ledger command by name in a context: what the running node does for each socket request. */
export async function dispatch(commands: CommandSpec[], ctx: NodeContext, name: string, opts: Opts): Promise<unknown> {
  const spec = commands.find((c) => c.name === name)
  if (!spec || spec.scope !== 'ledger') throw LedgerError.BAD_INPUT(`the node does not run ${JSON.stringify(name)}`)
  return spec.run(ctx, opts)
}

/**
 * Prints the error and returns the exit code: 2 for a wrong command line, else the code's exit
 * code (docs/errors.md). With --json, one JSON object on stderr: {"error": {"code", "message"}}.
 */
function fail(err: unknown, io: MainIO, spec: CommandSpec | null, opts: Opts = {}, json = false): number {
  if (json) {
    const e = err as Error & { code?: unknown }
    const code = err instanceof UsageError ? 'USAGE' : err instanceof LedgerError ? err.code : 'INTERNAL'
    const error: Record<string, unknown> = { code, message: displayText(String(e?.message ?? err)) }
    if (err instanceof LedgerError) {
      if (err.reject !== undefined) error.reject = err.reject
      if (err.available !== undefined) error.available = err.available
      if (err.candidates !== undefined) error.candidates = err.candidates
    }
    if (err instanceof UsageError) error.usage = err.usage ?? (spec ? usageOf(spec) : 'tally [--dir DIR] [--json] COMMAND ...')
    io.stderr(jsonText({ error }))
    return err instanceof UsageError ? EXIT_USAGE : exitCodeOf(err)
  }
  if (err instanceof UsageError) {
    io.stderr(`tally: ${displayText(err.message)}\n`)
    const usage = err.usage ?? (spec ? usageOf(spec) : 'tally [--dir DIR] [--json] COMMAND ...   (tally --help lists commands)')
    io.stderr(`usage: ${usage}\n`)
    return EXIT_USAGE
  }
  const e = err as Error
  // Messages quote member text (a name, a memo): escaped, so it stays one line and cannot steer the terminal.
  let message = displayText(String(e?.message ?? err))
  // The outcome is unknown: say how to retry without doing it twice.
  const unknown = err instanceof LedgerError && (err.code === 'TIMEOUT' || err.code === 'NODE_LOST')
  if (unknown && spec?.retryHint) message += `; ${spec.retryHint(opts)}`
  io.stderr(`tally: ${message}\n`)
  if (io.env.TALLY_DEBUG && e?.stack) io.stderr(e.stack + '\n')
  return exitCodeOf(err)
}

function overview(commands: CommandSpec[]): string {
  const lines = [
    'tally: a peer-to-peer mutual-credit ledger for co-operatives',
    '',
    'usage: tally [--dir DIR] [--json] COMMAND [ARGS] [FLAGS]',
    '',
    'commands:'
  ]
  const usages = commands.map((c) => usageOf(c).slice('tally '.length))
  const w = Math.min(44, Math.max(...usages.map((u) => u.length)))
  commands.forEach((c, i) => {
    if (usages[i].length <= w) lines.push(`  ${usages[i].padEnd(w)}  ${c.summary}`)
    else lines.push(`  ${usages[i]}`, `  ${''.padEnd(w)}  ${c.summary}`)
  })
  lines.push('', 'global flags:')
  for (const [name, f] of Object.entries(GLOBAL_FLAGS)) lines.push(`  --${(name + (f.type === 'string' ? ' ' + f.value : '')).padEnd(12)}  ${f.help}`)
  lines.push(
    '',
    'MEMBER is a name or a unique prefix of an account key; AMOUNT a decimal in the ledger unit (12.50).',
    'While `tally up` runs, the other commands for its data dir go through it; otherwise they open the store themselves.',
    '`tally COMMAND --help` shows flags and examples.'
  )
  return lines.join('\n')
}

function commandHelp(spec: CommandSpec): string {
  const lines = [`usage: ${usageOf(spec)}`, '', spec.summary]
  const args = spec.args ?? []
  if (args.length) {
    lines.push('', 'arguments:')
    for (const a of args) lines.push(`  ${a.name.toUpperCase().padEnd(18)}  ${a.help ?? ''}${a.optional ? ' (optional)' : ''}`)
  }
  const flags = Object.entries(spec.flags ?? {})
  if (flags.length) {
    lines.push('', 'flags:')
    for (const [name, f] of flags) lines.push(`  --${(name + (f.type === 'string' ? ' ' + (f.value ?? 'VALUE') : '')).padEnd(16)}  ${f.help}`)
  }
  if (spec.examples?.length) lines.push('', 'examples:', ...spec.examples.map((e) => '  ' + e))
  return lines.join('\n')
}

function version(): string {
  try {
    const pkg = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8'))
    return `tally ${pkg.version}`
  } catch {
    return 'tally'
  }
}
