/**
 * A bench node: one child process with its own store on disk, one ledger and one swarm on the
 * orchestrator's loopback testnet. It runs the commands of messages.ts and replies over IPC.
 * Started by node-handle.ts with `child_process.fork(node.js, [JSON NodeInit])`.
 */
import fs from 'fs'
import inspector from 'inspector'
import { createRequire } from 'module'
import path from 'path'
// Only the public library (the `tally-ledger` package's surface): the scale check (bench/scale-check.ts)
// runs these processes as a new user's program would.
import { BeeReaderStore, Ledger, LedgerError, Replicator, fromHex, generateKeyPair, protocol, toHex } from '../src/index.js'
import type { AuditResult, Commands, CommandName, NodeInit, NodeMessage, NodeState, Opened, Request, SeqsSeen, Snapshot } from './messages.js'
import { planOps, planWorkload, type Op } from './workload.js'
import { now } from './stats.js'

/** How often a watched node re-reads its state even without an 'update' (signed length moves quietly). */
const WATCH_POLL_MS = 50
/** Poll interval of waits, between 'update' events. */
const WAIT_POLL_MS = 25

const init: NodeInit = JSON.parse(process.argv[2])
const storeDir = path.join(init.dir, 'store')
const identity = generateKeyPair()
let ledger: Ledger | null = null
let replicator: Replicator | null = null

function send(msg: NodeMessage, cb?: () => void): void {
  process.send!(msg, undefined, {}, cb)
}

function requireLedger(): Ledger {
  if (ledger === null) throw new Error('no ledger open in this node (create or open first)')
  return ledger
}

function opened(l: Ledger): Opened {
  return {
    key: toHex(l.key),
    encryptionKey: l.encryptionKey ? toHex(l.encryptionKey) : null,
    writerKey: toHex(l.writerKey),
    account: l.account
  }
}

function adopt(l: Ledger): Ledger {
  ledger = l
  // A ledger error is a bench failure, but it must reach the orchestrator, not crash silently.
  l.on('error', (err: Error) => process.stderr.write(`[${init.label}] ledger error: ${err.stack ?? err}\n`))
  l.on('update', onChange)
  l.on('update', onTrack)
  if (trace) l.on('update', () => trace.updates.push(now()))
  countViewWrites(l)
  return l
}

/**
 * View blocks written and truncated: Autobase undoes and re-applies entries when other writers'
 * entries are linearized before them, so blocks written / final view length is the re-apply cost.
 */
const viewWrites = { written: 0, truncations: 0, startLength: 0 }

function countViewWrites(l: Ledger): void {
  const core = l.view.core as any
  let length = core.length
  viewWrites.startLength = length
  core.on('append', () => {
    viewWrites.written += Math.max(0, core.length - length)
    length = core.length
  })
  core.on('truncate', (to: number) => {
    trace?.truncs.push([now(), to])
    viewWrites.truncations++
    length = to
  })
}

function cpuMs(): number {
  const c = process.cpuUsage()
  return (c.user + c.system) / 1000
}

/** The ledger's state now: meta of the full view and of the quorum-signed snapshot. */
async function readState(l: Ledger): Promise<NodeState> {
  const at = now()
  const meta = await l.meta()
  const core = l.view.core
  const snap = l.confirmedView()
  try {
    const confirmed = await new BeeReaderStore(snap).getMeta()
    return {
      at,
      entries: meta?.entries ?? 0,
      stateHash: meta?.stateHash ?? null,
      confirmedEntries: confirmed?.entries ?? 0,
      confirmedStateHash: confirmed?.stateHash ?? null,
      viewLength: core.length,
      signedLength: core.signedLength,
      cpuMs: cpuMs()
    }
  } finally {
    await snap.close()
  }
}

async function snapshot(l: Ledger): Promise<Snapshot> {
  const state = await readState(l)
  const balances: Record<string, bigint> = {}
  for (const m of await l.members()) balances[m.name] = m.balance
  return { ...state, balances, viewBlocksWritten: viewWrites.written, viewGrowth: state.viewLength - viewWrites.startLength, truncations: viewWrites.truncations }
}

// ---- watching: push a 'state' event whenever what readState returns changes ----

let watching = false
let watchTimer: NodeJS.Timeout | null = null
let reading = false
let dirty = false
let lastPushed = ''
let lastPushedAt = 0
/** A watched node pushes its state at least this often, unchanged or not, so CPU time can be read between any two moments. */
const WATCH_HEARTBEAT_MS = 250

