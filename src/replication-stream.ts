/**
 * What `ledger.replicate()` returns: Hypercore's replication protocol over a Noise-encrypted
 * duplex stream (a streamx Duplex). Tally's own interface, so the public types do not depend on
 * how the Holepunch packages type their streams; it lists what a caller uses.
 */
export interface ReplicationStream {
  /** Pipes into the other side's stream and returns it: `a.pipe(b).pipe(a)`. */
  pipe<T extends ReplicationStream>(dest: T): T
  /** Ends replication on this stream (the ledger stays open). */
  destroy(err?: Error): void
  readonly destroyed: boolean
  on(event: 'error', listener: (err: Error) => void): this
  on(event: 'close' | 'end', listener: () => void): this
}
