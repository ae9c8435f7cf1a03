/**
 * A Ledger's parts and their lifetime: builds the Autobase (with its Hyperbee view), the local
 * writer and the background jobs (confirmation nudge, prompt acks, witness, claims); opens them in order;
 * turns a storage failure into the one error every later call gets; closes them in order.
 */
import Autobase, { type ApplyNode, type HostCalls } from 'autobase'
import Corestore from 'corestore'
import Hyperbee from 'hyperbee'
import type { Hex } from '../protocol/index.js'
import { watchEquivocation } from './audit/equivocation.js'
import { BeeReaderStore } from './bee-store.js'
import { ConfirmationNudge } from './confirmation-nudge.js'
import { LedgerError } from './errors.js'
import { Claims } from './federation-agent.js'
import type { Ledger } from './ledger.js'
import { DEFAULT_ACK_INTERVAL_MS, DEFAULT_BATCH_MAX, DEFAULT_NAMESPACE, type LedgerOptions } from './ledger-options.js'
import { LocalWriter } from './local-writer.js'
import { PromptAck } from './prompt-ack.js'
import { isStorageFailure, storageError, storeDir } from './storage.js'
import { ViewCache } from './view-cache.js'
import { WitnessTimer } from './witness-timer.js'

type Apply = (nodes: ApplyNode[], view: Hyperbee, host: HostCalls) => Promise<void>

export class Lifecycle {
  readonly base: Autobase<Hyperbee>
  /** This ledger's namespace of the store. */
  readonly store: Corestore
  readonly writer: LocalWriter
  /** Keeps confirmation moving when Autobase's acks stop (src/confirmation-nudge.ts); null when turned off. */
  readonly nudge: ConfirmationNudge | null
  /** Acks soon after an update leaves entries unconfirmed (src/prompt-ack.ts); null when turned off. */
  readonly promptAck: PromptAck | null
  /** Fulfils holds sealed to this member (src/federation-agent.ts); null when turned off. */
  readonly claims: Claims | null
  cache: ViewCache | null = null
  private readonly witness: WitnessTimer | null
  private readonly ownsStore: boolean
  private readonly rootStore: Corestore
  /** The store's directory, for error messages. */
  private readonly dir: string
  private readonly stopWatching: () => void
  private opening: Promise<void> | null = null
  private closing: Promise<void> | null = null
  /** Set when Autobase failed under the ledger (a full or read-only disk): the ledger has stopped. */
  private failure: Error | null = null

  /** `apply` is the Ledger's (a method there, so a test can play a modified node around it). */
  constructor(ledger: Ledger, opts: LedgerOptions, apply: Apply) {
    this.ownsStore = typeof opts.store === 'string'
    const root = typeof opts.store === 'string' ? new Corestore(opts.store) : opts.store
    this.store = root.namespace(opts.namespace ?? DEFAULT_NAMESPACE)
    this.base = new Autobase<Hyperbee>(this.store, opts.key ?? null, {
      valueEncoding: 'binary',
      ackInterval: opts.ackIntervalMs ?? DEFAULT_ACK_INTERVAL_MS,
      encryptionKey: opts.encryptionKey ?? null,
      // Only a new ledger gets a fresh key: for an existing one a fresh key would read nothing, forever.
      encrypt: opts.key == null && !opts.encryptionKey,
      fastForward: opts.fastForward ?? true,
      open: (store) => new Hyperbee(store.get({ name: 'view' }), { keyEncoding: 'utf-8', valueEncoding: 'json', extension: false }),
      apply,
      close: (view) => view.close()
    })
    this.base.on('update', () => ledger.emit('update'))
    this.base.on('interrupt', (reason: string) => ledger.emit('interrupt', LedgerError.UPGRADE_NEEDED(String(reason))))
    // Autobase closes itself after a storage failure; every later call reports why.
    this.base.on('error', (err: Error) => {
      this.failure = this.failure ?? this.stopped(err)
      if (ledger.listenerCount('error') > 0) ledger.emit('error', this.failure)
    })
    this.writer = new LocalWriter(
      { base: this.base, identity: opts.identity, account: ledger.account, reader: () => this.reader(), appendFailed: (err) => this.appendFailed(err) },
      opts.batchMax ?? DEFAULT_BATCH_MAX
    )
    this.rootStore = root
    // Hypercore keeps no evidence when it finds a writer's fork; this keeps it for the auditor.
    this.stopWatching = watchEquivocation(this.store, (stored) => ledger.emit('equivocation', stored))
    this.dir = typeof opts.store === 'string' ? opts.store : (storeDir(root) ?? 'its store')
    this.nudge =
      opts.confirmNudge === false
        ? null
        : new ConfirmationNudge({ base: this.base, pending: () => this.writer.commit.pending, live: () => this.live }, opts.ackIntervalMs ?? DEFAULT_ACK_INTERVAL_MS)
    this.promptAck =
      opts.promptAck === false
        ? null
        : new PromptAck({ base: this.base, pending: () => this.writer.commit.pending, live: () => this.live }, opts.ackIntervalMs ?? DEFAULT_ACK_INTERVAL_MS)
    this.witness = opts.witness === false ? null : new WitnessTimer(ledger, () => this.live, () => this.cache ?? this.base.view)
    this.claims = opts.claim === false ? null : new Claims(ledger)
  }

