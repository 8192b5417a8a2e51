/**
 * 舆情风险 from rollup_story (migration 9) against a brute-force computation from the base tables:
 * a seeded random database of stories that run over several Asia/Shanghai days (times near
 * midnight included), windows that cut stories at either edge, official-media authors,
 * sensitive words in some stories' first mentions, and a reanalysis that moves mentions between
 * stories and flips sentiments (the rollups follow by deltas; a story's span never narrows).
 */
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { validateInterchange } from '../../src/core/mention.js'
import { fixedClock } from '../../src/core/clock.js'
import { silentLogger } from '../../src/core/logger.js'
import { riskSummary, type RiskCluster } from '../../src/index/compute.js'
import { createContext } from '../../src/services/context.js'
import { rank, regionInputs } from '../../src/services/rank.js'
import { SqliteStore } from '../../src/store/sqlite.js'
import { tmpDir } from '../helpers/cli.js'

const REGIONS = ['440306', '440305', '440307']
const WORDS = ['爆炸', '坍塌']
const DAY0 = Date.parse('2026-11-20T00:00:00+08:00')
let ws: { dir: string; cleanup: () => void }
let cfg: string
let dbFile: string

/** Deterministic pseudo-random numbers (mulberry32). */
function rng(seed: number): () => number {
  let a = seed
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

type Label = 'pos' | 'neu' | 'neg'
const localDay = (iso: string) => new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(0, 10)

/** Analyses for every mention: story = the head's id, region and label from `plan`. */
function analyses(ids: number[], plan: Array<{ region: string; label: Label; head: number }>, version: string) {
  return plan.map((p, i) => ({
    mentionId: ids[i]!,
    version,
    sentiment: { score: 0, label: p.label, confidence: 1 },
    keywords: [],
    topics: [],
    simhash: null,
    clusterId: p.head === i ? null : ids[p.head]!,
    regions: [{ code: p.region, evidence: 't', confidence: 1 }],
  }))
}

/** Brute force: per region, the stories net-negative over [from, to], from mentions, analyses and mention_regions. */
function expected(store: SqliteStore, from: string, to: string): Map<string, RiskCluster[]> {
  const rows = store.db
    .prepare(
      `select mr.region_code as region, coalesce(a.cluster_id, m.id) as story, a.sentiment_label as label, m.published_at as at,
        coalesce(m.reposts,0) + coalesce(m.comments,0) + coalesce(m.likes,0) as eng, m.author_name as author
      from mentions m join mention_regions mr on mr.mention_id = m.id left join analyses a on a.mention_id = m.id`,
    )
    .all() as Array<{ region: string; story: number; label: Label | null; at: string; eng: number; author: string }>
  const byStory = new Map<string, { region: string; story: number; n: number; neg: number; pos: number; eng: number; om: number }>()
  for (const r of rows) {
    const d = localDay(r.at)
    if (d < from || d > to) continue
    const k = `${r.region}:${r.story}`
    const s = byStory.get(k) ?? { region: r.region, story: r.story, n: 0, neg: 0, pos: 0, eng: 0, om: 0 }
    s.n++
    if (r.label === 'neg') s.neg++
    if (r.label === 'pos') s.pos++
    s.eng += r.eng
    if (r.author === '人民日报') s.om++
    byStory.set(k, s)
  }
  const head = store.db.prepare(`select coalesce(title, '') || ' ' || text from mentions where id = ?`).pluck()
  const out = new Map<string, RiskCluster[]>()
  for (const s of byStory.values()) {
    if (!(s.neg > s.pos)) continue
    const text = head.get(s.story) as string
    const list = out.get(s.region) ?? []
    list.push({ clusterId: s.story, mentions: s.n, neg: s.neg, engagement: s.eng, officialMedia: s.om > 0, sensitive: WORDS.some((w) => text.includes(w)) })
    out.set(s.region, list)
  }
  return out
}

const WINDOWS: Array<[string, string]> = [
  ['2026-11-20', '2026-12-01'],
  ['2026-11-22', '2026-11-22'],
  ['2026-11-23', '2026-11-26'],
  ['2026-11-25', '2026-11-30'],
  ['2026-11-21', '2026-11-27'],
]

function check(): number {
  const ctx = createContext({ configFlag: cfg, clock: fixedClock('2026-12-02T00:00:00Z'), log: silentLogger })
  let cut = 0
  try {
    const store = ctx.store()
    for (const [from, to] of WINDOWS) {
      const want = expected(store, from, to)
      const got = regionInputs(ctx, store, from, to, REGIONS)
      for (const code of REGIONS) {
        const w = riskSummary(want.get(code) ?? [])
        const g = got.find((r) => r.code === code)!.risk
        expect({ window: `${from}..${to}`, code, clusters: g.clusters }).toEqual({ window: `${from}..${to}`, code, clusters: w.clusters })
        expect(g.pressure).toBeCloseTo(w.pressure, 9)
      }
      // --explain lists the same stories for a region.
      const r = rank(ctx, { period: `${from}..${to}`, explain: '440306' })
      const listed = (r.explain!.inputs.riskClusters ?? []).map((k) => k.clusterId).sort((a, b) => a - b)
      expect(listed).toEqual((want.get('440306') ?? []).map((k) => k.clusterId).sort((a, b) => a - b))
      for (const k of r.explain!.inputs.riskClusters ?? []) expect(k).toEqual(want.get('440306')!.find((x) => x.clusterId === k.clusterId))
    }
    // The rollups kept by deltas equal the ones rebuilt from their sources: rollup_region from
    // rollup_day, rollup_story's totals from rollup_cluster (its span holds every day it has rows on).
    const sums = 'sum(mentions), sum(polar), sum(news_stories), sum(social_stories), sum(reposts), sum(comments), sum(likes), round(sum(pos_weight), 9), round(sum(neg_weight), 9)'
    const byRegion = store.db.prepare(`select day, region_code, ${sums} from rollup_region where mentions > 0 group by 1, 2 order by 1, 2`).raw().all()
    const fromDays = store.db
      .prepare(
        `select day, region_code, ${sums} from (select day, region_code, mentions, case when sentiment in ('pos','neg') then mentions else 0 end as polar,
          case when source like 'news%' then stories else 0 end as news_stories, case when source like 'news%' then 0 else stories end as social_stories,
          reposts, comments, likes, case when sentiment = 'pos' then weight else 0 end as pos_weight, case when sentiment = 'neg' then weight else 0 end as neg_weight
          from rollup_day where mentions > 0) group by 1, 2 order by 1, 2`,
      )
      .raw()
      .all()
    expect(byRegion).toEqual(fromDays)
    expect(byRegion.length).toBeGreaterThan(20)
    const stories = store.db.prepare('select region_code, cluster_id, mentions, neg, pos, engagement, official_media from rollup_story where mentions > 0 order by 1, 2').raw().all()
    const fromClusters = store.db
      .prepare('select region_code, cluster_id, sum(mentions), sum(neg), sum(pos), sum(engagement), sum(official_media) from rollup_cluster where mentions > 0 group by 1, 2 order by 1, 2')
      .raw()
      .all()
    expect(stories).toEqual(fromClusters)
    const outside = store.db.prepare('select count(*) from rollup_cluster c join rollup_story s using (region_code, cluster_id) where c.mentions > 0 and (c.day < s.first_day or c.day > s.last_day)').pluck().get()
    expect(outside).toBe(0)
    // How many stories the windows cut (crossing an edge): the day-by-day path was exercised.
    for (const [from, to] of WINDOWS)
      cut += store.db.prepare(`select count(*) from rollup_story where last_day > first_day and first_day <= ? and last_day >= ? and (first_day < ? or last_day > ?)`).pluck().get(to, from, from, to) as number
  } finally {
    ctx.close()
  }
  return cut
}

describe('舆情风险 from the story rollup', () => {
  let ids: number[] = []
  let plan: Array<{ region: string; label: Label; head: number }> = []
  beforeAll(() => {
    ws = tmpDir()
    cfg = path.join(ws.dir, 'yuqing.yaml')
    dbFile = path.join(ws.dir, 's.db')
    writeFileSync(cfg, `database: { path: s.db }\nalerts:\n  sensitiveWords: { 安全事故: [${WORDS.join(', ')}] }\n`)
    const rand = rng(7)
    const store = SqliteStore.open(dbFile)
    const inputs = []
    plan = []
    // 60 stories, each 1–8 mentions over up to 4 days from a start near a day boundary.
    for (let s = 0; s < 60; s++) {
      const head = plan.length
      const region = REGIONS[Math.floor(rand() * REGIONS.length)]!
      const start = DAY0 + Math.floor(rand() * 10) * 86_400_000 + (rand() < 0.5 ? 23.5 * 3_600_000 : rand() * 86_400_000)
      const n = 1 + Math.floor(rand() * 8)
      const spanH = rand() < 0.5 ? 4 : 96
      const negBias = rand()
      for (let j = 0; j < n; j++) {
        const i = inputs.length
        const at = new Date(start + (j === 0 ? 0 : rand() * spanH * 3_600_000))
        const text = `${j === 0 && rand() < 0.3 ? WORDS[Math.floor(rand() * 2)] : '路面'}事件 ${s}-${j}`
        const v = validateInterchange({ source: 'weibo', platformId: `s${i}`, text, authorName: rand() < 0.15 ? '人民日报' : '市民', publishedAt: at.toISOString(), reposts: Math.floor(rand() * 50), comments: Math.floor(rand() * 20), likes: Math.floor(rand() * 100) })
        if (!v.ok) throw new Error(v.reason)
        inputs.push(v.mention)
        plan.push({ region, label: rand() < negBias ? 'neg' : rand() < 0.5 ? 'pos' : 'neu', head })
      }
    }
    ids = store.upsertMentions(inputs).outcomes.map((o) => o.id!)
    store.saveAnalyses(analyses(ids, plan, 't1'))
    store.close()
  })
  afterAll(() => ws?.cleanup())

  it('equals the brute-force stories for windows inside, across and cutting stories', () => {
    expect(check()).toBeGreaterThan(10)
  })

  it('stays equal after a reanalysis moves mentions between stories and flips sentiments', () => {
    const rand = rng(11)
    const moved = plan.map((p, i) => {
      if (p.head === i || rand() > 0.3) return { ...p, label: rand() < 0.5 ? p.label : (['pos', 'neg', 'neu'] as const)[Math.floor(rand() * 3)]! }
      // Into another story's head (an earlier mention), or its own story.
      const heads = plan.flatMap((q, k) => (q.head === k && k < i ? [k] : []))
      return { ...p, head: rand() < 0.5 ? i : heads[Math.floor(rand() * heads.length)]! }
    })
    const store = SqliteStore.open(dbFile)
    store.saveAnalyses(analyses(ids, moved, 't2'))
    store.close()
    plan = moved
    expect(check()).toBeGreaterThan(10)
  })
})
