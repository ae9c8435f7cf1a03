/** Summaries of repeated measurements: every figure is reported as median, min and max over runs. */

export interface Summary {
  median: number
  min: number
  max: number
  /** Every run's value, in run order. */
  runs: number[]
  unit: string
}

/** Median (mean of the middle two for an even count), min and max. Throws on no values: a figure must have runs. */
export function summarize(values: number[], unit: string): Summary {
  if (values.length === 0) throw new RangeError('no runs to summarize')
  for (const v of values) if (!Number.isFinite(v)) throw new RangeError(`not a finite measurement: ${v}`)
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  const median = sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
  return { median: round(median), min: round(sorted[0]), max: round(sorted[sorted.length - 1]), runs: values.map(round), unit }
}

/** Three significant decimals are plenty for timings and rates, and keep the JSON readable. */
export function round(v: number): number {
  return Math.round(v * 1000) / 1000
}

/** Milliseconds since the epoch with sub-millisecond precision, comparable across processes on one machine. */
export function now(): number {
  return performance.timeOrigin + performance.now()
}

/** The p-th percentile (0-100) by linear interpolation between the closest ranks. Throws on no values. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) throw new RangeError('no values for a percentile')
  const sorted = [...values].sort((a, b) => a - b)
  const rank = (p / 100) * (sorted.length - 1)
  const lo = Math.floor(rank)
  const hi = Math.ceil(rank)
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo)
}