  get closed(): boolean {
    return this.closing !== null
  }

  /** Neither closed nor stopped by a failure. */
  get live(): boolean {
    return this.closing === null && this.failure === null
  }

  async ready(): Promise<void> {
    if (this.opening === null) this.opening = this.open()
    await this.opening
    this.assertOpen()
  }

  /** Throws LEDGER_CLOSED after close(), and the failure after a storage failure. */
  assertOpen(): void {
    if (this.failure) throw this.failure
    if (this.closing !== null) throw LedgerError.LEDGER_CLOSED('the ledger is closed')
  }

  /** Resolves when this node is a writer with a member record here; TIMEOUT after `timeoutMs` (Ledger.waitWritable). */
  async waitWritable(account: Hex, timeoutMs: number, nextUpdate: (ms: number) => Promise<void>): Promise<void> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      this.assertOpen()
      if (this.base.writable && (await this.reader().getMember(account)) !== null) return
      const left = deadline - Date.now()
      if (left <= 0) throw LedgerError.TIMEOUT(`this node was not admitted (or has not synced its admission) within ${timeoutMs} ms`)
      await nextUpdate(Math.min(left, 1000))
    }
  }

  /** Reads the current view through the cache. */
  reader(): BeeReaderStore {
    return new BeeReaderStore(this.cache ?? this.base.view)
  }

  /** Why an append failed: the ledger closed, needs an upgrade, or its storage failed (then it has stopped). */
  appendFailed(err: unknown): Error {
    if (this.closing) return LedgerError.LEDGER_CLOSED('the ledger closed before the entry was written')
    if (this.base.interrupted) return LedgerError.UPGRADE_NEEDED(String(this.base.interrupted))
    if (this.failure || isStorageFailure(err)) {
      // Autobase stops after a failed write; every later call reports the same error.
      this.failure = this.failure ?? this.stopped(err)
      return this.failure
    }
    return err instanceof Error ? err : new Error(String(err))
  }

  async close(): Promise<void> {
    if (this.closing === null) this.closing = this.doClose()
    return this.closing
  }

  private async open(): Promise<void> {
    try {
      await this.base.ready()
    } catch (err) {
      // A damaged, locked or read-only store: release what was opened and name the path.
      await this.base.close().catch(() => {})
      if (this.ownsStore) await this.rootStore.close().catch(() => {})
      this.closing = Promise.resolve()
      throw err instanceof LedgerError ? err : storageError(this.dir, err)
    }
    // Every Tally ledger is encrypted. Without the key (not given, not kept in this store) Autobase
    // would open it unencrypted and show an empty ledger for ever: refuse at open instead.
    if (this.base.encryptionKey === null) {
      await this.base.close().catch(() => {})
      if (this.ownsStore) await this.rootStore.close().catch(() => {})
      this.closing = Promise.resolve()
      throw LedgerError.NO_ENCRYPTION_KEY('this ledger is encrypted and its encryption key was not given (it comes with the invite) nor is it kept in this store')
    }
    this.cache = new ViewCache(this.base.view)
    this.nudge?.start()
    this.promptAck?.start()
    await this.writer.start()
    this.witness?.start()
    this.claims?.start()
  }

  /** The error for a ledger that stopped while it ran: a one-line STORAGE error for a storage failure. */
  private stopped(err: unknown): Error {
    if (!isStorageFailure(err)) return err instanceof Error ? err : new Error(String(err))
    const e = storageError(this.dir, err)
    return LedgerError.STORAGE(`${e.message}; the ledger has stopped and nothing more was written`, { cause: err })
  }

  private async doClose(): Promise<void> {
    this.writer.rejectAll(LedgerError.LEDGER_CLOSED('the ledger closed before the entry applied'))
    this.stopWatching()
    this.nudge?.stop()
    this.promptAck?.stop()
    this.witness?.stop()
    this.claims?.stop()
    try {
      await this.base.close()
    } finally {
      if (this.ownsStore) await this.rootStore.close()
    }
  }
}

/** The writer key this store would use for a ledger, before joining it (for invites). */
export async function localWriterKey(store: Corestore | string, namespace = DEFAULT_NAMESPACE): Promise<Uint8Array> {
  const root = typeof store === 'string' ? new Corestore(store) : store
  try {
    return await Autobase.getLocalKey(root.namespace(namespace))
  } finally {
    if (typeof store === 'string') await root.close()
  }
}
