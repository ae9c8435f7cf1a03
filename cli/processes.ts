/**
 * Running `tally` as separate processes, for the demo and the end-to-end tests: one-shot commands
 * with their output, and long-running ones (`bootstrap`, `up`) started until a line says they are
 * ready and stopped with SIGTERM (SIGKILL if they do not stop in time).
 */
import { spawn, type ChildProcess } from 'child_process'
import { fileURLToPath } from 'url'

/** The launcher next to dist/: bin/tally.js. */
export const TALLY_BIN = fileURLToPath(new URL('../../bin/tally.js', import.meta.url))

const READY_TIMEOUT_MS = 60_000
const STOP_TIMEOUT_MS = 15_000

export interface Ran {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

export interface LongRunning {
  name: string
  child: ChildProcess
  /** Everything it printed on stdout so far. */
  readonly stdout: string
  /** Everything it printed on stderr so far. */
  readonly stderr: string
  /** Resolves with the exit code once it exits. */
  exited: Promise<number | null>
  /** Waits for a stdout line matching `pattern`; resolves with the line. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>
}

export class TallyProcesses {
  private readonly running = new Set<LongRunning>()

  constructor(private readonly opts: { bin?: string; env?: NodeJS.ProcessEnv } = {}) {}

  /** Runs `tally ARGS` to the end. */
  run(args: string[]): Promise<Ran> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [this.opts.bin ?? TALLY_BIN, ...args], { env: this.opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] })
      let stdout = ''
      let stderr = ''
      child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
      child.on('error', reject)
      child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }))
    })
  }

  /** Runs `tally --json ARGS`; throws with its stderr when it fails. */
  async json<T = any>(args: string[]): Promise<T> {
    const r = await this.run(['--json', ...args])
    if (r.code !== 0) throw new Error(`tally ${args.join(' ')} failed (${r.code}): ${r.stderr.trim()}`)
    return JSON.parse(r.stdout)
  }

  /** Starts a long-running `tally ARGS` and waits for a stdout line matching `ready`. */
  async start(name: string, args: string[], ready: RegExp): Promise<LongRunning> {
    const child = spawn(process.execPath, [this.opts.bin ?? TALLY_BIN, ...args], { env: this.opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    const waiters = new Set<() => void>()
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      stdout += d
      for (const w of waiters) w()
    })
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => {
      for (const w of waiters) w()
      resolve(code)
    }))
    let done = false
    void exited.then(() => (done = true))
    const proc: LongRunning = {
      name,
      child,
      get stdout() {
        return stdout
      },
      get stderr() {
        return stderr
      },
      exited,
      waitFor(pattern, timeoutMs = READY_TIMEOUT_MS) {
        return new Promise((resolve, reject) => {
          const check = () => {
            const line = stdout.split('\n').find((l) => pattern.test(l))
            if (line !== undefined) finish(null, line)
            else if (done) finish(new Error(`${name} exited before printing ${pattern}: ${stderr.trim().split('\n').pop() ?? ''}`))
          }
          const timer = setTimeout(() => finish(new Error(`${name} did not print ${pattern} within ${timeoutMs} ms; stderr: ${stderr.trim()}`)), timeoutMs)
          const finish = (err: Error | null, line?: string) => {
            clearTimeout(timer)
            waiters.delete(check)
            if (err) reject(err)
            else resolve(line!)
          }
          waiters.add(check)
          check()
        })
      }
    }
    this.running.add(proc)
    void exited.then(() => this.running.delete(proc))
    try {
      await proc.waitFor(ready)
    } catch (err) {
      await this.stop(proc)
      throw err
    }
    return proc
  }

  /** SIGTERM, then SIGKILL if it has not exited within the stop timeout. Resolves with the exit code. */
  async stop(proc: LongRunning, timeoutMs = STOP_TIMEOUT_MS): Promise<number | null> {
    if (proc.child.exitCode !== null || proc.child.signalCode !== null) return proc.exited
    proc.child.kill('SIGTERM')
    const timer = setTimeout(() => proc.child.kill('SIGKILL'), timeoutMs)
    try {
      return await proc.exited
    } finally {
      clearTimeout(timer)
    }
  }

  /** Kills at once, as a crash would. */
  async kill(proc: LongRunning): Promise<void> {
    proc.child.kill('SIGKILL')
    await proc.exited
  }

  /** Stops every process still running, newest first. */
  async stopAll(): Promise<void> {
    for (const p of [...this.running].reverse()) await this.stop(p)
  }
}