function onChange(): void {
  if (!watching || ledger === null) return
  if (reading) {
    dirty = true
    return
  }
  void pushState(ledger)
}

async function pushState(l: Ledger): Promise<void> {
  reading = true
  try {
    do {
      dirty = false
      const s = await readState(l)
      const sig = `${s.entries}/${s.stateHash}/${s.confirmedEntries}/${s.confirmedStateHash}`
      if (sig !== lastPushed || s.at - lastPushedAt >= WATCH_HEARTBEAT_MS) {
        lastPushed = sig
        lastPushedAt = s.at
        send({ type: 'state', state: s })
      }
    } while (dirty && watching)
  } catch (err) {
    process.stderr.write(`[${init.label}] state read failed: ${(err as Error).message}\n`)
  } finally {
    reading = false
  }
}

// ---- tracking: push a 'seqs' event whenever an author's seq moves in the view or the confirmed view ----

let tracking = false
let trackTimer: NodeJS.Timeout | null = null
let trackReading = false
let trackDirty = false
const seen = { applied: new Map<string, number>(), confirmed: new Map<string, number>(), viewLength: -1, signedLength: -1 }

/** Every member's lastSeq in a view (the `acct/` records), by account. */
async function lastSeqs(bee: any): Promise<Map<string, number>> {
  const out = new Map<string, number>()
  for await (const node of bee.createReadStream({ gte: 'acct/', lt: 'acct0' })) out.set(node.value.account, node.value.lastSeq)
  return out
}

/** Authors whose seq moved since the last read, and remembers the new seqs. */
function moved(now: Map<string, number>, before: Map<string, number>): Record<string, number> {
  const out: Record<string, number> = {}
  for (const [account, seq] of now) {
    if (before.get(account) !== seq) out[account] = seq
    before.set(account, seq)
  }
  return out
}

function onTrack(): void {
  if (!tracking || ledger === null) return
  if (trackReading) {
    trackDirty = true
    return
  }
  void pushSeqs(ledger)
}

/** Reads what changed (only a view whose length moved) and pushes it. */
async function readSeqs(l: Ledger, force: boolean): Promise<SeqsSeen> {
  const at = now()
  const core = l.view.core
  const viewLength = core.length
  const signedLength = core.signedLength
  const applied = force || viewLength !== seen.viewLength ? moved(await lastSeqs(l.view), seen.applied) : {}
  let confirmed: Record<string, number> = {}
  if (force || signedLength !== seen.signedLength) {
    const snap = l.confirmedView()
    try {
      confirmed = moved(await lastSeqs(snap), seen.confirmed)
    } finally {
      await snap.close()
    }
  }
  seen.viewLength = viewLength
  seen.signedLength = signedLength
  return { at, applied, confirmed }
}

async function pushSeqs(l: Ledger): Promise<void> {
  trackReading = true
  try {
    do {
      trackDirty = false
      const s = await readSeqs(l, false)
      if (Object.keys(s.applied).length || Object.keys(s.confirmed).length) send({ type: 'seqs', seqs: s })
    } while (trackDirty && tracking)
  } catch (err) {
    process.stderr.write(`[${init.label}] seq read failed: ${(err as Error).message}\n`)
  } finally {
    trackReading = false
  }
}

/** Opens the ledger another node created, on this node's store. */
function openLedger(a: { key: string; encryptionKey: string | null; ackIntervalMs: number; fastForward: boolean; promptAck?: boolean }): Promise<Ledger> {
  return Ledger.open({
    store: storeDir,
    identity,
    key: fromHex(a.key),
    encryptionKey: a.encryptionKey ? fromHex(a.encryptionKey) : null,
    ackIntervalMs: a.ackIntervalMs,
    fastForward: a.fastForward,
    ...(a.promptAck === undefined ? {} : { promptAck: a.promptAck })
  })
}

// ---- waits ----

/** Resolves when `cond` holds, re-checking on every ledger update and every WAIT_POLL_MS. */
async function waitFor(l: Ledger, cond: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (await cond()) return
    if (Date.now() > deadline) throw new Error(`${init.label}: timed out after ${timeoutMs} ms waiting for ${what}`)
    await l.nextUpdate(WAIT_POLL_MS)
  }
}

