/**
 * The argv parser: global flags (`--dir`, `--json`, `--help`) anywhere, the command (one or two
 * words), its positionals and flags. Unknown commands and flags are errors with a "did you mean"
 * hint; a token like `-5` is an argument (so a negative amount reaches the amount check and gets
 * its own message) rather than an unknown flag.
 */
import path from 'path'
import { UsageError, usageOf, type CommandSpec, type FlagSpec, type Opts } from './command.js'

export const GLOBAL_FLAGS: Record<string, FlagSpec> = {
  dir: { type: 'string', value: 'DIR', help: 'data dir (default: $TALLY_DIR, else $XDG_DATA_HOME/tally)' },
  json: { type: 'boolean', help: 'print one JSON document (amounts as integer minor units)' },
  help: { type: 'boolean', help: 'show help' },
  version: { type: 'boolean', help: 'show the version' }
}

export interface Globals {
  dir?: string
  json: boolean
}

export type Parsed =
  | { kind: 'help'; spec: CommandSpec | null; globals: Globals }
  | { kind: 'version'; globals: Globals }
  | { kind: 'run'; spec: CommandSpec; opts: Opts; globals: Globals }

/** Parses `argv` (without node and script) against the command table. Throws UsageError. */
export function parseArgv(argv: string[], commands: CommandSpec[]): Parsed {
  const globals: Globals = { json: false }
  let help = false
  let version = false
  const words: string[] = []
  // Tokens right after a command flag may be its value, not a word naming the command.
  const skipMaybe = new Set<number>()
  let rest = false
  for (let i = 0; i < argv.length; i++) {
    const tok = argv[i]
    if (rest || !tok.startsWith('-') || /^-[\d.]/.test(tok) || tok === '-') {
      if (!skipMaybe.has(i) || words.length === 0) words.push(tok)
      continue
    }
    if (tok === '--') {
      rest = true
      continue
    }
    if (tok === '-h') {
      help = true
      continue
    }
    if (!tok.startsWith('--')) throw new UsageError(`unknown flag ${tok} (flags are written --name)`)
    const eq = tok.indexOf('=')
    const name = eq === -1 ? tok.slice(2) : tok.slice(2, eq)
    let value: string | null = eq === -1 ? null : tok.slice(eq + 1)
    const global = GLOBAL_FLAGS[name]
    if (global) {
      if (global.type === 'string') {
        if (value === null) value = takeValue(argv, ++i, name)
        // An empty --dir (an unset variable in a script) must not fall back to the default dir.
        if (value.trim() === '') throw new UsageError('--dir needs a path, got an empty one')
        globals.dir = value
      } else if (value !== null) {
        throw new UsageError(`--${name} takes no value`)
      } else if (name === 'json') globals.json = true
      else if (name === 'help') help = true
      else version = true
      continue
    }
    // A command flag: checked, with its value, once the command is known (commandOpts).
    if (value === null && i + 1 < argv.length && !isFlagLike(argv[i + 1])) skipMaybe.add(i + 1)
  }
  if (version) return { kind: 'version', globals }
  const spec = findCommand(words, commands)
  if (spec === null) {
    if (help || words.length === 0) return { kind: 'help', spec: null, globals }
    throw new UsageError(unknownCommand(words, commands))
  }
  if (help) return { kind: 'help', spec, globals }
  return { kind: 'run', spec, opts: commandOpts(spec, argv), globals }
}

/** Finds the command named by the first one or two words. */
function findCommand(words: string[], commands: CommandSpec[]): CommandSpec | null {
  const two = words.slice(0, 2).join(' ')
  return commands.find((c) => c.name === two) ?? commands.find((c) => c.name === words[0]) ?? null
}

function unknownCommand(words: string[], commands: CommandSpec[]): string {
  const firsts = [...new Set(commands.map((c) => c.name.split(' ')[0]))]
  if (firsts.includes(words[0])) {
    const subs = commands.filter((c) => c.name.startsWith(words[0] + ' ')).map((c) => c.name)
    const hint = words[1] ? didYouMean(words[1], subs.map((s) => s.split(' ')[1])) : ''
    return `${words.slice(0, 2).join(' ')}: unknown subcommand; try ${subs.map((s) => `\`tally ${s}\``).join(', ')}${hint}`
  }
  return `unknown command ${JSON.stringify(words[0])}${didYouMean(words[0], firsts)}; \`tally --help\` lists commands`
}

