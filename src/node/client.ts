/**
 * Talking to the running node over the data dir's socket (see service.ts).
 */
import net from 'net'
import { LedgerError, isLedgerErrorCode } from '../errors.js'
import { decodeLine, encodeLine, LineReader, type NodeResponse, type WireError } from './wire.js'

/** The node's answer, or `answered: false` when no node listens (then the caller opens the store itself). */
export type CallResult = { answered: true; result: unknown } | { answered: false }

/**
 * Sends one command to the node. A missing socket file (ENOENT) or one nobody listens on
 * (ECONNREFUSED: a node that was killed; ECONNRESET before the connection is made: one killed
 * while accepting it) means no node runs; the stale file is left for the next
 * `tally up` to replace, since only the process holding the store lock may safely remove it.
 * Throws the command's own error (as a LedgerError) when the node answers with one, and NODE_LOST
 * when the node goes away before answering.
 */
export function callNode(socketPath: string, command: string, opts: Record<string, unknown>): Promise<CallResult> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(socketPath)
    let connected = false
    let settled = false
    const settle = (fn: () => void) => {
      if (settled) return
      settled = true
      socket.destroy()
      fn()
    }
    socket.setEncoding('utf8')
    socket.once('connect', () => {
      connected = true
      socket.write(encodeLine({ id: 1, command, opts }))
    })
    const reader = new LineReader((line) => {
      let response: NodeResponse
      try {
        response = decodeLine(line) as NodeResponse
      } catch {
        settle(() => reject(LedgerError.NODE_LOST('the node sent an answer that does not decode')))
        return
      }
      if (response.ok) settle(() => resolve({ answered: true, result: response.result }))
      else settle(() => reject(fromWireError(response.error)))
    })
    socket.on('data', (chunk: string) => reader.push(chunk))
    socket.on('error', (err: any) => {
      // ECONNRESET before 'connect': the node was killed while accepting; nothing was sent, so it is as if none ran.
      if (!connected && (err.code === 'ENOENT' || err.code === 'ECONNREFUSED' || err.code === 'ECONNRESET')) settle(() => resolve({ answered: false }))
      else if (!connected) settle(() => reject(LedgerError.NODE_UNREACHABLE(`cannot reach the node on ${socketPath}: ${err.message}`, { cause: err })))
    })
    socket.on('close', () => {
      settle(() =>
        reject(LedgerError.NODE_LOST('the node stopped before answering: the command may or may not have been applied; check with `tally history`'))
      )
    })
  })
}

/** Rebuilds the error a command threw inside the node. */
export function fromWireError(e: WireError): Error {
  if (e.name === 'LedgerError' && isLedgerErrorCode(e.code)) {
    const extra: ConstructorParameters<typeof LedgerError>[2] = {}
    if (e.reject !== undefined) extra.reject = e.reject as any
    if (e.available !== undefined) extra.available = e.available
    if (e.candidates !== undefined) extra.candidates = e.candidates
    return new LedgerError(e.code, e.message, extra)
  }
  const err = new Error(e.message) as Error & { code?: string }
  if (e.code) err.code = e.code
  return err
}
