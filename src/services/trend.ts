/**
 * `yuqing trend`: mention counts of one region per hour, day or week, split by sentiment or
 * source, with spikes marked (the pure core, bucketing and the spike rule, is trend/spikes.ts).
 *
 * Where the counts come from:
 * - day and week, no filter: rollup_day; with --topic: rollup_topic (migration 8). Both are read
 *   by their primary key, one seek per day and the region (day IN (…) AND region_code = ?);
 * - hour: the base tables, driven by the region's mention_regions index and filtered to the
 *   window (a region holds far fewer mentions than a window of all regions);
 * - --keyword: the full-text index with the `yuqing search` query language (store/search.ts),
 *   restricted to the window and the region (driven by the index matches, or by the region's
 *   mentions when they are far fewer); counted per local day or hour in SQL.
 * Weeks are folded from days. The window is read with a lead-in (7 buckets; 24 for hours) so the
 * first buckets have a spike baseline too.
 */
import { UsageError } from '../core/errors.js'
import { DEFAULT_TOPICS } from '../nlp/topics-default.js'
import { parseQuery, type QueryNode } from '../search/query.js'
import { compileTerm } from '../store/fts-tokens.js'
import { LOCAL_DAY_SQL } from '../store/rollups.js'
import { condition, exactFts, supersetFts, type SearchExpr } from '../store/search.js'
import { publishedRangeSql } from '../store/sqlite.js'
import { bucketKeys, detectSpikes, foldCounts, leadBuckets, shiftDay, spikeDefaults, weekStart, type FineCount, type Interval } from '../trend/spikes.js'
import type { AppContext } from './context.js'

export interface TrendOptions {
  topic?: string
  keyword?: string
  /** Code or name; default the config's first region. */
  region?: string
  /** Days in the window (default 30; 2 for --interval hour). */
  days?: number
  interval?: string
  by?: string
  /** Last day of the window, YYYY-MM-DD (Asia/Shanghai); default today. */
  date?: string
}

export interface TrendPoint {
  at: string
  count: number
}

export interface TrendResult {
  region: { code: string; name: string }
  topic?: string
  keyword?: string
  interval: Interval
  by: 'sentiment' | 'source'
  /** First and last local day of the window (week: from the Monday of the first week). */
  from: string
  to: string
  series: Array<{ name: string; points: TrendPoint[] }>
  totals: Array<TrendPoint & { spike: boolean }>
  spikes: Array<{ at: string; count: number; baseline: number; p: number }>
}

export const MAX_HOUR_DAYS = 14
export const SENTIMENT_SERIES = ['pos', 'neu', 'neg', 'none'] as const
const OFFSET = '+08:00' // the rollups' day is Asia/Shanghai's (rollups.ts)
const DAY = /^\d{4}-\d{2}-\d{2}$/
const HOUR_SQL = (col: string) => `strftime('%Y-%m-%dT%H', ${col}, '+8 hours')`

function localToday(now: Date): string {
  return new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 10)
}

/** The topic names analyses carry: the configured rules' names, else the built-in taxonomy's. */
export function topicNames(ctx: AppContext): string[] {
  return (ctx.config.topics.length ? ctx.config.topics : DEFAULT_TOPICS).map((t) => t.name)
}

function resolveRegion(ctx: AppContext, q: string | undefined): { code: string; name: string } {
  if (q === undefined) {
    const first = ctx.regions[0]
    if (!first) throw new UsageError('no region to show: pass --region CODE (or a name), or list regions: in the config')
    return { code: first.code, name: first.name }
  }
  const res = ctx.gazetteer().resolve(q)
  if (res.match) return { code: res.match.code, name: res.match.name }
  // An ambiguous name (南山区) that only one watched region carries means that one.
  const watched = res.via !== 'suggestion' ? res.candidates.filter((c) => ctx.regions.some((w) => w.code === c.code)) : []
  if (watched.length === 1) return { code: watched[0]!.code, name: watched[0]!.name }
  const some = res.candidates.slice(0, 5).map((c) => `${c.code} ${c.name}`).join(', ')
  if (res.candidates.length && res.via !== 'suggestion') throw new UsageError(`--region ${JSON.stringify(q)} is ambiguous (${some}); pass one 6-digit code`)
  throw new UsageError(`--region ${JSON.stringify(q)} is not a known region${some ? ` (did you mean ${some}?)` : ''}; pass a 6-digit code or a name from \`yuqing regions search\``)
}

