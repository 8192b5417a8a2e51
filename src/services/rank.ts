/**
 * `yuqing rank`: the network-image index over a window, read from the rollups (rollups.ts) and
 * computed by the pure core (index/compute.ts). `--explain CODE` adds the raw inputs and the
 * mention ids behind them, read from the base tables for that one region.
 */
import { UsageError } from '../core/errors.js'
import { addDays, localDayStart } from '../core/time.js'
import { computeIndex, INDEX_VERSION, type IndexRow, type RegionInput, type Responsiveness, type RiskCluster, type DimensionKey, type ScaleFit } from '../index/compute.js'
import { matchResponses, RESPONSE_HOURS } from '../index/response.js'
import { LOCAL_DAY_SQL } from '../store/rollups.js'
import type { SqliteStore } from '../store/sqlite.js'
import type { AppContext } from './context.js'

const TZ = 'Asia/Shanghai'

export interface Period {
  label: string
  from: string
  to: string
  days: number
}

export interface RankOptions {
  period?: string
  /** Last day of the window (YYYY-MM-DD, Asia/Shanghai); default yesterday. */
  date?: string
  peers?: string
  top?: number
  explain?: string
}

export interface Explanation {
  code: string
  name: string
  inputs: RegionInput
  mentionIds: { positive: number[]; negative: number[]; neutral: number[]; riskClusters: Array<{ clusterId: number; mentionIds: number[] }> }
}

export interface RankResult {
  period: Period
  version: string
  peers: number
  prior: number
  weights: Record<DimensionKey, number>
  scaling: string
  reference: { from: string; to: string } | null
  rows: IndexRow[]
  explain?: Explanation
}

const DAY = /^\d{4}-\d{2}-\d{2}$/

function validDay(s: string, what: string): string {
  if (!DAY.test(s) || Number.isNaN(Date.parse(`${s}T00:00:00Z`)) || new Date(`${s}T00:00:00Z`).toISOString().slice(0, 10) !== s)
    throw new UsageError(`${what} must be a date YYYY-MM-DD, got "${s}"`)
  return s
}

/** Today's date in Asia/Shanghai. */
export function localToday(now: Date): string {
  return new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 10)
}

export function parsePeriod(spec: string | undefined, endDay: string): Period {
  const s = spec ?? 'week'
  const named: Record<string, number> = { day: 1, week: 7, month: 30 }
  if (named[s]) return { label: s, from: addDays(endDay, 1 - named[s]!), to: endDay, days: named[s]! }
  const m = /^(.+)\.\.(.+)$/.exec(s)
  if (!m) throw new UsageError(`--period must be day, week, month or FROM..TO (YYYY-MM-DD..YYYY-MM-DD), got "${s}"`)
  const from = validDay(m[1]!, '--period FROM')
  const to = validDay(m[2]!, '--period TO')
  if (from > to) throw new UsageError(`--period ${s}: FROM is after TO`)
  const days = Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1
  if (days > 366) throw new UsageError(`--period ${s} spans ${days} days; the most is 366`)
  return { label: `${from}..${to}`, from, to, days }
}

interface DayTotals {
  region: string
  mentions: number
  polar: number
  news: number
  social: number
  reposts: number
  comments: number
  likes: number
  pos: number
  neg: number
}

function sensitiveMatcher(words: Record<string, string[]>): (text: string) => boolean {
  const all = Object.values(words).flat()
  return (t) => all.some((w) => t.includes(w))
}

/** Per-region inputs over [from, to] for every region with mentions (and every code in `extra`). */
export function regionInputs(ctx: AppContext, store: SqliteStore, from: string, to: string, extra: readonly string[]): RegionInput[] {
  return regionInputsMulti(ctx, store, [{ from, to }], extra)[0]!
}

