/**
 * Rollups (migrations 7, 8 and 9): what rankings, reports and trends read instead of scanning mentions.
 *
 * A mention attributed to regions contributes, per region, one unit to rollup_day (its local
 * day × source × sentiment), one to rollup_cluster (its day × story cluster) and, once analysed,
 * one to rollup_topic per topic of its analysis (day × topic × source × sentiment), one to
 * rollup_region (day, all sources and sentiments) and one to rollup_story (its story cluster,
 * all days, with the span of days). Writers keep
 * the rollups exact by deltas inside their own transaction: `apply(ids, -1)` before a mention's
 * analysis, regions or engagement change, `apply(ids, +1)` after. The day is the Asia/Shanghai
 * calendar day (UTC+8, no daylight saving), the reports' day.
 */
import type BetterSqlite3 from 'better-sqlite3'
import { isOfficialMedia } from '../alerts/media.js'

type Database = BetterSqlite3.Database

/** SQL for a mention's local day (Asia/Shanghai) from its UTC ISO `published_at`. */
export const LOCAL_DAY_SQL = (col: string) => `date(${col}, '+8 hours')`

/** Source weight of a vote (INDEX.md 1.1 B): 央媒 ×2, 省媒 ×1.5, others ×1. */
export function sourceTier(authorName: string | null, url: string | null): number {
  const m = isOfficialMedia(authorName, url)
  return m?.tier === '央媒' ? 2 : m?.tier === '省媒' ? 1.5 : 1
}

export function registerRollupFunctions(db: Database): void {
  db.function('yq_tier', { deterministic: true }, (name: unknown, url: unknown) => sourceTier(typeof name === 'string' ? name : null, typeof url === 'string' ? url : null))
  db.function('yq_official_media', { deterministic: true }, (name: unknown, url: unknown) =>
    isOfficialMedia(typeof name === 'string' ? name : null, typeof url === 'string' ? url : null) ? 1 : 0,
  )
}

/** The contribution rows of the mentions `from` selects (it must bind m and mr), times `:sign`. */
function daySql(from: string): string {
  const eng = 'coalesce(m.reposts, 0) + coalesce(m.comments, 0) + coalesce(m.likes, 0)'
  return `insert into rollup_day (day, region_code, source, sentiment, mentions, stories, reposts, comments, likes, weight)
    select ${LOCAL_DAY_SQL('m.published_at')}, mr.region_code, m.source, coalesce(a.sentiment_label, 'none'),
      :sign * count(*), :sign * sum(a.cluster_id is null or a.cluster_id = m.id),
      :sign * sum(coalesce(m.reposts, 0)), :sign * sum(coalesce(m.comments, 0)), :sign * sum(coalesce(m.likes, 0)),
      :sign * sum(case when a.sentiment_label in ('pos', 'neg')
        then yq_tier(m.author_name, m.url) * (1 + ln(1 + ${eng})) * coalesce(a.sentiment_confidence, 1) else 0 end)
    ${from} left join analyses a on a.mention_id = m.id
    where true group by 1, 2, 3, 4
    on conflict (day, region_code, source, sentiment) do update set
      mentions = mentions + excluded.mentions, stories = stories + excluded.stories, reposts = reposts + excluded.reposts,
      comments = comments + excluded.comments, likes = likes + excluded.likes, weight = weight + excluded.weight`
}

