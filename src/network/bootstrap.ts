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

/**
 * Starts the DHT. On a loopback host every node binds to it (port 0 picks a free one); on a LAN
 * address the first node is a HyperDHT bootstrapper announcing that address.
 */
export async function startPrivateDht(opts: { host: string; port: number; nodes?: number }): Promise<PrivateDht> {
  const { host } = opts
  const loopback = host.startsWith('127.')
  const nodes: HyperDHT[] = []
  const destroy = async () => {
    for (const n of nodes.reverse()) await n.destroy().catch(() => {})
  }
  try {
    const first = loopback
      ? new HyperDHT({ ephemeral: false, firewalled: false, bootstrap: [], host, port: opts.port })
      : HyperDHT.bootstrapper(opts.port, host)
    nodes.push(first)
    await first.fullyBootstrapped()
    const port = first.address().port
    const bootstrap = [{ host, port }]
    while (nodes.length < (opts.nodes ?? PRIVATE_DHT_NODES)) {
      const node = new HyperDHT({ ephemeral: false, firewalled: false, bootstrap, ...(loopback ? { host } : {}) })
      nodes.push(node)
      await node.fullyBootstrapped()
    }
    return { address: `${host}:${port}`, host, port, nodes, destroy }
  } catch (err: any) {
    await destroy()
    throw LedgerError.BIND_FAILED(`cannot run a DHT bootstrap on ${host}:${opts.port}: ${err.message}`, { cause: err })
  }
}
