/**
 * Federation (protocol/SPEC.md §12): links between ledgers and the conditional transfers
 * (hashed time-locks) that carry a payment across one. A payment across a link is two holds,
 * one per ledger, bound by one condition: the payer's ledger holds payer → bridge, the payee's
 * ledger holds bridge → payee; the preimage that fulfils the second fulfils the first.
 */
import type { EntryHeader, Hex } from './types.js'
import type { Witness } from './time.js'

/** A bridge announces, changes or (capacity 0) withdraws its link from this ledger to another. */
export interface LinkEntry extends EntryHeader {
  type: 'link'
  /** The other ledger's key (its Autobase key). */
  ledger: Uint8Array
  /** The other ledger's name, for people; the key is what binds. */
  name: string
  /** Rate from this ledger's minor unit to the other's: `amount x rateNum / rateDen`, rounded down. */
  rateNum: bigint
  rateDen: bigint
  /** Most this link carries at once on this ledger (sum of its open holds); 0 withdraws the link. */
  capacity: bigint
}

/**
 * The author holds `amount` toward `payee` until the preimage of `condition` is shown (fulfil)
 * or the hold's period has passed (release). One of author and payee is the link's bridge.
 */
export interface HoldEntry extends EntryHeader {
  type: 'hold'
  payee: Uint8Array
  amount: bigint
  /** The bridge of the link the hold travels: the author (bridge → payee) or the payee (payer → bridge). */
  bridge: Uint8Array
  /** The other ledger of that link. */
  ledger: Uint8Array
  /** SHA-256 of a 32-byte preimage. */
  condition: Uint8Array
  /**
   * The other half, for the bridge and for people (no rule reads it): on a hold toward the bridge,
   * the payee's account key on the other ledger; on a hold from the bridge, the id of the hold it continues.
   */
  peer: Uint8Array
  /**
   * The preimage sealed to the final payee (SEALED_BYTES; an X25519 sealed box to its account key), carried
   * unchanged by the bridge, so only the payee's node can fulfil. No rule reads it.
   */
  sealed: Uint8Array
  /** The hold's period (SPEC.md §11): it may be released once a majority of members witnessed this long. */
  expiresMs: number
}

/** The hold's payee shows the preimage: the held amount is paid to it. */
export interface FulfilEntry extends EntryHeader {
  type: 'fulfil'
  hold: Uint8Array
  preimage: Uint8Array
}

/** The held amount goes back to the payer: by the payee at any time, by the payer once the period passed. */
export interface ReleaseEntry extends EntryHeader {
  type: 'release'
  hold: Uint8Array
}

export type FederationEntry = LinkEntry | HoldEntry | FulfilEntry | ReleaseEntry
export type FederationType = FederationEntry['type']

/** A link as the view keeps it; keyed by bridge and other ledger. */
export interface Link {
  bridge: Hex
  ledger: Hex
  name: string
  rateNum: bigint
  rateDen: bigint
  capacity: bigint
  /** Sum of the open holds through this link. */
  held: bigint
  status: 'active' | 'withdrawn'
  /** Id of the link entry that last set it. */
  by: Hex
}

export type HoldStatus = 'held' | 'fulfilled' | 'released'

/** A hold's record in the view; its id is the id of the hold entry. */
export interface Hold {
  id: Hex
  payer: Hex
  payee: Hex
  bridge: Hex
  ledger: Hex
  amount: bigint
  condition: Hex
  /** The payee's account on the other ledger, or the id of the hold this one continues (HoldEntry.peer). */
  peer: Hex
  /** Hex of HoldEntry.sealed. */
  sealed: string
  expiresMs: number
  memo: string
  /** Log position of the hold entry, and the payer's clock there. */
  position: number
  time: number
  /** Each member's witness of the period (time.ts), keyed by account. */
  witnesses: Record<string, Witness>
  status: HoldStatus
  /** The entry that closed it, and for a fulfilment the preimage (the payee's receipt). */
  closedBy: Hex | null
  preimage: Hex | null
}

/** Ledger-wide federation state: the open holds, oldest first (each member's entries witness them). */
export interface FedState {
  open: Hex[]
}

/** Bounds of a hold's period: one second to 30 days. Out of bounds is `malformed`. */
export const HOLD_EXPIRES_MIN_MS = 1_000
export const HOLD_EXPIRES_MAX_MS = 2_592_000_000
/** Most holds open at once in one ledger: every entry witnesses each of them (SPEC.md §12). */
export const OPEN_HOLDS_MAX = 256
/** A sealed preimage: a 32-byte preimage in an X25519 sealed box (48 bytes of overhead). */
export const SEALED_BYTES = 80
/** A preimage is 32 bytes; its condition is their SHA-256. */
export const PREIMAGE_BYTES = 32
