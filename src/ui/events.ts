/**
 * Live updates for the page, as server-sent events. The node may run in another process (`tally
 * up`), so the server watches it the one way it can: it asks for `status` every so often and,
 * when the entries, the confirmed entries, the peers, the indexers reached or the state hash change, sends a `change`
 * event to every open page, which then fetches what it shows again.
 */
import type { ServerResponse } from 'http'

/** How often the node is asked, ms. A status is a few view reads; the page is then at most this late. */
export const WATCH_MS = 700
/** A comment line now and then keeps proxies and the browser from closing an idle stream. */
const KEEPALIVE_MS = 15_000

export type StatusSource = () => Promise<Record<string, unknown>>

export class LiveEvents {
  private readonly clients = new Set<ServerResponse>()
  private timer: NodeJS.Timeout | null = null
  private keepalive: NodeJS.Timeout | null = null
  private last = ''
  private seq = 0
  private stopped = false
  private running = false
  private again = false

  constructor(
    private readonly status: StatusSource,
    private readonly intervalMs = WATCH_MS
  ) {}

  start(): void {
    this.keepalive = setInterval(() => this.write(': keepalive\n\n'), KEEPALIVE_MS)
    this.keepalive.unref()
    void this.tick()
  }

  /** Takes an event-stream request: the client gets the current state at once, then each change. */
  add(res: ServerResponse): void {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' })
    res.write(`retry: 2000\n\n`)
    if (this.last) res.write(frame(this.seq, 'change', this.last))
    this.clients.add(res)
    res.on('close', () => this.clients.delete(res))
  }

  stop(): void {
    this.stopped = true
    if (this.timer) clearTimeout(this.timer)
    if (this.keepalive) clearInterval(this.keepalive)
    for (const res of this.clients) res.end()
    this.clients.clear()
  }

  /** Asks again at once (after a write made from the page, so it does not wait for the next tick). */
  poke(): void {
    if (this.stopped) return
    if (this.running) {
      this.again = true
      return
    }
    if (this.timer) clearTimeout(this.timer)
    void this.tick()
  }

  private async tick(): Promise<void> {
    this.timer = null
    this.running = true
    let text: string
    try {
      const s = await this.status()
      const node = (s.node ?? {}) as Record<string, unknown>
      text = JSON.stringify({
        entries: s.entries,
        confirmedEntries: s.confirmedEntries,
        pendingEntries: s.pendingEntries,
        stateHash: s.stateHash,
        peers: node.peers ?? null,
        reachableIndexers: s.reachableIndexers ?? null,
        members: s.members
      })
    } catch (caught) {
      const err = caught as NodeJS.ErrnoException
      text = JSON.stringify({ error: String(err?.message ?? err) })
    }
    this.running = false
    if (this.stopped) return
    if (text !== this.last) {
      this.last = text
      this.write(frame(++this.seq, 'change', text))
    }
    if (this.again) {
      this.again = false
      void this.tick()
      return
    }
    this.timer = setTimeout(() => void this.tick(), this.intervalMs)
    this.timer.unref()
  }

  private write(chunk: string): void {
    for (const res of this.clients) res.write(chunk)
  }
}

function frame(id: number, event: string, data: string): string {
  return `id: ${id}\nevent: ${event}\ndata: ${data}\n\n`
}
