/**
 * Builds the report model (model.ts) for one region and window from stored rows.
 *
 * Counts (概况, 走势, 情感) come from the rollups (rollup_day, rollup_cluster), the same numbers
 * `yuqing rank` uses. Items (重点舆情, 热点事件, 意见领袖, 高频词, 媒体, 地域, 回应) come from
 * the region's mentions in the window, read through the published-day index and the
 * (mention, region) key: never a full scan. The index section is `rank()` itself.
 *
 * I/O is at the top (`loadReportData`); `assembleReport` is pure over what was loaded.
 */
import { addDays, dayList, isoWithOffset, localDayStart } from '../core/time.js'
import { isOfficialMedia } from '../alerts/media.js'
import { matchResponses, RESPONSE_HOURS, type OfficialPost } from '../index/response.js'
import { regionOwnNames } from '../nlp/keywords.js'
import { streetStem } from '../nlp/userdict.js'
import type { Region } from '../gazetteer/index.js'
import type { WatchedRegion } from '../config/load.js'
import type { RankResult } from '../services/rank.js'
import { publishedRangeSql, type SqliteStore } from '../store/sqlite.js'
import type {
  DataNotes,
  HotEvent,
  IndexSection,
  ItemRef,
  KeyItem,
  ReportKind,
  ReportModel,
  Sentiment,
  SentimentCounts,
  SeriesPoint,
} from './model.js'

export const KIND_LABELS: Record<ReportKind, string> = { daily: '日报', weekly: '周报', monthly: '月报' }
export const TIERS = ['央媒', '省媒', '市媒', '商业门户', '自媒体', '政务号'] as const

/** Names that mark a government account (政务号) when the account is verified. */
const GOV_NAME = /(发布|政府|政务|公安|警方|网警|交警|城管|应急管理|卫健|住建|市场监管|人民法院|检察|融媒|委员会|管理局|街道办|人社|税务|消防)/

const TREND_DAYS = 30
const TOP_EVENTS = 10
const TOP_ITEMS = 20
const TOP_LEADERS = 10
const TOP_WORDS = 30
/** Fewer mentions than this in the window: distributions say 样本较少. */
const THIN = 10

export interface ReportWindow {
  kind: ReportKind
  from: string
  to: string
  days: number
  label: string
}

/** A mention row of the region in the window, as the sections need it. */
export interface MentionRow {
  id: number
  source: string
  title: string | null
  text: string
  url: string | null
  authorId: string | null
  authorName: string | null
  verified: number | null
  followers: number | null
  publishedAt: string
  r: number
  c: number
  l: number
  s: Sentiment | null
  cluster: number
  kw: string | null
  ip: string | null
}

export interface DayRow {
  day: string
  source: string
  sentiment: string
  mentions: number
  reposts: number
  comments: number
  likes: number
}

export interface ClusterRow {
  clusterId: number
  mentions: number
  neg: number
  pos: number
  engagement: number
}

export interface AlertRow {
  id: number
  rule: string
  severity: string
  title: string
  createdAt: string
  status: string
  evidence: string
  clusterId: number | null
}

export interface CrawlRow {
  source: string
  status: string
  fetched: number
  inserted: number
  error: string | null
  stopReason: string | null
  startedAt: string
}

export interface ReportData {
  window: ReportWindow
  tz: string
  now: Date
  region: WatchedRegion
  unit: Region | null
  days: DayRow[]
  clusters: ClusterRow[]
  rows: MentionRow[]
  /** First mentions of clusters whose head is outside the window (by cluster id). */
  heads: Map<number, MentionRow>
  alerts: AlertRow[]
  officialPosts: OfficialPost[]
  crawls: CrawlRow[]
  enabledSources: string[]
  rank: RankResult
  /** This region's rank in the previous index window: from the previous report's file, or computed. */
  previousRank: { rank: number | null; via: 'report' | 'computed'; from: string; to: string } | null
}

