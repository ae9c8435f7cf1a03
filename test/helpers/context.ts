/**
 * A CLI command's context for a test peer: the command functions of cli/ run against the peer's
 * open ledger, with a fresh data dir for its invite book and pay keys. One definition for every
 * test that calls commands without argv.
 */
import { DataDir, InviteBook, LedgerError, toHex, type NodeContext } from '../../src/index.js'
import { PayKeys } from '../../src/node/pay-keys.js'
import { tmpdir, type Peer, type T } from './index.js'

export async function contextOf(t: T, peer: Peer): Promise<NodeContext> {
  const dir = new DataDir(tmpdir(t))
  const invites = new InviteBook(dir.invitesFile)
  await invites.load()
  return {
    dir,
    identity: { ...peer.identity, name: peer.name, account: toHex(peer.identity.publicKey) },
    config: { version: 1, key: toHex(peer.ledger.key), encryptionKey: null, role: 'member', bootstrap: null },
    ledger: peer.ledger,
    invites,
    payKeys: new PayKeys(dir.payKeysFile),
    node: null
  }
}

/** Asserts that `fn` fails with a LedgerError of `code` whose message matches `pattern`. */
export async function refused(t: any, fn: () => Promise<unknown>, code: string, pattern: RegExp): Promise<void> {
  try {
    await fn()
    t.fail(`expected ${code}`)
  } catch (err) {
    t.is((err as LedgerError).code, code, `${code}: ${(err as Error).message}`)
    t.ok(pattern.test((err as Error).message), `message ~ ${pattern}`)
  }
}
