/**
 * The report model (日报/周报/月报): everything a report says, built once from stored rows by
 * report/build.ts and rendered by each format (terminal, Markdown, HTML, PDF, DOCX, JSON).
 * Renderers only lay out what is here; they never compute a number. Every quoted item carries
 * the mention ids it stands for, so a number can be traced to rows (`yuqing search`, `export`).
 *
 * Sections follow ../shared/design/INDEX.md 1.2. A section with too little data has
 * `status: 'insufficient'` and a Chinese `note` saying so; renderers print the note instead of
 * an empty chart or table. Crawled text (titles, authors, snippets, urls, words) is hostile:
 * renderers escape it for their format.
 */

export type Sentiment = 'pos' | 'neu' | 'neg'
export type ReportKind = 'daily' | 'weekly' | 'monthly'
export type SectionStatus = 'ok' | 'insufficient'

export interface SectionBase {
  status: SectionStatus
  /** Why the section is thin or empty, in Chinese (e.g. "当日无负面舆情"); null when ok. */
  note: string | null
}

export interface SentimentCounts {
  pos: number
  neu: number
  neg: number
  /** Not yet analysed. */
  none: number
}

export interface Overview extends SectionBase {
  mentions: number
  /** Mentions in the previous window of the same length (yesterday for a daily report). */
  previous: number
  /** mentions − previous; null when the previous window has no data at all. */
  delta: number | null
  /** Mean mentions per window over the 7 windows before this one (daily: the 7 days before). */
  mean7: number | null
  /** (mentions − mean7) / mean7; null when mean7 is 0 or null. */
  deltaVsMean7: number | null
  bySource: Array<{ source: string; label: string; mentions: number; previous: number }>
  sentiment: SentimentCounts
  /** Story clusters (stories) in the window. */
  stories: number
  engagement: { reposts: number; comments: number; likes: number }
  alerts: number
  /** From the index section, repeated here for the headline; null when not ranked. */
  index: number | null
  rank: number | null
  rankDelta: number | null
  peers: number
}

export interface ItemRef {
  /** mentions.id */
  id: number
  source: string
  title: string
  /** The first ~120 characters of the text. */
  snippet: string
  url: string | null
  author: string | null
  /** 央媒, 省媒, 市媒, 商业门户, 自媒体, 政务号 */
  tier: string
  /** Published, ISO 8601 with the report time zone's offset (+08:00). */
  publishedLocal: string
  sentiment: Sentiment | null
  engagement: number
  clusterId: number | null
}

export interface KeyItem extends ItemRef {
  /** Why it is listed: 预警 (an alert), 负面 (a negative item). */
  reason: string
  /** The alert's rule and severity when from an alert. */
  alert: { id: number; rule: string; severity: string; title: string } | null
  /** 未处理 (no action), 已确认 (alert acked), 已回应 (an official account responded in the cluster). */
  handling: '未处理' | '已确认' | '已回应'
  /** Mentions in the item's story cluster in the window. */
  clusterMentions: number
}

export interface KeyItems extends SectionBase {
  items: KeyItem[]
  /** Alerts created in the window (all rules). */
  alerts: Array<{ id: number; rule: string; severity: string; title: string; createdLocal: string; status: string; mentionIds: number[] }>
}

export interface SeriesPoint {
  /** YYYY-MM-DD, or YYYY-MM-DDTHH:00 for hourly points (report time zone). */
  at: string
  pos: number
  neu: number
  neg: number
  none: number
}

export interface Trend extends SectionBase {
  /** One point per day for the last 30 days ending at period.to. */
  daily: SeriesPoint[]
  /** Daily reports: one point per hour of the report day (24 points); empty otherwise. */
  hourly: SeriesPoint[]
}

export interface SentimentShare extends SectionBase {
  counts: SentimentCounts
  /** Shares of the analysed mentions (pos + neu + neg), 0–1. */
  shares: { pos: number; neu: number; neg: number }
  /** 美誉度 from the index: shrunk θ and its 90% interval (0–1); null when not computed. */
  favourability: { theta: number; interval: [number, number] } | null
}

export interface HotEvent {
  clusterId: number
  /** The first mention's title or text start. */
  title: string
  mentions: number
  neg: number
  pos: number
  /** pos, neu or neg by majority of the cluster's mentions in the window. */
  sentiment: Sentiment
  engagement: number
  /** heat = mentions + ln(1 + engagement), the ordering key. */
  heat: number
  firstSeenLocal: string
  /** 首发: the earliest stored mention of the cluster. */
  first: ItemRef
  mentionIds: number[]
}

