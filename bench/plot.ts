/**
 * The bench plot, written as SVG by hand: one panel per chart, with axes, ticks, grid lines,
 * median lines, min-max whiskers, dashed target lines and a legend. No plotting library.
 */

export interface Point {
  x: number
  /** Median. */
  y: number
  lo: number
  hi: number
}

export interface Series {
  name: string
  color: string
  points: Point[]
}

/** A dashed reference line, e.g. a target. */
export interface Guide {
  name: string
  color: string
  points: Array<{ x: number; y: number }>
}

export interface Panel {
  title: string
  xLabel: string
  yLabel: string
  xLog?: boolean
  yLog?: boolean
  /** Ticks to label on x; default: the x values of the points. */
  xTicks?: number[]
  series: Series[]
  guides?: Guide[]
}

const PANEL_W = 460
const PANEL_H = 340
const M = { left: 64, right: 16, top: 40, bottom: 92 }
const FONT = 'font-family="Helvetica, Arial, sans-serif"'

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
}

/** Round-number ticks (1, 2, 5 x 10^k) covering [lo, hi]. */
export function linearTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo]
  const raw = (hi - lo) / count
  const mag = 10 ** Math.floor(Math.log10(raw))
  const step = [1, 2, 5, 10].map((f) => f * mag).find((s) => s >= raw)!
  const out: number[] = []
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)))
  return out
}

/** Ticks at 1, 2, 5 x 10^k within [lo, hi] (only powers of ten when the range is wide). */
export function logTicks(lo: number, hi: number): number[] {
  const out: number[] = []
  const wide = Math.log10(hi / lo) > 3
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    for (const f of wide ? [1] : [1, 2, 5]) {
      const v = f * 10 ** e
      if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) out.push(v)
    }
  }
  return out
}

function label(v: number): string {
  if (v >= 1000) return v % 1000 === 0 ? `${v / 1000}k` : `${(v / 1000).toFixed(1)}k`
  if (v >= 1 || v === 0) return String(Number(v.toPrecision(3)))
  return String(Number(v.toPrecision(2)))
}

interface Scale {
  (v: number): number
  ticks: number[]
}

function scale(values: number[], from: number, to: number, log: boolean, fixedTicks?: number[], roundRange = true): Scale {
  const finite = values.filter((v) => Number.isFinite(v) && (!log || v > 0))
  let lo = Math.min(...finite)
  let hi = Math.max(...finite)
  if (log && !roundRange) {
    // The caller padded the range already (x axes).
  } else if (log) {
    lo = 10 ** Math.floor(Math.log10(lo))
    hi = 10 ** Math.ceil(Math.log10(hi))
    if (lo === hi) hi = lo * 10
  } else {
    lo = Math.min(0, lo)
    hi = hi === lo ? lo + 1 : hi * 1.1
    const t = linearTicks(lo, hi)
    hi = Math.max(hi, t[t.length - 1])
  }
  const f = log ? Math.log10 : (v: number) => v
  const a = f(lo)
  const b = f(hi)
  const s = ((v: number) => from + ((f(v) - a) / (b - a)) * (to - from)) as Scale
  s.ticks = fixedTicks ?? (log ? logTicks(lo, hi) : linearTicks(lo, hi))
  return s
}

