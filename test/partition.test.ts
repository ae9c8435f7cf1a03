/**
 * Partitions: five peers on piped replication streams (a full mesh) are cut into two halves
 * that trade independently, then reconnected. After each heal every peer has one state hash,
 * balances sum to zero and respect limits, every transfer its payer's node accepted is applied,
 * and an accept racing a cancel of the same invoice is decided the same way everywhere.
 */
import test from 'brittle'
import type { Hex } from '../protocol/index.js'
import { connect, converge, createPeer, openPeer, until, type Peer, type T } from './helpers/index.js'
import { balancesOf, invariantProblems, prng, randInt, running } from './helpers/adversary.js'

const SEED = 0x9a7d1
const NAMES = ['alpha', 'beta', 'gamma', 'delta', 'epsilon']
/** Each round cuts the mesh into these halves (indexes into NAMES). */
const SPLITS: Array<[number[], number[]]> = [
  [[0, 1], [2, 3, 4]],
  [[0, 2, 4], [1, 3]],
  [[3, 4], [0, 1, 2]]
]
const TRANSFERS_PER_PEER = 8

class Mesh {
  private readonly cuts = new Map<string, () => void>()
  constructor(readonly peers: Peer[]) {}

  link(i: number, j: number): void {
    const k = i < j ? `${i}-${j}` : `${j}-${i}`
    if (!this.cuts.has(k)) this.cuts.set(k, connect(this.peers[i].ledger, this.peers[j].ledger))
  }
  unlink(i: number, j: number): void {
    const k = i < j ? `${i}-${j}` : `${j}-${i}`
    this.cuts.get(k)?.()
    this.cuts.delete(k)
  }
  full(): void {
    for (let i = 0; i < this.peers.length; i++) for (let j = i + 1; j < this.peers.length; j++) this.link(i, j)
  }
  split(a: number[], b: number[]): void {
    for (const i of a) for (const j of b) this.unlink(i, j)
  }
  closeAll(): void {
    for (const cut of this.cuts.values()) cut()
    this.cuts.clear()
  }
}

/** Five peers: alpha creates the ledger; gamma and delta also index, so quorum is 2 of 3. */
async function fivePeers(t: T): Promise<Mesh> {
  const alpha = await createPeer(t, 'alpha', { creditLimit: 1000_00n })
  const peers = [alpha]
  const mesh = new Mesh(peers)
  t.teardown(() => mesh.closeAll(), { order: 0 })
  for (const name of NAMES.slice(1)) {
    const peer = await openPeer(t, alpha.ledger, name)
    peers.push(peer)
    mesh.link(0, peers.length - 1)
    await alpha.ledger.admit({ account: peer.identity.publicKey, writer: peer.ledger.writerKey, name, indexer: name === 'gamma' || name === 'delta' })
    await until(() => peer.ledger.writable, 'writable ' + name, () => peer.ledger.update())
  }
  mesh.full()
  await converge(peers.map((p) => p.ledger))
  return mesh
}

