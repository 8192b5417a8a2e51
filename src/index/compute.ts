/**
 * The network-image index (网络形象指数), INDEX.md §1.1 — the pure core. Inputs are per-region
 * totals over the window (from the rollups); output is one row per region with each dimension's
 * raw value, its 0–100 score, the composite and the flags. No I/O here.
 */
import { betaQuantile } from './beta.js'

export const INDEX_VERSION = 'yq-index-1'

export type Scaling = 'minmax' | 'percentile' | 'tscore'

export interface IndexSettings {
  weights: { visibility: number; favourability: number; risk: number; responsiveness: number }
  scaling: Scaling
  /** m: pseudo-mentions of the Beta prior. */
  priorStrength: number
  minMentions: number
  lowConfidenceMentions: number
}

/** A net-negative story cluster tied to the region (dimension C). */
export interface RiskCluster {
  clusterId: number
  mentions: number
  neg: number
  engagement: number
  officialMedia: boolean
  sensitive: boolean
}

export interface Responsiveness {
  negativeClusters: number
  responded: number
  /** Median hours from a cluster's first mention to the official response; null: none responded. */
  medianLatencyHours: number | null
  /** The official accounts' own posts in the window (D3, BCI). */
  posts: number
  reposts: number
  comments: number
  likes: number
}

export interface RegionInput {
  code: string
  name: string
  mentions: number
  /** Positive + negative mentions (unweighted). */
  polar: number
  newsStories: number
  socialStories: number
  reposts: number
  comments: number
  likes: number
  /** Σ w·conf over positive / negative mentions. */
  pos: number
  neg: number
  /** Dimension C: the region's net-negative stories over the window, summed. */
  risk: RiskSummary
  /** The stories themselves, where listed (`--explain`, and 回应力 for regions with official accounts). */
  riskClusters?: RiskCluster[]
  /** null: no official accounts configured for the region. */
  responsiveness: Responsiveness | null
}

export type DimensionKey = 'visibility' | 'favourability' | 'risk' | 'responsiveness'

export interface DimensionResult {
  raw: number
  score: number
  weight: number
}

export interface IndexRow {
  rank: number | null
  code: string
  name: string
  index: number
  dimensions: {
    visibility: DimensionResult & { a1: number; a2: number; a3: number }
    favourability: DimensionResult & { theta: number; interval: [number, number]; pos: number; neg: number }
    risk: DimensionResult & { clusters: number }
    responsiveness: (DimensionResult & { d1: number; d2: number; d3: number }) | null
  }
  mentions: number
  polar: number
  flags: string[]
}

/** Scaling parameters fitted on a peer set (or a frozen reference period). */
export interface ScaleFit {
  lo: number
  hi: number
  min: number
  max: number
  median: number
  mad: number
  sorted: number[]
}

export const visibilityRaw = (r: RegionInput) => {
  const a1 = Math.log1p(r.newsStories)
  const a2 = Math.log1p(r.socialStories)
  const a3 = 0.4 * Math.log1p(r.reposts) + 0.4 * Math.log1p(r.comments) + 0.2 * Math.log1p(r.likes)
  return { a1, a2, a3, raw: 0.35 * a1 + 0.3 * a2 + 0.35 * a3 }
}

export interface RiskSummary {
  /** Net-negative stories. */
  clusters: number
  /** Σ heat_k · sev_k over them. */
  pressure: number
}

/** heat_k · sev_k of one net-negative story (INDEX.md 1.1 C); services/rank.ts sums the same in SQL (RISK_PRESSURE_SQL). */
export const riskPressure = (k: RiskCluster) => {
  const heat = Math.log1p(k.mentions) + Math.log1p(k.engagement)
  const sev = (k.neg / k.mentions) * (1 + 0.5 * (k.officialMedia ? 1 : 0) + 0.5 * (k.sensitive ? 1 : 0))
  return heat * sev
}

export function riskSummary(clusters: readonly RiskCluster[]): RiskSummary {
  let pressure = 0
  for (const k of clusters) pressure += riskPressure(k)
  return { clusters: clusters.length, pressure }
}

