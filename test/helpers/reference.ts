/**
 * A reference ledger in memory: real signed entries decided by the same pipeline Autobase apply
 * runs (applyBlock on a MemoryStore), without disks or networks. For rule tables and property tests.
 */
import b4a from 'b4a'
import { applyBlock, MemoryStore, type Decided, type Ignored } from '../../src/index.js'
import { keyPairFromSeed, sealEntry, toHex, type Entry, type EntryDraft, type Hex, type KeyPair } from '../../protocol/index.js'

export interface RefMember {
  name: string
  keys: KeyPair
  writer: Uint8Array
  account: Hex
  seq: number
}

/** Deterministic key pairs: seed byte i. */
export function seededKeys(i: number): KeyPair {
  return keyPairFromSeed(b4a.alloc(32, i))
}

export class RefLedger {
  readonly store = new MemoryStore()
  readonly ledgerKey: Uint8Array
  readonly members = new Map<string, RefMember>()
  private writerBlocks = new Map<Hex, number>()
  private nextSeed = 1

  constructor(ledgerKey: Uint8Array = b4a.alloc(32, 0xee)) {
    this.ledgerKey = ledgerKey
  }

  /** A participant with keys and a writer key; not admitted until an admit entry applies. */
  person(name: string): RefMember {
    const keys = seededKeys(this.nextSeed++)
    const writer = seededKeys(100 + this.nextSeed).publicKey
    const m: RefMember = { name, keys, writer, account: toHex(keys.publicKey), seq: 0 }
    this.members.set(name, m)
    return m
  }

  /** Signs `draft` as `author` and appends it as if from `writer` (default: the author's own writer). */
  async run(author: RefMember, draft: EntryDraft, opts: { writer?: Uint8Array; secretKey?: Uint8Array; tamper?: (b: Uint8Array) => Uint8Array } = {}): Promise<Decided> {
    const block = this.seal(author, draft, opts.secretKey)
    return this.raw(opts.writer ?? author.writer, opts.tamper ? opts.tamper(block) : block)
  }

  /** Signs `draft` as `author` (next seq) and returns the block, without applying it. */
  seal(author: RefMember, draft: EntryDraft, secretKey?: Uint8Array): Uint8Array {
    const entry = { version: 1, author: author.keys.publicKey, seq: ++author.seq, timestamp: 1_700_000_000_000 + author.seq, memo: '', ...draft } as Entry
    return sealEntry(this.ledgerKey, entry, secretKey ?? author.keys.secretKey).block
  }

  /** Appends raw bytes as the next block of `writer`. */
  async raw(writer: Uint8Array, bytes: Uint8Array): Promise<Decided> {
    // Rule tables append one entry per block; a bundle's later decisions are in `rawAll`.
    const d = (await this.rawAll(writer, bytes))[0]
    if (d === undefined || d.ignored !== null) throw new Error(`the block was not decided (${d === undefined ? 'no entry in it' : d.ignored})`)
    return d
  }

  /** Appends raw bytes (one entry or a bundle) as the next block of `writer`, or at `block` to redeliver one; every decision in it. */
  async rawAll(writer: Uint8Array, bytes: Uint8Array, block?: number): Promise<Array<Decided | Ignored>> {
    const w = toHex(writer)
    if (block === undefined) {
      block = this.writerBlocks.get(w) ?? 0
      this.writerBlocks.set(w, block + 1)
    }
    return applyBlock(this.store, bytes, { ledgerKey: this.ledgerKey, writer: w, block })
  }

  /** Creates the ledger with `creator` as steward. */
  async genesis(creator: RefMember, opts: { creditLimit?: bigint; maxBalance?: bigint | null } = {}): Promise<Decided> {
    return this.run(creator, {
      type: 'genesis',
      name: 'Ref',
      unitCode: 'CTC',
      decimals: 2,
      defaultCreditLimit: opts.creditLimit ?? 100n,
      defaultMaxBalance: opts.maxBalance ?? null,
      creatorName: creator.name,
      writer: creator.writer
    })
  }

  async admit(steward: RefMember, m: RefMember, opts: { creditLimit?: bigint; maxBalance?: bigint | null; role?: 'member' | 'steward' } = {}): Promise<Decided> {
    return this.run(steward, {
      type: 'admit',
      account: m.keys.publicKey,
      writer: m.writer,
      name: m.name,
      role: opts.role ?? 'member',
      creditLimit: opts.creditLimit ?? 100n,
      maxBalance: opts.maxBalance ?? null,
      indexer: false
    })
  }

  balance(m: RefMember): bigint {
    return this.store.members.get(m.account)?.balance ?? 0n
  }

  sum(): bigint {
    let s = 0n
    for (const m of this.store.members.values()) s += m.balance
    return s
  }
}

/** The decisions of a block, for tests that expect every entry decided (none ignored). */
export function decidedOnly(list: Array<Decided | Ignored>): Decided[] {
  return list.map((d) => {
    if (d.ignored !== null) throw new Error(`entry ${d.id.slice(0, 8)} was not decided (${d.ignored})`)
    return d
  })
}

/** The outcome as a short string for table tests: "ok", the reject code, or why the entry was not decided. */
export function code(d: Decided | Ignored): string {
  if (d.ignored !== null) return d.ignored
  return d.outcome.ok ? 'ok' : d.outcome.code
}
