/**
 * `yuqing rank`: the network-image index over a window, read from the rollups (rollups.ts) and
 * computed by the pure core (index/compute.ts). `--explain CODE` adds the raw inputs and the
 * mention ids behind them, read from the base tables for that one region.
 */
import { UsageError } from '../core/errors.js'
import { addDays, dayList, localDayStart } from '../core/time.js'
import { computeIndex, INDEX_VERSION, riskPressure, type IndexRow, type RegionInput, type Responsiveness, type RiskCluster, type RiskSummary, type DimensionKey, type ScaleFit } from '../index/compute.js'
import { matchResponses, RESPONSE_HOURS } from '../index/response.js'
import { compileTerm } from '../store/fts-tokens.js'
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

/** Per-region inputs over [from, to] for every region with mentions (and every code in `extra`). */
export function regionInputs(ctx: AppContext, store: SqliteStore, from: string, to: string, extra: readonly string[]): RegionInput[] {
  return regionInputsMulti(ctx, store, [{ from, to }], extra)[0]!
}

/** rollup_region's sums, in DayTotals order. */
const TOTAL_COLS = ['mentions', 'polar', 'news_stories', 'social_stories', 'reposts', 'comments', 'likes', 'pos_weight', 'neg_weight']
/**
 * heat_k · sev_k (index/compute.ts riskPressure) over rollup_story's columns (alias s); `sens` is
 * 1 for a story whose first mention holds a sensitive word.
 */
const riskPressureSql = (sens: string) => `(ln(1 + s.mentions) + ln(1 + s.engagement)) * s.neg * 1.0 / s.mentions * (1 + 0.5 * (s.official_media > 0) + 0.5 * (${sens}))`

/**
 * Window sums of the stories `st` selects (region_code, cluster_id, first_day, last_day): their
 * rollup_cluster rows of the window's days (@days), a key seek per story and day.
 */
const windowSumsSql = (st: string) => `with st as (${st})
  select st.region_code, st.cluster_id, sum(c.mentions), sum(c.neg), sum(c.pos), sum(c.engagement), sum(c.official_media)
  from st join json_each(@days) d on d.value between st.first_day and st.last_day
    join rollup_cluster c on c.day = d.value and c.region_code = st.region_code and c.cluster_id = st.cluster_id
  group by st.region_code, st.cluster_id order by st.cluster_id`

type WindowSums = [region: string, clusterId: number, mentions: number, neg: number, pos: number, engagement: number, officialMedia: number]
/**
 * Dimension C's stories over windows, from rollup_story (migration 9): a story whose span of days
 * lies inside a window counts with its totals, summed per region in SQL over the partial index of
 * net-negative stories; a story whose span crosses the window's edge (few) is summed over its
 * days inside the window from rollup_cluster. Sensitive words are checked on each story's first
 * mention (the cluster id is its id).
 */
class RiskReader {
  private readonly isSensitive: ((text: string) => boolean) | null
  private readonly words: string[]
  private readonly headStmt

  constructor(
    private readonly db: SqliteStore['db'],
    words: Record<string, string[]>,
  ) {
    this.words = [...new Set(Object.values(words).flat())]
    const list = this.words
    this.isSensitive = list.length ? (t) => list.some((w) => t.includes(w)) : null
    this.headStmt = db.prepare(`select coalesce(title, '') || ' ' || text from mentions where id = ?`).pluck()
  }

  private sensitive(clusterId: number): boolean {
    if (!this.isSensitive) return false
    const t = this.headStmt.get(clusterId) as string | undefined
    return t !== undefined && this.isSensitive(t)
  }

  /** A story's window sums as a RiskCluster; null when it is not net negative there. */
  private cluster([, clusterId, mentions, neg, pos, engagement, om]: WindowSums): RiskCluster | null {
    if (mentions <= 0 || !(neg > pos)) return null
    return { clusterId, mentions, neg, engagement, officialMedia: om > 0, sensitive: this.sensitive(clusterId) }
  }