/** C_raw = ln(1 + Σ_k heat_k · sev_k). */
export const riskRaw = (s: RiskSummary) => Math.log1p(s.pressure)

export const bciRaw = (posts: number, r: number, c: number, l: number) => (0.2 * Math.log1p(posts) + 0.8 * (0.4 * Math.log1p(r) + 0.4 * Math.log1p(c) + 0.2 * Math.log1p(l))) * 160

function quantile(sorted: readonly number[], p: number): number {
  if (!sorted.length) return 0
  const i = (sorted.length - 1) * p
  const lo = Math.floor(i)
  const hi = Math.ceil(i)
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (i - lo)
}

/** Winsorising bounds (P1/P99, or P5/P95 under 100 peers) and the scaler's parameters. */
export function fitScale(values: readonly number[]): ScaleFit {
  const s = [...values].sort((a, b) => a - b)
  const tail = s.length < 100 ? 0.05 : 0.01
  const lo = quantile(s, tail)
  const hi = quantile(s, 1 - tail)
  const w = s.map((x) => Math.min(hi, Math.max(lo, x)))
  const median = quantile(w, 0.5)
  const mad = quantile(
    w.map((x) => Math.abs(x - median)).sort((a, b) => a - b),
    0.5,
  )
  return { lo, hi, min: w[0] ?? 0, max: w[w.length - 1] ?? 0, median, mad, sorted: w }
}

/** One raw value to 0–100 with a fitted scale. */
export function applyScale(x: number, fit: ScaleFit, how: Scaling): number {
  const v = Math.min(fit.hi, Math.max(fit.lo, x))
  let s: number
  if (how === 'minmax') s = fit.max > fit.min ? (100 * (v - fit.min)) / (fit.max - fit.min) : 50
  else if (how === 'percentile') {
    const n = fit.sorted.length
    if (n <= 1) s = 50
    else {
      // mid-rank: the share of peers below plus half of those equal
      let below = 0
      let equal = 0
      for (const y of fit.sorted) if (y < v - 1e-12) below++
      else if (Math.abs(y - v) <= 1e-12) equal++
      s = (100 * (below + equal / 2)) / n
    }
  } else s = fit.mad > 0 ? 50 + (10 * (v - fit.median)) / (1.4826 * fit.mad) : 50
  return Math.min(100, Math.max(0, s))
}

export interface ComputeOptions {
  settings: IndexSettings
  /** Frozen scales per dimension (reference period); default: fitted on this peer set. */
  reference?: Partial<Record<DimensionKey, ScaleFit>>
}

export interface IndexResult {
  rows: IndexRow[]
  /** μ, the peer-set positive share the 美誉度 prior pulls toward. */
  prior: number
  /** The scales used, so a later run can freeze them. */
  scales: Record<DimensionKey, ScaleFit | null>
  weights: IndexSettings['weights']
  responsivenessMeasured: boolean
}

