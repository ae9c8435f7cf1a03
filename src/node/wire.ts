/**
 * The local socket's message format: one JSON document per line. Amounts are bigints, which JSON
 * has no type for, so they travel tagged as `{"$bigint": "1250"}` and come back as bigints.
 */

/** A command sent to the running node. */
export interface NodeRequest {
  id: number
  /** A command name from the CLI's table, e.g. "pay". */
  command: string
  /** The command's parsed options (strings, numbers, booleans). */
  opts: Record<string, unknown>
}

/** The node's answer: the command's result, or the error it threw. */
export type NodeResponse = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: WireError }

/**
 * Lines the node sends besides answers: `hello` as soon as it accepts a connection (before any
 * request is sent), `alive` every HEARTBEAT_MS while a request runs. A client that hears neither
 * knows the node is paused or hung, and, when no hello came, that nothing was sent to it.
 */
export type NodeSignal = { hello: number } | { id: number; alive: true }

/** How often the node says a request is still running. */
export const HEARTBEAT_MS = 1000
/** How long a client waits for the node's hello before saying it does not answer (nothing sent yet). */
export const HELLO_TIMEOUT_MS = 5000
/** How long a client waits without any line from the node while a request runs. */
export const SILENCE_TIMEOUT_MS = 10_000

/** A LedgerError (or any error) as it crosses the socket. */
export interface WireError {
  name: string
  code: string | null
  message: string
  reject?: string
  available?: bigint
  candidates?: Array<{ name: string; account: string }>
}

/** Lines longer than this are refused: a local command is a few hundred bytes, a result at most a few MB. */
export const LINE_BYTES_MAX = 64 * 1024 * 1024

export function encodeLine(value: unknown): string {
  return JSON.stringify(value, (_key, v) => (typeof v === 'bigint' ? { $bigint: v.toString() } : v)) + '\n'
}

export function decodeLine(line: string): unknown {
  return JSON.parse(line, (_key, v) => {
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && typeof v.$bigint === 'string' && Object.keys(v).length === 1) return BigInt(v.$bigint)
    return v
  })
}

/** Splits a byte stream into lines. */
export class LineReader {
  private buffer = ''
  constructor(private readonly online: (line: string) => void) {}

  push(chunk: string): void {
    this.buffer += chunk
    if (this.buffer.length > LINE_BYTES_MAX) throw new Error('line too long')
    let nl: number
    while ((nl = this.buffer.indexOf('\n')) !== -1) {
      const line = this.buffer.slice(0, nl)
      this.buffer = this.buffer.slice(nl + 1)
      if (line.trim() !== '') this.online(line)
    }
  }
}
