/**
 * The `tally` binary as separate processes, for tests that drive the CLI as a co-op would: one data
 * dir per co-op under a temp root, every process stopped at teardown (before the temp dir goes).
 * A step that fails (a wait that runs out, a node that does not stop cleanly) says what the node
 * processes printed: their last lines are in the failure's message.
 */
import path from 'path'
import type { MainIO } from '../../cli/main.js'
import { TallyProcesses, type LongRunning } from '../../cli/processes.js'
import { tmpdir, until, type T } from './index.js'

/** Of each node process's stdout and stderr, how much a timed-out wait shows (a stop that fails shows 64 KB). */
const STEP_REPORT_CHARS = 4096

export interface CliWorld {
  procs: TallyProcesses
  /** The data dir of co-op `name`. */
  dir(name: string): string
  /** `tally --json --dir DIR ARGS`, parsed; throws with stderr when it fails. */
  tally(name: string, args: string[]): Promise<any>
  /** `tally --dir DIR ARGS` to the end, whatever its exit code. */
  raw(name: string, args: string[]): ReturnType<TallyProcesses['run']>
  /** untilCli, whose failure shows the output of every node process this world started. */
  until(cond: () => Promise<boolean>, what: string, ms: number, pollMs?: number): Promise<void>
  /** Stops a long-running process with SIGTERM and asserts it exits 0; else shows its output. */
  stopClean(proc: LongRunning, what: string): Promise<void>
}

/** What stopClean asserts with (brittle's test object). */
type Checks = T & { is(actual: unknown, expected: unknown, message?: string): void }

export function cliWorld(t: Checks): CliWorld {
  const root = tmpdir(t)
  const procs = new TallyProcesses({ env: { ...process.env, TALLY_DIR: '' }, debug: true })
  t.teardown(() => procs.stopAll(), { order: 0 })
  const dir = (name: string) => path.join(root, name)
  return {
    procs,
    dir,
    tally: (name, args) => procs.json(['--dir', dir(name), ...args]),
    raw: (name, args) => procs.run(['--dir', dir(name), ...args]),
    until: (cond, what, ms, pollMs) =>
      untilCli(cond, what, ms, pollMs).catch((err: Error) => {
        throw new Error(`${err.message}\n${procs.report(STEP_REPORT_CHARS)}`)
      }),
    stopClean: (proc, what) => stopClean(t, procs, proc, what)
  }
}

/** SIGTERM, then asserts exit code 0; on any other ending the message carries the process's stdout and stderr (the last 64 KB of each). */
export async function stopClean(t: Checks, procs: TallyProcesses, proc: LongRunning, what: string): Promise<void> {
  const started = Date.now()
  const code = await procs.stop(proc)
  const took = `${((Date.now() - started) / 1000).toFixed(1)} s`
  t.is(code, 0, code === 0 ? `${what} (in ${took})` : `${what} (after ${took})\n${proc.report()}`)
}

/**
 * Polls a check made of CLI commands until it holds, every `pollMs`, failing after `ms`. A command
 * that fails meanwhile (a node still starting, a store briefly held) counts as "not yet".
 */
export function untilCli(cond: () => Promise<boolean>, what: string, ms: number, pollMs = 500): Promise<void> {
  return until(() => cond().catch(() => false), what, () => new Promise((r) => setTimeout(r, pollMs)), ms)
}

/**
 * What `main()` (cli/main.ts) printed, for tests that run a command in this process: its stdout and stderr
 * as strings. The environment defaults to this process's without TALLY_DIR, so no test reads a real data dir.
 */
export function captureIO(env: NodeJS.ProcessEnv = { ...process.env, TALLY_DIR: '' }): MainIO & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    env,
    stdout: (s: string) => void (io.out += s),
    stderr: (s: string) => void (io.err += s)
  }
  return io
}