/** Computes the index for a peer set: rows sorted by rank (unranked last, by index). */
export function computeIndex(regions: readonly RegionInput[], opts: ComputeOptions): IndexResult {
  const st = opts.settings
  const m = st.priorStrength
  const sumPos = regions.reduce((s, r) => s + r.pos, 0)
  const sumPolar = regions.reduce((s, r) => s + r.pos + r.neg, 0)
  const mu = sumPolar > 0 ? sumPos / sumPolar : 0.5
  const measured = regions.some((r) => r.responsiveness !== null)

  const pre = regions.map((r) => {
    const vis = visibilityRaw(r)
    const a = r.pos + m * mu
    const b = r.neg + m * (1 - mu)
    const theta = a + b > 0 ? a / (a + b) : mu
    const interval: [number, number] = a > 0 && b > 0 ? [betaQuantile(0.05, a, b), betaQuantile(0.95, a, b)] : [theta, theta]
    const risk = riskRaw(r.risk)
    const resp = r.responsiveness
    let d: { d1: number; d2: number; bci: number } | null = null
    if (resp) {
      const d1 = resp.negativeClusters > 0 ? resp.responded / resp.negativeClusters : 1
      const d2 = resp.negativeClusters === 0 ? 1 : resp.medianLatencyHours === null ? 0 : 1 / (1 + resp.medianLatencyHours / 24)
      d = { d1, d2, bci: bciRaw(resp.posts, resp.reposts, resp.comments, resp.likes) }
    }
    return { r, vis, theta, interval, risk, d, ranked: r.mentions >= st.minMentions }
  })

  const fitOn = pre.filter((p) => p.ranked)
  const basis = fitOn.length ? fitOn : pre
  const scales: Record<DimensionKey, ScaleFit | null> = {
    visibility: opts.reference?.visibility ?? fitScale(basis.map((p) => p.vis.raw)),
    favourability: opts.reference?.favourability ?? fitScale(basis.map((p) => p.theta)),
    risk: opts.reference?.risk ?? fitScale(basis.map((p) => p.risk)),
    responsiveness: null,
  }
  const bciBasis = basis.filter((p) => p.d).map((p) => p.d!.bci)
  const bciFit = bciBasis.length ? fitScale(bciBasis) : null
  const dRaw = (p: (typeof pre)[number]) => (p.d ? 0.4 * p.d.d1 + 0.3 * p.d.d2 + 0.3 * (bciFit ? applyScale(p.d.bci, bciFit, 'minmax') / 100 : 0) : null)
  if (measured) {
    const ds = basis.map(dRaw).filter((x): x is number => x !== null)
    scales.responsiveness = opts.reference?.responsiveness ?? (ds.length ? fitScale(ds) : null)
  }

  const rows: IndexRow[] = pre.map((p) => {
    const w = st.weights
    const vScore = applyScale(p.vis.raw, scales.visibility!, st.scaling)
    const bScore = applyScale(p.theta, scales.favourability!, st.scaling)
    const cScore = 100 - applyScale(p.risk, scales.risk!, st.scaling)
    const dr = dRaw(p)
    const flags: string[] = []
    let weights = { ...w }
    let resp: IndexRow['dimensions']['responsiveness'] = null
    if (dr !== null && scales.responsiveness) {
      resp = { raw: dr, score: applyScale(dr, scales.responsiveness, st.scaling), weight: w.responsiveness, d1: p.d!.d1, d2: p.d!.d2, d3: p.d!.bci }
    } else {
      // No official accounts: drop 回应力 and renormalise the other three.
      const rest = w.visibility + w.favourability + w.risk
      weights = { visibility: w.visibility / rest, favourability: w.favourability / rest, risk: w.risk / rest, responsiveness: 0 }
      if (measured) flags.push('回应力未计')
    }
    const index = weights.visibility * vScore + weights.favourability * bScore + weights.risk * cScore + (resp ? weights.responsiveness * resp.score : 0)
    if (!p.ranked) flags.push('样本不足')
    else if (p.r.mentions < st.lowConfidenceMentions || p.r.polar < 20) flags.push('低置信')
    return {
      rank: null,
      code: p.r.code,
      name: p.r.name,
      index,
      dimensions: {
        visibility: { raw: p.vis.raw, score: vScore, weight: weights.visibility, a1: p.vis.a1, a2: p.vis.a2, a3: p.vis.a3 },
        favourability: { raw: p.theta, score: bScore, weight: weights.favourability, theta: p.theta, interval: p.interval, pos: p.r.pos, neg: p.r.neg },
        risk: { raw: p.risk, score: cScore, weight: weights.risk, clusters: p.r.risk.clusters },
        responsiveness: resp,
      },
      mentions: p.r.mentions,
      polar: p.r.polar,
      flags,
    }
  })
  rows.sort((a, b) => Number(a.flags.includes('样本不足')) - Number(b.flags.includes('样本不足')) || b.index - a.index || a.code.localeCompare(b.code))
  let rank = 0
  for (const r of rows) if (!r.flags.includes('样本不足')) r.rank = ++rank
  return { rows, prior: mu, scales, weights: st.weights, responsivenessMeasured: measured }
}
