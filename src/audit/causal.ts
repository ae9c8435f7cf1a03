/**
 * Checks the linear order the view names against the signed causal graph of the writer cores.
 *
 * Every Autobase node names the heads it had seen (writer key + length) and follows its own
 * writer's previous node, so each block has a causal past: for every writer, how many of its
 * blocks precede it. Any order Autobase's linearizer produces puts a block after its whole
 * causal past. So for each entry in the order:
 *  - every entry block in its causal past is in the order, earlier (`causal_order`,
 *    `undecided_block`);
 * and overall:
 *  - each named block exists and is an entry, not an ack (`no_such_block`, `ack_decided`);
 *  - no block is decided twice (`decided_twice`).
 * Entry blocks outside the causal past of every decided entry are pending: appended but not
 * yet linearized.
 */
import type { Hex } from '../../protocol/index.js'
import type { Finding } from './types.js'
import type { WriterCoreData } from './writer-cores.js'
import { short } from '../../protocol/hex.js'

/** A position in the linear order: which writer block the view says was decided there. */
export interface OrderSlot {
  index: number
  writer: Hex
  block: number
  /** The entry's place in its block (0 unless the block is a bundle). */
  slot: number
  id: Hex
}

export interface CausalResult {
  findings: Finding[]
  /** Entry blocks not yet in the order, per writer. */
  pending: Map<Hex, number>
}

/** Most findings of one rule listed one by one; the rest are counted in a summary finding. */
const FINDINGS_PER_RULE_MAX = 20

/**
 * Vector clocks per block, with the block's own writer left out (its position implies it).
 * Blocks that only follow their own writer share the previous block's clock array.
 */
function clocks(cores: Map<Hex, WriterCoreData>, writerIndex: Map<Hex, number>, findings: Finding[]): Map<Hex, Int32Array[]> {
  const out = new Map<Hex, Int32Array[]>()
  const n = writerIndex.size
  const filling = new Set<Hex>()
  // A node can only depend on blocks that existed when it was written, so clocks resolve
  // recursively at most one level per writer; a signed cycle (forged heads) is a finding.
  const resolve = (key: Hex, block: number): Int32Array | null => {
    const list = out.get(key)
    if (!list) return null
    if (list[block] !== undefined) return list[block]
    const core = cores.get(key)!
    if (block >= core.length) return null
    if (filling.has(key)) {
      findings.push({ kind: 'order', writer: key, block, id: null, index: null, rule: 'causal_cycle', detail: `block ${block} of writer ${short(key)} is in a cycle of causal heads` })
      return null
    }
    filling.add(key)
    // Fill this writer's clocks in order up to `block`.
    for (let b = list.length; b <= block; b++) {
      const prev = b === 0 ? new Int32Array(n) : list[b - 1]
      const heads = core.heads[b]
      let clock = prev
      for (const h of heads) {
        if (h.key === key) continue
        const wi = writerIndex.get(h.key)
        const other = h.length > 0 ? resolve(h.key, h.length - 1) : null
        if (wi === undefined || (h.length > 0 && other === null)) {
          findings.push({ kind: 'order', writer: key, block: b, id: null, index: null, rule: 'missing_dependency', detail: `block ${b} of writer ${short(key)} depends on ${h.length} blocks of writer ${short(h.key)}, which the auditor does not have` })
          continue
        }
        if (clock[wi] >= h.length && (other === null || dominated(other, clock))) continue
        if (clock === prev) clock = prev.slice()
        if (other !== null) for (let i = 0; i < n; i++) if (other[i] > clock[i]) clock[i] = other[i]
        if (h.length > clock[wi]) clock[wi] = h.length
      }
      list[b] = clock
    }
    filling.delete(key)
    return list[block]
  }
  for (const key of cores.keys()) out.set(key, [])
  for (const [key, core] of cores) if (core.length > 0) resolve(key, core.length - 1)
  return out
}

function dominated(a: Int32Array, b: Int32Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] > b[i]) return false
  return true
}

