/**
 * Talking to the running node over the data dir's socket (see service.ts).
 */
import net from 'net'
import { LedgerError, isLedgerErrorCode } from '../errors.js'
import { decodeLine, encodeLine, HELLO_TIMEOUT_MS, LineReader, SILENCE_TIMEOUT_MS, type NodeResponse, type NodeSignal, type WireError } from './wire.js'

/** The node's answer, or `answered: false` when no node listens (then the caller opens the store itself). */
export type CallResult = { answered: true; result: unknown } | { answered: false }

export interface CallOptions {
  /** How long to wait for the node's hello once connected (default HELLO_TIMEOUT_MS). */
  helloTimeoutMs?: number
  /** How long a running request may go without a line from the node (default SILENCE_TIMEOUT_MS). */
  silenceTimeoutMs?: number
}

/**
 * Sends one command to the node. A missing socket file (ENOENT) or one nobody listens on
 * (ECONNREFUSED: a node that was killed; ECONNRESET before the connection is made: one killed
 * while accepting it) means no node runs; the stale file is left for the next
 * `tally up` to replace, since only the process holding the store lock may safely remove it.
 * The request is sent only after the node's hello, and the node says `alive` every second while
 * it runs; silence means a paused or hung node (kill -STOP), reported as TIMEOUT saying whether
 * the request had been sent. Throws the command's own error (as a LedgerError) when the node
 * answers with one, and NODE_LOST when the node goes away before answering.
 */
export function callNode(socketPath: string, command: string, opts: Record<string, unknown>, timeouts: CallOptions = {}): Promise<CallResult> {
  const helloMs = timeouts.helloTimeoutMs ?? HELLO_TIMEOUT_MS
  const silenceMs = timeouts.silenceTimeoutMs ?? SILENCE_TIMEOUT_MS
  return new Promise((resolve, reject) => {
    const socket = net.connect(socketPath)
    let connected = false
    let sent = false
    let pid: number | null = null
    let settled = false
    let timer: ReturnType<typeof setTimeout> | null = null
    const settle = (fn: () => void) => {
      if (settled) return
      settled = true
      if (timer) clearTimeout(timer)
      socket.destroy()
      fn()
    }
    /** (Re)arms the silence timer: fires when the node says nothing for `ms`. */
    const expect = (ms: number) => {
      if (timer) clearTimeout(timer)
      timer = setTimeout(() => settle(() => reject(silent())), ms)
    }
    const silent = () => {
      const who = pid === null ? 'the node' : `the node (pid ${pid})`
      if (!sent) {
        return new LedgerError(
          'TIMEOUT',
          `${who} on ${socketPath} accepted the connection but did not answer within ${seconds(helloMs)}: it is paused (kill -STOP?) or hung. Nothing was sent to it; resume it (kill -CONT) or stop it, then try again`
        )
      }
      return new LedgerError(
        'TIMEOUT',
        `${who} stopped answering for ${seconds(silenceMs)} while running \`${command}\`: it is paused (kill -STOP?) or hung. The command may or may not have been applied: check \`tally history\` once it answers${command === 'pay' ? ' (a `pay` retried with the same --key is applied once)' : ''}`
      )
    }
    socket.setEncoding('utf8')
    socket.once('connect', () => {
      connected = true
      expect(helloMs)
    })
    const reader = new LineReader((line) => {
      let message: NodeResponse | NodeSignal
      try {
        message = decodeLine(line) as NodeResponse | NodeSignal
      } catch {
        settle(() => reject(LedgerError.NODE_LOST('the node sent an answer that does not decode')))
        return
      }
      if ('hello' in message) {
        pid = typeof message.hello === 'number' ? message.hello : null
        if (!sent) {
          sent = true
          socket.write(encodeLine({ id: 1, command, opts }))
        }
        expect(silenceMs)
        return
      }
      if ('alive' in message) {
        expect(silenceMs)
        return
      }
      if (message.ok) settle(() => resolve({ answered: true, result: message.result }))
      else settle(() => reject(fromWireError(message.error)))
    })
    socket.on('data', (chunk: string) => reader.push(chunk))
    socket.on('error', (err: NodeJS.ErrnoException) => {
      // ECONNRESET before 'connect': the node was killed while accepting; nothing was sent, so it is as if none ran.
      if (!connected && (err.code === 'ENOENT' || err.code === 'ECONNREFUSED' || err.code === 'ECONNRESET')) settle(() => resolve({ answered: false }))
      else if (!connected) settle(() => reject(LedgerError.NODE_UNREACHABLE(`cannot reach the node on ${socketPath}: ${err.message}`, { cause: err })))
    })
    socket.on('close', () => {
      // Closed before its hello (a node stopping, or killed while accepting): nothing was sent, as if none ran.
      if (!sent) settle(() => resolve({ answered: false }))
      else settle(() => reject(LedgerError.NODE_LOST('the node stopped before answering: the command may or may not have been applied; check with `tally history`')))
    })
  })
}

/** Rebuilds the error a command threw inside the node. */
export function fromWireError(e: WireError): Error {
  if (e.name === 'LedgerError' && isLedgerErrorCode(e.code)) {
    const extra: ConstructorParameters<typeof LedgerError>[2] = {}
    if (e.reject !== undefined) extra.reject = e.reject as NonNullable<typeof extra.reject>
    if (e.available !== undefined) extra.available = e.available
    if (e.candidates !== undefined) extra.candidates = e.candidates
    return new LedgerError(e.code, e.message, extra)
  }
  const err = new Error(e.message) as Error & { code?: string }
  if (e.code) err.code = e.code
  return err
}

function seconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`
}
