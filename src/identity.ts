/**
 * A member's identity: its ed25519 account key pair, kept in a file readable only by its owner.
 */
import fs from 'fs/promises'
import path from 'path'
import b4a from 'b4a'
import { generateKeyPair, keyPairFromSeed, toHex, type Hex, type KeyPair } from '../protocol/index.js'
import { LedgerError } from './errors.js'

/** What the identity file holds. The secret is the 32-byte seed, hex. */
export interface IdentityFile {
  version: 1
  name: string
  account: Hex
  seed: string
}

export interface Identity extends KeyPair {
  name: string
  account: Hex
}

/** Creates an identity file (mode 0600); refuses to overwrite one. */
export async function createIdentity(file: string, name: string, seed?: Uint8Array): Promise<Identity> {
  const s = seed ?? generateKeyPair().secretKey.subarray(0, 32)
  const kp = keyPairFromSeed(b4a.from(s))
  const doc: IdentityFile = { version: 1, name, account: toHex(kp.publicKey), seed: b4a.toString(s, 'hex') }
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 })
  try {
    // 'wx' fails if the file exists, so a second init never replaces a key.
    await fs.writeFile(file, JSON.stringify(doc, null, 2) + '\n', { flag: 'wx', mode: 0o600 })
  } catch (caught) {
    const err = caught as NodeJS.ErrnoException
    if (err.code === 'EEXIST') throw LedgerError.IDENTITY_EXISTS(`an identity already exists in ${file}; refusing to overwrite it`)
    throw LedgerError.STORAGE(`cannot write ${file}: ${err.message}`, { cause: err })
  }
  return { ...kp, name, account: doc.account }
}

/** Loads an identity file, with a clear error naming the file when it is missing or damaged. */
export async function loadIdentity(file: string): Promise<Identity> {
  let text: string
  try {
    text = await fs.readFile(file, 'utf8')
  } catch (caught) {
    const err = caught as NodeJS.ErrnoException
    if (err.code === 'ENOENT') throw LedgerError.NO_IDENTITY(`no identity in ${file}: run \`tally init --name NAME\` first`)
    throw LedgerError.STORAGE(`cannot read ${file}: ${err.message}`, { cause: err })
  }
  let doc: IdentityFile
  try {
    doc = JSON.parse(text)
  } catch {
    throw LedgerError.STORAGE(`${file} is damaged: not JSON`)
  }
  if (!doc || doc.version !== 1 || typeof doc.seed !== 'string' || !/^[0-9a-f]{64}$/.test(doc.seed) || typeof doc.name !== 'string') {
    throw LedgerError.STORAGE(`${file} is damaged: expected {version: 1, name, account, seed}`)
  }
  const kp = keyPairFromSeed(b4a.from(doc.seed, 'hex'))
  if (toHex(kp.publicKey) !== doc.account) throw LedgerError.STORAGE(`${file} is damaged: account does not match the seed`)
  return { ...kp, name: doc.name, account: doc.account }
}
