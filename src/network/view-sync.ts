/**
 * Keeping the whole view on this disk. A node that joins a ledger far behind fast-forwards: it
 * takes the quorum-signed view and fetches only the blocks its own reads touch, so most of the
 * view stays on its peers. Commands run without a node (no network) would then wait for blocks
 * nobody fetches. `tally join` downloads the view before it returns, and a running node keeps
 * downloading what each update adds, so every later command finds the view local.
 * The view is small (about 0.11 blocks per entry: ARCHITECTURE.md), so this costs little.
 */
import type { Ledger } from '../ledger.js'

/** After a failed download (the view replaced under it, a peer gone), wait this long before the next. */
const RETRY_MS = 1000

/** Blocks of the view this disk does not hold (0 when the whole view is local). */
export async function missingViewBlocks(ledger: Ledger): Promise<number> {
  const core = ledger.view.core
  let missing = 0
  for (let i = core.contiguousLength; i < core.length; i++) if (!(await core.has(i))) missing++
  return missing
}

/**
 * Downloads every block of the view up to its current length; resolves once they are local,
 * rejects with the download's error, or at `deadline` (ms since the epoch) with false.
 */
export async function downloadView(ledger: Ledger, deadline: number): Promise<boolean> {
  const core = ledger.view.core
  if (core.contiguousLength >= core.length) return true
  const download = core.download({ start: 0, end: core.length })
  let timer: ReturnType<typeof setTimeout> | null = null
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), Math.max(0, deadline - Date.now()))
  })
  try {
    return await Promise.race([download.done().then(() => true), late])
  } finally {
    if (timer) clearTimeout(timer)
    download.destroy()
  }
}

/** While a node runs: after each view update, fetches the blocks the update left remote. */
export class ViewSync {
  private running: { destroy(): void; done(): Promise<void> } | null = null
  private closed = false
  private readonly onUpdate = () => this.follow()

  constructor(private readonly ledger: Ledger) {
    ledger.on('update', this.onUpdate)
    this.follow()
  }

  private follow(): void {
    if (this.closed || this.running !== null) return
    const core = this.ledger.view.core
    if (core.contiguousLength >= core.length) return
    const download = core.download({ start: core.contiguousLength, end: core.length })
    this.running = download
    download.done().then(
      () => this.next(download, 0),
      () => this.next(download, RETRY_MS)
    )
  }

  private next(download: { destroy(): void }, delayMs: number): void {
    if (this.running === download) this.running = null
    // The view may have grown (or been replaced by a fast-forward) meanwhile.
    if (!this.closed) setTimeout(() => this.follow(), delayMs).unref()
  }

  close(): void {
    this.closed = true
    this.ledger.off('update', this.onUpdate)
    this.running?.destroy()
    this.running = null
  }
}
