/**
 * Where a node's time went: reads a V8 .cpuprofile (node --cpu-prof) and sums self time into
 * the buckets the issue asks about (disk flushes, signature checks, view writes, ...).
 */
import fs from 'fs'
import path from 'path'

interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string } }>
  samples: number[]
  timeDeltas: number[]
}

/** Buckets in the order they are tried; the first whose test matches a frame takes its time. */
const BUCKETS: Array<{ name: string; test: (fn: string, url: string) => boolean }> = [
  { name: 'idle (waiting: disk flushes, network, timers)', test: (fn) => fn === '(idle)' },
  { name: 'garbage collection', test: (fn) => fn === '(garbage collector)' },
  { name: 'signatures (ed25519 sign and verify)', test: (fn) => /crypto_sign/.test(fn) },
  { name: 'hashing and encryption (BLAKE2b, XSalsa20)', test: (fn, url) => /crypto_(generichash|stream|secretbox|aead)/.test(fn) || /sodium/.test(url) },
  { name: 'storage engine (RocksDB, hypercore-storage)', test: (_fn, url) => /rocksdb-native|hypercore-storage/.test(url) },
  { name: 'view writes and reads (Hyperbee, JSON codecs)', test: (_fn, url) => /node_modules\/(hyperbee|codecs)\//.test(url) },
  { name: 'Autobase (linearizing, system, acks)', test: (_fn, url) => /node_modules\/autobase\//.test(url) },
  { name: 'Hypercore and replication', test: (_fn, url) => /node_modules\/(hypercore|protomux|udx-native|@hyperswarm|hyperswarm|hyperdht|dht-rpc|compact-encoding|b4a|hypercore-crypto)/.test(url) },
  { name: 'Tally (apply, rules, records, ledger)', test: (_fn, url) => /\/dist\/(src|protocol)\//.test(url) },
  { name: 'bench harness', test: (_fn, url) => /\/dist\/bench\//.test(url) }
]

export interface ProfileSummary {
  /** The node label the profile belongs to. */
  label: string
  totalMs: number
  buckets: Array<{ name: string; ms: number; share: number }>
}

/** Sums a profile's self time by bucket, largest first. */
export function summarizeProfile(label: string, profile: CpuProfile): ProfileSummary {
  const frames = new Map(profile.nodes.map((n) => [n.id, n.callFrame]))
  const byBucket = new Map<string, number>()
  let total = 0
  for (let i = 0; i < profile.samples.length; i++) {
    const frame = frames.get(profile.samples[i])
    const us = profile.timeDeltas[i] ?? 0
    if (!frame) continue
    const bucket = BUCKETS.find((b) => b.test(frame.functionName, frame.url))?.name ?? 'other (Node internals, native code)'
    byBucket.set(bucket, (byBucket.get(bucket) ?? 0) + us)
    total += us
  }
  const buckets = [...byBucket]
    .map(([name, us]) => ({ name, ms: Math.round(us / 1000), share: total === 0 ? 0 : Math.round((us / total) * 1000) / 10 }))
    .sort((a, b) => b.ms - a.ms)
  return { label, totalMs: Math.round(total / 1000), buckets }
}

/** Node flags that write a profile named after the node into `dir`. */
export function profileArgs(dir: string, label: string): string[] {
  return ['--cpu-prof', '--cpu-prof-dir', dir, '--cpu-prof-name', fileNameFor(label)]
}

function fileNameFor(label: string): string {
  return label.replace(/[^a-zA-Z0-9._-]+/g, '_') + '.cpuprofile'
}

/** Reads the profiles of the given nodes that exist in `dir`. */
export function readProfiles(dir: string, labels: string[]): ProfileSummary[] {
  const out: ProfileSummary[] = []
  for (const label of labels) {
    const file = path.join(dir, fileNameFor(label))
    if (!fs.existsSync(file)) continue
    out.push(summarizeProfile(label, JSON.parse(fs.readFileSync(file, 'utf8'))))
  }
  return out
}
