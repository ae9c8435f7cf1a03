/**
 * Test helpers: temp dirs, ledgers on real corestores, piped replication. Each helper
 * registers its own teardown with brittle, in the order the brief asks: swarms, bases, stores, testnet.
 */
import fs from 'fs'
import os from 'os'
import path from 'path'
import Corestore from 'corestore'
import { Ledger } from '../../src/index.js'
import { generateKeyPair, type KeyPair } from '../../protocol/index.js'

export interface T {
  teardown(fn: () => unknown | Promise<unknown>, opts?: { order?: number }): void
}

/** A fresh temp dir, removed at teardown. */
export function tmpdir(t: T): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tally-test-'))
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }), { order: 100 })
  return dir
}

/** A corestore in a temp dir, closed at teardown. */
export function makeStore(t: T): Corestore {
  const store = new Corestore(tmpdir(t))
  t.teardown(() => store.close(), { order: 50 })
  return store
}

export interface Peer {
  ledger: Ledger
  store: Corestore
  identity: KeyPair
  name: string
}

/** Creates a ledger with this peer as steward. */
export async function createPeer(t: T, name = 'alpha', opts: { creditLimit?: bigint; maxBalance?: bigint | null; decimals?: number } = {}): Promise<Peer> {
  const store = makeStore(t)
  const identity = generateKeyPair()
  const ledger = await Ledger.create({
    store,
    identity,
    name: 'Test Exchange',
    unitCode: 'CTC',
    decimals: opts.decimals ?? 2,
    creditLimit: opts.creditLimit ?? 100_00n,
    maxBalance: opts.maxBalance ?? null,
    memberName: name,
    ackIntervalMs: 50
  })
  t.teardown(() => ledger.close(), { order: 10 })
  return { ledger, store, identity, name }
}

/** Opens the same ledger on a new store (not yet admitted). */
export async function openPeer(t: T, of: Ledger, name: string): Promise<Peer> {
  const store = makeStore(t)
  const identity = generateKeyPair()
  const ledger = await Ledger.open({ store, identity, key: of.key, encryptionKey: of.encryptionKey, ackIntervalMs: 50 })
  t.teardown(() => ledger.close(), { order: 10 })
  return { ledger, store, identity, name }
}

/** Connects two ledgers with a piped replication stream; returns a function that cuts it. */
export function connect(a: Ledger, b: Ledger): () => void {
  const s1 = a.replicate(true)
  const s2 = b.replicate(false)
  s1.pipe(s2).pipe(s1)
  return () => {
    s1.destroy()
    s2.destroy()
  }
}

/** Adds a member: opens a peer, connects it to the steward and admits it. */
export async function addMember(t: T, steward: Peer, name: string, opts: { creditLimit?: bigint; indexer?: boolean } = {}): Promise<Peer> {
  const peer = await openPeer(t, steward.ledger, name)
  connect(steward.ledger, peer.ledger)
  await steward.ledger.admit({ account: peer.identity.publicKey, writer: peer.ledger.writerKey, name, creditLimit: opts.creditLimit, indexer: opts.indexer })
  await until(() => peer.ledger.writable, 'writable ' + name, () => peer.ledger.update())
  await until(async () => (await peer.ledger.self().catch(() => null)) !== null, 'synced ' + name, () => peer.ledger.update())
  return peer
}

/**
 * Polls `cond` until true, calling `tick` between tries; fails after `ms`, saying what `diagnose`
 * finds then. `pollMs` spaces the tries (25 ms; a poll that runs a CLI process wants more).
 */
export async function until(
  cond: () => boolean | Promise<boolean>,
  what: string,
  tick?: () => unknown,
  ms = 30_000,
  opts: { pollMs?: number; diagnose?: () => Promise<string> } = {}
): Promise<void> {
  const deadline = Date.now() + ms
  for (;;) {
    if (await cond()) return
    if (Date.now() > deadline) throw new Error('timed out waiting for ' + what + (opts.diagnose ? ': ' + (await opts.diagnose()) : ''))
    if (tick) await tick()
    await new Promise((r) => setTimeout(r, opts.pollMs ?? 25))
  }
}

/** Waits until every ledger has the same state hash and entry count. */
export async function converge(ledgers: Ledger[], ms = 60_000): Promise<string> {
  let hash = ''
  await until(
    async () => {
      const hashes = await Promise.all(ledgers.map((l) => l.stateHash()))
      hash = hashes[0] ?? ''
      return hashes.every((h) => h !== null && h === hashes[0])
    },
    'convergence',
    () => Promise.all(ledgers.map((l) => l.update())),
    ms
  )
  return hash
}

/** Asserts that `p` rejects with a LedgerError of `code` (and, if given, a message matching `pattern`). */
export async function failsWith(t: { is(a: unknown, b: unknown, m?: string): void; ok(v: unknown, m?: string): void }, p: Promise<unknown>, code: string, pattern?: RegExp): Promise<Error | null> {
  const err = await p.then(() => null, (e: unknown) => e as Error)
  t.is((err as { code?: string } | null)?.code, code, `${code}: ${err ? err.message : 'no error'}`)
  if (pattern) t.ok(err !== null && pattern.test(err.message), `message ~ ${pattern}`)
  return err
}

/** Calls `onLine` with each whole line a child process prints (a line split across chunks arrives whole). */
export function eachLine(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  let buffered = ''
  stream.on('data', (d: Buffer) => {
    buffered += d.toString()
    let nl
    while ((nl = buffered.indexOf('\n')) !== -1) {
      const line = buffered.slice(0, nl)
      buffered = buffered.slice(nl + 1)
      onLine(line)
    }
  })
}