const MENTION_COLS = `m.id, m.source, m.title, m.text, m.url, m.author_id as authorId, m.author_name as authorName, m.author_verified as verified,
  m.author_followers as followers, m.published_at as publishedAt, coalesce(m.reposts, 0) as r, coalesce(m.comments, 0) as c, coalesce(m.likes, 0) as l,
  a.sentiment_label as s, coalesce(a.cluster_id, m.id) as cluster, a.keywords_json as kw,
  case when m.extra_json is not null and json_valid(m.extra_json) then json_extract(m.extra_json, '$.ipLocation') end as ip`

/** Reads everything the report needs for one region and window. */
export function loadReportData(
  store: SqliteStore,
  o: { window: ReportWindow; tz: string; now: Date; region: WatchedRegion; unit: Region | null; enabledSources: string[]; rank: RankResult; previousRank: ReportData['previousRank'] },
): ReportData {
  const db = store.db
  const { window: w, region } = o
  const earliest = [addDays(w.from, -7 * w.days), addDays(w.to, 1 - TREND_DAYS)].sort()[0]!
  // The rollups' keys start with the day: one seek per (day, region) instead of reading every
  // region's rows of the range.
  const days = db
    .prepare(
      `select day, source, sentiment, mentions, reposts, comments, likes from rollup_day
      where day in (select value from json_each(?)) and region_code = ? and mentions > 0`,
    )
    .all(JSON.stringify(dayList(earliest, w.to)), region.code) as DayRow[]
  const clusters = db
    .prepare(
      `select cluster_id as clusterId, sum(mentions) as mentions, sum(neg) as neg, sum(pos) as pos, sum(engagement) as engagement
      from rollup_cluster where day in (select value from json_each(?)) and region_code = ? group by cluster_id having sum(mentions) > 0`,
    )
    .all(JSON.stringify(dayList(w.from, w.to)), region.code) as ClusterRow[]
  const start = localDayStart(w.from, o.tz)
  const end = localDayStart(addDays(w.to, 1), o.tz)
  const range = publishedRangeSql(start, end, 'm')
  // Drive from the smaller side, both counted on their indexes (capped): the window's days of
  // all mentions (then the (mention, region) key), or the region's whole history (then the
  // time filter). A watched district is most of a store; one of 3,000 peers is a sliver of a day.
  const cap = 200_000
  // The region's side first: the window's side is then counted only as far as it (usually a few rows).
  const regionRows = db.prepare('select count(*) from (select 1 from mention_regions where region_code = ? limit ?)').pluck().get(region.code, cap) as number
  const dayRows = db.prepare(`select count(*) from (select 1 from mentions m where ${range.sql} limit ?)`).pluck().get(...range.params, regionRows + 1) as number
  const rows = (
    regionRows < dayRows
      ? db.prepare(
          `select ${MENTION_COLS} from mention_regions mr cross join mentions m on m.id = mr.mention_id
          left join analyses a on a.mention_id = m.id where mr.region_code = ? and m.published_at >= ? and m.published_at < ? order by m.published_at, m.id`,
        ).all(region.code, start.toISOString(), end.toISOString())
      : db.prepare(
          `select ${MENTION_COLS} from mentions m cross join mention_regions mr on mr.mention_id = m.id and mr.region_code = ?
          left join analyses a on a.mention_id = m.id where ${range.sql} order by m.published_at, m.id`,
        ).all(region.code, ...range.params)
  ) as MentionRow[]
  const inWindow = new Set(rows.map((r) => r.id))
  const headIds = clusters.map((c) => c.clusterId).filter((id) => !inWindow.has(id))
  const heads = new Map<number, MentionRow>()
  const headStmt = db.prepare(`select ${MENTION_COLS} from json_each(?) j join mentions m on m.id = j.value left join analyses a on a.mention_id = m.id`)
  for (let i = 0; i < headIds.length; i += 500) for (const h of headStmt.all(JSON.stringify(headIds.slice(i, i + 500))) as MentionRow[]) heads.set(h.id, h)

  // Crawl runs and alerts up to the report's writing (at most a day after the window): the
  // morning run that completes yesterday's data, and the alerts it raised, belong to yesterday's report.
  const until = new Date(Math.max(end.getTime(), Math.min(o.now.getTime(), end.getTime() + 86_400_000))).toISOString()
  const alerts = db
    .prepare(
      `select id, rule, severity, title, created_at as createdAt, status, evidence_json as evidence, cluster_id as clusterId from alerts
      where region_code = ? and created_at >= ? and created_at < ? order by created_at`,
    )
    .all(region.code, start.toISOString(), until) as AlertRow[]

  let officialPosts: OfficialPost[] = []
  if (region.officialAccounts.length) {
    const names = JSON.stringify(region.officialAccounts.map((a) => a.name))
    const uids = JSON.stringify(region.officialAccounts.flatMap((a) => (a.id ? [a.id] : [])))
    officialPosts = db
      .prepare(
        `select m.id, m.published_at as at, m.author_name as author, a.cluster_id as cluster,
          exists (select 1 from mention_regions mr where mr.mention_id = m.id and mr.region_code = ?) as about
        from mentions m left join analyses a on a.mention_id = m.id
        where (m.author_name in (select value from json_each(?)) or m.author_id in (select value from json_each(?)))
          and m.published_at >= ? and m.published_at < ?`,
      )
      .all(region.code, names, uids, start.toISOString(), new Date(end.getTime() + RESPONSE_HOURS * 3_600_000).toISOString())
      .map((p) => ({ ...(p as OfficialPost), about: Boolean((p as { about: number }).about) }))
  }
  const crawls = db
    .prepare(
      `select source, status, fetched, inserted, error, stop_reason as stopReason, started_at as startedAt from crawl_runs
      where started_at >= ? and started_at < ? order by started_at`,
    )
    .all(start.toISOString(), until) as CrawlRow[]
  return { ...o, days, clusters, rows, heads, alerts, officialPosts, crawls }
}

