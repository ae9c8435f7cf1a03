import type { CliEnv, StandaloneCommand } from '../command.js'
import { fields } from '../output.js'
import { LedgerError } from '../../src/cli-surface.js'
import { nameArg } from '../values.js'

export interface InitResult {
  name: string
  account: string
  dir: string
}

/** Creates this member's identity (account key, file mode 0600) in the data dir; never replaces one. */
export async function init(env: CliEnv, opts: { name?: string }): Promise<InitResult> {
  // Checked before an identity is made with it.
  const name = nameArg(opts.name)
  await env.dir.ensure()
  const { createIdentity } = await import('../../src/index.js')
  const id = await createIdentity(env.dir.identityFile, name)
  return { name: id.name, account: id.account, dir: env.dir.root }
}

export const initCommand: StandaloneCommand<{ name?: string }, InitResult> = {
  name: 'init',
  scope: 'standalone',
  summary: "create this member's identity (account key) in the data dir",
  flags: { name: { type: 'string', required: true, value: 'NAME', help: 'the member (co-op) name others see' } },
  examples: ['tally --dir ./alpha init --name alpha'],
  run: (env, opts) => {
    if (opts.name === undefined) throw LedgerError.BAD_INPUT('init needs --name NAME')
    return init(env, opts)
  },
  render: (r) =>
    fields([
      ['created', `identity ${r.name}`],
      ['account', r.account],
      ['data dir', r.dir],
      ['next', '`tally ledger create --name NAME --unit CODE` or `tally join CODE`']
    ])
}
