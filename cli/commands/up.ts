import type { Opts, CliEnv, StandaloneCommand } from '../command.js'
import { short } from '../output.js'
import { countArg } from '../values.js'
import { displayText, displayValue, jsonSafe, type AdmittedEvent, type ProposedEvent, type RefusedEvent } from '../../src/cli-surface.js'

const PEERS_SETTLE_MS = 500

export interface UpOpts {
  bootstrap?: string
  poll?: string
  maxPeers?: string
}

/**
 * Runs the node until SIGINT/SIGTERM: replicates the ledger with its peers, admits members who
 * join with this node's invites, and serves the data dir's other commands on its socket.
 * Logs a line per event (JSON lines with --json).
 */
export async function up(env: CliEnv, opts: UpOpts): Promise<void> {
  const { parseBootstrap, TallyNode } = await import('../../src/index.js')
  const bootstrap = opts.bootstrap === undefined ? undefined : parseBootstrap(opts.bootstrap)
  const pollMs = opts.poll === undefined ? undefined : countArg(opts.poll, '--poll', 1, 3600) * 1000
  const maxPeers = opts.maxPeers === undefined ? undefined : countArg(opts.maxPeers, '--max-peers', 1, 1000)
  // Log lines quote member text (names, refusal reasons): the human line is built from escaped values.
  const emit = (event: string, human: string, data: Record<string, unknown> = {}) =>
    env.out(env.json ? jsonSafe(JSON.stringify({ event, ...data })) : human)
  const node = await TallyNode.start({
    dir: env.dir,
    bootstrap,
    ...(pollMs === undefined ? {} : { pollMs }),
    ...(maxPeers === undefined ? {} : { maxPeers }),
    handler: (ctx, req) => env.dispatch(ctx, req.command, req.opts as Opts)
  })
  const { ctx } = node
  const meta = await ctx.ledger.meta()
  const self = await ctx.ledger.self().catch(() => null)
  const network = ctx.node!.bootstrap ? `bootstrap ${ctx.node!.bootstrap}` : 'public HyperDHT'
  emit(
    'listening',
    [
      `tally node up: ${displayText(self ? self.name : ctx.identity.name)} on "${meta ? displayText(meta.name) : 'ledger not synced yet'}"${meta ? ` (${meta.unitCode})` : ''}`,
      `  ledger   ${ctx.config.key}`,
      `  network  ${network}`,
      `  socket   ${env.dir.socketPath}`,
      'listening: other tally commands for this dir go through this node; Ctrl-C stops it'
    ].join('\n'),
    { ledger: ctx.config.key, socket: env.dir.socketPath, bootstrap: ctx.node!.bootstrap, pid: process.pid }
  )
  // Hyperswarm may hold two connections to one peer for a moment while it settles which to keep:
  // report the count once it has been steady for a moment, and only when it changed.
  let shown = 0
  let settle: NodeJS.Timeout | null = null
  const onPeers = () => {
    if (settle) clearTimeout(settle)
    settle = setTimeout(() => {
      settle = null
      if (node.peers !== shown) emit('peers', `peers: ${(shown = node.peers)}`, { peers: shown })
    }, PEERS_SETTLE_MS)
  }
  node.on('peers', onPeers)
  onPeers() // connected while starting
  const announced = () => emit('announced', `announced: on the ledger's topic (${network}); looking for peers`)
  const online = () => emit('online', `online: reached ${node.peers} peer${node.peers === 1 ? '' : 's'}`, { peers: node.peers })
  const offline = (err: Error) => emit('offline', `offline: ${displayText(err.message)}; local commands still work`, { message: err.message })
  node.on('announced', announced)
  node.on('online', online)
  node.on('offline', offline)
  if (node.announced) announced() // announced while this was starting
  if (node.online) online()
  else if (node.networkError) offline(node.networkError)
  node.on('admitted', (ev: AdmittedEvent) => {
    const e = displayValue(ev)
    emit('admitted', `admitted ${e.name} (${short(e.account)}) as ${e.role === 'auditor' ? 'an auditor' : 'a member'}, invite ${short(e.inviteId)}`, { ...ev })
  })
  node.on('proposed', (ev: ProposedEvent) => {
    const e = displayValue(ev)
    emit('proposed', `asked to admit ${e.name} (${short(e.account)}) with invite ${short(e.inviteId)}: proposal ${short(e.proposal)}, the members decide`, { ...ev })
  })
  node.on('refused', (ev: RefusedEvent) => {
    const e = displayValue(ev)
    emit('refused', `refused a join request${e.name ? ` from ${e.name}` : ''} (invite ${short(e.inviteId)}): ${e.reason}`, { ...ev })
  })
  // The bridge half (src/node/bridge-half.ts): each payment across a link it carries, settles, refuses or releases.
  node.on('bridge', (ev) => {
    const e = displayValue(ev)
    emit('bridge', `bridge: ${e.what} hold ${short(e.hold)} (to ledger ${short(e.ledger)}): ${e.reason}`, { ...ev })
  })
  node.on('sibling', (ledger, err) =>
    emit(
      'sibling',
      err ? `bridge: the sibling node for ledger ${short(ledger)} does not answer (${displayText(err.message)}); holds wait, and expire if it stays away` : `bridge: the sibling node for ledger ${short(ledger)} answers again`,
      { ledger, down: err !== null, ...(err ? { message: err.message } : {}) }
    )
  )
  node.on('bridgeError', (err) => emit('bridge-error', `bridge error: ${displayText(err.message)}; trying again on the next update`, { message: err.message }))
  // Each decision as it is made here (pending until confirmed, like any entry).
  ctx.ledger.on('decision', (ev) => {
    void ctx.ledger
      .proposal(ev.proposal)
      .then((p) => {
        const what = p.action.action === 'policy' ? 'policy' : `${p.action.action} ${displayText(p.targetName ?? '')}`
        emit('decision', `decision: ${what} ${ev.status} (${displayText(ev.reason)}), proposal ${short(ev.proposal)} at entry ${ev.index}`, { ...ev, action: p.action.action, target: p.targetName })
      })
      .catch(() => emit('decision', `decision: proposal ${short(ev.proposal)} ${ev.status} at entry ${ev.index}`, { ...ev }))
  })
  const onError = (err: Error) => emit('error', `ledger error: ${displayText(err.message)}`, { message: err.message })
  ctx.ledger.on('error', onError)
  ctx.ledger.on('interrupt', onError)
  await new Promise<void>((resolve) => {
    if (env.signal.aborted) resolve()
    else env.signal.addEventListener('abort', () => resolve(), { once: true })
  })
  if (settle) clearTimeout(settle)
  emit('stopping', 'stopping: invites, swarm, socket, ledger, store')
  await node.close()
  emit('stopped', 'stopped')
}

export const upCommand: StandaloneCommand<UpOpts, void> = {
  name: 'up',
  scope: 'standalone',
  longRunning: true,
  summary: 'run the node: replicate, admit invited members, serve local commands; Ctrl-C stops it',
  flags: {
    bootstrap: { type: 'string', value: 'HOST:PORT', help: "DHT bootstrap (default: ledger.json's, else the public HyperDHT)" },
    poll: { type: 'string', value: 'SECONDS', help: 'how often to look for join requests on the DHT (default 3)' },
    'max-peers': { type: 'string', value: 'N', help: "connections this node opens at most; others may still connect to it (default: Hyperswarm's 64)" }
  },
  examples: ['tally up', 'tally up --bootstrap 127.0.0.1:49737', 'tally up --max-peers 8'],
  run: up,
  render: () => ''
}
