import { spawn } from 'child_process'
import type { Opts, CliEnv, StandaloneCommand } from '../command.js'
import { countArg } from '../values.js'
import { callNode, LedgerError, parsePercent, SOFT_LIMIT_PERCENT_DEFAULT, type BootstrapNode } from '../../src/cli-surface.js'

export interface UiOpts {
  port?: string
  noOpen?: boolean
  warnAt?: string
  bootstrap?: string
}

/**
 * Serves the member's web page on 127.0.0.1 until SIGINT/SIGTERM. Uses the data dir's running
 * node (`tally up`) through its socket, or starts the node in this process when none runs.
 * The first stdout line is the page's URL, with this run's secret token.
 */
export async function ui(env: CliEnv, opts: UiOpts): Promise<void> {
  const port = opts.port === undefined ? 0 : countArg(opts.port, '--port', 1, 65535)
  const warnAt = opts.warnAt === undefined ? SOFT_LIMIT_PERCENT_DEFAULT : parsePercent(opts.warnAt)
  if (warnAt === null) throw LedgerError.BAD_INPUT(`--warn-at must be a percentage from 1 to 100, got ${JSON.stringify(opts.warnAt)}`)
  const socket = env.dir.socketPath
  let node: { close(): Promise<void> } | null = null
  const probe = await callNode(socket, 'status', {})
  if (!probe.answered) {
    // No node runs for this dir: start one here, serving the socket as `tally up` would.
    const { parseBootstrap, TallyNode } = await import('../../src/index.js')
    const bootstrap: BootstrapNode[] | undefined = opts.bootstrap === undefined ? undefined : parseBootstrap(opts.bootstrap)
    node = await TallyNode.start({ dir: env.dir, bootstrap, handler: (ctx, req) => env.dispatch(ctx, req.command, req.opts as Opts) })
  } else if (opts.bootstrap !== undefined) {
    env.log('note: a node already runs for this dir; --bootstrap is ignored')
  }
  const { UiServer } = await import('../../src/index.js')
  const backend = async (command: string, o: Record<string, unknown>) => {
    const r = await callNode(socket, command, o)
    if (!r.answered) throw LedgerError.NODE_LOST('the node stopped: run `tally up` (or `tally ui` again)')
    return r.result
  }
  let server
  try {
    server = await UiServer.start({ backend, port, warnAt })
  } catch (caught) {
    const err = caught as NodeJS.ErrnoException
    if (node) await node.close()
    if (err?.code === 'EADDRINUSE') throw LedgerError.BIND_FAILED(`port ${port} on 127.0.0.1 is in use; pick another --port or leave it out`)
    throw err
  }
  env.out(server.url)
  env.out(`serving the page of ${env.dir.root} on 127.0.0.1 with ${node ? 'a node started here' : 'the running node'}; Ctrl-C stops it`)
  if (!opts.noOpen) openBrowser(server.url, env.log)
  await new Promise<void>((resolve) => {
    if (env.signal.aborted) resolve()
    else env.signal.addEventListener('abort', () => resolve(), { once: true })
  })
  await server.close()
  if (node) await node.close()
}

/** Opens the URL in the desktop's browser; when there is none, the printed URL is what to open. */
function openBrowser(url: string, log: (line: string) => void): void {
  const cmd = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer.exe' : 'xdg-open'
  try {
    const child = spawn(cmd, [url], { stdio: 'ignore', detached: true })
    child.on('error', () => log(`could not start ${cmd}: open the URL above in a browser`))
    child.unref()
  } catch {
    log('could not open a browser: open the URL above in one')
  }
}

export const uiCommand: StandaloneCommand<UiOpts, void> = {
  name: 'ui',
  scope: 'standalone',
  longRunning: true,
  summary: 'a web page for this node on 127.0.0.1 (URL with a secret token on the first line); Ctrl-C stops it',
  flags: {
    port: { type: 'string', value: 'P', help: 'port on 127.0.0.1 (default: a free one)' },
    'no-open': { type: 'boolean', help: 'do not open a browser, only print the URL' },
    'warn-at': { type: 'string', value: 'PERCENT', help: `warn when this much of the credit limit is used (default ${SOFT_LIMIT_PERCENT_DEFAULT})` },
    bootstrap: { type: 'string', value: 'HOST:PORT', help: 'DHT bootstrap, when no node runs and this one starts it' }
  },
  examples: ['tally ui', 'tally ui --port 8080 --no-open'],
  run: ui,
  render: () => ''
}