// ---------------------------------------------------------------------------------------------
// The pure part.

const r1 = (x: number) => Math.round(x * 10) / 10
const r3 = (x: number) => Math.round(x * 1000) / 1000

export function sourceLabel(source: string): string {
  if (source.startsWith('weibo')) return '微博'
  if (source.startsWith('news')) return '新闻网站'
  return source
}

function sentimentCounts(days: readonly DayRow[]): SentimentCounts {
  const c: SentimentCounts = { pos: 0, neu: 0, neg: 0, none: 0 }
  for (const d of days) c[d.sentiment === 'pos' || d.sentiment === 'neu' || d.sentiment === 'neg' ? d.sentiment : 'none'] += d.mentions
  return c
}

const sum = (xs: readonly DayRow[]) => xs.reduce((n, d) => n + d.mentions, 0)

/** 央媒/省媒/市媒 by the media list; 政务号 a configured official account or a verified government name; 商业门户 other news; 自媒体 the rest. */
export function mediaTier(row: Pick<MentionRow, 'authorName' | 'authorId' | 'url' | 'source' | 'verified'>, official: ReadonlySet<string>): string {
  const media = isOfficialMedia(row.authorName, row.url)
  if (media) return media.tier
  if ((row.authorName && official.has(row.authorName)) || (row.authorId && official.has(row.authorId))) return '政务号'
  if (row.verified && row.authorName && GOV_NAME.test(row.authorName)) return '政务号'
  return row.source.startsWith('news') ? '商业门户' : '自媒体'
}

function snippet(text: string, n = 120): string {
  const t = text.replace(/\s+/g, ' ').trim()
  return t.length > n ? `${t.slice(0, n)}…` : t
}

function itemRef(m: MentionRow, tz: string, official: ReadonlySet<string>): ItemRef {
  return {
    id: m.id,
    source: m.source,
    title: m.title?.trim() ? snippet(m.title, 80) : snippet(m.text, 40),
    snippet: snippet(m.text),
    url: m.url,
    author: m.authorName,
    tier: mediaTier(m, official),
    publishedLocal: isoWithOffset(new Date(m.publishedAt), tz),
    sentiment: m.s,
    engagement: m.r + m.c + m.l,
    clusterId: m.cluster,
  }
}

/** Local hour key YYYY-MM-DDTHH:00 of a UTC instant. */
function localHour(at: string, tz: string): string {
  return isoWithOffset(new Date(at), tz).slice(0, 13) + ':00'
}

