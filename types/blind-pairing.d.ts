// Narrow declarations for blind-pairing 2 (and the blind-pairing-core request it hands out) as Tally uses it.
declare module 'blind-pairing' {
  import type { EventEmitter } from 'events'
  import type Hyperswarm from 'hyperswarm'

  /** What the steward's node sees of a candidate's request. */
  export interface MemberRequest {
    inviteId: Uint8Array
    /** Set by open(): the candidate's userData. */
    userData: Uint8Array | null
    /** Decrypts the request with the invite's public key; throws if the key does not fit. */
    open(publicKey: Uint8Array): Uint8Array
    confirm(opts: { key: Uint8Array; encryptionKey?: Uint8Array | null; additional?: { data: Uint8Array; signature: Uint8Array } | null }): void
    /** status 1 = rejected, 2 = invite used, 3 = invite expired; other numbers reach the candidate as its response's status. */
    deny(opts?: { status?: number }): void
  }

  /** The candidate's own request: emits 'rejected' with a PairingError when the member denies. */
  export interface CandidateRequest extends EventEmitter {
    inviteId: Uint8Array
    discoveryKey: Uint8Array
    /** The member's decoded reply, once one came: its status (0 = confirmed) tells a denial apart. */
    response?: { status: number } | null
  }

  export interface PairingResult {
    key: Uint8Array
    encryptionKey: Uint8Array | null
    data: Uint8Array | null
  }

  export interface Member {
    flushed(): Promise<void>
    close(): Promise<void>
  }

  export interface Candidate {
    request: CandidateRequest
    paired: PairingResult | null
    pairing: Promise<PairingResult | null>
    close(): Promise<void>
  }

  export interface CreatedInvite {
    id: Uint8Array
    invite: Uint8Array
    publicKey: Uint8Array
    discoveryKey: Uint8Array
    expires: number
    /** The `data` option signed with the invite's key: what confirm() may send back as `additional`. */
    additional: { data: Uint8Array; signature: Uint8Array } | null
  }

  export interface DecodedInvite {
    id: Uint8Array
    seed: Uint8Array
    discoveryKey: Uint8Array
    /** Seconds resolution, in ms since the epoch; 0 for none. */
    expires: number
  }

  export default class BlindPairing {
    constructor(swarm: Hyperswarm, opts?: { poll?: number })
    swarm: Hyperswarm
    addMember(opts: { discoveryKey: Uint8Array; onadd(request: MemberRequest): Promise<void> | void }): Member
    addCandidate(opts: { invite: Uint8Array; userData: Uint8Array; onadd?(result: PairingResult): Promise<void> | void }): Candidate
    close(): Promise<void>
    static createInvite(key: Uint8Array, opts?: { discoveryKey?: Uint8Array; expires?: number; data?: Uint8Array }): CreatedInvite
    static decodeInvite(invite: Uint8Array): DecodedInvite
  }
}

declare module 'z32' {
  const z32: { encode(buf: Uint8Array): string; decode(s: string): Uint8Array; ALPHABET: string }
  export default z32
}