function toExpr(n: QueryNode): SearchExpr {
  switch (n.type) {
    case 'term': {
      const t = compileTerm(n.text)
      if (!t) throw new UsageError(`--keyword: ${n.phrase ? `"${n.text}"` : n.text} has nothing searchable (only punctuation); search for letters, digits or Chinese characters`)
      return { type: 'term', term: t }
    }
    case 'not':
      return { type: 'not', child: toExpr(n.child) }
    default:
      return { type: n.type, children: n.children.map(toExpr) }
  }
}

export function trend(ctx: AppContext, opts: TrendOptions = {}): TrendResult {
  const interval = (opts.interval ?? 'day') as Interval
  if (!['hour', 'day', 'week'].includes(interval)) throw new UsageError(`--interval must be hour, day or week, got ${JSON.stringify(opts.interval)}`)
  const by = (opts.by ?? 'sentiment') as TrendResult['by']
  if (by !== 'sentiment' && by !== 'source') throw new UsageError(`--by must be sentiment or source, got ${JSON.stringify(opts.by)}`)
  if (opts.topic !== undefined && opts.keyword !== undefined) throw new UsageError('--topic and --keyword cannot be combined; pass one of them')
  const days = opts.days ?? (interval === 'hour' ? 2 : 30)
  if (!Number.isInteger(days) || days < 1 || days > 366) throw new UsageError(`--days must be a whole number from 1 to 366, got ${days}`)
  if (interval === 'hour' && days > MAX_HOUR_DAYS) throw new UsageError(`--interval hour reads single mentions and allows at most --days ${MAX_HOUR_DAYS}, got ${days}; use --interval day for longer windows`)
  const now = ctx.clock.now()
  let to = localToday(now)
  if (opts.date !== undefined) {
    const t = Date.parse(`${opts.date}T00:00:00Z`)
    if (!DAY.test(opts.date) || Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== opts.date) throw new UsageError(`--date must be a date YYYY-MM-DD, got ${JSON.stringify(opts.date)}`)
    to = opts.date
  }
  let from = shiftDay(to, 1 - days)
  if (interval === 'week') from = weekStart(from)
  const topic = opts.topic?.trim()
  if (topic !== undefined) {
    const names = topicNames(ctx)
    if (!names.includes(topic)) throw new UsageError(`--topic ${JSON.stringify(topic)} is not a topic; use one of: ${names.join(', ')}`)
  }
  let expr: SearchExpr | undefined
  if (opts.keyword !== undefined) {
    expr = toExpr(parseQuery(opts.keyword))
    if (supersetFts(expr) === null) throw new UsageError(`--keyword ${JSON.stringify(opts.keyword)} has no term that must appear; add one (e.g. 宝安 -广告)`)
  }
  const region = resolveRegion(ctx, opts.region)

  // The window's buckets, and the lead-in buckets before it (baselines only).
  let keys = bucketKeys(from, to, interval)
  const lead = leadBuckets(interval)
  const leadFrom = interval === 'hour' ? shiftDay(from, -1) : interval === 'day' ? shiftDay(from, -lead) : shiftDay(from, -7 * lead)
  let all = bucketKeys(leadFrom, to, interval)
  if (interval === 'hour' && to === localToday(now)) {
    // No buckets after the current hour.
    const nowKey = new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 13)
    keys = keys.filter((k) => k <= nowKey)
    all = all.filter((k) => k <= nowKey)
  }
  const rows = fineCounts(ctx, { region: region.code, from: leadFrom, to, interval, by, topic, expr })
  const folded = foldCounts(rows, all, interval, by === 'sentiment' ? { order: SENTIMENT_SERIES, always: ['pos', 'neu', 'neg'] } : {})
  const verdicts = detectSpikes(folded.totals, spikeDefaults(interval))
  const at = (k: string) => (interval === 'hour' ? `${k}:00${OFFSET}` : k)
  const pos = new Map(all.map((k, i) => [k, i]))
  const idx = keys.map((k) => pos.get(k)!)
  const totals = idx.map((i) => ({ at: at(all[i]!), count: folded.totals[i]!, spike: verdicts[i]!.spike }))
  return {
    region,
    ...(topic !== undefined ? { topic } : {}),
    ...(opts.keyword !== undefined ? { keyword: opts.keyword } : {}),
    interval,
    by,
    from,
    to,
    // Sentiments pos, neu, neg always (none when some mention is not analysed); sources with counts in the window.
    series: [...folded.series]
      .map(([name, counts]) => ({ name, points: idx.map((i) => ({ at: at(all[i]!), count: counts[i]! })) }))
      .filter((s) => (by === 'sentiment' && s.name !== 'none') || s.points.some((p) => p.count)),
    totals,
    spikes: idx.filter((i) => verdicts[i]!.spike).map((i) => ({ at: at(all[i]!), count: folded.totals[i]!, baseline: +verdicts[i]!.baseline!.toFixed(3), p: verdicts[i]!.p! })),
  }
}

