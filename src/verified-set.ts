/**
 * Entries this node knows to carry a valid signature, so apply checks each signature once: a
 * reorder makes Autobase apply the same entries again (2-3 times each for peers writing at
 * once, measured in the bench), and ed25519 verification is about half of an entry's apply
 * cost. Keyed by the entry id (the hash of everything signed) and the signature itself, so a
 * copy with another signature is checked on its own. Bounded: the oldest keys go first.
 */
import b4a from 'b4a'
import type { Hex } from '../protocol/index.js'

const KEYS_MAX = 1 << 15

export class VerifiedSet {
  private readonly keys = new Set<string>()

  constructor(private readonly max = KEYS_MAX) {}

  static key(id: Hex, signature: Uint8Array): string {
    return id + b4a.toString(signature, 'base64')
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
