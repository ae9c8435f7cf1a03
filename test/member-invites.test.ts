/**
 * Where the members decide admissions, using an invite code proposes the admission: the inviting
 * node gives the candidate no answer (and no key) until the members have decided, then the keys,
 * or a refusal. docs/member-invites.md has the rest of the design (any member's node answering).
 */
import test from 'brittle'
import path from 'path'
import createTestnet, { type Testnet } from 'hyperdht/testnet.js'
import { Ledger, Replicator } from '../src/index.js'
import { InviteBook } from '../src/network/invite-book.js'
import { InviteHost, issueInvite, joinByInvite, type JoinProgress, type ProposedEvent } from '../src/network/invites.js'
import { generateKeyPair, membersPolicy, type Hex } from '../protocol/index.js'
import { ledgerInvite } from '../src/network/member-admission.js'
import { addMember, connect, createPeer, failsWith, makeStore, tmpdir, until, type T } from './helpers/index.js'

const ledgerInviteOf = (l: Ledger, id: Hex) => ledgerInvite(l.view, id)

const POLL_MS = 300
// Long enough that gamma is told to wait (a retry every second) well before the window could pass.
const WINDOW_MS = 5000

async function inviter(t: T, testnet: Testnet, ledger: Ledger) {
  const replicator = new Replicator(ledger, { dht: testnet.createNode() })
  t.teardown(() => replicator.close(), { order: 1 })
  const book = new InviteBook(path.join(tmpdir(t), 'invites.json'))
  await book.load()
  const host = new InviteHost(ledger, replicator.swarm, book, { pollMs: POLL_MS })
  t.teardown(() => host.close(), { order: 0 })
  host.start()
  await replicator.join()
  return { book, host, replicator }
}

function candidate(t: T, testnet: Testnet, code: string, name: string) {
  const store = makeStore(t)
  const progress: JoinProgress[] = []
  let keys = 0
  const joining = joinByInvite({
    store,
    identity: generateKeyPair(),
    name,
    code,
    dht: testnet.createNode(),
    pollMs: POLL_MS,
    retryMs: 1000,
    timeoutMs: 90_000,
    ledger: { ackIntervalMs: 50 },
    onProgress: (p) => progress.push(p),
    onKeys: () => void keys++
  })
  joining.then((j) => t.teardown(() => j.close(), { order: 0 })).catch(() => {})
  return { joining, progress, keys: () => keys }
}

test('member invites - a code proposes the admission; the keys go out once it passes, and not when a member objects', { timeout: 240_000 }, async (t) => {
  const testnet = await createTestnet(3)
  t.teardown(() => testnet.destroy(), { order: 60 })
  const alpha = await Ledger.create({ store: makeStore(t), identity: generateKeyPair(), name: 'Co-ops', unitCode: 'CTC', memberName: 'alpha', creditLimit: 100_00n, ackIntervalMs: 50, decisions: 'members', windowMs: WINDOW_MS })
  t.teardown(() => alpha.close(), { order: 10 })
  const { book, host } = await inviter(t, testnet, alpha)
  const proposed: ProposedEvent[] = []
  host.on('proposed', (e) => proposed.push(e))

  // Beta: no member objects within the window, so the admission passes and beta gets the keys.
  const { code } = await issueInvite(alpha, book)
  const beta = candidate(t, testnet, code, 'beta')
  await until(() => proposed.length === 1, 'the admission proposed', undefined, 60_000)
  t.is(beta.keys(), 0, 'no key while the members decide')
  const joined = await beta.joining
  t.ok(joined.ledger.writable, 'beta joined once the admission passed')
  t.is((await joined.ledger.self()).name, 'beta', 'as beta')
  t.is((await joined.ledger.self()).role, 'member')
  const betaBook = new InviteBook(path.join(tmpdir(t), 'beta-invites.json'))
  await betaBook.load()
  t.ok((await issueInvite(joined.ledger, betaBook)).code, 'beta, not a steward, may invite: the members decide admissions')
  const decided = await alpha.proposal(proposed[0].proposal)
  t.is(decided.status, 'passed', 'by the proposal the code made')
  // Beta's admission was certain at once (alpha, the only member, proposed it), so beta may not have waited.

  // Gamma: beta objects, the admission is refused, and gamma never receives a key.
  const second = await issueInvite(alpha, book)
  const gamma = candidate(t, testnet, second.code, 'gamma')
  await until(() => proposed.length === 2, 'the second admission proposed', undefined, 60_000)
  await until(async () => (await joined.ledger.proposals()).some((p) => p.id === proposed[1].proposal), 'beta sees the proposal', () => joined.ledger.update(), 30_000)
  await until(() => gamma.progress.some((p) => p.phase === 'waiting'), 'gamma told it waits for the members', undefined, 30_000)
  t.pass('join said it was waiting for the members to decide')
  await joined.ledger.object(proposed[1].proposal, { reason: 'we have not met them' })
  await failsWith(t, gamma.joining, 'INVITE_REFUSED', /refused/)
  t.is(gamma.keys(), 0, 'gamma never received the ledger key or the encryption key')
  t.is((await alpha.proposal(proposed[1].proposal)).status, 'refused', 'the proposal was refused by the objection')
})