const TOTAL_COLS = [
  'mentions',
  "case when sentiment in ('pos','neg') then mentions else 0 end",
  "case when source like 'news%' then stories else 0 end",
  "case when source like 'news%' then 0 else stories end",
  'reposts',
  'comments',
  'likes',
  "case when sentiment = 'pos' then weight else 0 end",
  "case when sentiment = 'neg' then weight else 0 end",
]
const CLUSTER_COLS = ['mentions', 'neg', 'pos', 'engagement', 'official_media']

/**
 * regionInputs for several windows in one pass over the rollups of their union (a daily report
 * ranks the 7 days to its day and the 7 days before, which share 6): every sum is taken per
 * window with `case when day between …`, so the rows are read and grouped once.
 */
export function regionInputsMulti(ctx: AppContext, store: SqliteStore, windows: ReadonlyArray<{ from: string; to: string }>, extra: readonly string[]): RegionInput[][] {
  const db = store.db
  const lo = windows.map((w) => w.from).sort()[0]!
  const hi = windows.map((w) => w.to).sort().at(-1)!
  const inW = (k: number) => `day between @f${k} and @t${k}`
  const params: Record<string, string> = { lo, hi }
  windows.forEach((w, k) => Object.assign(params, { [`f${k}`]: w.from, [`t${k}`]: w.to }))
  const totalSums = windows.flatMap((_, k) => TOTAL_COLS.map((c) => `sum(case when ${inW(k)} then ${c} else 0 end)`))
  const totals = db
    .prepare(`select region_code, ${totalSums.join(', ')} from rollup_day where day between @lo and @hi group by region_code`)
    .raw()
    .all(params) as Array<[string, ...number[]]>
  // Net-negative stories (sum(neg) > sum(pos) over a window) are among the clusters with a row of
  // neg > 0: their rows come from the partial index rollup_cluster_negative (migration 8), and
  // only their rows with neg = 0 are looked for among the rest, so the GROUP BY sorts about a
  // quarter of the rows. Read as arrays: a month holds ~250k such stories at 5M mentions.
  const clusterSums = windows.flatMap((_, k) => CLUSTER_COLS.map((c) => `sum(case when ${inW(k)} then ${c} else 0 end)`))
  const netNegative = windows.map((_, k) => `sum(case when ${inW(k)} then neg else 0 end) > sum(case when ${inW(k)} then pos else 0 end)`).join(' or ')
  const clusterRows = db
    .prepare(
      `select region_code, cluster_id, ${clusterSums.join(', ')} from (
        select day, region_code, cluster_id, mentions, neg, pos, engagement, official_media from rollup_cluster indexed by rollup_cluster_negative
          where day between @lo and @hi and neg > 0
        union all
        select day, region_code, cluster_id, mentions, neg, pos, engagement, official_media from rollup_cluster
          where day between @lo and @hi and neg = 0 and (region_code, cluster_id) in
            (select region_code, cluster_id from rollup_cluster indexed by rollup_cluster_negative where day between @lo and @hi and neg > 0))
      group by region_code, cluster_id having ${netNegative}`,
    )
    .raw()
    .all(params) as Array<[string, number, ...number[]]>

  // Sensitive words, checked on each risk cluster's first mention (the cluster id is its id).
  const isSensitive = sensitiveMatcher(ctx.config.alerts.sensitiveWords)
  const sensitive = new Set<number>()
  const ids = Object.keys(ctx.config.alerts.sensitiveWords).length ? [...new Set(clusterRows.map((c) => c[1]))] : []
  const headStmt = db.prepare(`select m.id as id, coalesce(m.title, '') || ' ' || m.text as t from json_each(?) j join mentions m on m.id = j.value`)
  for (let i = 0; i < ids.length; i += 500)
    for (const h of headStmt.all(JSON.stringify(ids.slice(i, i + 500))) as Array<{ id: number; t: string }>) if (isSensitive(h.t)) sensitive.add(h.id)

  const gaz = ctx.gazetteer()
  const watched = new Map(ctx.regions.map((r) => [r.code, r]))
  return windows.map((w, k) => {
    const byRegion = new Map<string, RiskCluster[]>()
    const c0 = 2 + k * CLUSTER_COLS.length
    for (const row of clusterRows) {
      const [mentions, neg, pos, engagement, om] = row.slice(c0, c0 + CLUSTER_COLS.length) as number[]
      if (mentions! <= 0 || !(neg! > pos!)) continue
      const region = row[0]
      let list = byRegion.get(region)
      if (!list) byRegion.set(region, (list = []))
      list.push({ clusterId: row[1], mentions: mentions!, neg: neg!, engagement: engagement!, officialMedia: om! > 0, sensitive: sensitive.has(row[1]) })
    }
    const t0 = 1 + k * TOTAL_COLS.length
    const seen = new Map<string, DayTotals>()
    for (const row of totals) {
      const [mentions, polar, news, social, reposts, comments, likes, pos, neg] = row.slice(t0, t0 + TOTAL_COLS.length) as number[]
      if (mentions! > 0) seen.set(row[0], { region: row[0], mentions: mentions!, polar: polar!, news: news!, social: social!, reposts: reposts!, comments: comments!, likes: likes!, pos: pos!, neg: neg! })
    }
    for (const code of extra) if (!seen.has(code)) seen.set(code, { region: code, mentions: 0, polar: 0, news: 0, social: 0, reposts: 0, comments: 0, likes: 0, pos: 0, neg: 0 })
    return [...seen.values()].map((t) => {
      const wr = watched.get(t.region)
      const risk = byRegion.get(t.region) ?? []
      return {
        code: t.region,
        name: wr?.name ?? gaz.get(t.region)?.name ?? t.region,
        mentions: t.mentions,
        polar: t.polar,
        newsStories: t.news,
        socialStories: t.social,
        reposts: t.reposts,
        comments: t.comments,
        likes: t.likes,
        pos: Math.max(0, t.pos),
        neg: Math.max(0, t.neg),
        riskClusters: risk,
        responsiveness: wr && wr.officialAccounts.length ? responsiveness(store, t.region, wr.officialAccounts, risk, w.from, w.to) : null,
      }
    })
  })
}

