/**
 * What a ledger command runs against: the member's identity, the ledger opened on the data dir's
 * store, and the invite book, either inside the running node or opened by the command itself.
 */
import { loadIdentity, type Identity } from '../identity.js'
import { Ledger } from '../ledger.js'
import { openStore, storedLedgerKey } from '../storage.js'
import { InviteBook } from '../network/invite-book.js'
import { PayKeys } from './pay-keys.js'
import { fromHex, toHex } from '../../protocol/index.js'
import { LedgerError } from '../errors.js'
import type { DataDir, LedgerConfig } from './data-dir.js'
import type { MirrorStatus } from '../network/mirrors.js'

/** Facts only a running node knows. */
export interface NodeInfo {
  pid: number
  /** ms since the epoch. */
  startedAt: number
  /** Peers connected now. */
  readonly peers: number
  /** Bootstrap in use ("host:port,..."), or null for the public HyperDHT. */
  bootstrap: string | null
  /** Tells the node a new invite was issued, so it starts answering join requests. */
  invitesChanged(): void
  /** Tells the node its mirror list changed (DIR/mirrors.json), so it uses the new one now. */
  mirrorsChanged(): Promise<void>
  /** The mirrors in use: connected or not, and how much of this node's writer core each holds. */
  mirrors(): MirrorStatus[]
}

export interface NodeContext {
  dir: DataDir
  identity: Identity
  config: LedgerConfig
  ledger: Ledger
  invites: InviteBook
  /** Idempotency keys of this node's payments: a retried `pay` with the same key pays once. */
  payKeys: PayKeys
  /** Set when the command runs inside the running node (`tally up`); null when it opened the store itself. */
  node: NodeInfo | null
  /** Progress lines for people, when the command's caller shows them (a command run in this process: stderr). */
  log?: (line: string) => void
}

export interface OpenOptions {
  /** Indexer ack interval, ms (the Ledger's default otherwise). */
  ackIntervalMs?: number
}

/**
 * Opens the data dir's ledger in this process. Throws NOT_MEMBER when there is no identity or
 * ledger yet, STORE_LOCKED when another process holds the store.
 */
export async function openContext(dir: DataDir, opts: OpenOptions = {}): Promise<NodeContext & { close(): Promise<void> }> {
  const identity = await loadIdentity(dir.identityFile)
  const config = await dir.readLedgerConfig()
  const invites = new InviteBook(dir.invitesFile)
  await invites.load()
  const store = await openStore(dir.storeDir)
  let ledger: Ledger
  try {
    const bound = await storedLedgerKey(store)
    if (bound !== null && toHex(bound) !== config.key) {
      throw new LedgerError(
        'LEDGER_MISMATCH',
        `${dir.ledgerFile} names ledger ${config.key.slice(0, 16)}..., but the store in ${dir.storeDir} holds ledger ${toHex(bound).slice(0, 16)}...: ledger.json was edited or comes from another data dir; put back the key ${toHex(bound)}`
      )
    }
    ledger = await Ledger.open({
      store,
      identity,
      key: fromHex(config.key),
      encryptionKey: config.encryptionKey === null ? null : fromHex(config.encryptionKey),
      ...(opts.ackIntervalMs === undefined ? {} : { ackIntervalMs: opts.ackIntervalMs })
    })
  } catch (err) {
    await store.close()
    throw err
  }
  return {
    dir,
    identity,
    config,
    ledger,
    invites,
    payKeys: new PayKeys(dir.payKeysFile),
    node: null,
    async close() {
      await ledger.close()
      await store.close()
    }
  }
}
