/**
 * A small channel on every replication connection that tells each side which member's node is
 * at the other end, so `tally status` can say which indexers are reachable.
 *
 * Each side sends its account key, its writer key and a signature by the account key over the
 * connection's Noise handshake hash and the ledger's discovery key. The handshake hash is unique
 * to this connection and known only to its two ends, so a signature cannot be replayed on another
 * connection: a node can claim only an account whose key it holds. Whether that account's member
 * writes with the claimed writer key is checked against the view when the status is read.
 *
 * The hello is sealed (secretbox) with a key derived from the ledger's encryption key: anyone who
 * knows the discovery key can connect, and must not learn which member sits at which IP address.
 * Each direction has its own nonce, derived from the handshake hash and the side.
 */
import Protomux from 'protomux'
import c from 'compact-encoding'
import b4a from 'b4a'
import sodium from 'sodium-native'
import { signMessage, toHex, verifyMessage, type KeyPair } from '../../protocol/index.js'
import type { Presence } from '../presence.js'

const PROTOCOL = 'tally/presence/1'
const DOMAIN = 'presence'
const KEY = 32
const SIG = 64
const PLAIN = KEY + KEY + SIG

export interface PresenceSide {
  identity: KeyPair
  writerKey: Uint8Array
  discoveryKey: Uint8Array
  /** The ledger's encryption key: only members (and auditors) can read a hello. */
  encryptionKey: Uint8Array | null
  presence: Presence
}

/** Opens the channel on `conn` (a Hyperswarm connection already replicating). Does nothing without a handshake hash or an encryption key. */
export function announcePresence(conn: any, side: PresenceSide): void {
  const hash: Uint8Array | null = conn.handshakeHash ?? null
  if (!hash || !side.encryptionKey) return
  const box = boxKey(side.encryptionKey)
  const initiator = !!conn.isInitiator
  let left: (() => void) | null = null
  const channel = Protomux.from(conn).createChannel({
    protocol: PROTOCOL,
    id: side.discoveryKey,
    handshake: c.buffer,
    onopen(hello: Uint8Array | null) {
      const claim = readHello(hello, hash, side.discoveryKey, box, nonce(hash, !initiator))
      if (claim) left = side.presence.connected(toHex(claim.account), toHex(claim.writer))
    },
    onclose() {
      left?.()
    }
  })
  if (!channel) return
  channel.open(makeHello(side, hash, box, nonce(hash, initiator)))
}

function boxKey(encryptionKey: Uint8Array): Uint8Array {
  const key = b4a.alloc(sodium.crypto_secretbox_KEYBYTES)
  sodium.crypto_generichash(key, b4a.concat([b4a.from('tally/presence/key\0'), encryptionKey]))
  return key
}

/** The nonce of the hello sent by the initiator (true) or the responder (false) of this connection. */
function nonce(hash: Uint8Array, initiator: boolean): Uint8Array {
  const n = b4a.alloc(sodium.crypto_secretbox_NONCEBYTES)
  sodium.crypto_generichash(n, b4a.concat([hash, b4a.from([initiator ? 1 : 0])]))
  return n
}

function signed(hash: Uint8Array, discoveryKey: Uint8Array, writer: Uint8Array): Uint8Array {
  return b4a.concat([hash, discoveryKey, writer])
}

function makeHello(side: PresenceSide, hash: Uint8Array, key: Uint8Array, n: Uint8Array): Uint8Array {
  const sig = signMessage(DOMAIN, signed(hash, side.discoveryKey, side.writerKey), side.identity.secretKey)
  const plain = b4a.concat([side.identity.publicKey, side.writerKey, sig])
  const sealed = b4a.alloc(PLAIN + sodium.crypto_secretbox_MACBYTES)
  sodium.crypto_secretbox_easy(sealed, plain, n, key)
  return sealed
}

/** The other side's account and writer if its hello opens with the ledger's key and is signed for this connection. */
function readHello(hello: Uint8Array | null, hash: Uint8Array, discoveryKey: Uint8Array, key: Uint8Array, n: Uint8Array): { account: Uint8Array; writer: Uint8Array } | null {
  if (!hello || hello.byteLength !== PLAIN + sodium.crypto_secretbox_MACBYTES) return null
  const plain = b4a.alloc(PLAIN)
  if (!sodium.crypto_secretbox_open_easy(plain, hello, n, key)) return null
  const account = plain.subarray(0, KEY)
  const writer = plain.subarray(KEY, 2 * KEY)
  const sig = plain.subarray(2 * KEY)
  return verifyMessage(DOMAIN, signed(hash, discoveryKey, writer), sig, account) ? { account, writer } : null
}
