/**
 * A node's data dir: where one member's identity, one ledger's keys, the store and the running
 * node's socket live.
 *
 * ```
 * DIR/identity.json   the account key pair (mode 0600)          createIdentity / loadIdentity
 * DIR/ledger.json     ledger key, encryption key, default bootstrap, role (mode 0600)
 * DIR/store/          the Corestore (locked by the process that has it open)
 * DIR/invites.json    invites this steward's node issued (InviteBook)
 * DIR/pay-keys.json   idempotency keys of this node's payments (PayKeys)
 * DIR/siblings.json   a bridge's other data dirs, by the other ledger's key (siblings.ts; `tally link DIR2`)
 * DIR/mirrors.json    the mirrors this node asks to keep the ledger (mirror-list.ts)
 * DIR/mirror/         a mirror's seed and cores, when this dir runs `tally mirror`
 * DIR/node.sock       the running node's local socket (`tally up`)
 * ```
 * One ledger per data dir. DIR is `--dir`, else `$TALLY_DIR`, else `$XDG_DATA_HOME/tally`
 * (`~/.local/share/tally`).
 */
import fs from 'fs/promises'
import os from 'os'
import path from 'path'
import { createHash } from 'crypto'
import { isKeyHex } from '../../protocol/hex.js'
import type { Hex } from '../../protocol/types.js'
import { LedgerError } from '../errors.js'

/** What `ledger.json` holds. */
export interface LedgerConfig {
  version: 1
  /** Ledger (Autobase) key, hex. */
  key: Hex
  /** Encryption key, hex, or null for an unencrypted ledger. */
  encryptionKey: Hex | null
  /** How this node came to the ledger: it created it, joined as a member, or as an auditor (read only). */
  role: 'creator' | 'member' | 'auditor'
  /** Bootstrap nodes to use by default ("host:port,..."), or null for the public HyperDHT. */
  bootstrap: string | null
}

/** Unix socket paths are cut at about 107 bytes; longer ones go to a hashed path in the temp dir. */
const SOCKET_PATH_MAX = 100

export class DataDir {
  readonly root: string
  constructor(root: string) {
    this.root = path.resolve(root)
  }

  /**
   * The data dir from `--dir`, else `$TALLY_DIR`, else the XDG data dir.
   * @example DataDir.resolve(undefined, process.env)
   */
  static resolve(dir: string | undefined, env: NodeJS.ProcessEnv = process.env): DataDir {
    if (dir) return new DataDir(dir)
    if (env.TALLY_DIR) return new DataDir(env.TALLY_DIR)
    const base = env.XDG_DATA_HOME || path.join(os.homedir(), '.local', 'share')
    return new DataDir(path.join(base, 'tally'))
  }

  get identityFile(): string {
    return path.join(this.root, 'identity.json')
  }
  get ledgerFile(): string {
    return path.join(this.root, 'ledger.json')
  }
  get storeDir(): string {
    return path.join(this.root, 'store')
  }
  get invitesFile(): string {
    return path.join(this.root, 'invites.json')
  }
  /** The mirrors this node asks to keep the ledger (mirror-list.ts). */
  get mirrorsFile(): string {
    return path.join(this.root, 'mirrors.json')
  }
  /** Where `tally mirror` keeps its seed and the cores it mirrors. */
  get mirrorDir(): string {
    return path.join(this.root, 'mirror')
  }
  /**
   * Written by each command that opens the store itself, as it takes its turn: commands waiting for
   * the store see turns move on and keep waiting (session.ts).
   */
  get storeTurnFile(): string {
    return path.join(this.root, 'store.turn')
  }
  /** Idempotency keys of this node's payments (pay-keys.ts). */
  get payKeysFile(): string {
    return path.join(this.root, 'pay-keys.json')
  }
  /**
   * The node's socket: `DIR/node.sock`, or a named pipe on Windows. A dir whose path is too long
   * for a Unix socket gets one in a private per-user dir instead ($XDG_RUNTIME_DIR, else
   * TMPDIR/tally-UID, which the node creates owner-only: see NodeService.listen).
   */
  get socketPath(): string {
    if (process.platform === 'win32') return '\\\\?\\pipe\\tally-' + digest(this.root)
    const p = path.join(this.root, 'node.sock')
    if (Buffer.byteLength(p) <= SOCKET_PATH_MAX) return p
    const runtime = process.env.XDG_RUNTIME_DIR || path.join(os.tmpdir(), `tally-${process.getuid?.() ?? 'user'}`)
    return path.join(runtime, 'tally-' + digest(this.root) + '.sock')
  }

  /** Creates the dir (mode 0700: the socket and keys in it are the owner's only). */
  async ensure(): Promise<void> {
    try {
      await fs.mkdir(this.root, { recursive: true, mode: 0o700 })
      // mkdir leaves an existing dir's mode as it was: the keys and the socket in it are the owner's only.
      if (process.platform !== 'win32') await fs.chmod(this.root, 0o700)
    } catch (caught) {
      const err = caught as NodeJS.ErrnoException
      throw LedgerError.STORAGE(`cannot create the data dir ${this.root}: ${err.message}`, { cause: err })
    }
  }

  async hasLedger(): Promise<boolean> {
    return exists(this.ledgerFile)
  }

  async hasIdentity(): Promise<boolean> {
    return exists(this.identityFile)
  }

  /** Reads ledger.json; NOT_MEMBER with what to do when there is none. */
  async readLedgerConfig(): Promise<LedgerConfig> {
    let text: string
    try {
      text = await fs.readFile(this.ledgerFile, 'utf8')
    } catch (caught) {
      const err = caught as NodeJS.ErrnoException
      if (err.code === 'ENOENT') {
        throw LedgerError.NO_LEDGER(`no ledger in ${this.root}: run \`tally ledger create\` or \`tally join CODE\` first`)
      }
      throw LedgerError.STORAGE(`cannot read ${this.ledgerFile}: ${err.message}`, { cause: err })
    }
    let doc: LedgerConfig
    try {
      doc = JSON.parse(text)
    } catch {
      throw LedgerError.STORAGE(`${this.ledgerFile} is damaged: not JSON`)
    }
    if (!doc || doc.version !== 1 || !isKeyHex(doc.key) || (doc.encryptionKey !== null && !isKeyHex(doc.encryptionKey))) {
      throw LedgerError.STORAGE(`${this.ledgerFile} is damaged: expected {version: 1, key, encryptionKey, role, bootstrap}`)
    }
    return doc
  }

  /** Writes ledger.json; refuses to replace one (one ledger per data dir). */
  async writeLedgerConfig(config: LedgerConfig): Promise<void> {
    await this.ensure()
    try {
      await fs.writeFile(this.ledgerFile, JSON.stringify(config, null, 2) + '\n', { flag: 'wx', mode: 0o600 })
    } catch (caught) {
      const err = caught as NodeJS.ErrnoException
      if (err.code === 'EEXIST') throw LedgerError.LEDGER_EXISTS(`${this.root} already has a ledger (${this.ledgerFile}); use another --dir`)
      throw LedgerError.STORAGE(`cannot write ${this.ledgerFile}: ${err.message}`, { cause: err })
    }
  }
}

function digest(s: string): string {
  return createHash('sha256').update(s).digest('hex').slice(0, 16)
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.access(file)
    return true
  } catch {
    return false
  }
}
