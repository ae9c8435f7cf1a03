/**
 * A small channel on every replication connection that tells each side which member's node is
 * at the other end, so `tally status` can say which indexers are reachable.
 *
 * Each side sends its account key, its writer key and a signature by the account key over the
 * connection's Noise handshake hash and the ledger's discovery key. The handshake hash is unique
 * to this connection and known only to its two ends, so a signature cannot be replayed on another
 * connection: a node can claim only an account whose key it holds. Whether that account's member
 * writes with the claimed writer key is checked against the view when the status is read.
 */
import Protomux from 'protomux'
import c from 'compact-encoding'
import b4a from 'b4a'
import { signMessage, toHex, verifyMessage, type KeyPair } from '../../protocol/index.js'
import type { Presence } from '../presence.js'

const PROTOCOL = 'tally/presence/1'
const DOMAIN = 'presence'
const KEY = 32
const SIG = 64

export interface PresenceSide {
  identity: KeyPair
  writerKey: Uint8Array
  discoveryKey: Uint8Array
  presence: Presence
}

/** Opens the channel on `conn` (a Hyperswarm connection already replicating). Does nothing on a stream without a handshake hash. */
export function announcePresence(conn: any, side: PresenceSide): void {
  const hash: Uint8Array | null = conn.handshakeHash ?? null
  if (!hash) return
  let left: (() => void) | null = null
  const channel = Protomux.from(conn).createChannel({
    protocol: PROTOCOL,
    id: side.discoveryKey,
    handshake: c.buffer,
    onopen(hello: Uint8Array | null) {
      const claim = readHello(hello, hash, side.discoveryKey)
      if (claim) left = side.presence.connected(toHex(claim.account), toHex(claim.writer))
    },
    onclose() {
      left?.()
    }
  })
  if (!channel) return
  channel.open(makeHello(side, hash))
}

function signed(hash: Uint8Array, discoveryKey: Uint8Array, writer: Uint8Array): Uint8Array {
  return b4a.concat([hash, discoveryKey, writer])
}

function makeHello(side: PresenceSide, hash: Uint8Array): Uint8Array {
  const sig = signMessage(DOMAIN, signed(hash, side.discoveryKey, side.writerKey), side.identity.secretKey)
  return b4a.concat([side.identity.publicKey, side.writerKey, sig])
}

/** The other side's account and writer if its hello is well formed and signed for this connection. */
function readHello(hello: Uint8Array | null, hash: Uint8Array, discoveryKey: Uint8Array): { account: Uint8Array; writer: Uint8Array } | null {
  if (!hello || hello.byteLength !== KEY + KEY + SIG) return null
  const account = hello.subarray(0, KEY)
  const writer = hello.subarray(KEY, 2 * KEY)
  const sig = hello.subarray(2 * KEY)
  return verifyMessage(DOMAIN, signed(hash, discoveryKey, writer), sig, account) ? { account, writer } : null
}