function panelSvg(p: Panel, ox: number): string {
  const x0 = ox + M.left
  const x1 = ox + PANEL_W - M.right
  const y0 = PANEL_H - M.bottom
  const y1 = M.top
  const xs = p.series.flatMap((s) => s.points.map((pt) => pt.x)).concat((p.guides ?? []).flatMap((g) => g.points.map((pt) => pt.x)))
  const ys = p.series.flatMap((s) => s.points.flatMap((pt) => [pt.lo, pt.hi, pt.y])).concat((p.guides ?? []).flatMap((g) => g.points.map((pt) => pt.y)))
  if (xs.length === 0) return `<text x="${ox + PANEL_W / 2}" y="${PANEL_H / 2}" text-anchor="middle" ${FONT} font-size="13">${esc(p.title)}: not measured</text>`
  // Pad the x range a little so end points and whiskers are not on the frame.
  const xPad = p.xLog ? 1 : 0
  const xVals = p.xLog ? [Math.min(...xs) / 1.5, Math.max(...xs) * 1.5] : [Math.min(...xs) - 0.5 - xPad, Math.max(...xs) + 0.5]
  const sx = scale(xVals, x0, x1, !!p.xLog, p.xTicks ?? [...new Set(xs)].sort((a, b) => a - b), false)
  const sy = scale(ys, y0, y1, !!p.yLog)
  const out: string[] = []
  out.push(`<text x="${ox + PANEL_W / 2}" y="22" text-anchor="middle" ${FONT} font-size="14" font-weight="bold">${esc(p.title)}</text>`)
  for (const t of sy.ticks) {
    const y = sy(t)
    if (y < y1 - 0.5 || y > y0 + 0.5) continue
    out.push(`<line x1="${x0}" y1="${y.toFixed(1)}" x2="${x1}" y2="${y.toFixed(1)}" stroke="#e4e4e4"/>`)
    out.push(`<text x="${x0 - 6}" y="${(y + 4).toFixed(1)}" text-anchor="end" ${FONT} font-size="11">${label(t)}</text>`)
  }
  for (const t of sx.ticks) {
    const x = sx(t)
    out.push(`<line x1="${x.toFixed(1)}" y1="${y0}" x2="${x.toFixed(1)}" y2="${y0 + 5}" stroke="#333"/>`)
    out.push(`<text x="${x.toFixed(1)}" y="${y0 + 18}" text-anchor="middle" ${FONT} font-size="11">${label(t)}</text>`)
  }
  out.push(`<polyline points="${x0},${y1} ${x0},${y0} ${x1},${y0}" fill="none" stroke="#333"/>`)
  out.push(`<text x="${(x0 + x1) / 2}" y="${y0 + 36}" text-anchor="middle" ${FONT} font-size="12">${esc(p.xLabel)}</text>`)
  out.push(`<text transform="translate(${ox + 16} ${(y0 + y1) / 2}) rotate(-90)" text-anchor="middle" ${FONT} font-size="12">${esc(p.yLabel)}</text>`)
  const clip = (y: number) => Math.max(y1, Math.min(y0, y))
  for (const g of p.guides ?? []) {
    const pts = g.points.map((pt) => `${sx(pt.x).toFixed(1)},${clip(sy(pt.y)).toFixed(1)}`).join(' ')
    out.push(`<polyline points="${pts}" fill="none" stroke="${g.color}" stroke-width="1.5" stroke-dasharray="6 4"/>`)
  }
  for (const s of p.series) {
    const pts = s.points.map((pt) => `${sx(pt.x).toFixed(1)},${sy(pt.y).toFixed(1)}`).join(' ')
    out.push(`<polyline points="${pts}" fill="none" stroke="${s.color}" stroke-width="2"/>`)
    for (const pt of s.points) {
      const x = sx(pt.x)
      const [ylo, yhi] = [sy(pt.lo), sy(pt.hi)]
      out.push(`<line x1="${x.toFixed(1)}" y1="${ylo.toFixed(1)}" x2="${x.toFixed(1)}" y2="${yhi.toFixed(1)}" stroke="${s.color}"/>`)
      for (const y of [ylo, yhi]) out.push(`<line x1="${(x - 4).toFixed(1)}" y1="${y.toFixed(1)}" x2="${(x + 4).toFixed(1)}" y2="${y.toFixed(1)}" stroke="${s.color}"/>`)
      out.push(`<circle cx="${x.toFixed(1)}" cy="${sy(pt.y).toFixed(1)}" r="3.5" fill="${s.color}"/>`)
    }
  }
  // Legend under the axis label, one entry per line.
  const legend = [...p.series.map((s) => ({ name: s.name, color: s.color, dashed: false })), ...(p.guides ?? []).map((g) => ({ name: g.name, color: g.color, dashed: true }))]
  legend.forEach((e, i) => {
    const y = y0 + 52 + i * 14
    out.push(`<line x1="${x0}" y1="${y - 4}" x2="${x0 + 22}" y2="${y - 4}" stroke="${e.color}" stroke-width="2"${e.dashed ? ' stroke-dasharray="6 4"' : ''}/>`)
    out.push(`<text x="${x0 + 28}" y="${y}" ${FONT} font-size="11">${esc(e.name)}</text>`)
  })
  return out.join('\n')
}

/** An SVG document with the panels side by side. */
export function renderSvg(panels: Panel[], caption: string): string {
  const w = PANEL_W * panels.length
  const h = PANEL_H + 40
  const body = panels.map((p, i) => panelSvg(p, i * PANEL_W)).join('\n')
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}">`,
    `<rect width="${w}" height="${h}" fill="#fff"/>`,
    body,
    `<text x="${w / 2}" y="${h - 12}" text-anchor="middle" ${FONT} font-size="11" fill="#555">${esc(caption)}</text>`,
    '</svg>',
    ''
  ].join('\n')
}
