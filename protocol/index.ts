/** The Tally v1 protocol: pure encodings, signatures and rules. See protocol/SPEC.md. */
export * from './types.js'
export * from './constants.js'
export * from './codec.js'
export * from './crypto.js'
export * from './rules.js'
export * from './state-hash.js'
export * from './amount.js'
export * from './hex.js'
