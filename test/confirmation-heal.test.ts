/**
 * Confirmation never stalls for good: five peers, three of them indexers, on real Hyperswarm
 * connections over loopback DHTs. The network splits (the minority moves to a second DHT, so
 * the halves cannot find each other), both halves keep writing, the split heals while they still
 * write, and then every entry on every peer must be confirmed. Waits are bounded and generous;
 * how long confirmation took is printed, not asserted (the bench measures it).
 */
import test from 'brittle'
import createTestnet from 'hyperdht/testnet.js'
import { Replicator } from '../src/index.js'
import { converge, createPeer, openPeer, until, type Peer, type T } from './helpers/index.js'

const NAMES = ['alpha', 'beta', 'gamma', 'delta', 'epsilon']
const INDEXERS = new Set(['alpha', 'beta', 'gamma'])
/** Generous: the machine is shared and slow; a stall is forever, so any bound tells them apart. */
const CONFIRM_WAIT_MS = 120_000

type Testnet = Awaited<ReturnType<typeof createTestnet>>

/** Each peer's node on one of the loopback networks; moving it is a partition or a heal. */
class Net {
  private readonly on = new Map<string, Replicator>()
  constructor(
    readonly t: T,
    readonly peers: Peer[]
  ) {
    t.teardown(() => Promise.all([...this.on.values()].map((r) => r.close())), { order: 0 })
  }

  async join(peer: Peer, net: Testnet): Promise<void> {
    await this.leave(peer)
    const r = new Replicator(peer.ledger, { bootstrap: net.bootstrap })
    this.on.set(peer.name, r)
    await r.join()
  }

  async leave(peer: Peer): Promise<void> {
    const r = this.on.get(peer.name)
    this.on.delete(peer.name)
    if (r) await r.close()
  }

  peer(name: string): Peer {
    return this.peers.find((p) => p.name === name)!
  }
}

async function fivePeers(t: T, main: Testnet): Promise<Net> {
  const alpha = await createPeer(t, 'alpha', { creditLimit: 1000_00n })
  const net = new Net(t, [alpha])
  await net.join(alpha, main)
  for (const name of NAMES.slice(1)) {
    const peer = await openPeer(t, alpha.ledger, name)
    net.peers.push(peer)
    await net.join(peer, main)
    await alpha.ledger.admit({ account: peer.identity.publicKey, writer: peer.ledger.writerKey, name, indexer: INDEXERS.has(name) })
    await until(async () => peer.ledger.writable && (await peer.ledger.self().catch(() => null)) !== null, 'admitted ' + name, () => peer.ledger.update(), 60_000)
  }
  await converge(net.peers.map((p) => p.ledger))
  return net
}

/** True once every peer's view is quorum-signed to its end and the confirmed state is the state. */
async function allConfirmed(peers: Peer[]): Promise<boolean> {
  for (const p of peers) {
    const s = await p.ledger.status()
    if (s.signedLength !== s.viewLength || s.confirmedStateHash !== s.stateHash) return false
  }
  return true
}

function describe(peers: Peer[]): string {
  return peers.map((p) => `${p.name} ${p.ledger.view.core.signedLength}/${p.ledger.view.core.length}`).join(', ')
}

/** Waits, bounded, until every peer agrees and has confirmed everything; returns the time taken. */
async function confirmedEverywhere(t: T & { ok: (v: unknown, m?: string) => void; comment: (m: string) => void }, peers: Peer[], what: string): Promise<number> {
  const started = Date.now()
  const ledgers = peers.map((p) => p.ledger)
  await converge(ledgers, CONFIRM_WAIT_MS)
  let ok = true
  await until(() => allConfirmed(peers), what, () => Promise.all(ledgers.map((l) => l.update())), CONFIRM_WAIT_MS).catch(() => (ok = false))
  if (!ok) for (const p of peers) t.comment(dump(p))
  t.ok(ok, `${what}: every entry confirmed on ${peers.map((p) => p.name).join(', ')} (${describe(peers)})`)
  return Date.now() - started
}