interface FineQuery {
  region: string
  from: string
  to: string
  interval: Interval
  by: 'sentiment' | 'source'
  topic?: string
  expr?: SearchExpr
}

/** Counts per local day (hour for --interval hour) and series, from the rollups or the base tables. */
function fineCounts(ctx: AppContext, q: FineQuery): FineCount[] {
  const db = ctx.store().db
  const seriesCol = q.by === 'source' ? 'source' : 'sentiment'
  if (!q.expr && q.interval !== 'hour') {
    const daysList: string[] = []
    for (let d = q.from; d <= q.to; d = shiftDay(d, 1)) daysList.push(d)
    const inList = daysList.map(() => '?').join(', ')
    const table = q.topic !== undefined ? 'rollup_topic' : 'rollup_day'
    return db
      .prepare(
        `select day as unit, ${seriesCol} as series, sum(mentions) as count from ${table}
          where day in (${inList}) and region_code = ? ${q.topic !== undefined ? 'and topic = ?' : ''} group by 1, 2`,
      )
      .all(...daysList, q.region, ...(q.topic !== undefined ? [q.topic] : [])) as FineCount[]
  }
  const start = new Date(`${q.from}T00:00:00${OFFSET}`)
  const end = new Date(Date.parse(`${shiftDay(q.to, 1)}T00:00:00${OFFSET}`))
  const unit = q.interval === 'hour' ? HOUR_SQL('m.published_at') : LOCAL_DAY_SQL('m.published_at')
  const series = q.by === 'source' ? 'm.source' : "coalesce(a.sentiment_label, 'none')"
  const range = publishedRangeSql(start, end, 'm')
  if (q.expr) {
    const exact = exactFts(q.expr)
    const match = exact ?? supersetFts(q.expr)
    const cond = exact === null ? condition(q.expr, true) : { sql: '1', params: [] }
    const extra = cond.sql !== '1' ? ` and ${cond.sql}` : ''
    // Drive from whichever side is smaller: the term's index matches (a region and window
    // filter on each), or the region's mentions (an index lookup of the term on each, ~10×
    // dearer a row). Both counts are index-only.
    const matches = db.prepare('select count(*) from mentions_fts where mentions_fts match ?').pluck().get(match) as number
    const regionRows = db.prepare('select count(*) from mention_regions where region_code = ?').pluck().get(q.region) as number
    if (regionRows * 10 < matches)
      return db
        .prepare(
          `select ${unit} as unit, ${series} as series, count(*) as count
            from mention_regions mr cross join mentions m on m.id = mr.mention_id left join analyses a on a.mention_id = m.id
            where mr.region_code = ? and m.published_at >= ? and m.published_at < ?
              and exists (select 1 from mentions_fts f where mentions_fts match ? and f.rowid = m.id)${extra}
            group by 1, 2`,
        )
        .all(q.region, start.toISOString(), end.toISOString(), match, ...cond.params) as FineCount[]
    return db
      .prepare(
        `select ${unit} as unit, ${series} as series, count(*) as count
          from mentions_fts f join mentions m on m.id = f.rowid left join analyses a on a.mention_id = m.id
          where mentions_fts match ?${extra} and ${range.sql} and exists (select 1 from mention_regions r where r.mention_id = m.id and r.region_code = ?)
          group by 1, 2`,
      )
      .all(match, ...cond.params, ...range.params, q.region) as FineCount[]
  }
  // Hours: the region's mentions (mention_regions_region), then their times.
  const topicSql = q.topic !== undefined ? `and exists (select 1 from json_each(case when json_valid(a.topics_json) then a.topics_json else '[]' end) j where j.value = ?)` : ''
  return db
    .prepare(
      `select ${unit} as unit, ${series} as series, count(*) as count
        from mention_regions mr cross join mentions m on m.id = mr.mention_id left join analyses a on a.mention_id = m.id
        where mr.region_code = ? and m.published_at >= ? and m.published_at < ? ${topicSql}
        group by 1, 2`,
    )
    .all(q.region, start.toISOString(), end.toISOString(), ...(q.topic !== undefined ? [q.topic] : [])) as FineCount[]
}