// With TALLY_BENCH_MEM=1 (and --verbose), every node prints its memory once a second: where RSS goes.
if (process.env.TALLY_BENCH_MEM) {
  setInterval(() => {
    const u = process.memoryUsage()
    process.stderr.write(`[${init.label}] mem rss ${(u.rss / 1e6).toFixed(0)} heap ${(u.heapUsed / 1e6).toFixed(0)}/${(u.heapTotal / 1e6).toFixed(0)} ext ${(u.external / 1e6).toFixed(0)} ab ${(u.arrayBuffers / 1e6).toFixed(0)}\n`)
  }, 1000).unref()
}

// With TALLY_BENCH_TRACE=DIR every node writes DIR/<label>.json at its snapshot and at exit: each
// apply call (when, how many Autobase nodes, how long, view and signed length after it), view
// truncations and 'update' events, CPU time and RocksDB counters every 100 ms, with the offset to
// the monotonic clock of CPU profiles, to see where a node's time goes between two moments.
// A diagnostic only: it wraps the Ledger's private apply method, which no user program does.
const trace = process.env.TALLY_BENCH_TRACE
  ? {
      applies: [] as Array<[at: number, nodes: number, ms: number, viewLength: number, signedLength: number]>,
      truncs: [] as Array<[at: number, to: number]>,
      updates: [] as number[],
      cpu: [] as Array<[at: number, cpuMs: number, gets: number, readBatches: number, puts: number, writeBatches: number, localLength: number]>
    }
  : null
if (trace) {
  const proto = Ledger.prototype as any
  const orig = proto.apply
  proto.apply = async function (this: Ledger, nodes: any[], view: any, host: any) {
    const t = now()
    await orig.call(this, nodes, view, host)
    trace.applies.push([t, nodes.length, now() - t, view.core.length, view.core.signedLength])
  }
  setInterval(() => {
    const st = (ledger as any)?.life?.rootStore?.storage?.rocks?._state?.stats
    trace.cpu.push([now(), cpuMs(), st?.gets ?? 0, st?.readBatches ?? 0, st?.puts ?? 0, st?.writeBatches ?? 0, ledger?.base.local.length ?? 0])
  }, 100).unref()
}

if (trace) process.on('exit', () => ledger && writeTrace(ledger))

// Ack decisions (TALLY_BENCH_TRACE): how often an indexer's ack timer asked Autobase's linearizer
// whether to ack, and what it answered.
if (trace) {
  const Linearizer = createRequire(import.meta.url)('autobase/lib/linearizer.js')
  const orig = Linearizer.prototype.shouldAck
  const acks = { asked: 0, yes: 0, indexersBehind: 0 }
  Object.assign(trace, { acks })
  Linearizer.prototype.shouldAck = function (this: any, writer: any, pending?: boolean) {
    const yes = orig.call(this, writer, pending)
    acks.asked++
    if (yes) acks.yes++
    else if (writer?.isActiveIndexer && this.indexers.some((w: any) => w.length !== w.available)) acks.indexersBehind++
    return yes
  }
}

function writeTrace(l: Ledger): void {
  if (!trace) return
  const mono = Number(process.hrtime.bigint() / 1000n)
  const file = path.join(process.env.TALLY_BENCH_TRACE!, init.label.replace(/[^a-zA-Z0-9._-]+/g, '_') + '.json')
  fs.writeFileSync(file, JSON.stringify({ label: init.label, monoMinusNowUs: mono - now() * 1000, writer: toHex(l.writerKey), ...trace }))
}

// ---- commands ----

type Handlers = { [K in CommandName]: (args: Commands[K]['args']) => Promise<Commands[K]['result']> }

