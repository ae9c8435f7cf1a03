/**
 * The orchestrator's handle on one bench node process: forks it, sends commands, collects its
 * state events, and makes sure it ends (closing it cleanly, or killing that one process).
 */
import { fork, type ChildProcess } from 'child_process'
import fs from 'fs'
import os from 'os'
import path from 'path'
import { fileURLToPath } from 'url'
import type { BootstrapNode } from '../src/index.js'
import type { Commands, CommandName, NodeInit, NodeMessage, NodeState, Request, SeqsSeen } from './messages.js'

const NODE_SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'node.js')
/** A command with no timeout of its own still cannot hang the bench. */
const DEFAULT_CALL_TIMEOUT_MS = 600_000
const CLOSE_TIMEOUT_MS = 120_000
/** Keep this much of a node's stderr to explain a failure. */
const STDERR_TAIL_CHARS = 4000

export interface SpawnOptions {
  label: string
  bootstrap: BootstrapNode[]
  /** Extra node flags, e.g. --cpu-prof for profiling. */
  execArgv?: string[]
  /** Echo the node's stderr. */
  verbose?: boolean
  /** Swarm options for the node's replicator. */
  swarm?: NodeInit['swarm']
}

interface Pending {
  resolve: (v: any) => void
  reject: (err: Error) => void
  timer: NodeJS.Timeout
}

export class BenchNode {
  readonly label: string
  /** Every state event this node pushed while watched, in arrival order. */
  readonly states: NodeState[] = []
  private readonly child: ChildProcess
  private readonly dir: string
  private readonly pending = new Map<number, Pending>()
  private readonly stateListeners: Array<(s: NodeState) => void> = []
  private readonly seqsListeners: Array<(s: SeqsSeen) => void> = []
  private nextId = 1
  private stderrTail = ''
  private exited: Promise<number | null>
  private exitCode: number | null | undefined = undefined
  /** Peak RSS the node reported (at close, or earlier if it said so), bytes. */
  maxRssBytes = 0

  /** Notes a peak RSS the node reported before closing, in case it cannot report at close. */
  notePeak(bytes: number): void {
    this.maxRssBytes = Math.max(this.maxRssBytes, bytes)
  }

  constructor(opts: SpawnOptions) {
    this.label = opts.label
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tally-bench-'))
    const init: NodeInit = { dir: this.dir, bootstrap: opts.bootstrap, label: opts.label, swarm: opts.swarm }
    this.child = fork(NODE_SCRIPT, [JSON.stringify(init)], {
      serialization: 'advanced',
      stdio: ['ignore', opts.verbose ? 'inherit' : 'ignore', 'pipe', 'ipc'],
      execArgv: opts.execArgv ?? []
    })
    this.child.stderr!.setEncoding('utf8')
    this.child.stderr!.on('data', (d: string) => {
      this.stderrTail = (this.stderrTail + d).slice(-STDERR_TAIL_CHARS)
      if (opts.verbose) process.stderr.write(d)
    })
    this.child.on('message', (msg: NodeMessage) => this.onMessage(msg))
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code) => {
        this.exitCode = code
        const err = new Error(`bench node ${this.label} exited (code ${code}) ${this.stderrTail ? ':\n' + this.stderrTail : ''}`)
        for (const p of this.pending.values()) {
          clearTimeout(p.timer)
          p.reject(err)
        }
        this.pending.clear()
        fs.rmSync(this.dir, { recursive: true, force: true })
        resolve(code)
      })
    })
  }

  /** Sends a command and resolves with its result; rejects with the node's error text. */
  call<K extends CommandName>(cmd: K, args: Commands[K]['args'], timeoutMs = DEFAULT_CALL_TIMEOUT_MS): Promise<Commands[K]['result']> {
    if (this.exitCode !== undefined) return Promise.reject(new Error(`bench node ${this.label} has exited`))
    const id = this.nextId++
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id)
        reject(new Error(`bench node ${this.label}: ${cmd} took over ${timeoutMs} ms`))
      }, timeoutMs)
      this.pending.set(id, { resolve, reject, timer })
      const req: Request<K> = { type: 'request', id, cmd, args }
      this.child.send(req)
    })
  }

  /** Calls `fn` with each state event (after watch({ on: true })). */
  onState(fn: (s: NodeState) => void): void {
    this.stateListeners.push(fn)
  }

  /** Calls `fn` with each 'seqs' event (after track({ on: true })). */
  onSeqs(fn: (s: SeqsSeen) => void): void {
    this.seqsListeners.push(fn)
  }

  /** Closes the ledger and swarm in the node, then waits for the process to end; kills it if it will not. */
  async close(): Promise<void> {
    if (this.exitCode !== undefined) return
    try {
      const r = await this.call('close', {}, CLOSE_TIMEOUT_MS)
      this.maxRssBytes = Math.max(this.maxRssBytes, r.maxRssBytes)
    } catch (err) {
      process.stderr.write(`bench: node ${this.label} did not close cleanly (${(err as Error).message.split('\n')[0]}); killing it\n`)
      this.kill()
    }
    const timer = setTimeout(() => this.kill(), CLOSE_TIMEOUT_MS)
    await this.exited
    clearTimeout(timer)
  }

  /** Ends this one process at once. */
  kill(): void {
    if (this.exitCode === undefined) this.child.kill('SIGKILL')
  }

  private onMessage(msg: NodeMessage): void {
    if (msg.type === 'state') {
      this.states.push(msg.state)
      for (const fn of this.stateListeners) fn(msg.state)
      return
    }
    if (msg.type === 'seqs') {
      for (const fn of this.seqsListeners) fn(msg.seqs)
      return
    }
    const p = this.pending.get(msg.id)
    if (!p) return
    this.pending.delete(msg.id)
    clearTimeout(p.timer)
    if (msg.ok) p.resolve(msg.result)
    else p.reject(new Error(`bench node ${this.label}: ${msg.error}`))
  }
}
