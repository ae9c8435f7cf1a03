import test from 'brittle'
import fs from 'fs'
import net from 'net'
import { spawn } from 'child_process'
import path from 'path'
import { NodeService } from '../src/node/service.js'
import { callNode } from '../src/node/client.js'
import { encodeLine } from '../src/node/wire.js'
import { runOnLedger } from '../src/node/session.js'
import { DataDir } from '../src/node/data-dir.js'
import { LedgerError } from '../src/index.js'
import { tmpdir } from './helpers/index.js'

test('node service - a request and its bigint result cross the socket; errors keep their code and extras', async (t) => {
  const sock = path.join(tmpdir(t), 'node.sock')
  const service = new NodeService(sock, async (req) => {
    if (req.command === 'fail') throw new LedgerError('REJECTED', 'over the limit', { reject: 'over_credit_limit', available: 12_00n })
    return { echo: req.opts, balance: -1250n, big: 2n ** 70n }
  })
  await service.listen()
  t.teardown(() => service.close(), { order: 0 })
  t.is(fs.statSync(sock).mode & 0o777, 0o600, 'the socket is owner-only')

  const r = await callNode(sock, 'balance', { member: 'beta' })
  t.ok(r.answered)
  t.alike(r.answered && r.result, { echo: { member: 'beta' }, balance: -1250n, big: 2n ** 70n })

  try {
    await callNode(sock, 'fail', {})
    t.fail('no error')
  } catch (err) {
    t.ok(err instanceof LedgerError)
    t.is((err as LedgerError).code, 'REJECTED')
    t.is((err as LedgerError).reject, 'over_credit_limit')
    t.is((err as LedgerError).available, 12_00n)
  }
})

test('node service - no node or a stale socket means "not answered"; a new node replaces the stale file', async (t) => {
  const dir = tmpdir(t)
  const sock = path.join(dir, 'node.sock')
  t.alike(await callNode(sock, 'status', {}), { answered: false }, 'no socket file')

  // A node killed with SIGKILL leaves its socket file behind, with nobody listening.
  const child = spawn(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(sock)}, () => console.log('up'))`], { stdio: ['ignore', 'pipe', 'inherit'] })
  await new Promise((resolve) => child.stdout.once('data', resolve))
  child.kill('SIGKILL')
  await new Promise((resolve) => child.once('exit', resolve))
  t.ok(fs.existsSync(sock), 'stale socket file is there')
  t.alike(await callNode(sock, 'status', {}), { answered: false }, 'stale socket file')

  const service = new NodeService(sock, async () => 'fresh')
  await service.listen()
  t.teardown(() => service.close(), { order: 0 })
  const r = await callNode(sock, 'status', {})
  t.is(r.answered && r.result, 'fresh')

  const second = new NodeService(sock, async () => 'second')
  await t.exception(() => second.listen(), /already answers/)
  await service.close()
  t.absent(fs.existsSync(sock), 'close removes the socket file')
})

test('node service - a node that dies mid-request is reported, not mistaken for success', async (t) => {
  const sock = path.join(tmpdir(t), 'node.sock')
  const server = net.createServer((s) => {
    s.write(encodeLine({ hello: 1 }))
    s.on('data', () => s.destroy())
  })
  await new Promise<void>((resolve) => server.listen(sock, resolve))
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())), { order: 0 })
  const err = (await callNode(sock, 'pay', {}).then(() => null, (e: unknown) => e)) as LedgerError | null
  t.is(err?.code, 'NODE_LOST', String(err))
  t.ok(/stopped before answering/.test(err?.message ?? ''))
})

test('node service - a node that accepts but never says hello (paused, hung) times out, saying nothing was sent', async (t) => {
  const sock = path.join(tmpdir(t), 'node.sock')
  const got: string[] = []
  const server = net.createServer((s) => s.on('data', (d) => got.push(String(d))))
  await new Promise<void>((resolve) => server.listen(sock, resolve))
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())), { order: 0 })
  const err = await callNode(sock, 'pay', {}, { helloTimeoutMs: 300 }).catch((e) => e)
  t.is(err.code, 'TIMEOUT')
  t.ok(/did not answer within .*paused .*or hung\. Nothing was sent/.test(err.message), err.message)
  t.alike(got, [], 'the request was never sent')
})

test('node service - a node that goes silent while running a request times out; heartbeats keep a slow one alive', async (t) => {
  const dir = tmpdir(t)
  const silentSock = path.join(dir, 'silent.sock')
  const silent = net.createServer((s) => s.resume().write(encodeLine({ hello: 42 })))
  await new Promise<void>((resolve) => silent.listen(silentSock, resolve))
  t.teardown(() => new Promise<void>((resolve) => silent.close(() => resolve())), { order: 0 })
  const err = await callNode(silentSock, 'pay', {}, { silenceTimeoutMs: 300 }).catch((e) => e)
  t.is(err.code, 'TIMEOUT')
  t.ok(/node \(pid 42\) stopped answering .* while running `pay`.*may or may not have been applied.*same --key/.test(err.message), err.message)

  // A real service whose command takes longer than the silence limit: its heartbeats keep the call alive.
  const slowSock = path.join(dir, 'slow.sock')
  const slow = new NodeService(slowSock, async () => {
    await new Promise((r) => setTimeout(r, 2500))
    return 'done'
  })
  await slow.listen()
  t.teardown(() => slow.close(), { order: 0 })
  const r = await callNode(slowSock, 'audit', {}, { silenceTimeoutMs: 1500 })
  t.alike(r, { answered: true, result: 'done' })
})

test('node service - runOnLedger goes through a running node when one answers', async (t) => {
  const dir = new DataDir(tmpdir(t))
  const service = new NodeService(dir.socketPath, async (req) => ({ ran: req.command }))
  await service.listen()
  t.teardown(() => service.close(), { order: 0 })
  const ran = await runOnLedger(dir, { command: 'status', opts: {} }, async () => {
    throw new Error('must not open the store')
  })
  t.ok(ran.viaNode)
  t.alike(ran.result, { ran: 'status' })
})

test('node service - a socket outside the data dir lives in a dir only its owner can use', async (t) => {
  const base = tmpdir(t)
  const fresh = path.join(base, 'tally-fresh')
  const service = new NodeService(path.join(fresh, 'n.sock'), async () => 'ok', { privateDir: true })
  await service.listen()
  t.teardown(() => service.close(), { order: 0 })
  t.is(fs.statSync(fresh).mode & 0o777, 0o700, 'created owner-only')
  const shared = path.join(base, 'tally-shared')
  fs.mkdirSync(shared, { mode: 0o755 })
  fs.chmodSync(shared, 0o755)
  await t.exception(() => new NodeService(path.join(shared, 'n.sock'), async () => 'x', { privateDir: true }).listen(), /only you can use/)
})