const handlers: Handlers = {
  async create(a) {
    const l = await Ledger.create({
      store: storeDir,
      identity,
      name: a.ledgerName,
      unitCode: a.unitCode,
      memberName: a.memberName,
      creditLimit: a.creditLimit,
      ackIntervalMs: a.ackIntervalMs,
      batchMax: a.batchMax,
      ...(a.promptAck === undefined ? {} : { promptAck: a.promptAck })
    })
    return opened(adopt(l))
  },

  async open(a) {
    return opened(adopt(await openLedger(a)))
  },

  async join() {
    replicator = new Replicator(requireLedger(), { bootstrap: init.bootstrap, ...init.swarm })
    await replicator.join()
    return { peers: replicator.peers }
  },

  async move(a) {
    if (replicator) await replicator.close()
    replicator = null
    if (a.bootstrap === null) return { peers: 0 }
    replicator = new Replicator(requireLedger(), { bootstrap: a.bootstrap, ...init.swarm })
    await replicator.join()
    return { peers: replicator.peers }
  },

  async waitPeers(a) {
    if (replicator === null) throw new Error('join first')
    try {
      await replicator.waitForPeers(a.n, a.timeoutMs)
    } catch (err) {
      // On a starved machine a full mesh of 32 may not form in time; entries reach every node through
      // any path of connections, so the run goes on with those there are (the caller reports them).
      if (!a.partialOk || replicator.peers < 1) throw err
    }
    return { peers: replicator.peers }
  },

  async admit(a) {
    const l = requireLedger()
    // Concurrent admits share one group commit. On a machine this busy the local apply can take
    // longer than a write waits for it (TIMEOUT): the entry is appended and applies later, and the
    // caller waits for the member anyway (waitMember).
    const timedOut = (err: unknown) => {
      if (err instanceof LedgerError && err.code === 'TIMEOUT') return
      throw err
    }
    await Promise.all(
      a.members.map((m) =>
        l.admit({
          account: m.account ? fromHex(m.account) : generateKeyPair().publicKey,
          writer: m.writer ? fromHex(m.writer) : generateKeyPair().publicKey,
          name: m.name,
          indexer: m.indexer ?? false
        }).catch(timedOut)
      )
    )
    return { entries: (await l.meta())?.entries ?? 0 }
  },

  async waitMember(a) {
    const l = requireLedger()
    await waitFor(l, async () => l.writable && (await l.self().catch(() => null)) !== null, a.timeoutMs, 'admission')
    return readState(l)
  },

  async waitEntries(a) {
    const l = requireLedger()
    let state: NodeState | null = null
    await waitFor(
      l,
      async () => {
        state = await readState(l)
        return state.entries >= a.entries && (!a.confirmed || state.confirmedEntries >= a.entries)
      },
      a.timeoutMs,
      `${a.entries} ${a.confirmed ? 'confirmed ' : ''}entries`
    )
    return state!
  },

  async watch(a) {
    const l = requireLedger()
    watching = a.on
    if (watchTimer) clearInterval(watchTimer)
    watchTimer = a.on ? setInterval(onChange, WATCH_POLL_MS) : null
    lastPushed = ''
    onChange()
    return readState(l)
  },

  async workload(a) {
    const l = requireLedger()
    const ops = planWorkload(a.plan)
    // Times of appends to this node's writer core, to find when the last entry's block landed.
    const appends: Array<{ at: number; length: number }> = []
    const onAppend = () => appends.push({ at: now(), length: l.base.local.length })
    l.base.local.on('append', onAppend)
    const before = l.commitStats
    let next = 0
    let lastBlock = -1
    let failed = 0
    let late = 0
    let firstError: string | null = null
    const worker = async () => {
      while (next < ops.length) {
        const op = ops[next++]
        try {
          const receipt =
            op.type === 'transfer'
              ? await l.transfer(op.counterparty, op.amount, { memo: op.memo })
              : await l.invoice(op.counterparty, op.amount, { memo: op.memo })
          if (receipt.record.block > lastBlock) lastBlock = receipt.record.block
        } catch (err) {
          if (err instanceof LedgerError && err.code === 'TIMEOUT') late++
          else {
            failed++
            firstError ??= (err as Error).message
          }
        }
      }
    }
    await windowProfile(true)
    const startedAt = now()
    const cpuBefore = process.cpuUsage()
    await Promise.all(Array.from({ length: Math.max(1, Math.min(a.concurrency, ops.length)) }, worker))
    const doneAt = now()
    const cpu = process.cpuUsage(cpuBefore)
    await windowProfile(false)
    l.base.local.off('append', onAppend)
    const after = l.commitStats
    // A late write's block is not known: then the last append to this core during the workload
    // (on an indexer possibly a later ack, which makes the times after it a little shorter).
    const landed = late > 0 ? appends[appends.length - 1] : appends.find((e) => e.length > lastBlock)
    if (trace) Object.assign(trace, { lastAppendAt: landed ? landed.at : doneAt, startedAt })
    return {
      appended: after.blocks - before.blocks,
      failed,
      firstError,
      late,
      startedAt,
      lastAppendAt: landed ? landed.at : doneAt,
      doneAt,
      batches: after.batches - before.batches,
      cpuUs: cpu.user + cpu.system
    }
  },

  async build(a) {
    const l = requireLedger()
    const accounts = new Map<string, Uint8Array>()
    for (const name of a.plan.members.filter((m) => m !== a.plan.self)) accounts.set(name, fromHex((await l.findMember(name)).account))
    const start = now()
    const cpu = process.cpuUsage()
    const target = ((await l.meta())?.entries ?? 0) + a.plan.count
    // Seqs must grow per author: continue from the last one the view applied (every earlier build has been applied).
    let seq = (await l.self()).lastSeq + 1
    // The plan one batch at a time: 100k planned payments held all at once took ~20-25 MB of this node's heap.
    const ops = planOps(a.plan)
    for (let i = 0; i < a.plan.count; i += a.batchSize) {
      const batch: Op[] = []
      while (batch.length < a.batchSize) {
        const next = ops.next()
        if (next.done) break
        batch.push(next.value)
      }
      const blocks = batch.map((op) => {
        const header = { version: 1, author: identity.publicKey, seq: seq++, timestamp: Date.now(), memo: op.memo }
        const entry: protocol.Entry =
          op.type === 'transfer'
            ? { ...header, type: 'transfer', payee: accounts.get(op.counterparty)!, amount: op.amount }
            : { ...header, type: 'invoice', payer: accounts.get(op.counterparty)!, amount: op.amount }
        return protocol.sealEntry(l.key, entry, identity.secretKey).block
      })
      // As group commit writes them: bundles of up to 128.
      await l.base.append(protocol.packEntries(blocks))
    }
    let state: NodeState | null = null
    await waitFor(
      l,
      async () => {
        state = await readState(l)
        return state.entries >= target && state.confirmedEntries >= target
      },
      a.timeoutMs,
      `${target} applied and signed entries`
    )
    const s = state! as NodeState
    const used = process.cpuUsage(cpu)
    return { entries: s.entries, ms: now() - start, stateHash: s.stateHash ?? '', cpuUs: used.user + used.system }
  },

  async snapshot() {
    writeTrace(requireLedger())
    return snapshot(requireLedger())
  },

  async catchUp(a) {
    const start = now()
    const l = adopt(await openLedger(a))
    let fastForwarded = false
    l.base.on('fast-forward', () => {
      fastForwarded = true
    })
    replicator = new Replicator(l, { bootstrap: init.bootstrap })
    let connectedAt = 0
    replicator.once('connection', () => {
      connectedAt = now()
    })
    await replicator.join()
    const names = Object.keys(a.target.balances)
    const ready = a.fastForward
      ? async () => {
          // Readable balances: every member's balance equals the source's.
          const members = await l.members()
          if (members.length !== names.length) return false
          return members.every((m) => a.target.balances[m.name] === m.balance)
        }
      : async () => (await l.stateHash()) === a.target.stateHash
    await waitFor(l, ready, a.timeoutMs, a.fastForward ? 'balances equal to the source' : 'the source state hash')
    const readyMs = now() - start
    const entries = (await l.meta())?.entries ?? 0
    const readyRss = maxRssBytes()
    // Then until that state is quorum-confirmed here too: a replaying peer has more work after
    // its state hash matches, and its node is not idle before this.
    await waitFor(l, async () => (await readState(l)).confirmedStateHash === a.target.stateHash, a.timeoutMs, 'the source state hash, confirmed')
    const confirmedMs = now() - start
    return { connectedMs: connectedAt === 0 ? readyMs : connectedAt - start, readyMs, confirmedMs, entries, fastForwarded, readyRssBytes: readyRss, maxRssBytes: maxRssBytes() }
  },

  async audit() {
    const l = requireLedger()
    const entries = (await l.meta())?.entries ?? 0
    // The auditor lives on another branch until merged: load it only if this build has it.
    const auditModule = '../src/audit/index.js'
    let mod: any
    try {
      mod = await import(auditModule)
    } catch (caught) {
      const err = caught as NodeJS.ErrnoException
      if (err?.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('audit')) {
        const none: AuditResult = { available: false, reason: 'not available in this build: src/audit is absent (the auditor is built on another branch)', entries, ms: 0, entriesPerSec: 0 }
        return none
      }
      throw err
    }
    if (typeof mod.audit !== 'function') throw new Error('src/audit does not export an audit(ledger) function')
    const start = now()
    const report = await mod.audit(l)
    const ms = now() - start
    const audited = typeof report?.entries === 'number' ? report.entries : entries
    // Prefer the auditor's own rate (it may exclude download time); otherwise wall time here.
    const rate = typeof report?.entriesPerSec === 'number' ? report.entriesPerSec : audited / (ms / 1000)
    return { available: true, reason: null, entries: audited, ms, entriesPerSec: rate }
  },

  async pay(a) {
    const l = requireLedger()
    const calledAt = now()
    try {
      const receipt = await l.transfer(a.payee, a.amount, { memo: 'network bench' })
      return { account: l.account, seq: receipt.record.seq, calledAt, appliedAt: now() }
    } catch (err) {
      // Not applied even here within the write's wait: reported, and counted as never applied.
      if (err instanceof LedgerError && err.code === 'TIMEOUT') return { account: l.account, seq: -1, calledAt, appliedAt: null }
      throw err
    }
  },

  async track(a) {
    const l = requireLedger()
    await windowProfile(a.on)
    tracking = a.on
    if (trackTimer) clearInterval(trackTimer)
    trackTimer = a.on ? setInterval(onTrack, WATCH_POLL_MS) : null
    seen.applied.clear()
    seen.confirmed.clear()
    return readSeqs(l, true)
  },

  async cpu() {
    const u = process.cpuUsage()
    const m = process.memoryUsage()
    // RocksDB's own counters (Corestore storage -> RocksDB state): reads and writes per entry.
    const stats = (ledger?.store as any)?.storage?.db?._state?.stats ?? null
    const storage = stats ? { readBatches: stats.readBatches, gets: stats.gets, writeBatches: stats.writeBatches, puts: stats.puts } : null
    return { at: now(), cpuMs: (u.user + u.system) / 1000, rssBytes: m.rss, maxRssBytes: maxRssBytes(), heapUsedBytes: m.heapUsed, peers: replicator?.peers ?? 0, storage }
  },

  async usage() {
    return { maxRssBytes: maxRssBytes() }
  },

  async close() {
    watching = false
    tracking = false
    if (watchTimer) clearInterval(watchTimer)
    if (trackTimer) clearInterval(trackTimer)
    if (replicator) await replicator.close()
    if (ledger) await ledger.close()
    fs.rmSync(init.dir, { recursive: true, force: true })
    return { maxRssBytes: maxRssBytes() }
  }
}

