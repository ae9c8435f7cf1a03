/** Limits and tags of the v1 wire format. Changing any of these is a protocol change (SPEC.md). */

export const PROTOCOL_VERSION = 1
/** Domain tag prefix of every signature: "tally/v1/" + type + NUL. */
export const DOMAIN_PREFIX = 'tally/v1/'
export const KEY_BYTES = 32
export const SIGNATURE_BYTES = 64
export const MEMO_BYTES_MAX = 280
export const NAME_BYTES_MAX = 64
export const UNIT_CODE_PATTERN = /^[A-Z0-9]{1,12}$/
export const DECIMALS_MAX = 18
/** Largest amount, credit limit or max balance: 10^15 minor units. */
export const AMOUNT_MAX = 1_000_000_000_000_000n
/** Largest encoded entry; anything longer is rejected before decoding. */
export const ENTRY_BYTES_MAX = 1024
/** First byte of a bundle block (bundle.ts); no entry version is 0. */
export const BUNDLE_MARKER = 0
/** Most entries in one bundle block: a bundle is at most about 260 KB. */
export const BUNDLE_ENTRIES_MAX = 256
/**
 * Most entries this build writes in one bundle (a writer's choice, not a rule). Autobase takes
 * 64 blocks into one apply while catching up and only switches to a fast-forward between
 * applies: 128 entries a block kept a 100k-entry fast-forward at ~1.3 s (256: ~2.2 s; 64:
 * ~0.85 s, with a slower ingest). Measured in bench/README.md.
 */
export const BUNDLE_ENTRIES_WRITTEN = 128
/**
 * Junk blocks (SPEC.md, "Limits on one writer") a writer may append before the ledger removes
 * it from its writers and suspends its member. Honest clients write none.
 */
export const WRITER_JUNK_MAX = 32
