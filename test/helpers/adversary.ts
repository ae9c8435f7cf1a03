/**
 * Helpers for the reliability tests: a seeded random source, a forger that signs entries the
 * way a modified client would (bypassing the Ledger's local checks), and readers that list what
 * a peer's view decided for each block and check the ledger's invariants.
 */
import b4a from 'b4a'
import type { Ledger, EntryRecord } from '../../src/index.js'
import { memberFromJson } from '../../src/records.js'
import * as K from '../../src/view-keys.js'
import { sealEntry, type Entry, type EntryDraft, type Hex, type KeyPair, type Member } from '../../protocol/index.js'

/** A small deterministic PRNG (mulberry32): the same seed gives the same test data on every run. */
export function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** An integer in [lo, hi] from `rand`. */
export function randInt(rand: () => number, lo: number, hi: number): number {
  return lo + Math.floor(rand() * (hi - lo + 1))
}

/** `n` bytes from `rand`. */
export function randomBytes(rand: () => number, n: number): Uint8Array {
  const out = b4a.alloc(n)
  for (let i = 0; i < n; i++) out[i] = Math.floor(rand() * 256)
  return out
}

/**
 * Signs entries as a member's modified client would: any author field, any key, any ledger
 * key, with no check against the view. `author` defaults to the signer.
 */
export class Forger {
  private seq = 1_000_000

  constructor(
    readonly ledgerKey: Uint8Array,
    readonly identity: KeyPair
  ) {}

  /** Seals a draft: the block bytes and the id an honest peer computes for them. */
  seal(draft: EntryDraft, opts: { author?: Uint8Array; secretKey?: Uint8Array; ledgerKey?: Uint8Array } = {}): { block: Uint8Array; id: Hex } {
    const entry = {
      version: 1,
      author: opts.author ?? this.identity.publicKey,
      seq: this.seq++,
      timestamp: 1_700_000_000_000,
      memo: '',
      ...draft
    } as Entry
    return sealEntry(opts.ledgerKey ?? this.ledgerKey, entry, opts.secretKey ?? this.identity.secretKey)
  }
}

/** Every record a peer's view holds for blocks appended by `writer`, in linear order. */
export async function recordsOfWriter(ledger: Ledger, writer: Hex): Promise<EntryRecord[]> {
  const out: EntryRecord[] = []
  for await (const rec of ledger.log()) if (rec.writer === writer) out.push(rec)
  return out
}

/** Counts records by outcome: 'applied' or the reject code. */
export function outcomeCounts(records: Array<{ status: string; code: string | null }>): Record<string, number> {
  const out: Record<string, number> = {}
  for (const r of records) {
    const k = r.status === 'applied' ? 'applied' : String(r.code)
    out[k] = (out[k] ?? 0) + 1
  }
  return sortKeys(out)
}

/** The same object with keys in sorted order, so `t.alike` and printed figures are stable. */
export function sortKeys<V>(o: Record<string, V>): Record<string, V> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
}

/** Every member record in a peer's view. */
export async function membersOf(ledger: Ledger): Promise<Member[]> {
  const out: Member[] = []
  for await (const node of ledger.view.createReadStream(K.prefixRange('acct/'))) out.push(memberFromJson(node.value))
  return out
}

/** Balances by name, for comparing peers. */
export async function balancesOf(ledger: Ledger): Promise<Record<string, string>> {
  const out: Record<string, string> = {}
  for (const m of await membersOf(ledger)) out[m.name] = m.balance.toString()
  return sortKeys(out)
}

/**
 * Properties 1 and 2 on a peer's current view: balances sum to zero and none is past its
 * limits. (Valid only where no limit was cut below a member's debt, which no test here does.)
 */
export async function invariantProblems(ledger: Ledger): Promise<string[]> {
  const problems: string[] = []
  let sum = 0n
  for (const m of await membersOf(ledger)) {
    sum += m.balance
    if (m.balance < -m.creditLimit) problems.push(`${m.name} at ${m.balance} is below -${m.creditLimit}`)
    if (m.maxBalance !== null && m.balance > m.maxBalance) problems.push(`${m.name} at ${m.balance} is above ${m.maxBalance}`)
  }
  if (sum !== 0n) problems.push(`balances sum to ${sum}`)
  return problems
}

/** Whether a peer's ledger is still running: not closed, not interrupted. */
export function running(ledger: Ledger): boolean {
  return !ledger.closed && !ledger.base.closed && ledger.base.interrupted === null
}