/**
 * 回应力 inputs: a net-negative story counts as responded when one of the region's official
 * accounts posted about the region (or in the story's cluster) within 48 h of its first mention.
 */
function responsiveness(store: SqliteStore, region: string, accounts: ReadonlyArray<{ id?: string; name: string }>, risk: readonly RiskCluster[], from: string, to: string): Responsiveness {
  const start = localDayStart(from, TZ).toISOString()
  const end = new Date(localDayStart(addDays(to, 1), TZ).getTime() + RESPONSE_HOURS * 3_600_000).toISOString()
  const names = JSON.stringify(accounts.map((a) => a.name))
  const uids = JSON.stringify(accounts.flatMap((a) => (a.id ? [a.id] : [])))
  const posts = store.db
    .prepare(
      `select m.id, m.published_at as at, coalesce(m.reposts,0) as r, coalesce(m.comments,0) as c, coalesce(m.likes,0) as l, a.cluster_id as cluster,
        exists (select 1 from mention_regions mr where mr.mention_id = m.id and mr.region_code = ?) as about
      from mentions m left join analyses a on a.mention_id = m.id
      where (m.author_name in (select value from json_each(?)) or m.author_id in (select value from json_each(?)))
        and m.published_at >= ? and m.published_at < ?`,
    )
    .all(region, names, uids, start, end) as Array<{ id: number; at: string; r: number; c: number; l: number; cluster: number | null; about: number }>
  const firstStmt = store.db.prepare('select published_at from mentions where id = ?').pluck()
  const heads = risk.flatMap((k) => {
    const first = firstStmt.get(k.clusterId) as string | undefined
    return first ? [{ clusterId: k.clusterId, firstAt: first }] : []
  })
  const official = posts.map((p) => ({ id: p.id, at: p.at, author: null, cluster: p.cluster, about: Boolean(p.about) }))
  const latencies = matchResponses(heads, official, RESPONSE_HOURS).flatMap((m) => (m.latencyHours === null ? [] : [m.latencyHours]))
  latencies.sort((a, b) => a - b)
  const mid = latencies.length ? (latencies.length % 2 ? latencies[(latencies.length - 1) / 2]! : (latencies[latencies.length / 2 - 1]! + latencies[latencies.length / 2]!) / 2) : null
  const inWindow = posts.filter((p) => p.at < localDayStart(addDays(to, 1), TZ).toISOString())
  return {
    negativeClusters: risk.length,
    responded: latencies.length,
    medianLatencyHours: mid,
    posts: inWindow.length,
    reposts: inWindow.reduce((s, p) => s + p.r, 0),
    comments: inWindow.reduce((s, p) => s + p.c, 0),
    likes: inWindow.reduce((s, p) => s + p.l, 0),
  }
}

