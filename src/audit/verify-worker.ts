/**
 * Worker thread of the signature verifier: checks one batch of entry blocks at a time.
 * A batch arrives as one buffer plus offsets (transferred, not copied) and leaves as one status
 * byte per block (signatures.ts: SIG_VALID, SIG_INVALID, SIG_NONE).
 */
import { parentPort } from 'worker_threads'
import b4a from 'b4a'
import { decodeEntry, splitBlock, verifyEntry } from '../../protocol/index.js'

export interface VerifyRequest {
  id: number
  ledgerKey: Uint8Array
  bytes: Uint8Array
  /** Block i is bytes[offsets[i], offsets[i + 1]); a zero-length block is an ack. */
  offsets: Uint32Array
}

export interface VerifyResponse {
  id: number
  status: Uint8Array
}

/** Status of each block in a batch; also used inline for small ledgers. */
export function verifyBatch(req: Omit<VerifyRequest, 'id'>): Uint8Array {
  const n = req.offsets.length - 1
  const status = new Uint8Array(n).fill(2)
  // A transferred buffer arrives as a plain Uint8Array; the codec wants Buffer semantics.
  const bytes = b4a.from(req.bytes.buffer, req.bytes.byteOffset, req.bytes.byteLength)
  for (let i = 0; i < n; i++) {
    const start = req.offsets[i]
    const end = req.offsets[i + 1]
    if (end === start) continue
    status[i] = verifyBlock(req.ledgerKey, bytes.subarray(start, end))
  }
  return status
}

/**
 * One status for a block, plain or bundle: valid only if every entry in it decodes and verifies,
 * so the replay skips the check only for such blocks and decides every other one entry by entry.
 */
function verifyBlock(ledgerKey: Uint8Array, block: Uint8Array): number {
  const split = splitBlock(block)
  if (!split.ok) return 2
  let status = 2
  for (const bytes of split.entries) {
    const decoded = decodeEntry(bytes)
    if (!decoded.ok) return 2
    const { entry, unsigned } = decoded
    if (!verifyEntry(ledgerKey, entry.type, unsigned, entry.author, entry.signature)) return 0
    status = 1
  }
  return status
}

if (parentPort) {
  const port = parentPort
  port.on('message', (req: VerifyRequest) => {
    const status = verifyBatch(req)
    const res: VerifyResponse = { id: req.id, status }
    port.postMessage(res, [status.buffer as ArrayBuffer])
  })
}
