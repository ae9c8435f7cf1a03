/**
 * Who may drive the node through the page. The server listens on 127.0.0.1 only, but any local
 * user, and any web site open in the member's browser, can reach 127.0.0.1. So:
 * - a per-run secret token (256 bits) that only the printed URL carries: every API request and the
 *   event stream must present it (the page keeps it in sessionStorage and sends it in a header);
 * - the Host header must name this server (127.0.0.1:PORT or localhost:PORT), which defeats DNS
 *   rebinding (a site whose name resolves to 127.0.0.1 sends its own name as Host);
 * - a request carrying an Origin must come from the page itself; writes must carry one, and a
 *   JSON content type, so a cross-site form post is refused before it is read.
 * The static files (the page's code, no ledger data) need only a right Host.
 */
import { randomBytes, timingSafeEqual } from 'crypto'
import type { IncomingMessage } from 'http'

export const TOKEN_HEADER = 'x-tally-token'

export interface Refusal {
  status: 400 | 401 | 403 | 415
  message: string
}

export class UiAuth {
  readonly token: string
  private readonly tokenBytes: Buffer
  private hosts: Set<string> = new Set()
  private origins: Set<string> = new Set()

  constructor(token: string = randomBytes(32).toString('base64url')) {
    this.token = token
    this.tokenBytes = Buffer.from(token)
  }

  /** The port is known once the server listens. */
  bind(port: number): void {
    this.hosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`])
    this.origins = new Set([...this.hosts].map((h) => `http://${h}`))
  }

  /** Checks Host and Origin: what every request, static files included, must pass. */
  checkSite(req: IncomingMessage): Refusal | null {
    const host = String(req.headers.host ?? '').toLowerCase()
    if (!this.hosts.has(host)) return { status: 403, message: `refused: Host ${JSON.stringify(host)} is not this page's (open the URL \`tally ui\` printed)` }
    const origin = req.headers.origin
    if (origin !== undefined && !this.origins.has(String(origin).toLowerCase())) {
      return { status: 403, message: `refused: a request from ${JSON.stringify(origin)}; only the page itself may use the node` }
    }
    const site = req.headers['sec-fetch-site']
    if (site !== undefined && site !== 'same-origin' && site !== 'none') return { status: 403, message: `refused: a ${site} request; only the page itself may use the node` }
    return null
  }

  /** Checks the token (header, or `token` query parameter for the event stream) and, for writes, Origin and content type. */
  checkApi(req: IncomingMessage, url: URL): Refusal | null {
    const site = this.checkSite(req)
    if (site) return site
    const given = String(req.headers[TOKEN_HEADER] ?? url.searchParams.get('token') ?? '')
    if (given === '') return { status: 401, message: 'refused: no token; open the URL `tally ui` printed (it carries the token)' }
    if (!this.matches(given)) return { status: 401, message: 'refused: wrong token; open the URL this run of `tally ui` printed' }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      if (req.headers.origin === undefined) return { status: 403, message: 'refused: a write without an Origin header' }
      const type = String(req.headers['content-type'] ?? '').split(';')[0].trim()
      if (type !== 'application/json') return { status: 415, message: 'refused: writes take application/json' }
    }
    return null
  }

  private matches(given: string): boolean {
    const b = Buffer.from(given)
    return b.length === this.tokenBytes.length && timingSafeEqual(b, this.tokenBytes)
  }
}
