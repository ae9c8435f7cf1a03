/**
 * Finding a member or an invoice from what a person types: a key, a name, or a unique prefix.
 * Reads only; the Ledger calls these with its current view.
 */
import type Hyperbee from 'hyperbee'
import { fromHex, looksLikeKey, nameKey, toHex, type Hex, type Invoice, type Member } from '../protocol/index.js'
import type { BeeReaderStore } from './bee-store.js'
import { LedgerError } from './errors.js'
import { invoiceFromJson, memberFromJson } from './records.js'
import * as K from './view-keys.js'

/**
 * Finds a member. A full account key (64 hex digits, or 32 bytes) means that account and
 * nothing else; so does hex of 8 or more digits, as a unique account prefix (no name can be
 * such hex: protocol/names.ts). Anything else is a name (compared by skeleton: case, accents
 * and look-alike letters ignored), or a unique prefix of a name or an account.
 * Throws UNKNOWN_MEMBER or AMBIGUOUS_MEMBER listing the candidates, and NOT_SYNCED before the genesis is here.
 */
export async function findMember(view: Hyperbee, reader: BeeReaderStore, query: string | Uint8Array): Promise<Member> {
  // Before the genesis arrives no member is known here: that is "not synced", not "no such member".
  if ((await reader.getMeta()) === null) throw LedgerError.NOT_SYNCED('this node has not synced the ledger yet (no genesis here), so it knows no members: wait for it (`ledger.waitWritable()`)')
  if (typeof query !== 'string') {
    const account = toHex(keyBytes(query, 'account'))
    const m = await reader.getMember(account)
    if (!m) throw LedgerError.UNKNOWN_MEMBER(`no member has the account ${account}`, { candidates: [] })
    return m
  }
  const q = String(query).trim()
  if (q === '') throw LedgerError.BAD_INPUT('a member name or key is needed')
  const lower = q.toLowerCase()
  if (/^[0-9a-f]{64}$/.test(lower)) {
    const m = await reader.getMember(lower as Hex)
    if (m) return m
    throw LedgerError.UNKNOWN_MEMBER(`no member has the account ${lower}`, { candidates: [] })
  }
  const keyLike = looksLikeKey(q)
  const byName = keyLike ? null : await reader.accountOfName(nameKey(q))
  // A name that cannot be the start of a key is the member it names: no list of every member is read
  // (a payment by name is the common case, and the list is a range read of the view past the cache).
  const hexLike = /^[0-9a-f]+$/.test(lower)
  if (byName && !hexLike) return (await reader.getMember(byName))!
  const all: Member[] = []
  for await (const node of view.createReadStream(K.prefixRange('acct/'))) all.push(memberFromJson(node.value))
  if (byName) {
    // A short hex name (say "cafe") that is also the start of another member's key is ambiguous, not the name.
    const prefixOfOther = all.some((m) => m.account !== byName && m.account.startsWith(lower))
    if (!prefixOfOther) return (await reader.getMember(byName))!
  }
  all.sort((a, b) => (nameKey(a.name) < nameKey(b.name) ? -1 : 1)) // candidates listed by name, as people look for them
  const skeleton = nameKey(q)
  const matches = all.filter((m) => m.account.startsWith(lower) || (!keyLike && nameKey(m.name).startsWith(skeleton)))
  if (matches.length === 1) return matches[0]
  const candidates = (matches.length ? matches : all).map((m) => ({ name: m.name, account: m.account }))
  if (matches.length === 0) {
    throw LedgerError.UNKNOWN_MEMBER(`no member matches ${JSON.stringify(q)}; members: ${candidates.map((c) => c.name).join(', ') || 'none'}`, { candidates })
  }
  throw LedgerError.AMBIGUOUS_MEMBER(`${JSON.stringify(q)} matches ${candidates.map((c) => `${c.name} (${c.account.slice(0, 8)})`).join(', ')}`, { candidates })
}

/** Finds an invoice by id or unique id prefix. */
export async function findInvoice(view: Hyperbee, query: string): Promise<Invoice> {
  const q = String(query).trim().toLowerCase()
  if (!/^[0-9a-f]{4,64}$/.test(q)) throw LedgerError.BAD_INPUT(`not an invoice id: ${JSON.stringify(query)} (hex, at least 4 characters)`)
  const found: Invoice[] = []
  for await (const node of view.createReadStream(K.prefixRange('inv/' + q), { limit: 2 })) found.push(invoiceFromJson(node.value))
  if (found.length === 0) throw LedgerError.UNKNOWN_INVOICE(`no invoice ${q}`)
  if (found.length > 1) throw LedgerError.AMBIGUOUS_INVOICE(`invoice id prefix ${q} is ambiguous; give more characters`)
  return found[0]
}

/** A 32-byte key from bytes or 64 hex characters; BAD_INPUT naming `what` otherwise. */
export function keyBytes(key: Uint8Array | string, what: string): Uint8Array {
  if (typeof key !== 'string') {
    if (key.byteLength !== 32) throw LedgerError.BAD_INPUT(`${what} key must be 32 bytes`)
    return key
  }
  if (!/^[0-9a-f]{64}$/i.test(key)) throw LedgerError.BAD_INPUT(`${what} key must be 64 hex characters`)
  return fromHex(key.toLowerCase())
}

/** This node's own member record; NOT_SYNCED before its genesis or admission is applied here, NOT_MEMBER otherwise. */
export async function selfOf(reader: BeeReaderStore, account: Hex, writable: boolean): Promise<Member> {
  const m = await reader.getMember(account)
  if (m) return m
  if ((await reader.getMeta()) === null) throw LedgerError.NOT_SYNCED('this node has not synced the ledger yet (no genesis here)')
  if (!writable) throw LedgerError.NOT_MEMBER('this identity is not a member of the ledger (or its admission has not reached this node yet)')
  throw LedgerError.NOT_SYNCED('this node is a writer but has not applied its own admission yet')
}
