// Narrow declarations for the sodium-native calls Tally makes (@types/sodium-native describes 2.x).
declare module 'sodium-native' {
  type Buf = Uint8Array
  const sodium: {
    crypto_sign_PUBLICKEYBYTES: number
    crypto_sign_SECRETKEYBYTES: number
    crypto_sign_BYTES: number
    crypto_sign_SEEDBYTES: number
    crypto_generichash_BYTES: number
    crypto_sign_keypair(pk: Buf, sk: Buf): void
    crypto_sign_seed_keypair(pk: Buf, sk: Buf, seed: Buf): void
    crypto_sign_detached(sig: Buf, m: Buf, sk: Buf): void
    crypto_sign_verify_detached(sig: Buf, m: Buf, pk: Buf): boolean
    crypto_generichash(out: Buf, input: Buf, key?: Buf): void
    crypto_generichash_batch(out: Buf, batch: Buf[], key?: Buf): void
    randombytes_buf(buf: Buf): void
    crypto_hash_sha256_BYTES: number
    crypto_hash_sha256(out: Buf, input: Buf): void
    crypto_box_PUBLICKEYBYTES: number
    crypto_box_SECRETKEYBYTES: number
    crypto_box_SEALBYTES: number
    crypto_box_seal(c: Buf, m: Buf, pk: Buf): void
    crypto_box_seal_open(m: Buf, c: Buf, pk: Buf, sk: Buf): boolean
    crypto_sign_ed25519_pk_to_curve25519(x25519pk: Buf, ed25519pk: Buf): void
    crypto_sign_ed25519_sk_to_curve25519(x25519sk: Buf, ed25519sk: Buf): void
    crypto_secretbox_KEYBYTES: number
    crypto_secretbox_NONCEBYTES: number
    crypto_secretbox_MACBYTES: number
    crypto_secretbox_easy(c: Buf, m: Buf, n: Buf, k: Buf): void
    crypto_secretbox_open_easy(m: Buf, c: Buf, n: Buf, k: Buf): boolean
  }
  export default sodium
}
