/**
 * `tally ui`'s web server: 127.0.0.1 only, the page's static files (web/ in the package, and
 * Chart.js from node_modules: no CDN), the API (api.ts) and the event stream (events.ts), every
 * request checked by UiAuth first. The URL it gives carries the per-run token as a query parameter,
 * which the page moves to sessionStorage and out of the address bar.
 */
import fs from 'fs/promises'
import http from 'http'
import path from 'path'
import { createRequire } from 'module'
import { fileURLToPath } from 'url'
import { UiAuth, type Refusal } from './auth.js'
import { UiApi, jsonBody, type UiBackend } from './api.js'
import { LiveEvents, WATCH_MS } from './events.js'
import { SOFT_LIMIT_PERCENT_DEFAULT } from '../soft-limit.js'

/** The page's files: web/ at the package root (dist/src/ui/server.js is three levels down). */
export const WEB_DIR = fileURLToPath(new URL('../../../web/', import.meta.url))

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon'
}

/** What the page may load and talk to: only this server. */
const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-resource-policy': 'same-origin'
}

export interface UiServerOptions {
  /** Runs a ledger command by name on the node. */
  backend: UiBackend
  /** 0 (default) picks a free port. */
  port?: number
  /** Soft-limit warning, % of the credit limit (default 80). */
  warnAt?: number
  /** How often the node is watched for changes, ms. */
  watchMs?: number
  /** A fixed token (tests); default a fresh random one. */
  token?: string
}

/**
 * @example
 * const ui = await UiServer.start({ backend: (cmd, opts) => callNode(socket, cmd, opts).then(...) })
 * console.log(ui.url)
 */
export class UiServer {
  private constructor(
    private readonly server: http.Server,
    readonly auth: UiAuth,
    private readonly events: LiveEvents,
    readonly port: number
  ) {}

  /** The page's address, with the token: the one thing to give the member. */
  get url(): string {
    return `http://127.0.0.1:${this.port}/?token=${this.auth.token}`
  }

  static async start(opts: UiServerOptions): Promise<UiServer> {
    const auth = new UiAuth(opts.token)
    const api = new UiApi(opts.backend, opts.warnAt ?? SOFT_LIMIT_PERCENT_DEFAULT)
    const events = new LiveEvents(() => opts.backend('status', {}), opts.watchMs ?? WATCH_MS)
    const chartJs = chartJsPath()
    const server = http.createServer((req, res) => {
      void route(req, res).catch(() => {
        if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', 'internal error')
        else res.end()
      })
    })
    async function route(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1')
      if (url.pathname.startsWith('/api/') || url.pathname === '/events') {
        const refusal = auth.checkApi(req, url)
        if (refusal) return refuse(res, refusal)
        if (url.pathname === '/events') return events.add(res)
        const answer = await api.handle(req, url)
        if (req.method === 'POST') events.poke()
        return send(res, answer.status, 'application/json; charset=utf-8', jsonBody(answer.body))
      }
      const refusal = auth.checkSite(req)
      if (refusal) return refuse(res, refusal)
      if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain; charset=utf-8', 'the page takes GET only')
      if (url.pathname === '/vendor/chart.umd.min.js') return sendFile(res, chartJs)
      const name = url.pathname === '/' ? 'index.html' : url.pathname.slice(1)
      // Only plain names inside web/: no dot-dot, no hidden files.
      if (!/^[a-z0-9-]+(\/[a-z0-9-]+)*\.[a-z]+$/.test(name)) return send(res, 404, 'text/plain; charset=utf-8', 'not found')
      return sendFile(res, path.join(WEB_DIR, name))
    }
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(opts.port ?? 0, '127.0.0.1', () => {
        server.off('error', reject)
        resolve()
      })
    })
    const port = (server.address() as { port: number }).port
    auth.bind(port)
    events.start()
    return new UiServer(server, auth, events, port)
  }

  async close(): Promise<void> {
    this.events.stop()
    this.server.closeAllConnections()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }
}

function chartJsPath(): string {
  const require = createRequire(import.meta.url)
  return path.join(path.dirname(require.resolve('chart.js')), 'chart.umd.min.js')
}

function refuse(res: http.ServerResponse, r: Refusal): void {
  send(res, r.status, 'application/json; charset=utf-8', JSON.stringify({ error: { code: 'REFUSED', message: r.message, field: null } }))
}

function send(res: http.ServerResponse, status: number, type: string, body: string | Buffer): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': type, 'cache-control': 'no-store', 'content-length': Buffer.byteLength(body) })
  res.end(body)
}

async function sendFile(res: http.ServerResponse, file: string): Promise<void> {
  let body: Buffer
  try {
    body = await fs.readFile(file)
  } catch {
    return send(res, 404, 'text/plain; charset=utf-8', 'not found')
  }
  send(res, 200, TYPES[path.extname(file)] ?? 'application/octet-stream', body)
}
