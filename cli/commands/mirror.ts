/**
 * mirror: runs an always-on mirror (a blind peer, src/network/mirror.ts) from DIR/mirror until
 * SIGINT/SIGTERM. Its first line on stdout is its key, what members pass to `tally mirrors add`
 * (with --json, a JSON line with it). It needs no identity or ledger: it is nobody's member and reads nothing.
 */
import type { CliEnv, StandaloneCommand } from '../command.js'
import { countArg } from '../values.js'

export interface MirrorOpts {
  bootstrap?: string
  maxGb?: string
}

export interface MirrorResult {
  key: string
}

export async function mirror(env: CliEnv, opts: MirrorOpts): Promise<MirrorResult> {
  const { Mirror, parseBootstrap } = await import('../../src/index.js')
  const bootstrap = opts.bootstrap === undefined ? undefined : parseBootstrap(opts.bootstrap)
  const maxBytes = opts.maxGb === undefined ? undefined : countArg(opts.maxGb, '--max-gb', 1, 100_000) * 1_000_000_000
  await env.dir.ensure()
  const m = await Mirror.start({ dir: env.dir.mirrorDir, ...(bootstrap ? { bootstrap } : {}), ...(maxBytes ? { maxBytes } : {}) })
  const key = Buffer.from(m.key).toString('hex')
  try {
    if (env.json) env.out(JSON.stringify({ event: 'listening', key }))
    else env.out(key)
    env.log(`mirror running from ${env.dir.mirrorDir}; members add it with \`tally mirrors add ${key}\`; Ctrl-C stops it`)
    await new Promise<void>((resolve) => {
      if (env.signal.aborted) resolve()
      else env.signal.addEventListener('abort', () => resolve(), { once: true })
    })
  } finally {
    await m.close()
  }
  return { key }
}

export const mirrorCommand: StandaloneCommand<MirrorOpts, MirrorResult> = {
  name: 'mirror',
  scope: 'standalone',
  longRunning: true,
  summary: "run an always-on mirror that keeps members' ledgers available without reading them; prints its key",
  flags: {
    bootstrap: { type: 'string', value: 'HOST:PORT', help: 'DHT bootstrap (default: the public HyperDHT)' },
    'max-gb': { type: 'string', value: 'N', help: 'gigabytes of cores to keep at most (default 10)' }
  },
  examples: ['tally --dir /srv/tally mirror', 'tally mirror --bootstrap 127.0.0.1:49737'],
  run: mirror,
  render: () => ''
}
