/**
 * The bridge's holds on the other ledger, found by the incoming hold each continues
 * (src/federation-carry.ts, LedgerSide): without reading every hold ever made each time, and still
 * at most one hold per incoming hold, across a rejected write, a second side object and a repeat.
 */
import test from 'brittle'
import b4a from 'b4a'
import { LedgerSide, type CarryRequest } from '../src/federation-carry.js'
import { generateKeyPair, toHex } from '../protocol/index.js'
import { createPeer, failsWith } from './helpers/index.js'

const random = (n: number) => b4a.from(Array.from({ length: n }, () => Math.floor(Math.random() * 256)))

test('federation carry - one hold per incoming hold, found by its id, across a refusal and a new side', async (t) => {
  const bridge = await createPeer(t, 'bridge', { creditLimit: 1000_00n })
  const payee = generateKeyPair()
  await bridge.ledger.admit({ account: payee.publicKey, writer: generateKeyPair().publicKey, name: 'payee' })
  const other = random(32)
  await bridge.ledger.link(other, { name: 'A', capacity: 100_00n })
  const from = toHex(other)
  const request = (amount: bigint): CarryRequest => ({
    payee: toHex(payee.publicKey),
    amount,
    from,
    condition: toHex(random(32)),
    peer: toHex(random(32)),
    sealed: toHex(random(80)),
    expiresMs: 60_000,
    memo: ''
  })

  const side = new LedgerSide(bridge.ledger)
  const first = request(10_00n)
  await Promise.all([side.carry(first), side.carry(first)])
  await side.carry(first)
  t.is((await bridge.ledger.holds()).length, 1, 'three carries of one incoming hold, one hold')
  const found = await side.outgoing(from, [first.peer])
  t.is(found.length, 1)
  t.is(found[0].peer, first.peer)
  t.alike(await side.outgoing(from, [toHex(random(32))]), [], 'an incoming hold not carried: none')
  t.alike(await side.outgoing(toHex(random(32)), [first.peer]), [], 'another ledger: none')

  await failsWith(t, side.carry(request(500_00n)), 'REJECTED', /the link carries/)
  const second = request(20_00n)
  await side.carry(second)
  t.alike((await side.outgoing(from, [first.peer, second.peer])).map((g) => g.peer), [first.peer, second.peer], 'after a refusal, both are found')

  const fresh = new LedgerSide(bridge.ledger)
  t.is((await fresh.outgoing(from, [second.peer])).length, 1, 'a new side object (a restarted node) finds what the old one made')
  await fresh.carry(second)
  t.is((await bridge.ledger.holds()).length, 2, 'and does not hold it again')
  t.is((await fresh.outgoing(from)).length, 2, 'every hold toward ledger A')
})
