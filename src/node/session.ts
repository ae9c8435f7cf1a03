/**
 * Running one ledger command for a data dir: through the running node when one answers on the
 * socket, else against the store opened in this process.
 */
import { LedgerError } from '../errors.js'
import { callNode } from './client.js'
import type { NodeContext, OpenOptions } from './context.js'
import type { DataDir } from './data-dir.js'

/** How long a command waits for a store another command (or a starting node) holds. */
export const LOCK_WAIT_MS = 15_000
const LOCK_RETRY_MS = 150

export interface Ran<R> {
  result: R
  /** Whether the running node ran it (true) or this process did (false). */
  viaNode: boolean
}

/**
 * Runs `command` for `dir`: asks the node; when none answers, opens the store and calls `local`.
 * While another process holds the store (another command, a node starting up, a `tally join`),
 * it retries both ways for up to `lockWaitMs`, then says what holds it.
 */
export async function runOnLedger<R>(
  dir: DataDir,
  request: { command: string; opts: Record<string, unknown> },
  local: (ctx: NodeContext) => Promise<R>,
  opts: OpenOptions & { lockWaitMs?: number } = {}
): Promise<Ran<R>> {
  const deadline = Date.now() + (opts.lockWaitMs ?? LOCK_WAIT_MS)
  for (;;) {
    const call = await callNode(dir.socketPath, request.command, request.opts)
    if (call.answered) return { result: call.result as R, viaNode: true }
    let ctx
    try {
      // Loaded only when no node answers: a command answered by the node never loads the storage stack.
      const { openContext } = await import('./context.js')
      ctx = await openContext(dir, opts)
    } catch (err) {
      if (err instanceof LedgerError && err.code === 'STORE_LOCKED') {
        if (Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, LOCK_RETRY_MS))
          continue
        }
        throw LedgerError.STORE_LOCKED(
          `the store in ${dir.root} is in use by another process and no node answers on ${dir.socketPath} (a \`tally join\` still running, or \`tally up\` still starting?)`
        )
      }
      throw err
    }
    try {
      return { result: await untilStuck(local(ctx), request.command), viaNode: false }
    } finally {
      await ctx.close()
    }
  }
}

/**
 * `work`, or NOT_SYNCED when the process runs out of things to do while it is still pending. A
 * command run here has no network: a read of a block this disk does not hold (the view of a
 * node that fast-forwarded when it joined has holes until it syncs) waits for a peer that will
 * never come. Node would then exit with code 13 and say nothing; `beforeExit` fires exactly when
 * nothing else is left that could settle the read.
 */
export async function untilStuck<R>(work: Promise<R>, command: string): Promise<R> {
  let onIdle: (() => void) | null = null
  const stuck = new Promise<never>((_resolve, reject) => {
    onIdle = () =>
      reject(
        new LedgerError(
          'NOT_SYNCED',
          `this node has not synced what \`${command}\` needs yet (part of the ledger is not on this disk, and no node is running to fetch it): run \`tally up\` until it has synced, then try again`
        )
      )
    process.once('beforeExit', onIdle)
  })
  try {
    return await Promise.race([work, stuck])
  } finally {
    process.off('beforeExit', onIdle!)
  }
}