/**
 * With TALLY_BENCH_WINDOW_PROFILE=DIR, a CPU profile of only the time this node was tracked (the
 * network phase's payments, or the ingest phase's writes), as DIR/<label>.window.cpuprofile: where the cost per entry goes,
 * without start-up and admissions.
 */
let profiler: inspector.Session | null = null
async function windowProfile(on: boolean): Promise<void> {
  const dir = process.env.TALLY_BENCH_WINDOW_PROFILE
  if (!dir) return
  const post = (method: string, params?: object) => new Promise<any>((resolve, reject) => profiler!.post(method, params ?? {}, (err, res) => (err ? reject(err) : resolve(res))))
  if (on && profiler === null) {
    profiler = new inspector.Session()
    profiler.connect()
    await post('Profiler.enable')
    await post('Profiler.start')
  } else if (!on && profiler !== null) {
    const { profile } = await post('Profiler.stop')
    profiler.disconnect()
    profiler = null
    fs.mkdirSync(dir, { recursive: true })
    fs.writeFileSync(path.join(dir, init.label.replace(/[^a-zA-Z0-9._-]+/g, '_') + '.window.cpuprofile'), JSON.stringify(profile))
  }
}

/** Peak resident set size of this process (Linux reports kilobytes). */
function maxRssBytes(): number {
  return process.resourceUsage().maxRSS * 1024
}

process.on('message', (msg: Request) => {
  if (msg?.type !== 'request') return
  const handler = handlers[msg.cmd] as (args: unknown) => Promise<unknown>
  handler(msg.args).then(
    (result) => send({ type: 'reply', id: msg.id, ok: true, result }, msg.cmd === 'close' ? () => process.exit(0) : undefined),
    (err: unknown) => {
      const text = err instanceof LedgerError ? `${err.code}: ${err.message}` : ((err as Error)?.stack ?? String(err))
      send({ type: 'reply', id: msg.id, ok: false, error: text })
    }
  )
})

process.on('disconnect', () => process.exit(0))
