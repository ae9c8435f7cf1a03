import type { CliEnv, StandaloneCommand } from '../command.js'
import { fields, short } from '../output.js'
import { countArg, nameArg } from '../values.js'
import { formatDuration } from '../proposal-text.js'
import { LedgerError, toHex, type Hex, type JoinProgress, type JoinRole } from '../../src/cli-surface.js'

export interface JoinOpts {
  code?: string
  name?: string
  bootstrap?: string
  timeout?: string
}

export interface JoinResult {
  ledger: Hex
  /** The ledger's name. */
  ledgerName: string | null
  name: string
  account: Hex
  role: JoinRole
  writable: boolean
  entries: number
  members: number
}

const TIMEOUT_S_DEFAULT = 600

/**
 * Joins a ledger with an invite code: pairs with the steward's running node, saves the keys it
 * hands over in ledger.json, syncs, and returns once this node can write (or, for an auditor, read).
 */
export async function join(env: CliEnv, opts: JoinOpts): Promise<JoinResult> {
  const { loadIdentity, openStore, parseBootstrap, joinByInvite } = await import('../../src/index.js')
  const identity = await loadIdentity(env.dir.identityFile)
  if (await env.dir.hasLedger()) throw LedgerError.LEDGER_EXISTS(`${env.dir.root} already has a ledger; join with another --dir`)
  const bootstrap = opts.bootstrap === undefined ? undefined : parseBootstrap(opts.bootstrap)
  const timeoutS = opts.timeout === undefined ? TIMEOUT_S_DEFAULT : countArg(opts.timeout, '--timeout', 1, 86_400)
  // The name to be admitted under: the identity's unless given (a taken name is NAME_TAKEN; the code still works).
  const name = opts.name === undefined ? identity.name : nameArg(opts.name)
  const store = await openStore(env.dir.storeDir)
  try {
    const joined = await joinByInvite({
      store,
      identity,
      name,
      code: String(opts.code ?? ''),
      ...(bootstrap ? { bootstrap } : {}),
      timeoutMs: timeoutS * 1000,
      signal: env.signal,
      onProgress: (p) => env.log(progressLine(p)),
      onKeys: ({ key, encryptionKey, role }) =>
        env.dir.writeLedgerConfig({
          version: 1,
          key: toHex(key),
          encryptionKey: encryptionKey ? toHex(encryptionKey) : null,
          role,
          bootstrap: opts.bootstrap ?? null
        })
    })
    try {
      const status = await joined.ledger.status()
      return {
        ledger: status.key,
        ledgerName: status.name,
        name,
        account: identity.account,
        role: joined.role,
        writable: status.writable,
        entries: status.entries,
        members: status.members
      }
    } finally {
      await joined.close()
    }
  } finally {
    await store.close()
  }
}

function progressLine(p: JoinProgress): string {
  switch (p.phase) {
    case 'pairing':
      return `asking the inviting member's node to answer invite ${short(p.inviteId)} (it must be running \`tally up\`)...`
    case 'waiting':
      if (p.admission === null || p.deadline === null) return "no answer yet: the inviting member's node may be offline; waiting (Ctrl-C stops, `tally join` again resumes)..."
      return `waiting for the members' decision (${p.admission.method === 'no-objection' ? 'passes unless a member objects' : 'needs a majority'}, window ${formatDuration(p.admission.windowMs)}): deadline about ${aboutTime(p.deadline)} (Ctrl-C stops; \`tally join CODE\` again resumes)`
    case 'paired':
      return `accepted as ${p.role === 'auditor' ? 'an auditor' : 'a member'} of ledger ${short(p.key)}; syncing...`
    case 'syncing':
      return `  synced ${p.entries} entries, ${p.members} members${p.writable ? ', writable' : ''}`
    case 'ready':
      return `ready (${p.entries} entries)`
  }
}

/** A deadline to the minute, in UTC: "2026-12-01 10:42 UTC". */
function aboutTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace('T', ' ') + ' UTC'
}

export const joinCommand: StandaloneCommand<JoinOpts, JoinResult> = {
  name: 'join',
  scope: 'standalone',
  longRunning: true,
  summary: "join a ledger with an invite code; waits until admitted and synced",
  args: [{ name: 'code', help: 'the invite code from a member' }],
  flags: {
    name: { type: 'string', value: 'NAME', help: "the name to join as (default: the one given to `tally init`); after NAME_TAKEN, the same code with another name" },
    bootstrap: { type: 'string', value: 'HOST:PORT', help: 'DHT bootstrap of a private network (saved as this dir\'s default)' },
    timeout: { type: 'string', value: 'SECONDS', help: `give up after this long (default ${TIMEOUT_S_DEFAULT})` }
  },
  examples: ['tally --dir ./beta join yry4...   # then: tally --dir ./beta up'],
  run: join,
  render: (r) =>
    fields([
      ['joined', `"${r.ledgerName ?? '?'}" as ${r.name} (${r.role}${r.writable ? '' : ', read only'})`],
      ['ledger', r.ledger],
      ['synced', `${r.entries} entries, ${r.members} members`],
      ['next', '`tally up` keeps this node replicating; `tally balance` shows where you stand']
    ])
}
