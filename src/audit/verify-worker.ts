/**
 * Worker thread of the signature verifier: checks one batch of entry blocks at a time.
 * A batch arrives as one buffer plus offsets in shared memory (every worker gets every batch and
 * verifies it only if it claims it first, signatures.ts) and leaves as one status byte per block
 * (signatures.ts: SIG_VALID, SIG_INVALID, SIG_NONE) and the earliest and latest entry time of
 * each block, which the clock check needs (the worker decodes every entry anyway).
 */
import { parentPort, workerData } from 'worker_threads'
import b4a from 'b4a'
// The three modules it needs, not protocol/index.js: a worker's start-up is part of the audit.
import { decodeEntry } from '../../protocol/codec.js'
import { splitBlock } from '../../protocol/bundle.js'
import { verifyEntry } from '../../protocol/crypto.js'

/** A batch's claim word: free, or taken by the main thread or by worker k (k + 1). */
export const CLAIM_FREE = 0
export const CLAIM_MAIN = -1

export interface VerifyRequest {
  id: number
  ledgerKey: Uint8Array
  shared: {
    /** One Int32: CLAIM_FREE until a thread takes the batch. */
    claim: SharedArrayBuffer
    bytes: Uint8Array
    /** Block i is bytes[offsets[i], offsets[i + 1]); a zero-length block is an ack. */
    offsets: Uint32Array
  }
}

export interface VerifyResponse {
  id: number
  status: Uint8Array
  times: Float64Array
}

export interface VerifyResult {
  status: Uint8Array
  /** Per block, its entries' earliest then latest `timestamp`; NaN for a block with no entry that decodes. */
  times: Float64Array
}

/** Status and times of each block in a batch; also used inline for small ledgers. */
export function verifyBatch(req: Omit<VerifyRequest, 'id'>): VerifyResult {
  const { offsets } = req.shared
  const n = offsets.length - 1
  const status = new Uint8Array(n).fill(2)
  const times = new Float64Array(2 * n).fill(NaN)
  // Copied out of shared memory (sodium-native does not read a shared buffer), as a Buffer for the codec.
  const own = new Uint8Array(req.shared.bytes)
  const bytes = b4a.from(own.buffer, own.byteOffset, own.byteLength)
  for (let i = 0; i < n; i++) {
    const start = offsets[i]
    const end = offsets[i + 1]
    if (end === start) continue
    status[i] = verifyBlock(req.ledgerKey, bytes.subarray(start, end), times, i)
  }
  return { status, times }
}

/**
 * One status for a block, plain or bundle: valid only if every entry in it decodes and verifies,
 * so the replay skips the check only for such blocks and decides every other one entry by entry.
 * The first entry that does not decode (none) or verify (invalid) decides; the entries after it
 * are still decoded for their times, but not verified.
 */
function verifyBlock(ledgerKey: Uint8Array, block: Uint8Array, times: Float64Array, at: number): number {
  const split = splitBlock(block)
  if (!split.ok) return 2
  let status = 2
  let decided = false
  let min = Infinity
  let max = -Infinity
  for (const bytes of split.entries) {
    const decoded = decodeEntry(bytes)
    if (!decoded.ok) {
      if (!decided) status = 2
      decided = true
      continue
    }
    const { entry, unsigned } = decoded
    if (entry.timestamp < min) min = entry.timestamp
    if (entry.timestamp > max) max = entry.timestamp
    if (decided) continue
    if (verifyEntry(ledgerKey, entry.type, unsigned, entry.author, entry.signature)) {
      status = 1
    } else {
      status = 0
      decided = true
    }
  }
  if (min !== Infinity) {
    times[2 * at] = min
    times[2 * at + 1] = max
  }
  return status
}

if (parentPort) {
  const port = parentPort
  const claimAs: number = workerData?.claimAs ?? 1
  port.on('message', (req: VerifyRequest) => {
    // Another thread has it (or had it): skip it.
    if (Atomics.compareExchange(new Int32Array(req.shared.claim), 0, CLAIM_FREE, claimAs) !== CLAIM_FREE) return
    const { status, times } = verifyBatch(req)
    const res: VerifyResponse = { id: req.id, status, times }
    port.postMessage(res, [status.buffer as ArrayBuffer, times.buffer as ArrayBuffer])
  })
}