/** Per day × region: rollup_day's sums over its sources and sentiments, as the index reads them. */
function regionSql(from: string): string {
  const eng = 'coalesce(m.reposts, 0) + coalesce(m.comments, 0) + coalesce(m.likes, 0)'
  const vote = `yq_tier(m.author_name, m.url) * (1 + ln(1 + ${eng})) * coalesce(a.sentiment_confidence, 1)`
  const starts = '(a.cluster_id is null or a.cluster_id = m.id)'
  return `insert into rollup_region (day, region_code, mentions, polar, news_stories, social_stories, reposts, comments, likes, pos_weight, neg_weight)
    select ${LOCAL_DAY_SQL('m.published_at')}, mr.region_code, :sign * count(*), :sign * sum(coalesce(a.sentiment_label in ('pos', 'neg'), 0)),
      :sign * sum(m.source like 'news%' and ${starts}), :sign * sum(m.source not like 'news%' and ${starts}),
      :sign * sum(coalesce(m.reposts, 0)), :sign * sum(coalesce(m.comments, 0)), :sign * sum(coalesce(m.likes, 0)),
      :sign * sum(case when a.sentiment_label = 'pos' then ${vote} else 0 end), :sign * sum(case when a.sentiment_label = 'neg' then ${vote} else 0 end)
    ${from} left join analyses a on a.mention_id = m.id
    where true group by 1, 2
    on conflict (day, region_code) do update set
      mentions = mentions + excluded.mentions, polar = polar + excluded.polar, news_stories = news_stories + excluded.news_stories,
      social_stories = social_stories + excluded.social_stories, reposts = reposts + excluded.reposts, comments = comments + excluded.comments,
      likes = likes + excluded.likes, pos_weight = pos_weight + excluded.pos_weight, neg_weight = neg_weight + excluded.neg_weight`
}

/** rollup_region from rollup_day (the same sums): cheaper than the base tables. */
const REGION_FROM_DAYS = `insert into rollup_region (day, region_code, mentions, polar, news_stories, social_stories, reposts, comments, likes, pos_weight, neg_weight)
  select day, region_code, sum(mentions), sum(case when sentiment in ('pos', 'neg') then mentions else 0 end),
    sum(case when source like 'news%' then stories else 0 end), sum(case when source like 'news%' then 0 else stories end),
    sum(reposts), sum(comments), sum(likes), sum(case when sentiment = 'pos' then weight else 0 end), sum(case when sentiment = 'neg' then weight else 0 end)
  from rollup_day group by day, region_code`

function clusterSql(from: string): string {
  return `insert into rollup_cluster (day, region_code, cluster_id, mentions, neg, pos, engagement, official_media)
    select ${LOCAL_DAY_SQL('m.published_at')}, mr.region_code, coalesce(a.cluster_id, m.id),
      :sign * count(*), :sign * sum(a.sentiment_label = 'neg'), :sign * sum(a.sentiment_label = 'pos'),
      :sign * sum(coalesce(m.reposts, 0) + coalesce(m.comments, 0) + coalesce(m.likes, 0)),
      :sign * sum(yq_official_media(m.author_name, m.url))
    ${from} left join analyses a on a.mention_id = m.id
    where true group by 1, 2, 3
    on conflict (day, region_code, cluster_id) do update set
      mentions = mentions + excluded.mentions, neg = neg + excluded.neg, pos = pos + excluded.pos,
      engagement = engagement + excluded.engagement, official_media = official_media + excluded.official_media`
}

/**
 * Per region × story: the totals, and the span of days ever added (a removal never narrows it,
 * so the span holds the story's rows in rollup_cluster; rank reads inside-window stories whole).
 */
function storySql(from: string): string {
  return `insert into rollup_story (region_code, cluster_id, first_day, last_day, mentions, neg, pos, engagement, official_media)
    select mr.region_code, coalesce(a.cluster_id, m.id), min(${LOCAL_DAY_SQL('m.published_at')}), max(${LOCAL_DAY_SQL('m.published_at')}),
      :sign * count(*), :sign * sum(a.sentiment_label = 'neg'), :sign * sum(a.sentiment_label = 'pos'),
      :sign * sum(coalesce(m.reposts, 0) + coalesce(m.comments, 0) + coalesce(m.likes, 0)),
      :sign * sum(yq_official_media(m.author_name, m.url))
    ${from} left join analyses a on a.mention_id = m.id
    where true group by 1, 2
    on conflict (region_code, cluster_id) do update set
      first_day = min(first_day, excluded.first_day), last_day = max(last_day, excluded.last_day),
      mentions = mentions + excluded.mentions, neg = neg + excluded.neg, pos = pos + excluded.pos,
      engagement = engagement + excluded.engagement, official_media = official_media + excluded.official_media`
}

