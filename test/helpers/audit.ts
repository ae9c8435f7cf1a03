/**
 * Helpers for the audit tests: appending entries the way a modified client would (raw, past
 * the Ledger's checks), waiting for them to be decided, and running hledger / bean-check.
 */
import { spawnSync } from 'child_process'
import { Ledger } from '../../src/index.js'
import { generateKeyPair, sealEntry, type Entry, type EntryDraft, type Hex, type KeyPair } from '../../protocol/index.js'
import { tmpdir, until, type T } from './index.js'

/** A ledger on a data dir the test can reopen, with a member `beta` whose node never writes. */
export async function ledgerOnDir(t: T): Promise<{ dir: string; identity: KeyPair; ledger: Ledger; beta: KeyPair }> {
  const dir = tmpdir(t)
  const identity = generateKeyPair()
  const ledger = await Ledger.create({ store: dir, identity, name: 'Test Exchange', unitCode: 'CTC', memberName: 'alpha', creditLimit: 100_00n, ackIntervalMs: 50 })
  t.teardown(() => ledger.close(), { order: 10 })
  const beta = generateKeyPair()
  await ledger.admit({ account: beta.publicKey, writer: generateKeyPair().publicKey, name: 'beta' })
  return { dir, identity, ledger, beta }
}

let rawSeq = 1_000_000

/** Signs `draft` with `signer` (default: the ledger's own identity), without any check. */
export function seal(ledger: Ledger, draft: EntryDraft, signer: KeyPair = ledger.identity): { block: Uint8Array; id: Hex } {
  const entry = { version: 1, author: signer.publicKey, seq: draft.seq ?? rawSeq++, timestamp: draft.timestamp ?? Date.now(), memo: draft.memo ?? '', ...draft } as Entry
  return sealEntry(ledger.key, entry, signer.secretKey)
}

/** Appends blocks to the ledger's writer core as a modified client would, and waits until apply decided them. */
export async function appendRaw(ledger: Ledger, blocks: Uint8Array[]): Promise<void> {
  const before = (await ledger.meta())?.entries ?? 0
  await ledger.base.append(blocks)
  await until(async () => ((await ledger.meta())?.entries ?? 0) >= before + blocks.length, 'raw entries decided', () => ledger.update())
}

/** Waits until the view is quorum-signed up to its length, so nothing local is left to re-apply. */
export async function confirmed(ledger: Ledger): Promise<void> {
  await until(() => ledger.view.core.signedLength === ledger.view.core.length, 'view confirmed', () => ledger.update())
}

/** Whether a command-line tool is installed. */
export function hasTool(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).status === 0
}

/** Runs a tool; returns its exit status and output. */
export function run(cmd: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 60_000 })
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' }
}

/** `hledger balance` of a journal as account -> decimal amount text (without the commodity). */
export function hledgerBalances(file: string): Map<string, string> {
  const r = run('hledger', ['-f', file, 'balance', '--flat', '-O', 'csv', '--no-total'])
  if (r.status !== 0) throw new Error('hledger balance failed: ' + r.stderr)
  const out = new Map<string, string>()
  for (const line of r.stdout.trim().split('\n').slice(1)) {
    const m = /^"(.*)","(-?[\d.]+) ?.*"$/.exec(line)
    if (m) out.set(m[1], m[2])
  }
  return out
}