function dayPoints(days: readonly DayRow[], from: string, to: string): SeriesPoint[] {
  const out: SeriesPoint[] = []
  const by = new Map<string, SeriesPoint>()
  for (let d = from; d <= to; d = addDays(d, 1)) {
    const p = { at: d, pos: 0, neu: 0, neg: 0, none: 0 }
    out.push(p)
    by.set(d, p)
  }
  for (const r of days) {
    const p = by.get(r.day)
    if (p) p[r.sentiment === 'pos' || r.sentiment === 'neu' || r.sentiment === 'neg' ? r.sentiment : 'none'] += r.mentions
  }
  return out
}

export function assembleReport(d: ReportData): ReportModel {
  const { window: w, tz, region } = d
  const official = new Set(region.officialAccounts.flatMap((a) => [a.name, ...(a.id ? [a.id] : [])]))
  const inWin = d.days.filter((x) => x.day >= w.from && x.day <= w.to)
  const prevFrom = addDays(w.from, -w.days)
  const prev = d.days.filter((x) => x.day >= prevFrom && x.day < w.from)
  const before = d.days.filter((x) => x.day >= addDays(w.from, -7 * w.days) && x.day < w.from)
  const mentions = sum(inWin)
  const counts = sentimentCounts(inWin)
  const byId = new Map(d.rows.map((m) => [m.id, m]))
  // A story's 首发: its earliest published mention among those stored (the cluster's head, i.e.
  // the first one stored, may have been published later, e.g. a repost crawled first).
  const earliest = new Map<number, MentionRow>()
  for (const m of [...d.heads.values(), ...d.rows]) {
    const e = earliest.get(m.cluster)
    if (!e || m.publishedAt < e.publishedAt || (m.publishedAt === e.publishedAt && m.id < e.id)) earliest.set(m.cluster, m)
  }
  const headOf = (cluster: number) => earliest.get(cluster) ?? byId.get(cluster) ?? d.heads.get(cluster)

  // 指数
  const selfRow = d.rank.rows.find((x) => x.code === region.code) ?? null
  const prevRank = d.previousRank?.rank ?? null
  const rankDelta = selfRow?.rank != null && prevRank != null ? prevRank - selfRow.rank : null
  const DIMS: Array<[string, string]> = [
    ['visibility', '传播力'],
    ['favourability', '美誉度'],
    ['risk', '舆情风险（安全度）'],
    ['responsiveness', '回应力'],
  ]
  const ranked = d.rank.rows.filter((x) => x.rank !== null)
  const peers = [...ranked.slice(0, 10)]
  if (selfRow && !peers.includes(selfRow)) peers.push(selfRow)
  const index: IndexSection = {
    status: selfRow && selfRow.rank !== null ? 'ok' : 'insufficient',
    note: selfRow ? (selfRow.rank === null ? `提及 ${selfRow.mentions} 条，${selfRow.flags.join('、')}，不参与排名` : null) : '指数窗口内没有本地区的数据，未计算指数',
    version: d.rank.version,
    weights: d.rank.weights,
    row: selfRow
      ? {
          rank: selfRow.rank,
          index: r1(selfRow.index),
          mentions: selfRow.mentions,
          flags: selfRow.flags,
          dimensions: DIMS.map(([key, label]) => {
            const dim = selfRow.dimensions[key as keyof typeof selfRow.dimensions]
            return { key, label, score: dim ? r1(dim.score) : null, raw: dim ? r3(dim.raw) : null, weight: d.rank.weights[key as keyof typeof d.rank.weights] ?? 0 }
          }),
          favourabilityInterval: [r3(selfRow.dimensions.favourability.interval[0]), r3(selfRow.dimensions.favourability.interval[1])],
        }
      : null,
    rankDelta,
    peers: peers.map((x) => ({ rank: x.rank, code: x.code, name: x.name, index: r1(x.index), mentions: x.mentions, flags: x.flags, self: x.code === region.code })),
    peerCount: ranked.length,
    window: { from: d.rank.period.from, to: d.rank.period.to },
  }

  // 热点事件: clusters by heat.
  const clusterMentions = new Map<number, number[]>()
  for (const m of d.rows) {
    let list = clusterMentions.get(m.cluster)
    if (!list) clusterMentions.set(m.cluster, (list = []))
    list.push(m.id)
  }
  const events: HotEvent[] = []
  for (const c of d.clusters) {
    const head = headOf(c.clusterId)
    if (!head) continue
    const neu = c.mentions - c.neg - c.pos
    const sentiment: Sentiment = c.neg > c.pos && c.neg >= neu ? 'neg' : c.pos > c.neg && c.pos >= neu ? 'pos' : 'neu'
    const first = itemRef(head, tz, official)
    events.push({
      clusterId: c.clusterId,
      title: first.title,
      mentions: c.mentions,
      neg: c.neg,
      pos: c.pos,
      sentiment,
      engagement: c.engagement,
      heat: r1(c.mentions + Math.log1p(c.engagement)),
      firstSeenLocal: first.publishedLocal,
      first,
      mentionIds: clusterMentions.get(c.clusterId) ?? [],
    })
  }
  events.sort((a, b) => b.heat - a.heat || a.clusterId - b.clusterId)
  const topEvents = events.slice(0, TOP_EVENTS)

  // 政务回应: net-negative clusters (neg > pos, as 舆情风险).
  const negClusters = d.clusters.filter((c) => c.neg > c.pos)
  const matches = region.officialAccounts.length
    ? matchResponses(
        negClusters.flatMap((c) => {
          const h = headOf(c.clusterId)
          return h ? [{ clusterId: c.clusterId, firstAt: h.publishedAt }] : []
        }),
        d.officialPosts,
      )
    : []
  const responded = new Map(matches.filter((m) => m.responded).map((m) => [m.clusterId, m]))

  // 重点舆情: alert evidence first, then negative items by engagement.
  const alertByMention = new Map<number, AlertRow>()
  for (const a of d.alerts) for (const id of parseIds(a.evidence)) if (!alertByMention.has(id)) alertByMention.set(id, a)
  const candidates = d.rows.filter((m) => alertByMention.has(m.id) || m.s === 'neg')
  candidates.sort((a, b) => Number(alertByMention.has(b.id)) - Number(alertByMention.has(a.id)) || b.r + b.c + b.l - (a.r + a.c + a.l) || a.id - b.id)
  const seenCluster = new Set<number>()
  const keyItems: KeyItem[] = []
  for (const m of candidates) {
    if (keyItems.length >= TOP_ITEMS) break
    if (seenCluster.has(m.cluster)) continue
    seenCluster.add(m.cluster)
    const a = alertByMention.get(m.id) ?? d.alerts.find((x) => x.clusterId === m.cluster) ?? null
    keyItems.push({
      ...itemRef(m, tz, official),
      reason: a ? '预警' : '负面',
      alert: a ? { id: a.id, rule: a.rule, severity: a.severity, title: a.title } : null,
      handling: responded.has(m.cluster) ? '已回应' : a && a.status !== 'open' ? '已确认' : '未处理',
      clusterMentions: clusterMentions.get(m.cluster)?.length ?? 1,
    })
  }

  // 媒体来源
  const tierCounts = new Map<string, number>(TIERS.map((t) => [t, 0]))
  for (const m of d.rows) {
    const t = mediaTier(m, official)
    tierCounts.set(t, (tierCounts.get(t) ?? 0) + 1)
  }
  const platformMap = new Map<string, number>()
  for (const x of inWin) platformMap.set(x.source, (platformMap.get(x.source) ?? 0) + x.mentions)
  const platforms = [...platformMap].map(([source, n]) => ({ source, label: sourceLabel(source), mentions: n })).sort((a, b) => b.mentions - a.mentions)

  // 地域: streets named in the texts; IP 属地.
  const streets: Array<{ code: string; name: string; mentions: number }> = []
  if (d.unit) {
    d.unit.streets.forEach((name, i) => {
      const stem = streetStem(name)
      const n = d.rows.filter((m) => hasName(m, name) || (stem !== undefined && stem.length >= 2 && hasName(m, stem))).length
      if (n > 0) streets.push({ code: `${region.code}-${i}`, name, mentions: n })
    })
    streets.sort((a, b) => b.mentions - a.mentions || a.name.localeCompare(b.name, 'zh'))
  }
  const ipMap = new Map<string, number>()
  for (const m of d.rows) if (m.ip) ipMap.set(m.ip, (ipMap.get(m.ip) ?? 0) + 1)
  const ipLocations = [...ipMap].map(([name, n]) => ({ name, mentions: n })).sort((a, b) => b.mentions - a.mentions).slice(0, 15)

  // 高频词
  const own = d.unit ? regionOwnNames(d.unit, region.aliases) : new Set([region.name, ...region.aliases])
  const words = new Map<string, { weight: number; mentions: number }>()
  for (const m of d.rows) {
    for (const k of parseKeywords(m.kw)) {
      if (own.has(k.word)) continue
      const e = words.get(k.word) ?? { weight: 0, mentions: 0 }
      e.weight += k.weight
      e.mentions++
      words.set(k.word, e)
    }
  }
  const topWords = [...words]
    .map(([word, e]) => ({ word, weight: r3(e.weight), mentions: e.mentions }))
    .sort((a, b) => b.weight - a.weight || a.word.localeCompare(b.word))
    .slice(0, TOP_WORDS)

  // 意见领袖
  const authors = new Map<string, { name: string; id: string | null; source: string; verified: boolean; followers: number | null; mentions: number; engagement: number; neg: number; top: MentionRow }>()
  for (const m of d.rows) {
    if (!m.authorName) continue
    const key = `${m.source}\u0000${m.authorId ?? m.authorName}`
    const e = authors.get(key) ?? { name: m.authorName, id: m.authorId, source: m.source, verified: m.verified === 1, followers: m.followers, mentions: 0, engagement: 0, neg: 0, top: m }
    e.mentions++
    e.engagement += m.r + m.c + m.l
    if (m.s === 'neg') e.neg++
    if (m.r + m.c + m.l > e.top.r + e.top.c + e.top.l) e.top = m
    if (m.followers !== null && (e.followers === null || m.followers > e.followers)) e.followers = m.followers
    authors.set(key, e)
  }
  const leaders = [...authors.values()]
    .sort((a, b) => b.engagement - a.engagement || b.mentions - a.mentions || a.name.localeCompare(b.name))
    .slice(0, TOP_LEADERS)
    .map(({ top, ...a }) => ({ ...a, topMentionId: top.id }))

  // 走势
  const trendFrom = addDays(w.to, 1 - TREND_DAYS)
  const daily = dayPoints(d.days, trendFrom, w.to)
  const hourly: SeriesPoint[] = []
  if (w.kind === 'daily') {
    const by = new Map<string, SeriesPoint>()
    for (let h = 0; h < 24; h++) {
      const p = { at: `${w.from}T${String(h).padStart(2, '0')}:00`, pos: 0, neu: 0, neg: 0, none: 0 }
      hourly.push(p)
      by.set(p.at, p)
    }
    for (const m of d.rows) {
      const p = by.get(localHour(m.publishedAt, tz))
      if (p) p[m.s ?? 'none']++
    }
  }

  const analysed = counts.pos + counts.neu + counts.neg
  const engagement = { reposts: 0, comments: 0, likes: 0 }
  for (const x of inWin) {
    engagement.reposts += x.reposts
    engagement.comments += x.comments
    engagement.likes += x.likes
  }
  const prevTotal = sum(prev)
  const hadBefore = before.length > 0
  const mean7 = hadBefore ? sum(before) / 7 : null
  const alertsInWindow = d.alerts.map((a) => ({ id: a.id, rule: a.rule, severity: a.severity, title: a.title, createdLocal: isoWithOffset(new Date(a.createdAt), tz), status: a.status, mentionIds: parseIds(a.evidence) }))
  const empty = mentions === 0
  const thin = (what: string) => (empty ? `${w.label}没有${region.name}的相关提及，无${what}` : mentions < THIN ? `样本较少（${mentions} 条），${what}仅供参考` : null)

  const notes = dataNotes(d, selfRow?.flags ?? [])
  const kindLabel = KIND_LABELS[w.kind]
  return {
    schema: 'yuqing-report-1',
    kind: w.kind,
    title: `${region.name}舆情${kindLabel}（${w.label}）`,
    region: { code: region.code, name: region.name, fullName: `${region.province}${region.prefecture}${region.name}` },
    period: { from: w.from, to: w.to, days: w.days, timezone: tz, label: w.label },
    generatedLocal: isoWithOffset(d.now, tz),
    sections: {
      overview: {
        status: empty ? 'insufficient' : 'ok',
        note: empty ? `${w.label}没有采集到${region.name}的相关提及` : null,
        mentions,
        previous: prevTotal,
        delta: prev.length || hadBefore ? mentions - prevTotal : null,
        mean7: mean7 === null ? null : r1(mean7),
        deltaVsMean7: mean7 ? r3((mentions - mean7) / mean7) : null,
        bySource: platforms.map((p) => ({ ...p, previous: prev.filter((x) => x.source === p.source).reduce((n, x) => n + x.mentions, 0) })),
        sentiment: counts,
        stories: d.clusters.length,
        engagement,
        alerts: d.alerts.length,
        index: index.row ? index.row.index : null,
        rank: index.row?.rank ?? null,
        rankDelta,
        peers: index.peerCount,
      },
      keyItems: {
        status: keyItems.length ? 'ok' : 'insufficient',
        note: keyItems.length ? null : empty ? `${w.label}无相关提及` : `${w.label}无负面舆情和预警`,
        items: keyItems,
        alerts: alertsInWindow,
      },
      trend: {
        status: daily.some((p) => p.pos + p.neu + p.neg + p.none > 0) ? 'ok' : 'insufficient',
        note: daily.some((p) => p.pos + p.neu + p.neg + p.none > 0) ? null : `近 ${TREND_DAYS} 天没有相关提及，无走势`,
        daily,
        hourly,
      },
      sentiment: {
        status: analysed ? 'ok' : 'insufficient',
        note: analysed ? thin('情感分布') : empty ? `${w.label}无相关提及` : '提及尚未分析（运行 yuqing reanalyze）',
        counts,
        shares: { pos: analysed ? r3(counts.pos / analysed) : 0, neu: analysed ? r3(counts.neu / analysed) : 0, neg: analysed ? r3(counts.neg / analysed) : 0 },
        favourability: selfRow ? { theta: r3(selfRow.dimensions.favourability.theta), interval: [r3(selfRow.dimensions.favourability.interval[0]), r3(selfRow.dimensions.favourability.interval[1])] } : null,
      },
      hotEvents: { status: topEvents.length ? 'ok' : 'insufficient', note: topEvents.length ? null : `${w.label}没有成簇的事件`, events: topEvents },
      media: {
        status: d.rows.length ? 'ok' : 'insufficient',
        note: d.rows.length ? thin('来源分布') : `${w.label}无相关提及`,
        tiers: TIERS.map((t) => ({ tier: t, mentions: tierCounts.get(t) ?? 0 })),
        platforms,
      },
      geo: {
        status: streets.length || ipLocations.length ? 'ok' : 'insufficient',
        note: streets.length || ipLocations.length ? null : empty ? `${w.label}无相关提及` : '提及中没有出现街道名称，也没有 IP 属地',
        streets,
        ipLocations,
      },
      keywords: { status: topWords.length ? 'ok' : 'insufficient', note: topWords.length ? thin('高频词') : empty ? `${w.label}无相关提及` : '提及尚未提取关键词', words: topWords },
      leaders: { status: leaders.length ? 'ok' : 'insufficient', note: leaders.length ? null : empty ? `${w.label}无相关提及` : '提及没有作者信息', authors: leaders },
      responses: {
        status: region.officialAccounts.length && negClusters.length ? 'ok' : 'insufficient',
        note: !region.officialAccounts.length
          ? '未配置本地区政务账号（regions[].officialAccounts），回应力不计入指数'
          : negClusters.length
            ? null
            : `${w.label}没有以负面为主的事件，无需回应跟踪`,
        accounts: region.officialAccounts.map((a) => a.name),
        clusters: matches.map((m) => {
          const h = headOf(m.clusterId)!
          return {
            clusterId: m.clusterId,
            title: itemRef(h, tz, official).title,
            firstLocal: isoWithOffset(new Date(h.publishedAt), tz),
            responded: m.responded,
            responseLocal: m.post ? isoWithOffset(new Date(m.post.at), tz) : null,
            latencyHours: m.latencyHours === null ? null : r1(m.latencyHours),
            responder: m.post?.author ?? null,
            mentionIds: [...(m.post ? [m.post.id] : []), ...(clusterMentions.get(m.clusterId) ?? [])],
          }
        }),
        rate: matches.length ? r3(responded.size / matches.length) : null,
      },
      index,
      notes,
    },
  }
}

