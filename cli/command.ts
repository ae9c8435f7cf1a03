/**
 * How a `tally` command is declared. Each command lives in `cli/commands/<name>.ts` as one
 * CommandSpec: its arguments and flags (for parsing, help and typo hints), a plain typed `run`
 * function that returns a JSON-able result (testable without argv), and `render` for people.
 * Adding a command is one file plus one line in `cli/commands/index.ts`.
 */
import type { DataDir, NodeContext } from '../src/cli-surface.js'

export interface FlagSpec {
  type: 'string' | 'boolean'
  /** A flag the command cannot run without (a usage error when missing). */
  required?: boolean
  /** A file path: made absolute where the command line is parsed, since the command may run in the node's process. */
  path?: boolean
  /** Placeholder in usage lines, e.g. "AMOUNT". */
  value?: string
  help: string
}

export interface ArgSpec {
  /** Key in the options object, and (upper-cased) the placeholder in usage lines. */
  name: string
  optional?: boolean
  help?: string
}

/** Parsed arguments and flags: positionals by ArgSpec name, flags by camelCase name. */
export type Opts = Record<string, string | boolean | undefined>

/** What a command that does not run on an open ledger gets. */
export interface CliEnv {
  dir: DataDir
  json: boolean
  /** A line of progress or log for people (stderr for most commands; `up` logs to stdout). */
  log(line: string): void
  /** A line on stdout, for commands that print as they go (`up`, `bootstrap`, `demo`). */
  out(line: string): void
  /** Aborted on SIGINT / SIGTERM: long-running commands stop cleanly when it fires. */
  signal: AbortSignal
  /** Runs a ledger command by name in a node's context (what the running node does for its socket). */
  dispatch(ctx: NodeContext, command: string, opts: Opts): Promise<unknown>
  /** process.env, injectable for tests. */
  env: NodeJS.ProcessEnv
}

interface BaseSpec<R> {
  /** "pay", or two words for a subcommand: "ledger create". */
  name: string
  summary: string
  args?: ArgSpec[]
  flags?: Record<string, FlagSpec>
  examples?: string[]
  /** Human output for the result (stdout); '' prints nothing. */
  render(result: R): string
  /** The exit code for a result that is not a plain success (e.g. an audit that found problems); default 0. */
  exitCode?(result: R): number
  /**
   * Completes the options in the process the command was typed in, before they go to the node
   * (`pay` makes up its idempotency key here, so a failure can still name it).
   */
  prepare?(opts: Opts): Opts
  /** What to add to a failure's message when the outcome is unknown (a time-out, a lost node), e.g. how to retry safely. */
  retryHint?(opts: Opts): string
}

/** A command on the member's ledger: runs inside the running node when one is up, else on the store opened here. */
export interface LedgerCommand<O = any, R = any> extends BaseSpec<R> {
  scope: 'ledger'
  run(ctx: NodeContext, opts: O): Promise<R>
}

/** A command that manages the data dir, the network or processes itself. */
export interface StandaloneCommand<O = any, R = any> extends BaseSpec<R> {
  scope: 'standalone'
  /** Takes SIGINT/SIGTERM through env.signal instead of dying on them. */
  longRunning?: boolean
  run(env: CliEnv, opts: O): Promise<R>
}

export type CommandSpec = LedgerCommand | StandaloneCommand

/** A wrong command line: exit code 2 with the usage line. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly usage: string | null = null
  ) {
    super(message)
    this.name = 'UsageError'
  }
}

/** The usage line of a command: `tally pay MEMBER AMOUNT [--memo TEXT]`. */
export function usageOf(spec: CommandSpec): string {
  const args = (spec.args ?? []).map((a) => (a.optional ? `[${a.name.toUpperCase()}]` : a.name.toUpperCase()))
  const flags = Object.entries(spec.flags ?? {}).map(([name, f]) => {
    const text = `--${name}${f.type === 'string' ? ' ' + (f.value ?? 'VALUE') : ''}`
    return f.required ? text : `[${text}]`
  })
  return ['tally', spec.name, ...args, ...flags].join(' ')
}