function dump(p: Peer): string {
  const b = p.ledger.base as any
  const lin = b.linearizer
  const short = (k: Uint8Array) => Buffer.from(k).toString('hex').slice(0, 6)
  const heads = lin ? [...lin.heads].map((h: any) => `${short(h.writer.core.key)}:${h.length}${h.value === null ? 'ack' : ''}${h.writer.isActiveIndexer ? 'I' : ''}`).join(' ') : '-'
  const idx = lin ? lin.indexers.map((w: any) => `${short(w.core.key)} len=${w.length} avail=${w.available} core=${w.core.length}`).join('; ') : '-'
  const tails = lin ? [...lin.tails].map((h: any) => `${short(h.writer.core.key)}:${h.length}${h.value === null ? 'ack' : ''}`).join(' ') : '-'
  return `${p.name} local=${short(b.local.key)} view ${b.view.core.signedLength}/${b.view.core.length} sys ${b.core.signedLength}/${b.core.length} indexed=${b.indexedLength} heads[${heads}] tails[${tails}] indexers[${idx}] nudges=${p.ledger.nudges} acking=${b._acking} appending=${b._appending !== null} ff=${b.isFastForwarding()} timer[exec=${b._ackTimer?._executing != null} start=${b._ackTimer?._start ? Date.now() - b._ackTimer._start : 0} asap=${b._ackTimer?._asap} stopped=${b._ackTimer?._stopped}] ackTick=${b._ackTick}/${b._ackTickThreshold} chk=${b._applyState?.localCheckpoint?.signedLength?.()} writable=${b.writable} ackable=${b.ackable}`
}

/** Each peer pays the next ones `n` times, all at once: the load under which the split heals. */
async function trade(peers: Peer[], n: number, memo: string): Promise<void> {
  await Promise.all(
    peers.map(async (p, i) => {
      for (let k = 0; k < n; k++) {
        const to = peers[(i + 1 + (k % (peers.length - 1))) % peers.length]
        await p.ledger.transfer(to.name, 1n, { memo: `${memo} ${k}` })
      }
    })
  )
}

test('confirmation-heal - five peers, three indexers: split, trade apart, heal under load; every entry is confirmed (3 rounds)', { timeout: 900_000 }, async (t) => {
  const main = await createTestnet(3)
  t.teardown(() => main.destroy(), { order: 60 })
  const other = await createTestnet(3)
  t.teardown(() => other.destroy(), { order: 60 })
  const net = await fivePeers(t, main)
  const peers = net.peers
  const p = (n: string) => net.peer(n)
  // Each round cuts off a minority holding one indexer, then a majority of one indexer + two.
  const splits: string[][] = [['alpha', 'delta'], ['beta', 'epsilon'], ['gamma', 'delta']]
  const times: string[] = []

  for (const [round, minority] of splits.entries()) {
    const majority = NAMES.filter((n) => !minority.includes(n)).map(p)
    for (const name of minority) await net.join(p(name), other)
    // Both halves write; the half with two of the three indexers confirms on its own.
    await Promise.all([trade(minority.map(p), 10, `r${round} minority`), trade(majority, 10, `r${round} majority`)])
    await confirmedEverywhere(t, majority, `round ${round}, the majority half while split`)

    // Heal while both halves still write: the load under which indexers stopped acking.
    const load = trade(peers, 8, `r${round} heal`)
    for (const name of minority) await net.join(p(name), main)
    await load
    times.push(`round ${round}: ${await confirmedEverywhere(t, peers, `round ${round}, after the heal`)} ms`)
  }
  t.comment('confirmed everywhere after each heal in ' + times.join('; '))
  t.comment('acks appended by the nudge: ' + peers.map((x) => `${x.name} ${x.ledger.nudges}`).join(', '))
})

test('confirmation-heal - the creator stops for good: the other two indexers go on confirming', { timeout: 300_000 }, async (t) => {
  const main = await createTestnet(3)
  t.teardown(() => main.destroy(), { order: 60 })
  const net = await fivePeers(t, main)
  const alpha = net.peer('alpha')
  const rest = net.peers.filter((x) => x !== alpha)
  await trade(net.peers, 4, 'before')
  await confirmedEverywhere(t, net.peers, 'all five online')
  const delta = net.peer('delta').ledger
  const reach = async (l: typeof delta) => (await l.status()).indexers.map((i) => `${i.name}:${i.connected ? 'connected' : 'away'}`).join(' ')
  await until(async () => (await delta.status()).reachableIndexers === 3, 'delta reaches the three indexers', undefined, 60_000)
  t.is(await reach(delta), 'alpha:connected beta:connected gamma:connected', "delta's status: the three indexers, each connected")
  await net.leave(alpha)
  await alpha.ledger.close()
  await until(async () => (await delta.status()).reachableIndexers === 2, 'delta sees alpha gone', undefined, 60_000)
  const s = await delta.status()
  t.is(await reach(delta), 'alpha:away beta:connected gamma:connected', "delta's status: alpha away, the quorum of 2 still reachable")
  t.is(s.quorum, 2, 'two of three indexers confirm')
  const gone = s.indexers.find((i) => i.name === 'alpha')!
  t.ok(gone.lastSeen !== null && gone.lastSeen <= Date.now(), 'alpha was last seen at ' + new Date(gone.lastSeen ?? 0).toISOString())
  await trade(rest, 10, 'creator away')
  const ms = await confirmedEverywhere(t, rest, 'creator offline')
  t.comment(`confirmed on the four others ${ms} ms after the last write, with the creator's node stopped`)
})
