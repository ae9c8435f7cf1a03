/**
 * Decisions by the members on the real stack: four peers on disk, replicating over piped
 * streams; every decision is reached on every peer at the same position (same state hash).
 */
import test from 'brittle'
import { Ledger, membersPolicy, type DecisionEvent } from '../src/index.js'
import { addMember, connect, converge, createPeer, makeStore, until, type Peer } from './helpers/index.js'
import { generateKeyPair } from '../protocol/index.js'

const WINDOW_MS = 1500
const LONG_WINDOW_MS = 10 * 60_000

/** Four members on a members policy; `windowMs` long where a test must not race the window (a busy machine). */
async function fourPeers(t: any, windowMs = WINDOW_MS): Promise<Peer[]> {
  const alpha = await createPeer(t, 'alpha')
  const peers = [alpha]
  for (const name of ['beta', 'gamma', 'delta']) peers.push(await addMember(t, alpha, name))
  // A full mesh, so no peer depends on alpha's.
  for (let i = 1; i < peers.length; i++) for (let j = i + 1; j < peers.length; j++) t.teardown(connect(peers[i].ledger, peers[j].ledger), { order: 5 })
  const policy = await alpha.ledger.propose({ action: 'policy', policy: membersPolicy({ windowMs }) })
  t.is(policy.record.decisions?.[0]?.status, 'passed', 'a steward moves the ledger to member decisions')
  await converge(peers.map((p) => p.ledger))
  return peers
}

async function decidedEverywhere(peers: Peer[], id: string): Promise<string[]> {
  await until(
    async () => (await Promise.all(peers.map((p) => p.ledger.proposal(id).catch(() => null)))).every((v) => v !== null && v.status !== 'open'),
    'decided on every peer',
    () => Promise.all(peers.map((p) => p.ledger.update())),
    60_000
  )
  await converge(peers.map((p) => p.ledger))
  return Promise.all(peers.map(async (p) => (await p.ledger.proposal(id)).status))
}

test('governance ledger - a limit change passes with no objection once the window passed on a majority of clocks', { timeout: 180_000 }, async (t) => {
  const peers = await fourPeers(t)
  const [, beta, gamma] = peers
  const events: DecisionEvent[] = []
  gamma.ledger.on('decision', (e: DecisionEvent) => events.push(e))
  const receipt = await beta.ledger.setLimits('gamma', { creditLimit: 777_00n })
  t.is(receipt.record.type, 'propose', 'setLimits on a member-decided ledger makes a proposal')
  t.alike(await decidedEverywhere(peers, receipt.id), ['passed', 'passed', 'passed', 'passed'])
  for (const p of peers) t.is((await p.ledger.balance('gamma')).creditLimit, 777_00n)
  t.ok(events.some((e) => e.proposal === receipt.id && e.status === 'passed'), 'the decision event fired')
  t.ok(peers.some((p) => p.ledger.ticks > 0), 'nodes ticked to witness the window')
})

test('governance ledger - an indexer chosen by majority becomes an Autobase indexer on every peer', { timeout: 180_000 }, async (t) => {
  const peers = await fourPeers(t, LONG_WINDOW_MS)
  const [alpha, beta, gamma] = peers
  const p = await alpha.ledger.propose({ action: 'indexer', member: 'beta' })
  await until(async () => (await gamma.ledger.proposal(p.id).catch(() => null)) !== null, 'proposal reached gamma', () => gamma.ledger.update())
  await gamma.ledger.vote(p.id.slice(0, 12), 'yes')
  t.is((await gamma.ledger.proposal(p.id)).status, 'open', '2 yes of 4')
  await beta.ledger.vote(p.id, 'yes').catch(() => {})
  t.alike(await decidedEverywhere(peers, p.id), ['passed', 'passed', 'passed', 'passed'])
  await until(() => beta.ledger.base.isIndexer, 'beta indexes', () => beta.ledger.update())
  const policy = await gamma.ledger.policy()
  t.ok(policy.indexers.includes(beta.ledger.account), 'the view lists beta as an indexer')
  t.is(policy.policy.rules.indexer.method, 'majority')
})

test('governance ledger - one objection refuses an admit; a withdrawn proposal is closed on every peer', { timeout: 180_000 }, async (t) => {
  const peers = await fourPeers(t, LONG_WINDOW_MS)
  const [, beta, gamma, delta] = peers
  const stranger = generateKeyPair()
  const writer = await Ledger.localWriterKey(makeStore(t))
  const p = await gamma.ledger.propose({ action: 'admit', account: stranger.publicKey, writer, name: 'epsilon' })
  await until(async () => (await delta.ledger.proposal(p.id).catch(() => null)) !== null, 'proposal reached delta', () => delta.ledger.update())
  await delta.ledger.object(p.id, { reason: 'we have not met them' })
  t.alike(await decidedEverywhere(peers, p.id), ['refused', 'refused', 'refused', 'refused'])
  const seen = await beta.ledger.proposal(p.id)
  t.is(seen.ballots.find((b) => b.name === 'delta')?.reason, 'we have not met them')
  const w = await beta.ledger.propose({ action: 'steward', member: 'delta' })
  await beta.ledger.withdraw(w.id)
  t.alike(await decidedEverywhere(peers, w.id), ['withdrawn', 'withdrawn', 'withdrawn', 'withdrawn'])
  const open = await alpha(peers).proposals()
  const all = await alpha(peers).proposals({ all: true })
  t.is(open.length, 0)
  t.ok(all.length >= 3, 'with --all, decided ones too')
})

function alpha(peers: Peer[]): Ledger {
  return peers[0].ledger
}

test('governance ledger - a ledger created with member decisions admits by proposal; a direct admit is refused', { timeout: 180_000 }, async (t) => {
  const store = makeStore(t)
  const alpha = await Ledger.create({ store, identity: generateKeyPair(), name: 'Members Exchange', unitCode: 'CTC', memberName: 'alpha', decisions: 'members', windowMs: 5000, ackIntervalMs: 50 })
  t.teardown(() => alpha.close(), { order: 10 })
  const pol = await alpha.policy()
  t.is(pol.stewardDefault, false)
  t.is(pol.policy.rules.admit.method, 'no-objection')
  t.is(pol.policy.rules.indexer.windowMs, 5000)
  t.alike(pol.indexers, [alpha.account], 'the creator is the first indexer')
  const betaStore = makeStore(t)
  const betaId = generateKeyPair()
  const beta = await Ledger.open({ store: betaStore, identity: betaId, key: alpha.key, encryptionKey: alpha.encryptionKey, ackIntervalMs: 50 })
  t.teardown(() => beta.close(), { order: 10 })
  t.teardown(connect(alpha, beta), { order: 5 })
  try {
    await alpha.admit({ account: betaId.publicKey, writer: beta.writerKey, name: 'beta' })
    t.fail('a direct admit should be refused')
  } catch (err: any) {
    t.is(err.reject, 'decided_by_members')
  }
  const p = await alpha.propose({ action: 'admit', account: betaId.publicKey, writer: beta.writerKey, name: 'beta' })
  t.is(p.record.decisions?.[0]?.status, 'passed', 'the only active member said yes: every active member agreed')
  await beta.waitWritable({ timeoutMs: 60_000 })
  t.is((await beta.self()).name, 'beta')
  await converge([alpha, beta])
})