test('partition - two halves of five peers trade apart, heal, and converge with nothing lost (3 rounds)', { timeout: 240_000 }, async (t) => {
  const mesh = await fivePeers(t)
  const peers = mesh.peers
  const ledgers = peers.map((p) => p.ledger)
  const rand = prng(SEED)
  const validated: Hex[] = []
  const races: Array<{ invoice: Hex; accept: Hex; cancel: Hex }> = []
  let refusedLocally = 0

  for (const [round, [a, b]] of SPLITS.entries()) {
    // Before the cut: the payee (in half b) bills the payer (in half a), and everyone sees it.
    const payer = peers[a[a.length - 1]]
    const payee = peers[b[b.length - 1]]
    const inv = await payee.ledger.invoice(payer.name, 1_00n, { memo: `round ${round}` })
    await converge(ledgers)

    mesh.split(a, b)
    // The race: the payer accepts on one side while the payee cancels on the other.
    const [accept, cancel] = await Promise.all([payer.ledger.accept(inv.id), payee.ledger.cancel(inv.id)])
    races.push({ invoice: inv.id, accept: accept.id, cancel: cancel.id })

    // A member of half b spends everything it has left: only its own entries can lower its
    // balance, so no merge can invalidate this.
    const spender = peers[b[0]]
    const all = (await spender.ledger.balance()).available
    validated.push((await spender.ledger.transfer(NAMES[a[0]], all, { memo: `r${round} all in` })).id)

    // Both halves trade, also with members on the other side (known members, not reachable now).
    await Promise.all(
      [a, b].map(async (half) => {
        for (let k = 0; k < TRANSFERS_PER_PEER; k++) {
          for (const i of half) {
            const to = (i + randInt(rand, 1, peers.length - 1)) % peers.length
            try {
              const r = await peers[i].ledger.transfer(NAMES[to], BigInt(randInt(rand, 1, 30_00)), { memo: `r${round} ${NAMES[i]}->${NAMES[to]}` })
              validated.push(r.id)
            } catch (err) {
              if ((err as { reject?: string }).reject !== 'over_credit_limit') throw err
              refusedLocally++
            }
          }
        }
      })
    )
    const halves = await Promise.all([a, b].map((h) => converge(h.map((i) => ledgers[i]))))
    t.not(halves[0], halves[1], `round ${round}: the halves diverged while cut`)

    mesh.full()
    const hash = await converge(ledgers, 120_000)
    t.ok(hash, `round ${round}: healed, one state hash`)
  }

  const balances = await balancesOf(ledgers[0])
  const race0 = await Promise.all(races.map(async (r) => ({ accept: (await ledgers[0].entry(r.accept))?.status, cancel: (await ledgers[0].entry(r.cancel))?.status })))
  for (const p of peers) {
    const l = p.ledger
    t.ok(running(l), `${p.name} keeps running`)
    t.alike(await balancesOf(l), balances, `${p.name}: same balances`)
    t.alike(await invariantProblems(l), [], `${p.name}: zero-sum, no balance past its limit`)
    const missing = []
    const applied = new Set<string>()
    for await (const rec of l.log()) if (rec.status === 'applied') applied.add(rec.id)
    for (const id of validated) if (!applied.has(id)) missing.push(id)
    t.alike(missing, [], `${p.name}: all ${validated.length} payer-validated transfers applied`)
    for (const [i, r] of races.entries()) {
      const accept = await l.entry(r.accept)
      const cancel = await l.entry(r.cancel)
      t.alike({ accept: accept?.status, cancel: cancel?.status }, race0[i], `${p.name}: race ${i} decided as everywhere else`)
      t.is([accept?.status, cancel?.status].filter((s) => s === 'applied').length, 1, `${p.name}: race ${i}: exactly one of accept and cancel applied`)
      const loser = accept?.status === 'applied' ? cancel : accept
      t.is(loser?.code, 'invoice_closed', `${p.name}: race ${i}: the other is rejected invoice_closed`)
      const inv = (await l.invoices()).find((x) => x.id === r.invoice)
      t.is(inv?.status, accept?.status === 'applied' ? 'accepted' : 'cancelled', `${p.name}: race ${i}: invoice status follows the winner`)
    }
  }

  // Confirmation is measured, not asserted: under heavy load Autobase 7.28.1 indexers can stop
  // acking with the tip unconfirmed although every peer holds the same DAG (all heads are acks).
  const confirmStarted = Date.now()
  const confirmedAll = async () => (await Promise.all(ledgers.map(async (l) => (await l.status()).confirmedStateHash === (await l.stateHash())))).every(Boolean)
  const confirmed = await until(confirmedAll, 'all confirmed', () => Promise.all(ledgers.map((l) => l.update())), 20_000).then(
    () => `all entries confirmed ${Date.now() - confirmStarted} ms after the last heal`,
    async () => `confirmation stalled: ${(await ledgers[0].status()).confirmedEntries} of ${(await ledgers[0].meta())!.entries} entries confirmed 20 s after the last heal`
  )
  t.comment(confirmed)
  const outcomes = race0.map((r) => (r.accept === 'applied' ? 'accept won' : 'cancel won'))
  t.comment(`partitions healed: ${SPLITS.length}; payer-validated transfers: ${validated.length}, all applied on all 5 peers; refused locally (over limit): ${refusedLocally}; accept/cancel races: ${outcomes.join(', ')}`)
})