test('member invites - the invite is in the ledger: with the issuing node off the network, another member\'s node proposes and admits', { timeout: 240_000 }, async (t) => {
  const testnet = await createTestnet(3)
  t.teardown(() => testnet.destroy(), { order: 60 })
  const alpha = await Ledger.create({ store: makeStore(t), identity: generateKeyPair(), name: 'Co-ops', unitCode: 'CTC', memberName: 'alpha', creditLimit: 100_00n, ackIntervalMs: 50, decisions: 'members', windowMs: 2000 })
  t.teardown(() => alpha.close(), { order: 10 })
  const a = await inviter(t, testnet, alpha)
  // Beta joins by alpha's code (alpha alone decides: its proposal is every active member's yes).
  const first = await issueInvite(alpha, a.book)
  t.is(first.inLedger, true, 'a member invite is recorded in the ledger')
  const beta = await candidate(t, testnet, first.code, 'beta').joining
  const b = await inviter(t, testnet, beta.ledger)
  // Beta issues a code, then beta's node goes away: alpha's node answers it from the view.
  const second = await issueInvite(beta.ledger, b.book)
  t.absent(b.book.get(second.record.id), 'not in the issuing node\'s book')
  await until(async () => (await ledgerInviteOf(alpha, second.record.id)) !== null, 'alpha has the invite', () => alpha.update(), 60_000)
  // Beta's node stops answering and leaves the network (its swarm, on which it announced itself to
  // candidates); beta's ledger keeps replicating over the swarm its join made, so its clock still
  // witnesses the window with alpha's.
  await b.host.close()
  await b.replicator.close()
  const proposed: ProposedEvent[] = []
  a.host.on('proposed', (e) => proposed.push(e))
  const gamma = candidate(t, testnet, second.code, 'gamma')
  const joined = await gamma.joining
  t.is(proposed.length, 1, "alpha's node proposed the admission")
  t.is((await joined.ledger.self()).name, 'gamma', 'and gamma was admitted')
  const p = await alpha.proposal(proposed[0].proposal)
  t.is(p.status, 'passed')
  t.is((p.action as any).invite, second.record.id, 'by a proposal citing the invite beta recorded')
  const waiting = gamma.progress.find((x) => x.phase === 'waiting')
  if (waiting && waiting.phase === 'waiting') t.is(waiting.admission?.method, 'no-objection', 'the code told gamma how the members decide')
})

test('member invites - ADMISSION_EXPIRED: the members did not decide within the window', { timeout: 240_000 }, async (t) => {
  const testnet = await createTestnet(3)
  t.teardown(() => testnet.destroy(), { order: 60 })
  const a = await createPeer(t, 'alpha')
  const b = await addMember(t, a, 'beta')
  const c = await addMember(t, a, 'gamma')
  t.teardown(connect(a.ledger, b.ledger), { order: 5 })
  t.teardown(connect(a.ledger, c.ledger), { order: 5 })
  // Admissions need a majority within 2 s: alpha's yes is one of three, and nobody else votes.
  const policy = membersPolicy({ windowMs: 2000 })
  policy.rules.admit.method = 'majority'
  await a.ledger.propose({ action: 'policy', policy })
  const host = await inviter(t, testnet, a.ledger)
  const { code } = await issueInvite(a.ledger, host.book)
  const delta = candidate(t, testnet, code, 'delta')
  await failsWith(t, delta.joining, 'ADMISSION_EXPIRED', /did not decide your admission in time/)
  t.is(delta.keys(), 0, 'no key went out')
})
