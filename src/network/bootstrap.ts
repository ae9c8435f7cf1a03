/**
 * A private HyperDHT for a co-op LAN, a demo or a test: a bootstrap node plus a few more
 * persistent DHT nodes in one process. One node alone is not enough: on a network of one
 * persistent node, announces and lookups find nobody (measured: 0 of 2 peers connect with one
 * node, both with two or three), so it runs three by default.
 */
import HyperDHT from 'hyperdht'
import { LedgerError } from '../errors.js'

export const PRIVATE_DHT_NODES = 3

export interface PrivateDht {
  /** "HOST:PORT" of the bootstrap node: what peers pass as --bootstrap. */
  address: string
  host: string
  port: number
  nodes: HyperDHT[]
  destroy(): Promise<void>
}

/** Where the private DHT runs. */
export interface PrivateDhtOptions {
  /** An IPv4 address of this machine: loopback (127.x) for one machine, a LAN address for a co-op's network. Default 127.0.0.1. */
  host?: string
  /** The bootstrap node's UDP port. 0 (the default) picks a free one: loopback only, since LAN peers must be told it. */
  port?: number
  /** DHT nodes to run in this process, the bootstrap node included (default 3). */
  nodes?: number
}

/** Whether `host` is this machine only (127.0.0.0/8, localhost, ::1): a DHT there binds to it and no port need be told. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host.startsWith('127.') || host === '::1'
}

/**
 * Starts the DHT. On a loopback host every node binds to it; on a LAN address the first node is
 * a HyperDHT bootstrapper announcing that address. `destroy()` stops every node: call it after
 * closing the Replicators that use it.
 */
export async function startPrivateDht(opts: PrivateDhtOptions = {}): Promise<PrivateDht> {
  const host = opts.host ?? '127.0.0.1'
  const port = opts.port ?? 0
  const loopback = isLoopback(host)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw LedgerError.BAD_INPUT(`port must be 0-65535, got ${port}`)
  if (port === 0 && !loopback) throw LedgerError.BAD_INPUT(`a DHT bootstrap on ${host} needs a fixed port, which peers are told; port 0 picks one only on loopback`)
  const nodes: HyperDHT[] = []
  const destroy = async () => {
    for (const n of nodes.reverse()) await n.destroy().catch(() => {})
  }
  try {
    // HyperDHT reads port 0 as "the default, 49737"; the range [0, 1) (dht-rpc's "ports to try,
    // in order") asks the system for a free one instead.
    const first = loopback
      ? new HyperDHT({ ephemeral: false, firewalled: false, bootstrap: [], host, port: port === 0 ? [0, 1] : port })
      : HyperDHT.bootstrapper(port, host)
    nodes.push(first)
    await first.fullyBootstrapped()
    const bound = first.address().port
    // Given a port that is taken, dht-rpc binds the next free one: a bootstrap nobody is told about.
    if (port !== 0 && bound !== port) throw new Error(`port ${port} is in use (another bootstrap or program has it)`)
    const bootstrap = [{ host, port: bound }]
    while (nodes.length < (opts.nodes ?? PRIVATE_DHT_NODES)) {
      const node = new HyperDHT({ ephemeral: false, firewalled: false, bootstrap, ...(loopback ? { host } : {}) })
      nodes.push(node)
      await node.fullyBootstrapped()
    }
    return { address: `${host}:${bound}`, host, port: bound, nodes, destroy }
  } catch (caught) {
    const err = caught as NodeJS.ErrnoException
    await destroy()
    throw LedgerError.BIND_FAILED(`cannot run a DHT bootstrap on ${host}:${port}: ${err.message}`, { cause: err })
  }
}