function hasName(m: MentionRow, name: string): boolean {
  return m.text.includes(name) || (m.title !== null && m.title.includes(name))
}

function parseIds(json: string): number[] {
  try {
    const v = JSON.parse(json) as unknown
    return Array.isArray(v) ? v.filter((x): x is number => Number.isInteger(x)) : []
  } catch {
    return []
  }
}

function parseKeywords(json: string | null): Array<{ word: string; weight: number }> {
  if (!json) return []
  try {
    const v = JSON.parse(json) as unknown
    if (!Array.isArray(v)) return []
    return v.flatMap((k) => (k && typeof k.word === 'string' && typeof k.weight === 'number' && Number.isFinite(k.weight) ? [{ word: k.word as string, weight: k.weight as number }] : []))
  } catch {
    return []
  }
}

function dataNotes(d: ReportData, flags: string[]): DataNotes {
  const bySource = new Map<string, DataNotes['crawls'][number]>()
  for (const c of d.crawls) {
    const e = bySource.get(c.source) ?? { source: c.source, runs: 0, ok: 0, failed: 0, partial: 0, fetched: 0, inserted: 0, lastError: null }
    e.runs++
    if (c.status === 'ok') e.ok++
    else if (c.status === 'failed') e.failed++
    else if (c.status === 'partial' || c.status === 'aborted') e.partial++
    e.fetched += c.fetched
    e.inserted += c.inserted
    if (c.status !== 'ok' && c.status !== 'running' && (c.error || c.stopReason)) e.lastError = c.error ?? c.stopReason
    bySource.set(c.source, e)
  }
  const crawls = [...bySource.values()]
  const missing = d.enabledSources.filter((s) => !bySource.has(s))
  const w = d.window
  const lines = [
    `统计时段：${w.from} 00:00 至 ${w.to} 24:00（${d.tz}），按发布时间计；数据库存储 UTC 时间。`,
    `“提及”指被归属到${d.region.name}（${d.region.code}）的一条微博、评论或新闻；近似重复的内容合并为一个事件（簇）。`,
    `网络形象指数 ${d.rank.version}：${d.rank.period.from} 至 ${d.rank.period.to} 的 ${d.rank.peers} 个地区；权重 ${Object.entries(d.rank.weights)
      .map(([k, v]) => `${DIM_NAMES[k] ?? k} ${v}`)
      .join('，')}；方法见 docs/INDEX.md。`,
  ]
  const failed = crawls.filter((c) => c.failed || c.partial)
  if (failed.length) lines.push(`采集异常：${failed.map((c) => `${sourceLabel(c.source)}（${c.source}）失败 ${c.failed} 次、不完整 ${c.partial} 次`).join('；')}，相关数据可能不全。`)
  if (missing.length) lines.push(`统计时段至报告生成期间未运行的已启用数据源：${missing.join('、')}，其数据可能缺失。`)
  if (!d.crawls.length) lines.push('统计时段至报告生成期间没有采集记录（数据可能来自导入）。')
  if (d.previousRank)
    lines.push(
      d.previousRank.via === 'report'
        ? `排名变化对比上一期报告中的排名（指数窗口 ${d.previousRank.from} 至 ${d.previousRank.to}）。`
        : `排名变化对比上一指数窗口（${d.previousRank.from} 至 ${d.previousRank.to}）按当前数据计算的排名。`,
    )
  if (flags.length) lines.push(`样本标记：${flags.join('、')}（样本不足：少于 10 条，不参与排名；低置信：少于 30 条）。`)
  return {
    status: 'ok',
    note: null,
    crawls,
    missingSources: missing,
    flags,
    indexVersion: d.rank.version,
    weights: d.rank.weights,
    lines,
  }
}

const DIM_NAMES: Record<string, string> = { visibility: '传播力', favourability: '美誉度', risk: '舆情风险', responsiveness: '回应力' }
