/**
 * Running one ledger command for a data dir: through the running node when one answers on the
 * socket, else against the store opened in this process.
 */
import fs from 'fs/promises'
import { LedgerError } from '../errors.js'
import { callNode } from './client.js'
import type { NodeContext, OpenOptions } from './context.js'
import type { DataDir } from './data-dir.js'

/**
 * How long a command waits for a store one holder keeps (another command, a starting node). While
 * other commands take their turns the wait starts again at each turn: four commands at once each
 * hold the store for seconds on a busy machine, and the last one waited 12-14.5 s in all (2 cores,
 * load 14), against a fixed 15 s.
 */
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
 * it retries both ways for up to `lockWaitMs` without a new turn (DIR/store.turn), then says what holds it.
 */
export async function runOnLedger<R>(
  dir: DataDir,
  request: { command: string; opts: Record<string, unknown> },
  local: (ctx: NodeContext) => Promise<R>,
  opts: OpenOptions & { lockWaitMs?: number } = {}
): Promise<Ran<R>> {
  const waitMs = opts.lockWaitMs ?? LOCK_WAIT_MS
  let deadline = Date.now() + waitMs
  let turn = await readTurn(dir)
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
        const now = await readTurn(dir)
        if (now !== turn) {
          // Another command took its turn since: the store is moving, not stuck.
          turn = now
          deadline = Date.now() + waitMs
        }
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
    await takeTurn(dir)
    try {
      return { result: await untilStuck(local(ctx), request.command), viaNode: false }
    } finally {
      await ctx.close()
    }
  }
}

/** The last turn taken on this dir's store ('' when none was recorded). */
async function readTurn(dir: DataDir): Promise<string> {
  return fs.readFile(dir.storeTurnFile, 'utf8').catch(() => '')
}

/** Records that this process holds the store now. Best effort: a waiting command then only waits the plain LOCK_WAIT_MS. */
async function takeTurn(dir: DataDir): Promise<void> {
  await fs.writeFile(dir.storeTurnFile, `${process.pid} ${Date.now()} ${process.hrtime.bigint()}\n`, { mode: 0o600 }).catch(() => {})
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
