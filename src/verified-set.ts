/**
 * Entries this node knows to carry a valid signature, so apply checks each signature once: a
 * reorder makes Autobase apply the same entries again (2-3 times each for peers writing at
 * once, measured in the bench), and ed25519 verification is about half of an entry's apply
 * cost. Keyed by the entry id (the hash of everything signed) and the signature itself, so a
 * copy with another signature is checked on its own. Bounded: the oldest keys go first.
 *
 * A key is BLAKE2b-256 of the id's bytes and the signature, held as a 32-character one-byte
 * string: the id in hex and the signature in base64 made 152 characters, ~6.5 MB for a full set
 * of 32k keys on every node; these take ~2.5 MB (bench/README.md, "Memory of a catch-up",
 * session 6). The full 256 bits keep a forged copy of a remembered entry from ever sharing its
 * key (a shorter digest would bring collisions within an attacker's reach sooner).
 */
import b4a from 'b4a'
import { hash, type Hex } from '../protocol/index.js'

const KEYS_MAX = 1 << 15

export class VerifiedSet {
  private readonly keys = new Set<string>()

  constructor(private readonly max = KEYS_MAX) {}

  static key(id: Hex, signature: Uint8Array): string {
    // latin1: one character per byte, so V8 keeps it as a 32-byte one-byte string.
    return b4a.toString(hash(b4a.from(id, 'hex'), signature), 'latin1')
  }

  has(key: string): boolean {
    return this.keys.has(key)
  }

  add(key: string): void {
    if (this.keys.size >= this.max) {
      // A Set iterates in insertion order: drop the oldest eighth at once.
      let drop = this.max >> 3
      for (const k of this.keys) {
        this.keys.delete(k)
        if (--drop === 0) break
      }
    }
    this.keys.add(key)
  }
}
