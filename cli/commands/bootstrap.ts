import type { CliEnv, StandaloneCommand } from '../command.js'
import { countArg } from '../values.js'
import { LedgerError } from '../../src/cli-surface.js'

export interface BootstrapOpts {
  host?: string
  port?: string
}

const DEFAULT_HOST = '127.0.0.1'
/** HyperDHT's usual bootstrap port, for a LAN host without --port. */
const DEFAULT_LAN_PORT = 49737

/**
 * Runs a HyperDHT bootstrap node (with two more DHT nodes, see startPrivateDht) for a private
 * network until SIGINT/SIGTERM. Its first line on
 * stdout is `HOST:PORT`, what the others pass as --bootstrap (with --json, a JSON line with it).
 */
export async function bootstrap(env: CliEnv, opts: BootstrapOpts): Promise<void> {
  const host = opts.host ?? DEFAULT_HOST
  if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host === '0.0.0.0') throw LedgerError.BAD_INPUT(`--host must be this machine's IPv4 address, got ${JSON.stringify(host)}`)
  const loopback = host.startsWith('127.')
  const port = opts.port === undefined ? (loopback ? 0 : DEFAULT_LAN_PORT) : countArg(opts.port, '--port', 1, 65535)
  const { startPrivateDht } = await import('../../src/index.js')
  const dht = await startPrivateDht({ host, port })
  const address = dht.address
  if (env.json) env.out(JSON.stringify({ event: 'listening', address, host: dht.host, port: dht.port }))
  else env.out(address)
  env.log(`DHT bootstrap node running; others use --bootstrap ${address}; Ctrl-C stops it`)
  await new Promise<void>((resolve) => {
    if (env.signal.aborted) resolve()
    else env.signal.addEventListener('abort', () => resolve(), { once: true })
  })
  await dht.destroy()
}

export const bootstrapCommand: StandaloneCommand<BootstrapOpts, void> = {
  name: 'bootstrap',
  scope: 'standalone',
  longRunning: true,
  summary: 'run a DHT bootstrap node for a private network; prints HOST:PORT',
  flags: {
    host: { type: 'string', value: 'IP', help: `address to serve on (default ${DEFAULT_HOST})` },
    port: { type: 'string', value: 'PORT', help: `UDP port (default: any free one on loopback, ${DEFAULT_LAN_PORT} otherwise)` }
  },
  examples: ['tally bootstrap', 'tally bootstrap --host 192.168.1.10 --port 49737'],
  run: bootstrap,
  render: () => ''
}
