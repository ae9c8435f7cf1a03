/**
 * The running node's local service: a `net` server on the data dir's socket. Each line is a
 * NodeRequest; the node runs it (through the handler the CLI gives it, i.e. the very same command
 * functions a command runs when no node is up) against its open ledger and writes one NodeResponse
 * line back. The socket lives in the owner-only data dir and is made owner-only itself.
 */
import fs from 'fs/promises'
import net from 'net'
import path from 'path'
import { LedgerError } from '../errors.js'
import { decodeLine, encodeLine, HEARTBEAT_MS, LineReader, type NodeRequest, type NodeResponse, type NodeSignal, type WireError } from './wire.js'

export type NodeHandler = (request: NodeRequest) => Promise<unknown>

/** How long close() lets requests already running finish. */
const DRAIN_MS = 35_000

export class NodeService {
  private server: net.Server | null = null
  private readonly sockets = new Set<net.Socket>()
  private readonly running = new Set<Promise<void>>()

  constructor(
    readonly socketPath: string,
    private readonly handler: NodeHandler,
    /** Create the socket's dir owner-only and check it is (for a socket outside the data dir). */
    private readonly opts: { privateDir?: boolean } = {}
  ) {}

  /**
   * Listens on the socket. A socket file nobody answers on is stale (a node that was killed) and is
   * replaced; one that answers means a node already runs for this dir.
   * Only the process holding the store lock calls this, so replacing the file cannot race another node.
   */
  async listen(): Promise<void> {
    if (await answers(this.socketPath)) {
      throw LedgerError.NODE_RUNNING(`a node already answers on ${this.socketPath}: is \`tally up\` already running for this dir?`)
    }
    if (process.platform !== 'win32') {
      if (this.opts.privateDir) await privateDir(path.dirname(this.socketPath))
      await fs.rm(this.socketPath, { force: true })
    }
    const server = net.createServer((socket) => this.onSocket(socket))
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(this.socketPath, () => {
        server.off('error', reject)
        resolve()
      })
    })
    if (process.platform !== 'win32') await fs.chmod(this.socketPath, 0o600)
    this.server = server
  }

  /** Stops taking requests, lets running ones finish, closes connections and removes the socket file. */
  async close(): Promise<void> {
    const server = this.server
    if (!server) return
    this.server = null
    const closed = new Promise<void>((resolve) => server.close(() => resolve()))
    const drain = Promise.allSettled([...this.running])
    await Promise.race([drain, new Promise((r) => setTimeout(r, DRAIN_MS).unref())])
    for (const s of this.sockets) s.destroy()
    await closed
    if (process.platform !== 'win32') await fs.rm(this.socketPath, { force: true })
  }

  private onSocket(socket: net.Socket): void {
    this.sockets.add(socket)
    socket.setEncoding('utf8')
    socket.on('error', () => {}) // a client that goes away mid-answer is not the node's problem
    socket.on('close', () => this.sockets.delete(socket))
    // Said at once, so a client can tell a paused or hung node (no hello) from a slow command.
    signal(socket, { hello: process.pid })
    const reader = new LineReader((line) => {
      const task = this.handle(socket, line)
      this.running.add(task)
      void task.finally(() => this.running.delete(task))
    })
    socket.on('data', (chunk: string) => {
      try {
        reader.push(chunk)
      } catch {
        socket.destroy()
      }
    })
  }

  private async handle(socket: net.Socket, line: string): Promise<void> {
    let request: NodeRequest
    try {
      request = decodeLine(line) as NodeRequest
      if (typeof request?.command !== 'string') throw new Error('no command')
    } catch {
      reply(socket, { id: -1, ok: false, error: toWireError(LedgerError.BAD_INPUT('malformed request on the node socket')) })
      return
    }
    if (this.server === null) {
      reply(socket, { id: request.id, ok: false, error: toWireError(LedgerError.NODE_LOST('the node is stopping')) })
      return
    }
    const heartbeat = setInterval(() => signal(socket, { id: request.id, alive: true }), HEARTBEAT_MS)
    try {
      const result = await this.handler(request)
      reply(socket, { id: request.id, ok: true, result })
    } catch (err) {
      reply(socket, { id: request.id, ok: false, error: toWireError(err) })
    } finally {
      clearInterval(heartbeat)
    }
  }
}

function reply(socket: net.Socket, response: NodeResponse): void {
  if (!socket.destroyed) socket.write(encodeLine(response))
}

function signal(socket: net.Socket, line: NodeSignal): void {
  if (!socket.destroyed) socket.write(encodeLine(line))
}

/** An error as it crosses the socket: code and the LedgerError extras survive. */
export function toWireError(err: unknown): WireError {
  const e = err as any
  const out: WireError = { name: String(e?.name ?? 'Error'), code: typeof e?.code === 'string' ? e.code : null, message: String(e?.message ?? err) }
  if (e?.reject !== undefined) out.reject = e.reject
  if (e?.available !== undefined) out.available = e.available
  if (e?.candidates !== undefined) out.candidates = e.candidates
  return out
}

/** Creates the socket's dir owner-only and checks nobody else can reach into it (a socket in a shared temp dir could be squatted on). */
async function privateDir(dir: string): Promise<void> {
  await fs.mkdir(dir, { recursive: true, mode: 0o700 })
  const st = await fs.lstat(dir)
  const uid = process.getuid?.()
  if (!st.isDirectory() || (uid !== undefined && st.uid !== uid) || (st.mode & 0o077) !== 0) {
    throw LedgerError.STORAGE(`${dir} must be a directory only you can use (mode 0700) to hold the node's socket`)
  }
}

/** Whether something accepts connections on `socketPath`. */
export function answers(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(socketPath)
    s.once('connect', () => {
      s.destroy()
      resolve(true)
    })
    s.once('error', () => resolve(false))
  })
}
