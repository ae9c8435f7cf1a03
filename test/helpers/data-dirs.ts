/**
 * Data dirs made with the library on the real stack (identity.json, ledger.json, store/), for
 * tests that run the CLI on them without going through invites and a DHT.
 */
import fs from 'fs'
import path from 'path'
import Corestore from 'corestore'
import { createIdentity, Ledger } from '../../src/index.js'
import { DataDir } from '../../src/node/data-dir.js'
import { toHex } from '../../protocol/index.js'
import { connect, converge, tmpdir, until, type T } from './index.js'

/** Two data dirs on disk, alpha (steward) and beta, beta having paid alpha once per hostile memo. */
export async function twoDataDirs(t: T, memos: string[] = []): Promise<{ alpha: string; beta: string }> {
  const root = tmpdir(t)
  const dirs = { alpha: path.join(root, 'alpha'), beta: path.join(root, 'beta') }
  const ids = { alpha: await createIdentity(path.join(dirs.alpha, 'identity.json'), 'alpha'), beta: await createIdentity(path.join(dirs.beta, 'identity.json'), 'beta') }
  const stores = { alpha: new Corestore(path.join(dirs.alpha, 'store')), beta: new Corestore(path.join(dirs.beta, 'store')) }
  const a = await Ledger.create({ store: stores.alpha, identity: ids.alpha, name: 'Test Exchange', unitCode: 'CTC', creditLimit: 100_00n, memberName: 'alpha', ackIntervalMs: 50 })
  const b = await Ledger.open({ store: stores.beta, identity: ids.beta, key: a.key, encryptionKey: a.encryptionKey, ackIntervalMs: 50 })
  const cut = connect(a, b)
  await a.admit({ account: ids.beta.publicKey, writer: b.writerKey, name: 'beta' })
  await until(() => b.writable, 'beta writable', () => b.update())
  await until(async () => (await b.self().catch(() => null)) !== null, 'beta synced', () => b.update())
  for (const memo of memos) await b.transfer('alpha', 1n, { memo })
  await converge([a, b])
  cut()
  await b.close()
  await a.close()
  await stores.beta.close()
  await stores.alpha.close()
  for (const [name, dir] of Object.entries(dirs)) {
    const config = { version: 1, key: toHex(a.key), encryptionKey: a.encryptionKey ? toHex(a.encryptionKey) : null, role: name === 'alpha' ? 'creator' : 'member', bootstrap: null }
    fs.writeFileSync(new DataDir(dir).ledgerFile, JSON.stringify(config), { mode: 0o600 })
  }
  return dirs
}