function explainRegion(store: SqliteStore, input: RegionInput, from: string, to: string): Explanation {
  const rows = store.db
    .prepare(
      `select m.id, coalesce(a.sentiment_label, 'none') as s, coalesce(a.cluster_id, m.id) as cluster
      from mention_regions mr join mentions m on m.id = mr.mention_id left join analyses a on a.mention_id = m.id
      where mr.region_code = ? and ${LOCAL_DAY_SQL('m.published_at')} between ? and ? order by m.id`,
    )
    .all(input.code, from, to) as Array<{ id: number; s: string; cluster: number }>
  const risk = new Set(input.riskClusters.map((k) => k.clusterId))
  const byCluster = new Map<number, number[]>()
  for (const r of rows) if (risk.has(r.cluster)) byCluster.set(r.cluster, [...(byCluster.get(r.cluster) ?? []), r.id])
  return {
    code: input.code,
    name: input.name,
    inputs: input,
    mentionIds: {
      positive: rows.filter((r) => r.s === 'pos').map((r) => r.id),
      negative: rows.filter((r) => r.s === 'neg').map((r) => r.id),
      neutral: rows.filter((r) => r.s === 'neu' || r.s === 'none').map((r) => r.id),
      riskClusters: [...byCluster].map(([clusterId, mentionIds]) => ({ clusterId, mentionIds })),
    },
  }
}

export function rank(ctx: AppContext, opts: RankOptions = {}): RankResult {
  const end = opts.date ? validDay(opts.date, '--date') : addDays(localToday(ctx.clock.now()), -1)
  const period = parsePeriod(opts.period, end)
  let peerCodes: string[] | null = null
  if (opts.peers && opts.peers !== 'all') {
    peerCodes = opts.peers.split(',').map((s) => s.trim())
    const bad = peerCodes.find((c) => !/^\d{6}$/.test(c))
    if (bad !== undefined) throw new UsageError(`--peers must be "all" or 6-digit region codes separated by commas, got "${bad}"`)
  }
  if (opts.explain !== undefined && !/^\d{6}$/.test(opts.explain)) throw new UsageError(`--explain needs a 6-digit region code, got "${opts.explain}"`)
  return rankPeriods(ctx, [period], { peers: peerCodes, explain: opts.explain, top: opts.top })[0]!
}

/**
 * Rankings of several windows (over all regions) from one pass over the rollups: the daily
 * report's index window and the one before it, for Δrank.
 */
export function rankWindows(ctx: AppContext, windows: ReadonlyArray<{ from: string; to: string }>): RankResult[] {
  return rankPeriods(
    ctx,
    windows.map((w) => parsePeriod(`${w.from}..${w.to}`, w.to)),
    { peers: null },
  )
}

