/**
 * Printing results: aligned tables for people, one JSON document for scripts. In JSON, amounts are
 * integers of the minor unit written as plain JSON numbers, exactly (a bigint is printed digit for
 * digit, never through a float), so `1250` with 2 decimals means 12.50.
 */
import { formatAmount, jsonSafe } from '../src/cli-surface.js'

/** JSON text of `value`, with bigints as exact integer literals, indented by 2; control and bidi characters \u-escaped. */
export function jsonText(value: unknown): string {
  return jsonSafe(write(value, '')) + '\n'
}

function write(v: unknown, indent: string): string {
  if (typeof v === 'bigint') return v.toString()
  if (v === undefined) return 'null'
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null'
  const inner = indent + '  '
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]'
    return '[\n' + v.map((x) => inner + write(x, inner)).join(',\n') + '\n' + indent + ']'
  }
  const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined)
  if (entries.length === 0) return '{}'
  return '{\n' + entries.map(([k, x]) => inner + JSON.stringify(k) + ': ' + write(x, inner)).join(',\n') + '\n' + indent + '}'
}

export type Align = 'left' | 'right'

/** An aligned table: a header row, then rows; numbers are best right-aligned. */
export function table(headers: string[], rows: string[][], align: Align[] = []): string {
  const widths = headers.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i] ?? ''))))
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (align[i] === 'right' ? pad(c, widths[i], true) : i === cells.length - 1 ? c : pad(c, widths[i], false)))
      .join('  ')
      .trimEnd()
  return [line(headers), ...rows.map(line)].join('\n')
}

/** Label/value lines, labels aligned. */
export function fields(pairs: Array<[string, string]>): string {
  const w = Math.max(...pairs.map(([k]) => width(k)))
  return pairs.map(([k, v]) => pad(k, w, false) + '  ' + v).join('\n')
}

/** An amount in the unit, e.g. "12.50 CTC". */
export function money(v: bigint, decimals: number, unit?: string): string {
  return formatAmount(v, decimals) + (unit ? ' ' + unit : '')
}

/** The first 8 hex characters of a key or id, as people quote them (one definition, in protocol/hex.ts). */
export { short } from '../src/cli-surface.js'

function width(s: string): number {
  return [...s].length
}

function pad(s: string, w: number, left: boolean): string {
  const fill = ' '.repeat(Math.max(0, w - width(s)))
  return left ? fill + s : s + fill
}
