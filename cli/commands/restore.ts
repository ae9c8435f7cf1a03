import type { CliEnv, StandaloneCommand } from '../command.js'
import { LedgerError } from '../../src/cli-surface.js'

export interface RestoreResult {
  dir: string
  /** Whether the store had been copied or moved and is now bound to this place. */
  adopted: boolean
}

/**
 * Adopts a data dir copied or moved here (`cp -a`, a restore from backup, a new disk): the store
 * refuses a copy until told it replaces the original. Run it only when the original will not run
 * again; two copies writing as one member fork its log (SECURITY.md).
 */
export async function restore(env: CliEnv): Promise<RestoreResult> {
  const { adoptStore, answers } = await import('../../src/index.js')
  if (!(await env.dir.hasLedger())) throw LedgerError.NO_LEDGER(`no ledger in ${env.dir.root}: nothing to restore`)
  if (await answers(env.dir.socketPath)) throw LedgerError.NODE_RUNNING(`a node is running for ${env.dir.root}: its store is in use and already bound here`)
  return { dir: env.dir.root, adopted: await adoptStore(env.dir.storeDir) }
}

export const restoreCommand: StandaloneCommand<Record<string, never>, RestoreResult> = {
  name: 'restore',
  scope: 'standalone',
  summary: 'adopt a data dir copied or moved here (cp -a, backup, new disk); only if the original will not run again',
  examples: ['cp -a ~/.local/share/tally /mnt/new/tally && tally --dir /mnt/new/tally restore'],
  run: (env) => restore(env),
  render: (r) =>
    r.adopted
      ? `adopted the store in ${r.dir}: this copy is now the member's node. Run \`tally up\` and let it sync before writing; never run the original again`
      : `the store in ${r.dir} was not copied or moved: nothing to do`
}
