/**
 * The golden vectors' inputs: one entry of each type, signed with fixed seeds for a fixed
 * ledger key. `node dist/test/vectors/generate.js` writes entries.json from these; the test
 * checks the code still produces exactly those bytes, ids and signatures.
 */
import b4a from 'b4a'
import { conditionOf, keyPairFromSeed, membersPolicy, type Entry } from '../../protocol/index.js'

export const LEDGER_KEY = b4a.alloc(32, 0x4c)
export const ALICE = keyPairFromSeed(b4a.alloc(32, 0xa1))
export const BOB = keyPairFromSeed(b4a.alloc(32, 0xb0))
const WRITER = b4a.alloc(32, 0x57)
const INVOICE = b4a.alloc(32, 0x1f)
const OTHER_LEDGER = b4a.alloc(32, 0x4d)
const PREIMAGE = b4a.alloc(32, 0x70)
const INVITE = b4a.alloc(32, 0x1e)
const INVITE_KEY = b4a.alloc(32, 0x1b)

const h = { version: 1, seq: 7, timestamp: 1_763_900_000_000, memo: '' }

export const ENTRIES: Array<{ name: string; signer: 'alice' | 'bob'; entry: Entry }> = [
  { name: 'genesis', signer: 'alice', entry: { ...h, author: ALICE.publicKey, type: 'genesis', name: 'CoTech Exchange', unitCode: 'CTC', decimals: 2, defaultCreditLimit: 50000n, defaultMaxBalance: null, creatorName: 'alpha', writer: WRITER } },
  { name: 'admit', signer: 'alice', entry: { ...h, author: ALICE.publicKey, type: 'admit', account: BOB.publicKey, writer: WRITER, name: 'beta', role: 'member', creditLimit: 25000n, maxBalance: 100000n, indexer: true } },
  { name: 'set-limits', signer: 'alice', entry: { ...h, author: ALICE.publicKey, type: 'set-limits', account: BOB.publicKey, creditLimit: 1n, maxBalance: null } },
  { name: 'transfer', signer: 'bob', entry: { ...h, author: BOB.publicKey, type: 'transfer', payee: ALICE.publicKey, amount: 1250n, memo: 'design work, invoice #12 ✓' } },
  { name: 'invoice', signer: 'alice', entry: { ...h, author: ALICE.publicKey, type: 'invoice', payer: BOB.publicKey, amount: 999_999_999_999_999n } },
  { name: 'accept', signer: 'bob', entry: { ...h, author: BOB.publicKey, type: 'accept', invoice: INVOICE } },
  { name: 'decline', signer: 'bob', entry: { ...h, author: BOB.publicKey, type: 'decline', invoice: INVOICE, memo: 'no' } },
  { name: 'cancel', signer: 'alice', entry: { ...h, author: ALICE.publicKey, type: 'cancel', invoice: INVOICE } },
  { name: 'suspend', signer: 'alice', entry: { ...h, author: ALICE.publicKey, type: 'suspend', account: BOB.publicKey } },
  { name: 'leave', signer: 'bob', entry: { ...h, author: BOB.publicKey, type: 'leave', seq: 0, timestamp: 0 } },
  { name: 'charter', signer: 'alice', entry: { ...h, author: ALICE.publicKey, type: 'charter', policy: membersPolicy({ ratePerHour: 600 }) } },
  { name: 'propose', signer: 'alice', entry: { ...h, author: ALICE.publicKey, type: 'propose', proposal: { action: 'admit', account: BOB.publicKey, writer: WRITER, name: 'beta', creditLimit: 25000n, maxBalance: null } } },
  { name: 'propose', signer: 'bob', entry: { ...h, author: BOB.publicKey, type: 'propose', proposal: { action: 'indexer', account: ALICE.publicKey } } },
  { name: 'propose', signer: 'bob', entry: { ...h, author: BOB.publicKey, type: 'propose', proposal: { action: 'policy', policy: membersPolicy({ windowMs: 3_600_000 }) } } },
  { name: 'vote', signer: 'bob', entry: { ...h, author: BOB.publicKey, type: 'vote', proposal: INVOICE, yes: true } },
  { name: 'object', signer: 'bob', entry: { ...h, author: BOB.publicKey, type: 'object', proposal: INVOICE, memo: 'we have not met them' } },
  { name: 'withdraw', signer: 'alice', entry: { ...h, author: ALICE.publicKey, type: 'withdraw', proposal: INVOICE } },
  { name: 'tick', signer: 'bob', entry: { ...h, author: BOB.publicKey, type: 'tick' } },
  { name: 'link', signer: 'bob', entry: { ...h, author: BOB.publicKey, type: 'link', ledger: OTHER_LEDGER, name: 'Leeds Exchange', rateNum: 3n, rateDen: 2n, capacity: 500000n } },
  { name: 'link', signer: 'bob', entry: { ...h, author: BOB.publicKey, type: 'link', ledger: OTHER_LEDGER, name: 'Leeds Exchange', rateNum: 1n, rateDen: 1n, capacity: 0n, memo: 'withdrawn' } },
  { name: 'hold', signer: 'alice', entry: { ...h, author: ALICE.publicKey, type: 'hold', payee: BOB.publicKey, amount: 1250n, bridge: BOB.publicKey, ledger: OTHER_LEDGER, condition: conditionOf(PREIMAGE), peer: ALICE.publicKey, sealed: b4a.alloc(80, 0x5e), expiresMs: 3_600_000, memo: 'to dana@leeds' } },
  { name: 'fulfil', signer: 'bob', entry: { ...h, author: BOB.publicKey, type: 'fulfil', hold: INVOICE, preimage: PREIMAGE } },
  { name: 'release', signer: 'alice', entry: { ...h, author: ALICE.publicKey, type: 'release', hold: INVOICE } },
  // A policy naming the optional `link` kind (its extended form), and a link proposed to the members.
  { name: 'propose', signer: 'bob', entry: { ...h, author: BOB.publicKey, type: 'propose', proposal: { action: 'policy', policy: membersPolicy({ windowMs: 3_600_000, link: 'majority' }) } } },
  { name: 'propose', signer: 'bob', entry: { ...h, author: BOB.publicKey, type: 'propose', proposal: { action: 'link', ledger: OTHER_LEDGER, name: 'Leeds Exchange', rateNum: 3n, rateDen: 2n, capacity: 500000n } } },
  { name: 'invite', signer: 'bob', entry: { ...h, author: BOB.publicKey, type: 'invite', invite: INVITE, publicKey: INVITE_KEY, expires: 1_763_986_400_000, creditLimit: 30000n } },
  { name: 'invite', signer: 'bob', entry: { ...h, author: BOB.publicKey, type: 'invite', invite: INVITE, publicKey: INVITE_KEY, expires: 0, creditLimit: null } },
  { name: 'uninvite', signer: 'bob', entry: { ...h, author: BOB.publicKey, type: 'uninvite', invite: INVITE } },
  { name: 'propose', signer: 'alice', entry: { ...h, author: ALICE.publicKey, type: 'propose', proposal: { action: 'admit', account: BOB.publicKey, writer: WRITER, name: 'beta', creditLimit: 25000n, maxBalance: null, invite: INVITE } } }
]

export interface Vector {
  name: string
  /** The block a writer appends (unsigned entry + signature), hex. */
  block: string
  /** The bytes signed: domain tag || ledger key || unsigned entry, hex. */
  signingBytes: string
  id: string
  signature: string
  author: string
}
