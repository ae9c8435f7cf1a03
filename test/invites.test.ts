import test from 'brittle'
import path from 'path'
import createTestnet, { type Testnet } from 'hyperdht/testnet.js'
import b4a from 'b4a'
import { Replicator } from '../src/index.js'
import { InviteBook } from '../src/network/invite-book.js'
import { decodeInviteCode, decodeJoinRequest, encodeJoinRequest } from '../src/network/invite-code.js'
import { InviteHost, issueInvite, joinByInvite, type Joined } from '../src/network/invites.js'
import { generateKeyPair, toHex } from '../protocol/index.js'
import { connect, converge, createPeer, failsWith, makeStore, openPeer, tmpdir, until, type T } from './helpers/index.js'

const POLL_MS = 300

async function steward(t: T, opts: { now?: () => number } = {}) {
  const testnet = await createTestnet(3)
  t.teardown(() => testnet.destroy(), { order: 60 })
  const peer = await createPeer(t, 'alpha')
  const replicator = new Replicator(peer.ledger, { dht: testnet.createNode() })
  t.teardown(() => replicator.close(), { order: 1 })
  const book = new InviteBook(path.join(tmpdir(t), 'invites.json'))
  await book.load()
  const host = new InviteHost(peer.ledger, replicator.swarm, book, { pollMs: POLL_MS, now: opts.now })
  t.teardown(() => host.close(), { order: 0 })
  host.start()
  await replicator.join()
  return { testnet, peer, replicator, book, host }
}

