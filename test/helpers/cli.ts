/**
 * The `tally` binary as separate processes, for tests that drive the CLI as a co-op would: one data
 * dir per co-op under a temp root, every process stopped at teardown (before the temp dir goes).
 */
import path from 'path'
import { TallyProcesses } from '../../cli/processes.js'
import { tmpdir, until, type T } from './index.js'

export interface CliWorld {
  procs: TallyProcesses
  /** The data dir of co-op `name`. */
  dir(name: string): string
  /** `tally --json --dir DIR ARGS`, parsed; throws with stderr when it fails. */
  tally(name: string, args: string[]): Promise<any>
  /** `tally --dir DIR ARGS` to the end, whatever its exit code. */
  raw(name: string, args: string[]): ReturnType<TallyProcesses['run']>
}

export function cliWorld(t: T): CliWorld {
  const root = tmpdir(t)
  const procs = new TallyProcesses({ env: { ...process.env, TALLY_DIR: '' } })
  t.teardown(() => procs.stopAll(), { order: 0 })
  const dir = (name: string) => path.join(root, name)
  return {
    procs,
    dir,
    tally: (name, args) => procs.json(['--dir', dir(name), ...args]),
    raw: (name, args) => procs.run(['--dir', dir(name), ...args])
  }
}

/**
 * Polls a check made of CLI commands until it holds, every `pollMs`, failing after `ms`. A command
 * that fails meanwhile (a node still starting, a store briefly held) counts as "not yet".
 */
export function untilCli(cond: () => Promise<boolean>, what: string, ms: number, pollMs = 500): Promise<void> {
  return until(() => cond().catch(() => false), what, () => new Promise((r) => setTimeout(r, pollMs)), ms)
}
