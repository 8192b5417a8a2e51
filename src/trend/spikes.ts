/**
 * The pure core of `yuqing trend`: bucket keys, folding fine counts into buckets, and the spike
 * rule. No I/O, no clock.
 *
 * Buckets are local (Asia/Shanghai) calendar units, keyed by text that sorts in time order:
 * - hour: `YYYY-MM-DDTHH` (the local hour);
 * - day: `YYYY-MM-DD`;
 * - week: `YYYY-MM-DD` of the ISO week's Monday (weeks start on Monday, local).
 *
 * Spike rule (Poisson upper tail, the negative-spike alert's test, alerts/rules.ts): a bucket's
 * total x is a spike when, against λ = the mean of the `baseline` buckets before it (7 for day and
 * week, 24 for hour; at least `minBaseline` of them must exist),
 *   x ≥ minCount (5), x ≥ ratio·λ (1.5) and P(Poisson(max(λ, 0.5)) ≥ x) < p (0.001).
 * The ratio guards against the overdispersion of real counts: at a baseline of 1,000 a day a
 * Poisson test alone flags +12%, which is ordinary day-to-day variation. The floor of λ keeps an
 * empty baseline from making every non-empty bucket infinitely improbable (with λ = 0.5, five
 * mentions after a silent week have p ≈ 1.7·10⁻⁴: a spike).
 */
import { poissonTail } from '../alerts/rules.js'

export type Interval = 'hour' | 'day' | 'week'

const DAY_MS = 86_400_000

function dayMs(day: string): number {
  return Date.parse(`${day}T00:00:00Z`)
}

/** Adds whole days to a YYYY-MM-DD string. */
export function shiftDay(day: string, n: number): string {
  return new Date(dayMs(day) + n * DAY_MS).toISOString().slice(0, 10)
}

/** The Monday (YYYY-MM-DD) of the ISO week holding `day`. */
export function weekStart(day: string): string {
  const dow = new Date(dayMs(day)).getUTCDay() // 0 = Sunday
  return shiftDay(day, -((dow + 6) % 7))
}

/** The bucket of a fine unit: an hour key (`YYYY-MM-DDTHH`) or a day key, for `interval`. */
export function bucketOf(unit: string, interval: Interval): string {
  if (interval === 'hour') return unit
  const day = unit.slice(0, 10)
  return interval === 'day' ? day : weekStart(day)
}

/** Every bucket key of `interval` from local day `from` to local day `to` (both included), in order. */
export function bucketKeys(from: string, to: string, interval: Interval): string[] {
  const out: string[] = []
  if (interval === 'week') {
    for (let d = weekStart(from); d <= to; d = shiftDay(d, 7)) out.push(d)
    return out
  }
  for (let d = from; d <= to; d = shiftDay(d, 1)) {
    if (interval === 'day') out.push(d)
    else for (let h = 0; h < 24; h++) out.push(`${d}T${String(h).padStart(2, '0')}`)
  }
  return out
}

/** The buckets before the window that feed the first buckets' baselines. */
export function leadBuckets(interval: Interval): number {
  return interval === 'hour' ? 24 : 7
}

export interface SpikeOptions {
  baseline: number
  minBaseline: number
  minCount: number
  ratio: number
  p: number
}

export function spikeDefaults(interval: Interval): SpikeOptions {
  return { baseline: leadBuckets(interval), minBaseline: 3, minCount: 5, ratio: 1.5, p: 0.001 }
}

export interface SpikeVerdict {
  spike: boolean
  /** λ, the mean of the preceding buckets; null when fewer than minBaseline precede. */
  baseline: number | null
  /** P(Poisson(max(λ, 0.5)) ≥ x); null without a baseline. */
  p: number | null
}

/** The spike verdict of each of `totals` (baselines from the buckets before it, in the same array). */
export function detectSpikes(totals: readonly number[], opts: SpikeOptions): SpikeVerdict[] {
  return totals.map((x, i) => {
    const prev = totals.slice(Math.max(0, i - opts.baseline), i)
    if (prev.length < opts.minBaseline) return { spike: false, baseline: null, p: null }
    const lambda = prev.reduce((s, v) => s + v, 0) / prev.length
    const p = poissonTail(Math.max(lambda, 0.5), x)
    return { spike: x >= opts.minCount && x >= opts.ratio * lambda && p < opts.p, baseline: lambda, p }
  })
}

export interface FineCount {
  /** An hour key or a day key. */
  unit: string
  series: string
  count: number
}

export interface Folded {
  keys: string[]
  /** Series name → count per key (same order as keys). */
  series: Map<string, number[]>
  totals: number[]
}

/**
 * Folds fine counts into the buckets `keys` (units outside them are dropped), one array per
 * series; series listed in `order` come first in that order, others by total, largest first.
 * Series in `always` are present even without counts.
 */
export function foldCounts(rows: readonly FineCount[], keys: readonly string[], interval: Interval, opts: { order?: readonly string[]; always?: readonly string[] } = {}): Folded {
  const order = opts.order ?? []
  const at = new Map(keys.map((k, i) => [k, i]))
  const series = new Map<string, number[]>()
  for (const n of opts.always ?? []) series.set(n, keys.map(() => 0))
  const totals = keys.map(() => 0)
  for (const r of rows) {
    const i = at.get(bucketOf(r.unit, interval))
    if (i === undefined) continue
    let arr = series.get(r.series)
    if (!arr) series.set(r.series, (arr = keys.map(() => 0)))
    arr[i]! += r.count
    totals[i]! += r.count
  }
  const sum = (a: number[]) => a.reduce((s, v) => s + v, 0)
  const names = [...order.filter((n) => series.has(n)), ...[...series.keys()].filter((n) => !order.includes(n)).sort((a, b) => sum(series.get(b)!) - sum(series.get(a)!) || (a < b ? -1 : 1))]
  return { keys: [...keys], series: new Map(names.map((n) => [n, series.get(n)!])), totals }
}
