/**
 * mirrors, mirrors add, mirrors remove: the always-on blind peers this node asks to keep the
 * ledger's encrypted cores (DIR/mirrors.json). A running node uses a changed list at once.
 */
import { LedgerError, mirrorKey, readMirrors, writeMirrors, type NodeContext } from '../../src/cli-surface.js'
import type { LedgerCommand } from '../command.js'
import { short } from '../output.js'

export interface MirrorRow {
  key: string
  /** null when no node runs (the command opened the store itself): only a running node connects. */
  connected: boolean | null
  /** How many blocks of this node's writer core the mirror holds, of how many (null: no node runs). */
  holds: number | null
  of: number | null
}

export interface MirrorsResult {
  mirrors: MirrorRow[]
  /** Whether a running node uses the list now. */
  running: boolean
}

export interface MirrorKeyOpts {
  key?: string
}

/** The mirrors in the list, with what the running node knows of each. */
export async function mirrors(ctx: NodeContext): Promise<MirrorsResult> {
  const keys = await readMirrors(ctx.dir.mirrorsFile)
  const live = new Map((ctx.node?.mirrors() ?? []).map((m) => [m.key, m]))
  return {
    mirrors: keys.map((key) => {
      const m = live.get(key)
      return { key, connected: ctx.node ? (m?.connected ?? false) : null, holds: m ? m.holds : null, of: m ? m.of : null }
    }),
    running: ctx.node !== null
  }
}

/** Adds a mirror (its key, as `tally mirror` prints it); adding one already there changes nothing. */
export async function addMirror(ctx: NodeContext, opts: MirrorKeyOpts): Promise<MirrorsResult> {
  const key = Buffer.from(mirrorKey(String(opts.key ?? ''))).toString('hex')
  const keys = await readMirrors(ctx.dir.mirrorsFile)
  if (!keys.includes(key)) await writeMirrors(ctx.dir.mirrorsFile, [...keys, key])
  await ctx.node?.mirrorsChanged()
  return mirrors(ctx)
}

/** Removes a mirror by its key or a prefix of 8 or more digits; UNKNOWN_MIRROR when none matches. */
export async function removeMirror(ctx: NodeContext, opts: MirrorKeyOpts): Promise<MirrorsResult> {
  const query = String(opts.key ?? '').trim().toLowerCase()
  const keys = await readMirrors(ctx.dir.mirrorsFile)
  const matches = query.length >= 8 ? keys.filter((k) => k.startsWith(query)) : []
  if (matches.length === 0) throw LedgerError.UNKNOWN_MIRROR(`no mirror ${JSON.stringify(query)} in ${ctx.dir.mirrorsFile} (give its key or 8+ of its first hex digits; \`tally mirrors\` lists them)`)
  if (matches.length > 1) throw LedgerError.AMBIGUOUS_MIRROR(`${JSON.stringify(query)} starts ${matches.length} mirrors' keys; give more digits`)
  await writeMirrors(ctx.dir.mirrorsFile, keys.filter((k) => k !== matches[0]))
  await ctx.node?.mirrorsChanged()
  return mirrors(ctx)
}

function render(r: MirrorsResult): string {
  if (r.mirrors.length === 0) return 'no mirrors: `tally mirrors add KEY` adds one (a mirror prints its key when `tally mirror` starts)'
  return r.mirrors
    .map((m) => {
      const state = m.connected === null ? 'used when `tally up` runs' : m.connected ? `connected, holds ${m.holds} of this node's ${m.of} blocks` : 'not connected (retrying)'
      return `${short(m.key)}  ${state}`
    })
    .join('\n')
}

const keyArg = [{ name: 'key', help: "the mirror's key (64 hex digits)" }]

export const mirrorsCommand: LedgerCommand<Record<string, never>, MirrorsResult> = {
  name: 'mirrors',
  scope: 'ledger',
  summary: 'the mirrors keeping this ledger available, and what each holds',
  examples: ['tally mirrors', 'tally mirrors --json'],
  run: mirrors,
  render
}

export const mirrorsAddCommand: LedgerCommand<MirrorKeyOpts, MirrorsResult> = {
  name: 'mirrors add',
  scope: 'ledger',
  summary: 'ask a mirror to keep this ledger (it stores the encrypted blocks, reads nothing)',
  args: keyArg,
  examples: ['tally mirrors add 3f2a…(64 hex digits)'],
  run: addMirror,
  render
}

export const mirrorsRemoveCommand: LedgerCommand<MirrorKeyOpts, MirrorsResult> = {
  name: 'mirrors remove',
  scope: 'ledger',
  summary: 'stop using a mirror',
  args: [{ name: 'key', help: "the mirror's key, or 8+ of its first hex digits" }],
  examples: ['tally mirrors remove 3f2a91c0'],
  run: removeMirror,
  render
}