/** Checks `order` (sorted by index) against the writer cores. */
export function checkOrder(order: OrderSlot[], cores: Map<Hex, WriterCoreData>): CausalResult {
  const findings: Finding[] = []
  const counts = new Map<string, number>()
  const add = (f: Finding) => {
    const seen = (counts.get(f.rule) ?? 0) + 1
    counts.set(f.rule, seen)
    if (seen <= FINDINGS_PER_RULE_MAX) findings.push(f)
  }
  const keys = [...cores.keys()]
  const writerIndex = new Map<Hex, number>(keys.map((k, i) => [k, i]))
  const clockOf = clocks(cores, writerIndex, findings)

  // Position of each decided block, per writer.
  const position = new Map<Hex, Int32Array>()
  for (const [key, core] of cores) position.set(key, new Int32Array(core.length).fill(-1))
  const valid: OrderSlot[] = []
  for (let pos = 0; pos < order.length; pos++) {
    const slot = order[pos]
    const core = cores.get(slot.writer)
    const slotFinding = (rule: string, detail: string): Finding => ({ kind: 'order', writer: slot.writer, block: slot.block, id: slot.id, index: slot.index, rule, detail })
    if (!core || slot.block < 0 || slot.block >= core.length) {
      add(slotFinding('no_such_block', `the view decided block ${slot.block} of writer ${short(slot.writer)}, which the writer core does not hold`))
      continue
    }
    if (core.values[slot.block] === null) {
      add(slotFinding('ack_decided', `the view decided block ${slot.block} of writer ${short(slot.writer)}, an Autobase ack with no entry`))
      continue
    }
    const positions = position.get(slot.writer)!
    // The entries of a bundle follow one another; the block's position is its first entry's.
    const prev = pos > 0 ? order[pos - 1] : null
    if (slot.slot > 0 && prev !== null && prev.writer === slot.writer && prev.block === slot.block && prev.slot === slot.slot - 1 && positions[slot.block] !== -1) continue
    if (slot.slot > 0 && positions[slot.block] === -1) {
      add(slotFinding('bundle_order', `the view decided entry ${slot.slot} of block ${slot.block} of writer ${short(slot.writer)} without the entries before it`))
      continue
    }
    if (positions[slot.block] !== -1) {
      add(slotFinding('decided_twice', `block ${slot.block} of writer ${short(slot.writer)} is decided at index ${order[positions[slot.block]].index} and again at ${slot.index}`))
      continue
    }
    positions[slot.block] = pos
    valid.push(slot)
  }

  // Last entry (non-ack) block below each length, per writer, for the causal check.
  const lastEntryBelow = new Map<Hex, Int32Array>()
  for (const [key, core] of cores) {
    const arr = new Int32Array(core.length + 1)
    let last = -1
    for (let b = 0; b <= core.length; b++) {
      arr[b] = last
      if (b < core.length && core.values[b] !== null) last = b
    }
    lastEntryBelow.set(key, arr)
  }

  const required = new Map<Hex, number>(keys.map((k) => [k, 0]))
  for (const slot of valid) {
    const pos = position.get(slot.writer)![slot.block]
    const clock = clockOf.get(slot.writer)![slot.block]
    for (let wi = 0; wi <= keys.length; wi++) {
      // wi === keys.length stands for the block's own writer and its earlier blocks.
      const key = wi === keys.length ? slot.writer : keys[wi]
      const len = wi === keys.length ? slot.block : key === slot.writer ? 0 : clock[wi]
      if (len <= 0) continue
      if (len > (required.get(key) ?? 0)) required.set(key, len)
      const dep = lastEntryBelow.get(key)![len]
      if (dep === -1) continue
      const depPos = position.get(key)![dep]
      if (depPos === -1) {
        add({ kind: 'order', writer: key, block: dep, id: null, index: null, rule: 'undecided_block', detail: `block ${dep} of writer ${short(key)} precedes entry ${slot.index} (writer ${short(slot.writer)} block ${slot.block}) but the view never decided it` })
      } else if (depPos > pos) {
        add({ kind: 'order', writer: slot.writer, block: slot.block, id: slot.id, index: slot.index, rule: 'causal_order', detail: `entry ${slot.index} is ordered before block ${dep} of writer ${short(key)}, which it depends on` })
      }
    }
    const own = slot.block + 1
    if (own > (required.get(slot.writer) ?? 0)) required.set(slot.writer, own)
  }

  // Undecided entry blocks inside a required prefix are reported above (via the last one) or here.
  const pending = new Map<Hex, number>()
  for (const [key, core] of cores) {
    const positions = position.get(key)!
    const req = required.get(key) ?? 0
    let waiting = 0
    for (let b = 0; b < core.length; b++) {
      if (core.values[b] === null || positions[b] !== -1) continue
      if (b < req) {
        add({ kind: 'order', writer: key, block: b, id: null, index: null, rule: 'undecided_block', detail: `block ${b} of writer ${short(key)} precedes decided entries but the view never decided it` })
      } else {
        waiting++
      }
    }
    pending.set(key, waiting)
  }

  for (const [rule, seen] of counts) {
    if (seen > FINDINGS_PER_RULE_MAX) {
      findings.push({ kind: 'order', writer: null, block: null, id: null, index: null, rule, detail: `${seen - FINDINGS_PER_RULE_MAX} more ${rule} findings not listed` })
    }
  }
  return { findings: dedupe(findings), pending }
}

/** The same undecided block can be named from several entries: list it once. */
function dedupe(findings: Finding[]): Finding[] {
  const seen = new Set<string>()
  return findings.filter((f) => {
    const k = `${f.rule}|${f.writer}|${f.block}|${f.index}`
    if (seen.has(k)) return false
    seen.add(k)
    return true
  })
}

