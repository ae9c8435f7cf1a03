/**
 * Running `tally` as separate processes, for the demo and the end-to-end tests: one-shot commands
 * with their output, and long-running ones (`bootstrap`, `up`) started until a line says they are
 * ready and stopped with SIGTERM (SIGKILL if they do not stop in time). A long-running process's
 * output is kept bounded (its start and its latest part), so a failure can show what it printed.
 */
import { spawn, type ChildProcess } from 'child_process'
import { fileURLToPath } from 'url'

/** The launcher next to dist/: bin/tally.js. */
export const TALLY_BIN = fileURLToPath(new URL('../../bin/tally.js', import.meta.url))

const READY_TIMEOUT_MS = 60_000
const STOP_TIMEOUT_MS = 15_000
/** Of a long-running process's stdout and stderr, each: the first bytes (its banner, its ready line) and the latest. */
const HEAD_CHARS = 16 * 1024
const TAIL_CHARS = 64 * 1024

export interface Ran {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

export interface LongRunning {
  name: string
  child: ChildProcess
  /** What it printed on stdout so far: all of it, or its first 16 KB and its last 64 KB with a mark between. */
  readonly stdout: string
  /** What it printed on stderr so far, bounded as stdout. */
  readonly stderr: string
  /** Resolves with the exit code once it exits (null when a signal ended it: see `child.signalCode`). */
  exited: Promise<number | null>
  /** Waits for a stdout line matching `pattern` (in what is kept); resolves with the line. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>
  /** How it ended (or that it runs) and its stdout and stderr, the last `chars` of each: for a failing test's message. */
  report(chars?: number): string
}

/** A stream's text kept within bounds: its head whole, then only its tail. */
class Bounded {
  private head = ''
  private tail = ''
  private dropped = 0

  push(text: string): void {
    if (this.head.length < HEAD_CHARS) {
      const room = HEAD_CHARS - this.head.length
      this.head += text.slice(0, room)
      text = text.slice(room)
    }
    this.tail += text
    if (this.tail.length > TAIL_CHARS * 2) this.trim()
  }

  get text(): string {
    this.trim()
    return this.dropped === 0 ? this.head + this.tail : `${this.head}\n[... ${this.dropped} characters not kept ...]\n${this.tail}`
  }

  private trim(): void {
    if (this.tail.length <= TAIL_CHARS) return
    this.dropped += this.tail.length - TAIL_CHARS
    this.tail = this.tail.slice(-TAIL_CHARS)
  }
}

export class TallyProcesses {
  private readonly running = new Set<LongRunning>()
  /** Every long-running process started, stopped ones too (their output explains a later failure). */
  private readonly started: LongRunning[] = []

  /** `debug`: long-running processes get TALLY_DEBUG=1, so a failure that ends one prints its stack (tests). */
  constructor(private readonly opts: { bin?: string; env?: NodeJS.ProcessEnv; debug?: boolean } = {}) {}

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
    if (r.code !== 0) throw new Error(`tally ${args.join(' ')} failed (${r.code ?? r.signal}): ${r.stderr.trim()}`)
    return JSON.parse(r.stdout)
  }

  /** Starts a long-running `tally ARGS` and waits for a stdout line matching `ready`. */
  async start(name: string, args: string[], ready: RegExp): Promise<LongRunning> {
    const env = { ...(this.opts.env ?? process.env), ...(this.opts.debug ? { TALLY_DEBUG: '1' } : {}) }
    const child = spawn(process.execPath, [this.opts.bin ?? TALLY_BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] })
    const out = new Bounded()
    const err = new Bounded()
    const waiters = new Set<() => void>()
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out.push(d)
      for (const w of waiters) w()
    })
    child.stderr!.setEncoding('utf8').on('data', (d: string) => err.push(d))
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
        return out.text
      },
      get stderr() {
        return err.text
      },
      exited,
      report(chars = TAIL_CHARS) {
        const state = child.exitCode !== null ? `exited with code ${child.exitCode}` : child.signalCode !== null ? `ended by ${child.signalCode}` : 'running'
        const last = (text: string) => (text.length > chars ? `[...]${text.slice(-chars)}` : text).trimEnd() || '(nothing)'
        return `${name} (pid ${child.pid}, tally ${args.join(' ')}) ${state}\n--- stdout ---\n${last(out.text)}\n--- stderr ---\n${last(err.text)}`
      },
      waitFor(pattern, timeoutMs = READY_TIMEOUT_MS) {
        return new Promise((resolve, reject) => {
          const check = () => {
            const line = out.text.split('\n').find((l) => pattern.test(l))
            if (line !== undefined) finish(null, line)
            else if (done) finish(new Error(`${name} exited before printing ${pattern}:\n${proc.report(4096)}`))
          }
          const timer = setTimeout(() => finish(new Error(`${name} did not print ${pattern} within ${timeoutMs} ms:\n${proc.report(4096)}`)), timeoutMs)
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
    this.started.push(proc)
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

  /** The report of every long-running process started here, the last `chars` of each stream: for a failing step's message. */
  report(chars = 4096): string {
    return this.started.map((p) => p.report(chars)).join('\n')
  }
}