function rankPeriods(ctx: AppContext, periods: Period[], o: { peers: string[] | null; explain?: string; top?: number }): RankResult[] {
  const store = ctx.store()
  const peerCodes = o.peers
  const extra = [...ctx.regions.map((r) => r.code), ...(peerCodes ?? []), ...(o.explain ? [o.explain] : [])]
  const settings = ctx.config.index
  let reference: Partial<Record<DimensionKey, ScaleFit>> | undefined
  const ref = settings.referencePeriod
  if (ref) {
    const refInputs = regionInputs(ctx, store, ref.from, ref.to, extra).filter((r) => !peerCodes || peerCodes.includes(r.code))
    const fitted = computeIndex(refInputs, { settings }).scales
    reference = { visibility: fitted.visibility!, favourability: fitted.favourability!, risk: fitted.risk!, ...(fitted.responsiveness ? { responsiveness: fitted.responsiveness } : {}) }
  }
  const all = regionInputsMulti(ctx, store, periods, extra)
  return periods.map((period, k) => {
    let inputs = all[k]!
    if (peerCodes) {
      const keep = new Set([...peerCodes, ...(o.explain ? [o.explain] : [])])
      inputs = inputs.filter((r) => keep.has(r.code))
    }
    const result = computeIndex(inputs, { settings, reference })
    const explainInput = o.explain ? inputs.find((r) => r.code === o.explain) : undefined
    return {
      period,
      version: INDEX_VERSION,
      peers: inputs.length,
      prior: result.prior,
      weights: result.weights,
      scaling: settings.scaling,
      reference: ref ?? null,
      rows: o.top ? result.rows.slice(0, o.top) : result.rows,
      ...(explainInput ? { explain: explainRegion(store, explainInput, period.from, period.to) } : {}),
    }
  })
}

/** Markdown for a ranking (the weekly job's file, and `report` later): crawled names escaped. */
export function rankMarkdown(r: RankResult): string {
  const esc = (s: string) => s.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&')
  const f1 = (x: number) => x.toFixed(1)
  const lines = [
    `# 网络形象指数排行（${r.period.from} 至 ${r.period.to}）`,
    '',
    `${r.peers} 个地区，${r.period.days} 天；指数版本 ${r.version}，${r.scaling} 缩放；美誉度先验 μ = ${r.prior.toFixed(3)}。`,
    '',
    '| 排名 | 代码 | 地区 | 指数 | 传播力 | 美誉度 | 美誉度 90% 区间 | 舆情风险（安全） | 回应力 | 提及 | 标记 |',
    '|---:|---|---|---:|---:|---:|---|---:|---:|---:|---|',
    ...r.rows.map(
      (x) =>
        `| ${x.rank ?? '—'} | ${x.code} | ${esc(x.name)} | ${f1(x.index)} | ${f1(x.dimensions.visibility.score)} | ${f1(x.dimensions.favourability.score)} | ${(x.dimensions.favourability.interval[0] * 100).toFixed(0)}–${(x.dimensions.favourability.interval[1] * 100).toFixed(0)}% | ${f1(x.dimensions.risk.score)} | ${x.dimensions.responsiveness ? f1(x.dimensions.responsiveness.score) : '—'} | ${x.mentions} | ${x.flags.join(' ')} |`,
    ),
    '',
    '样本不足：提及少于最低数量，不参与排名；低置信：提及或正负面数量少，结果仅供参考。',
    '',
  ]
  return lines.join('\n')
}

/** The weekly ranking job: ranks the last 7 days and writes rank-week-YYYY-MM-DD.{json,md} (end day) to report.outputDir. */
export async function writeWeeklyRank(ctx: AppContext): Promise<{ files: string[]; regions: number; ranked: number }> {
  const { mkdirSync, writeFileSync, renameSync } = await import('node:fs')
  const path = await import('node:path')
  const r = rank(ctx, { period: 'week' })
  const dir = path.resolve(ctx.baseDir, ctx.config.report.outputDir)
  mkdirSync(dir, { recursive: true })
  const base = path.join(dir, `rank-week-${r.period.to}`)
  const files: string[] = []
  for (const [ext, body] of [
    ['json', `${JSON.stringify(r, null, 2)}\n`],
    ['md', rankMarkdown(r)],
  ] as const) {
    const file = `${base}.${ext}`
    writeFileSync(`${file}.partial`, body)
    renameSync(`${file}.partial`, file)
    files.push(file)
  }
  return { files, regions: r.peers, ranked: r.rows.filter((x) => x.rank !== null).length }
}