export interface HotEvents extends SectionBase {
  events: HotEvent[]
}

export interface MediaDistribution extends SectionBase {
  /** 央媒/省媒/市媒/商业门户/自媒体/政务号, every tier listed even at 0. */
  tiers: Array<{ tier: string; mentions: number }>
  platforms: Array<{ source: string; label: string; mentions: number }>
}

export interface GeoDistribution extends SectionBase {
  /** 街道/乡镇 of the region named in the window's texts. */
  streets: Array<{ code: string; name: string; mentions: number }>
  /** IP 属地 of posters (Weibo's region_name), where present. */
  ipLocations: Array<{ name: string; mentions: number }>
}

export interface Keywords extends SectionBase {
  /** Top terms by summed keyword weight, the region's own names excluded. */
  words: Array<{ word: string; weight: number; mentions: number }>
}

export interface Leaders extends SectionBase {
  authors: Array<{ name: string; id: string | null; source: string; verified: boolean; followers: number | null; mentions: number; engagement: number; neg: number; topMentionId: number }>
}

export interface ResponseTracking extends SectionBase {
  /** Official accounts configured for the region (names); empty means the dimension is dropped. */
  accounts: string[]
  clusters: Array<{ clusterId: number; title: string; firstLocal: string; responded: boolean; responseLocal: string | null; latencyHours: number | null; responder: string | null; mentionIds: number[] }>
  /** Share of the listed negative clusters with a response, 0–1; null when none are listed. */
  rate: number | null
}

export interface IndexSection extends SectionBase {
  version: string
  weights: Record<string, number>
  /** This region's row; null when it has no data in the window. */
  row: {
    rank: number | null
    index: number
    mentions: number
    flags: string[]
    dimensions: Array<{ key: string; label: string; score: number | null; raw: number | null; weight: number }>
    favourabilityInterval: [number, number]
  } | null
  rankDelta: number | null
  /** The top of the peer table, with this region always included. */
  peers: Array<{ rank: number | null; code: string; name: string; index: number; mentions: number; flags: string[]; self: boolean }>
  peerCount: number
  /** The index window (a daily report ranks over the 7 days ending at the report day). */
  window: { from: string; to: string }
}

export interface DataNotes extends SectionBase {
  crawls: Array<{ source: string; runs: number; ok: number; failed: number; partial: number; fetched: number; inserted: number; lastError: string | null }>
  /** Sources configured and enabled that never ran in the window. */
  missingSources: string[]
  flags: string[]
  indexVersion: string
  weights: Record<string, number>
  /** Lines of plain Chinese text: window, time zone, what "mention" means, coverage gaps. */
  lines: string[]
}

export interface ReportModel {
  schema: 'yuqing-report-1'
  kind: ReportKind
  /** e.g. 宝安区舆情日报（2026-12-02） */
  title: string
  region: { code: string; name: string; fullName: string }
  period: { from: string; to: string; days: number; timezone: string; label: string }
  generatedLocal: string
  sections: {
    overview: Overview
    keyItems: KeyItems
    trend: Trend
    sentiment: SentimentShare
    hotEvents: HotEvents
    media: MediaDistribution
    geo: GeoDistribution
    keywords: Keywords
    leaders: Leaders
    responses: ResponseTracking
    index: IndexSection
    notes: DataNotes
  }
}

/** Section order and Chinese headings, shared by every renderer. */
export const SECTION_TITLES: Array<[keyof ReportModel['sections'], string]> = [
  ['overview', '舆情概况'],
  ['keyItems', '重点舆情 / 预警'],
  ['trend', '走势图'],
  ['sentiment', '情感分布'],
  ['hotEvents', '热点事件 TOP10'],
  ['media', '媒体来源分布'],
  ['geo', '地域分布'],
  ['keywords', '高频词'],
  ['leaders', '意见领袖'],
  ['responses', '政务回应跟踪'],
  ['index', '网络形象指数'],
  ['notes', '数据说明'],
]

export const SENTIMENT_LABELS: Record<Sentiment | 'none', string> = { pos: '正面', neu: '中性', neg: '负面', none: '未分析' }

export const REPORT_FORMATS = ['terminal', 'md', 'html', 'pdf', 'docx', 'json'] as const
export type ReportFormat = (typeof REPORT_FORMATS)[number]