async function join(t: T, testnet: Testnet, code: string, name: string, opts: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<Joined & { identity: ReturnType<typeof generateKeyPair> }> {
  const store = makeStore(t)
  const identity = generateKeyPair()
  const joined = await joinByInvite({ store, identity, name, code, dht: testnet.createNode(), pollMs: POLL_MS, timeoutMs: opts.timeoutMs ?? 30_000, signal: opts.signal, ledger: { ackIntervalMs: 50 } })
  t.teardown(() => joined.close(), { order: 0 })
  return { ...joined, identity }
}

test('invites - a member joins by code, is admitted with the invite limit, can pay; the code is then spent', async (t) => {
  const { testnet, peer, book } = await steward(t)
  const { code, record } = await issueInvite(peer.ledger, book, { creditLimit: 30_00n })
  t.is(decodeInviteCode(code).id, record.id)
  const beta = await join(t, testnet, code, 'beta')
  t.is(beta.role, 'member')
  t.ok(beta.ledger.writable)
  const self = await beta.ledger.self()
  t.is(self.name, 'beta')
  t.is(self.creditLimit, 30_00n)
  t.is(book.get(record.id)?.used?.name, 'beta')
  await beta.ledger.transfer('alpha', 12_50n)
  await converge([peer.ledger, beta.ledger])
  t.is((await peer.ledger.balance()).balance, 12_50n)
  await failsWith(t, join(t, testnet, code, 'gamma'), 'INVITE_USED', /already used/)
  t.is((await peer.ledger.members()).length, 2, 'nobody else was admitted')
})

test('invites - an auditor invite hands out read access without admitting anyone', async (t) => {
  const { testnet, peer, book } = await steward(t)
  const { code } = await issueInvite(peer.ledger, book, { auditor: true })
  const auditor = await join(t, testnet, code, 'audit-coop')
  t.is(auditor.role, 'auditor')
  t.absent(auditor.ledger.writable)
  t.is((await auditor.ledger.meta())?.name, 'Test Exchange', 'the encrypted ledger reads')
  t.alike((await auditor.ledger.members()).map((m) => m.name), ['alpha'])
  await t.exception(() => auditor.ledger.transfer('alpha', 1n), /not a writer/)
})

test('invites - expired, forged and unknown codes are refused and change nothing', async (t) => {
  const later = () => Date.now() + 2 * 24 * 60 * 60 * 1000
  const { testnet, peer, book } = await steward(t, { now: later })
  const before = await peer.ledger.stateHash()
  const { code } = await issueInvite(peer.ledger, book)
  // The joiner's clock says valid; the steward's node says expired.
  await failsWith(t, join(t, testnet, code, 'beta'), 'INVITE_EXPIRED', /expired/)
  // A code whose own expiry has passed is refused before any network.
  const old = await issueInvite(peer.ledger, book, { expiresInMs: 1000, now: Date.now() - 60_000 })
  t.exception(() => decodeInviteCode(old.code), /expired/)
  // One changed character: the checksum catches it.
  const chars = code.split('')
  chars[10] = chars[10] === 'y' ? 'b' : 'y'
  t.exception(() => decodeInviteCode(chars.join('')), /checksum/)
  t.exception(() => decodeInviteCode('hello world'), /not a valid invite code/)
  // A well-formed code this node never issued: nobody can answer it.
  const stranger = await createPeer(t, 'stranger')
  const foreignBook = new InviteBook(path.join(tmpdir(t), 'invites.json'))
  await foreignBook.load()
  const foreign = await issueInvite(stranger.ledger, foreignBook)
  await failsWith(t, join(t, testnet, foreign.code, 'beta', { timeoutMs: 3000 }), 'TIMEOUT', /no answer within/)
  // Ctrl-C while waiting for a steward: INTERRUPTED, not a timeout.
  const stop = new AbortController()
  setTimeout(() => stop.abort(), 200)
  await failsWith(t, join(t, testnet, foreign.code, 'beta', { signal: stop.signal }), 'INTERRUPTED', /interrupted/)
  t.is(await peer.ledger.stateHash(), before)
  t.is((await peer.ledger.members()).length, 1)
})

test('invites - NAME_TAKEN: a taken name is refused as such, and the code stays usable with another name', async (t) => {
  const { testnet, peer, book } = await steward(t)
  const { code, record } = await issueInvite(peer.ledger, book)
  await failsWith(t, join(t, testnet, code, 'ALPHA'), 'NAME_TAKEN', /taken, or too like a member's name: join again with the same code and another name/)
  t.is(book.get(record.id)?.used, null)
  const beta = await join(t, testnet, code, 'beta')
  t.ok(beta.ledger.writable)
})

test('invites - join requests are signed by the account over the invite id', async (t) => {
  const id = generateKeyPair()
  const inviteId = toHex(b4a.alloc(32, 1))
  const req = { writer: b4a.alloc(32, 2), account: id.publicKey, name: 'beta' }
  const data = encodeJoinRequest(inviteId, req, id)
  t.is(decodeJoinRequest(inviteId, data).name, 'beta')
  t.exception(() => decodeJoinRequest(toHex(b4a.alloc(32, 3)), data), /signature/)
  const tampered = b4a.from(data)
  tampered[40] ^= 1
  t.exception(() => decodeJoinRequest(inviteId, tampered), /signature/)
  t.exception(() => encodeJoinRequest(inviteId, { ...req, name: ' ' }, id), /name/)
})

test('invites - two candidates racing with one code: exactly one is admitted, the other is told it was used', async (t) => {
  const { testnet, peer, book } = await steward(t)
  const { code } = await issueInvite(peer.ledger, book)
  const results = await Promise.allSettled([join(t, testnet, code, 'beta'), join(t, testnet, code, 'gamma')])
  const won = results.filter((r) => r.status === 'fulfilled')
  const lost = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[]
  t.is(won.length, 1, 'one joined')
  t.is(lost.length, 1, 'one was refused')
  t.ok(/already used/.test(lost[0].reason.message), lost[0].reason.message)
  t.is((await peer.ledger.members()).length, 2, 'one member admitted')
})

test('invites - a suspended steward cannot issue a code (the admit it leads to would be refused)', async (t) => {
  const alpha = await createPeer(t, 'alpha')
  const beta = await openPeer(t, alpha.ledger, 'beta')
  t.teardown(connect(alpha.ledger, beta.ledger), { order: 5 })
  await alpha.ledger.admit({ account: beta.identity.publicKey, writer: beta.ledger.writerKey, name: 'beta', role: 'steward' })
  await alpha.ledger.suspend('beta')
  await until(async () => (await beta.ledger.self().catch(() => null))?.status === 'suspended', 'beta sees its suspension', () => beta.ledger.update())
  const book = new InviteBook(path.join(tmpdir(t), 'invites.json'))
  await book.load()
  await failsWith(t, issueInvite(beta.ledger, book), 'REJECTED', /suspended: it cannot invite/)
  t.is(book.list().length, 0, 'no code was recorded')
})