/** rollup_story from rollup_cluster (same totals, the exact span): cheaper than the base tables. */
const STORY_FROM_CLUSTERS = `insert into rollup_story (region_code, cluster_id, first_day, last_day, mentions, neg, pos, engagement, official_media)
  select region_code, cluster_id, min(day), max(day), sum(mentions), sum(neg), sum(pos), sum(engagement), sum(official_media)
  from rollup_cluster where mentions > 0 group by region_code, cluster_id`

/** One row per topic of the analysis (analyses.topics_json, a JSON array of names); unanalysed mentions have none. */
function topicSql(from: string): string {
  return `insert into rollup_topic (day, region_code, topic, source, sentiment, mentions)
    select ${LOCAL_DAY_SQL('m.published_at')}, mr.region_code, t.value, m.source, coalesce(a.sentiment_label, 'none'), :sign * count(*)
    ${from} join analyses a on a.mention_id = m.id
      join json_each(case when json_valid(a.topics_json) then a.topics_json else '[]' end) t
    where t.type = 'text' group by 1, 2, 3, 4, 5
    on conflict (day, region_code, topic, source, sentiment) do update set mentions = mentions + excluded.mentions`
}

/** The rollup tables; `rebuild` takes a subset (each migration rebuilds the tables it created). */
export type RollupTable = 'day' | 'cluster' | 'topic' | 'region' | 'story'
/** In rebuilding order: rollup_region is built from rollup_day, rollup_story from rollup_cluster. */
export const ROLLUP_TABLES: readonly RollupTable[] = ['day', 'cluster', 'topic', 'region', 'story']
const TABLE: Record<RollupTable, string> = { day: 'rollup_day', cluster: 'rollup_cluster', topic: 'rollup_topic', region: 'rollup_region', story: 'rollup_story' }
const SQL_OF: Record<RollupTable, (from: string) => string> = { day: daySql, cluster: clusterSql, topic: topicSql, region: regionSql, story: storySql }

const BY_IDS = 'from json_each(:ids) j join mentions m on m.id = j.value join mention_regions mr on mr.mention_id = m.id'
const ALL = 'from mention_regions mr join mentions m on m.id = mr.mention_id'

export class Rollups {
  private stmts: BetterSqlite3.Statement[] | undefined

  constructor(private readonly db: Database) {}

  /** Adds (sign 1) or removes (sign -1) these mentions' contributions. Call inside the writer's transaction. */
  apply(ids: readonly number[], sign: 1 | -1): void {
    if (!ids.length) return
    // Prepared on first use: migration 7's rebuild runs before rollup_topic, _region and _story exist.
    this.stmts ??= ROLLUP_TABLES.map((t) => this.db.prepare(SQL_OF[t](BY_IDS)))
    const json = JSON.stringify(ids)
    for (const s of this.stmts) s.run({ ids: json, sign })
  }

  /** Recomputes rollups from the base tables (all of them by default; a migration passes the ones it created). */
  rebuild(tables: readonly RollupTable[] = ROLLUP_TABLES): void {
    for (const t of ROLLUP_TABLES.filter((x) => tables.includes(x))) {
      this.db.exec(`delete from ${TABLE[t]}`)
      if (t === 'story') this.db.exec(STORY_FROM_CLUSTERS)
      else if (t === 'region') this.db.exec(REGION_FROM_DAYS)
      else this.db.prepare(SQL_OF[t](ALL)).run({ sign: 1 })
    }
  }

  /** Drops rows whose contributions all went away. */
  prune(): number {
    let n = 0
    for (const t of ROLLUP_TABLES) n += this.db.prepare(`delete from ${TABLE[t]} where mentions <= 0`).run().changes
    return n
  }
}