/**
 * Second pass: now that the command is known, flags are checked against it and values taken.
 * Re-walks argv so a string flag's value is the token right after it.
 */
function commandOpts(spec: CommandSpec, argv: string[]): Opts {
  const usage = usageOf(spec)
  const specFlags = spec.flags ?? {}
  const opts: Opts = {}
  const words: string[] = []
  let rest = false
  for (let i = 0; i < argv.length; i++) {
    const tok = argv[i]
    if (rest || !tok.startsWith('-') || /^-[\d.]/.test(tok) || tok === '-') {
      words.push(tok)
      continue
    }
    if (tok === '--') {
      rest = true
      continue
    }
    if (tok === '-h') continue
    const eq = tok.indexOf('=')
    const name = eq === -1 ? tok.slice(2) : tok.slice(2, eq)
    const global = GLOBAL_FLAGS[name]
    if (global) {
      if (global.type === 'string' && eq === -1) i++
      continue
    }
    const flag = specFlags[name]
    if (!flag) {
      const hint = didYouMean(name, [...Object.keys(specFlags), ...Object.keys(GLOBAL_FLAGS)], '--')
      throw new UsageError(`${spec.name}: unknown flag --${name}${hint}`, usage)
    }
    const key = camel(name)
    if (opts[key] !== undefined) throw new UsageError(`${spec.name}: --${name} given twice`, usage)
    if (flag.type === 'boolean') {
      if (eq !== -1) throw new UsageError(`${spec.name}: --${name} takes no value`, usage)
      opts[key] = true
    } else {
      const value = eq === -1 ? takeValue(argv, ++i, name, usage) : tok.slice(eq + 1)
      opts[key] = flag.path ? path.resolve(value) : value
    }
  }
  for (const [name, flag] of Object.entries(specFlags)) {
    if (flag.required && opts[camel(name)] === undefined) throw new UsageError(`${spec.name}: missing --${name} ${flag.value ?? 'VALUE'}`, usage)
  }
  const positionals = words.slice(spec.name.split(' ').length)
  const args = spec.args ?? []
  const required = args.filter((a) => !a.optional)
  if (positionals.length < required.length) {
    const missing = required.slice(positionals.length).map((a) => a.name.toUpperCase())
    throw new UsageError(`${spec.name}: missing ${missing.join(' ')}`, usage)
  }
  if (positionals.length > args.length) {
    throw new UsageError(`${spec.name}: unexpected argument ${JSON.stringify(positionals[args.length])}`, usage)
  }
  args.forEach((a, i) => {
    if (i < positionals.length) opts[a.name] = positionals[i]
  })
  return opts
}

function takeValue(argv: string[], i: number, name: string, usage: string | null = null): string {
  const v = argv[i]
  if (v === undefined || (isFlagLike(v) && !/^-[\d.]/.test(v))) throw new UsageError(`--${name} needs a value`, usage)
  return v
}

function isFlagLike(tok: string): boolean {
  return tok.startsWith('-') && tok !== '-'
}

function camel(name: string): string {
  return name.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase())
}

/** "; did you mean --memo?" when one candidate is close enough, else ''. */
export function didYouMean(word: string, candidates: string[], prefix = ''): string {
  let best: string | null = null
  let bestDist = Infinity
  for (const c of candidates) {
    const d = distance(word.toLowerCase(), c.toLowerCase())
    if (d < bestDist) {
      best = c
      bestDist = d
    }
  }
  if (best === null) return ''
  const close = bestDist <= Math.max(1, Math.floor(best.length / 3)) || best.startsWith(word) || word.startsWith(best)
  return close ? `; did you mean ${prefix}${best}?` : ''
}

/** Levenshtein distance. */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const cur = [i]
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1))
    prev = cur
  }
  return prev[b.length]
}