  /** Per window, per region: the net-negative stories' count and Σ heat·sev. */
  summaries(windows: ReadonlyArray<{ from: string; to: string }>): Array<Map<string, RiskSummary>> {
    const lo = windows.map((w) => w.from).sort()[0]!
    const hi = windows.map((w) => w.to).sort().at(-1)!
    const params: Record<string, string> = { lo, hi }
    windows.forEach((w, k) => Object.assign(params, { [`f${k}`]: w.from, [`t${k}`]: w.to }))
    const inside = (k: number) => (windows.length === 1 ? 'true' : `s.first_day >= @f${k} and s.last_day <= @t${k}`)
    let sens = '0'
    let join = ''
    if (this.isSensitive) {
      const test = this.isSensitive
      this.db.function('yq_sensitive', { deterministic: true }, (title: unknown, text: unknown) => (test(`${typeof title === 'string' ? title : ''} ${typeof text === 'string' ? text : ''}`) ? 1 : 0))
      // The full-text index narrows the first mentions to check to those holding a word's
      // tokens (a superset: the text's tokens hold every word it contains); their text decides.
      // Reading every story's first mention instead costs ~1 s a month on 5M mentions.
      const terms = this.words.map(compileTerm)
      if (terms.every((t) => t !== null)) {
        params.sensitive = terms.map((t) => t!.fts).join(' OR ')
        sens = `case when s.cluster_id in (select rowid from mentions_fts where mentions_fts match @sensitive) then coalesce((select yq_sensitive(title, text) from mentions where id = s.cluster_id), 0) else 0 end`
      } else {
        sens = 'coalesce(yq_sensitive(m.title, m.text), 0)'
        join = 'left join mentions m on m.id = s.cluster_id'
      }
    }
    // Each story's heat·sev once (`limit -1` keeps SQLite from copying it into every window's sum).
    const sums = windows.flatMap((_, k) => [`sum(case when ${inside(k)} then 1 else 0 end)`, `sum(case when ${inside(k)} then s.p else 0 end)`])
    const rows = this.db
      .prepare(
        `select s.region_code, ${sums.join(', ')} from (
          select s.region_code, s.first_day, s.last_day, ${riskPressureSql(sens)} as p from rollup_story s indexed by rollup_story_negative ${join}
          where s.first_day between @lo and @hi and s.last_day <= @hi and s.neg > s.pos and s.mentions > 0 limit -1) s
        group by s.region_code`,
      )
      .raw()
      .all(params) as unknown[][]
    const out = windows.map(() => new Map<string, RiskSummary>())
    for (const row of rows)
      windows.forEach((_, k) => {
        const clusters = row[1 + 2 * k] as number
        if (clusters > 0) out[k]!.set(row[0] as string, { clusters, pressure: row[2 + 2 * k] as number })
      })
    // Stories crossing a window's edge: their rows of the window's days.
    const span = this.db
      .prepare(
        windowSumsSql(`select region_code, cluster_id, first_day, last_day from rollup_story indexed by rollup_story_span
          where last_day >= @f and first_day <= @t and (first_day < @f or last_day > @t) and last_day > first_day and neg > 0`),
      )
      .raw()
    windows.forEach((w, k) => {
      for (const row of span.all({ f: w.from, t: w.to, days: JSON.stringify(dayList(w.from, w.to)) }) as WindowSums[]) {
        const c = this.cluster(row)
        if (!c) continue
        const m = out[k]!
        const sum = m.get(row[0]) ?? { clusters: 0, pressure: 0 }
        m.set(row[0], { clusters: sum.clusters + 1, pressure: sum.pressure + riskPressure(c) })
      }
    })
    return out
  }

  /** One region's net-negative stories over [from, to], listed (explain, 回应力). */
  list(region: string, from: string, to: string): RiskCluster[] {
    const rows = this.db
      .prepare(windowSumsSql('select region_code, cluster_id, first_day, last_day from rollup_story where region_code = @region and first_day <= @t and last_day >= @f and neg > 0'))
      .raw()
      .all({ region, f: from, t: to, days: JSON.stringify(dayList(from, to)) }) as WindowSums[]
    return rows.flatMap((r) => this.cluster(r) ?? [])
  }
}

/**
 * regionInputs for several windows in one pass over the rollups of their union (a daily report
 * ranks the 7 days to its day and the 7 days before, which share 6): every sum is taken per
 * window with `case when day between …`, so the rows are read and grouped once. Regions in
 * `detail` (and the watched regions with official accounts, for 回应力) get their risk stories listed.
 */
export function regionInputsMulti(ctx: AppContext, store: SqliteStore, windows: ReadonlyArray<{ from: string; to: string }>, extra: readonly string[], detail: readonly string[] = []): RegionInput[][] {
  const db = store.db
  const lo = windows.map((w) => w.from).sort()[0]!
  const hi = windows.map((w) => w.to).sort().at(-1)!
  const inW = (k: number) => `day between @f${k} and @t${k}`
  const params: Record<string, string> = { lo, hi }
  windows.forEach((w, k) => Object.assign(params, { [`f${k}`]: w.from, [`t${k}`]: w.to }))
  // One window: plain sums (the conditions cost a third of the query on a month of rows).
  const totalSums = windows.flatMap((_, k) => TOTAL_COLS.map((c) => (windows.length === 1 ? `sum(${c})` : `sum(case when ${inW(k)} then ${c} else 0 end)`)))
  const totals = db
    .prepare(`select region_code, ${totalSums.join(', ')} from rollup_region where day between @lo and @hi group by region_code`)
    .raw()
    .all(params) as Array<[string, ...number[]]>
  const risk = new RiskReader(db, ctx.config.alerts.sensitiveWords)
  const summaries = risk.summaries(windows)

  const gaz = ctx.gazetteer()
  const watched = new Map(ctx.regions.map((r) => [r.code, r]))
  const listed = new Set([...detail, ...ctx.regions.filter((r) => r.officialAccounts.length).map((r) => r.code)])
  return windows.map((w, k) => {
    const t0 = 1 + k * TOTAL_COLS.length
    const seen = new Map<string, DayTotals>()
    for (const row of totals) {
      const [mentions, polar, news, social, reposts, comments, likes, pos, neg] = row.slice(t0, t0 + TOTAL_COLS.length) as number[]
      if (mentions! > 0) seen.set(row[0], { region: row[0], mentions: mentions!, polar: polar!, news: news!, social: social!, reposts: reposts!, comments: comments!, likes: likes!, pos: pos!, neg: neg! })
    }
    for (const code of extra) if (!seen.has(code)) seen.set(code, { region: code, mentions: 0, polar: 0, news: 0, social: 0, reposts: 0, comments: 0, likes: 0, pos: 0, neg: 0 })
    return [...seen.values()].map((t) => {
      const wr = watched.get(t.region)
      const list = listed.has(t.region) ? risk.list(t.region, w.from, w.to) : undefined
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
        risk: summaries[k]!.get(t.region) ?? { clusters: 0, pressure: 0 },
        ...(list ? { riskClusters: list } : {}),
        responsiveness: wr && wr.officialAccounts.length ? responsiveness(store, t.region, wr.officialAccounts, list ?? [], w.from, w.to) : null,
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
  const risk = new Set((input.riskClusters ?? []).map((k) => k.clusterId))
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
  const all = regionInputsMulti(ctx, store, periods, extra, o.explain ? [o.explain] : [])
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
