/**
 * Commands that find the data dir's store held wait for it: while other commands take their
 * turns they keep waiting (each turn starts the wait again); a holder that keeps it past the wait
 * gets them STORE_LOCKED, saying what may hold it.
 */
import test from 'brittle'
import fs from 'fs'
import { runOnLedger } from '../src/node/session.js'
import { DataDir } from '../src/node/data-dir.js'
import { twoDataDirs } from './helpers/data-dirs.js'
import { failsWith, until } from './helpers/index.js'

/**
 * Each command holds the store this long; a waiter gives up after WAIT_MS without a turn. Four at once
 * wait 3 x HOLD_MS > WAIT_MS in all; a turn comes every HOLD_MS plus a close and an open, which leaves
 * WAIT_MS - HOLD_MS for those on a busy machine.
 */
const HOLD_MS = 3000
const WAIT_MS = 8000

const hold = (ms: number) => async () => {
  await new Promise((r) => setTimeout(r, ms))
  return 'done'
}

test('store turns - four commands at once take turns and all run, though the last waits longer than the lock wait in all', { timeout: 120_000 }, async (t) => {
  const { beta } = await twoDataDirs(t)
  const dir = new DataDir(beta)
  const started = Date.now()
  const ran = await Promise.all([1, 2, 3, 4].map(() => runOnLedger(dir, { command: 'status', opts: {} }, hold(HOLD_MS), { lockWaitMs: WAIT_MS }).then((r) => ({ r, at: Date.now() - started }))))
  t.alike(ran.map(({ r }) => r), [1, 2, 3, 4].map(() => ({ result: 'done', viaNode: false })), 'every command ran on the store itself')
  const last = Math.max(...ran.map(({ at }) => at))
  t.ok(last > WAIT_MS, `the last one ended after ${last} ms: it waited longer than ${WAIT_MS} ms in all`)
})

test('store turns - a holder that keeps the store past the wait: STORE_LOCKED', { timeout: 120_000 }, async (t) => {
  const { beta } = await twoDataDirs(t)
  const dir = new DataDir(beta)
  const holder = runOnLedger(dir, { command: 'status', opts: {} }, hold(WAIT_MS + 4000), { lockWaitMs: WAIT_MS })
  await until(() => fs.existsSync(dir.storeTurnFile), 'the holder took its turn', undefined, 60_000)
  await failsWith(t, runOnLedger(dir, { command: 'status', opts: {} }, hold(0), { lockWaitMs: WAIT_MS }), 'STORE_LOCKED', /in use by another process/)
  t.alike(await holder, { result: 'done', viaNode: false })
})
