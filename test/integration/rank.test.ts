/**
 * `yuqing rank` on a hand-built database whose scores are computed by hand below, step by step
 * (INDEX.md §1.1; docs in src/index/compute.ts). Four regions, all mentions on 2026-11-30
 * (Asia/Shanghai), no engagement (so every vote weighs tier·(1+ln 1) = 1) and confidence 1:
 *
 *   A 440306 宝安区  40 Weibo posts: 30 pos, 10 neg, each its own story
 *   B 440305 南山区  20 Weibo posts:  5 pos, 15 neg, each its own story          → 低置信 (N < 30)
 *   C 440307 龙岗区  30 mentions: 10 neu news articles, 10 pos posts, 10 neg posts in ONE story
 *   D 440303 罗湖区   5 posts, all pos                                           → 样本不足 (N < 10)
 *
 * The rank changes when a reanalysis flips sentiments (rollups follow the writes), and stored
 * data are untouched by a bad --period.
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { validateInterchange, type MentionInput } from '../../src/core/mention.js'
import { fixedClock } from '../../src/core/clock.js'
import { silentLogger } from '../../src/core/logger.js'
import { createContext } from '../../src/services/context.js'
import { runTask } from '../../src/services/jobs.js'
import { SqliteStore } from '../../src/store/sqlite.js'
import { ensureBuilt, parseJson, runCli, tmpDir } from '../helpers/cli.js'

let ws: { dir: string; cleanup: () => void }
let cfg: string
let dbFile: string
const AT = '2026-11-30T02:00:00.000Z' // 10:00 in Shanghai

type Label = 'pos' | 'neu' | 'neg'
interface Seed {
  region: string
  source: 'weibo' | 'news'
  label: Label
  story?: string
}

function mention(i: number, s: Seed): MentionInput {
  const v = validateInterchange({
    source: s.source,
    platformId: s.source === 'weibo' ? `p${i}` : undefined,
    url: s.source === 'news' ? `https://news.example.com/${i}.html` : undefined,
    title: s.source === 'news' ? `新闻 ${i}` : undefined,
    text: `第 ${i} 条`,
    authorName: '市民',
    publishedAt: AT,
    reposts: 0,
    comments: 0,
    likes: 0,
  })
  if (!v.ok) throw new Error(v.reason)
  return v.mention
}

function seeds(): Seed[] {
  const out: Seed[] = []
  const add = (n: number, s: Seed) => {
    for (let i = 0; i < n; i++) out.push(s)
  }
  add(30, { region: '440306', source: 'weibo', label: 'pos' })
  add(10, { region: '440306', source: 'weibo', label: 'neg' })
  add(5, { region: '440305', source: 'weibo', label: 'pos' })
  add(15, { region: '440305', source: 'weibo', label: 'neg' })
  add(10, { region: '440307', source: 'news', label: 'neu' })
  add(10, { region: '440307', source: 'weibo', label: 'pos' })
  add(10, { region: '440307', source: 'weibo', label: 'neg', story: 'C' })
  add(5, { region: '440303', source: 'weibo', label: 'pos' })
  return out
}

function build(): void {
  const store = SqliteStore.open(dbFile)
  const list = seeds()
  const sum = store.upsertMentions(
    list.map((s, i) => mention(i, s)),
    new Date(AT),
  )
  const ids = sum.outcomes.map((o) => o.id!)
  const storyHead = new Map<string, number>()
  store.saveAnalyses(
    list.map((s, i) => {
      const id = ids[i]!
      if (s.story && !storyHead.has(s.story)) storyHead.set(s.story, id)
      return {
        mentionId: id,
        version: 'test',
        sentiment: { score: s.label === 'pos' ? 0.8 : s.label === 'neg' ? -0.8 : 0, label: s.label, confidence: 1 },
        keywords: [],
        topics: [],
        simhash: null,
        clusterId: s.story ? storyHead.get(s.story)! : null,
        regions: [{ code: s.region, evidence: 'test', confidence: 1 }],
      }
    }),
    new Date(AT),
  )
  store.close()
}

// ---- by hand ---------------------------------------------------------------------------------
const ln = Math.log
const m = 20 // index.priorStrength
// μ = ΣPos / Σ(Pos+Neg) over all four regions = (30+5+10+5) / (40+20+20+5)
const mu = 50 / 85
// θ = (Pos + m·μ) / (Pos + Neg + m)
const theta = { A: (30 + m * mu) / (40 + m), B: (5 + m * mu) / (20 + m), C: (10 + m * mu) / (20 + m), D: (5 + m * mu) / (5 + m) }
// 传播力 = 0.35·ln(1+N_news) + 0.30·ln(1+N_social stories) + 0.35·A3 (A3 = 0: no engagement);
//   C has 10 news stories and 11 social ones (10 single posts + the one story of 10)
const vis = { A: 0.3 * ln(41), B: 0.3 * ln(21), C: 0.35 * ln(11) + 0.3 * ln(12), D: 0.3 * ln(6) }
// 风险: each net-negative story k adds heat·sev = (ln(1+N_k) + ln(1+0)) · (neg share 1)
//   A: 10 one-post stories → ln(1 + 10·ln2); B: 15 → ln(1 + 15·ln2); C: one story of 10 → ln(1 + ln 11); D: none → 0
const risk = { A: ln(1 + 10 * ln(2)), B: ln(1 + 15 * ln(2)), C: ln(1 + ln(11)), D: 0 }

/**
 * Scales are fitted on the ranked regions A, B, C only (D has too few mentions). Fewer than
 * 100 peers: winsorise at P5/P95 (linear interpolation between order statistics, so for three
 * sorted values s0 ≤ s1 ≤ s2: P5 = s0 + 0.1·(s1−s0), P95 = s1 + 0.9·(s2−s1)), then min-max.
 */
function minmax(values: Record<'A' | 'B' | 'C' | 'D', number>) {
  const [s0, s1, s2] = [values.A, values.B, values.C].sort((a, b) => a - b) as [number, number, number]
  const lo = s0 + 0.1 * (s1 - s0)
  const hi = s1 + 0.9 * (s2 - s1)
  return (x: number) => (100 * (Math.min(hi, Math.max(lo, x)) - lo)) / (hi - lo)
}
const sv = minmax(vis)
const sb = minmax(theta)
const sr = minmax(risk)
// No official accounts: 回应力 dropped, weights 0.3/0.4/0.2 renormalised by 0.9.
const composite = (k: 'A' | 'B' | 'C' | 'D') => (0.3 / 0.9) * sv(vis[k]) + (0.4 / 0.9) * sb(theta[k]) + (0.2 / 0.9) * (100 - sr(risk[k]))
const expected = { A: composite('A'), B: composite('B'), C: composite('C'), D: composite('D') }
const CODE = { A: '440306', B: '440305', C: '440307', D: '440303' } as const

beforeAll(() => {
  ensureBuilt()
  ws = tmpDir()
  dbFile = path.join(ws.dir, 'rank.db')
  cfg = path.join(ws.dir, 'yuqing.yaml')
  writeFileSync(cfg, 'database: { path: rank.db }\n')
  build()
})
afterAll(() => (process.env.KEEP ? undefined : ws?.cleanup()))

describe('yuqing rank on a hand-computed database', () => {
  it('gives the scores, order, intervals and flags computed by hand', async () => {
    const r = await runCli(['rank', '--config', cfg, '--period', 'day', '--date', '2026-11-30', '--json'])
    expect(r.code, r.stderr).toBe(0)
    const out = parseJson(r)
    expect(out.period).toMatchObject({ from: '2026-11-30', to: '2026-11-30', days: 1 })
    expect(out.prior).toBeCloseTo(mu, 10)
    const rows = Object.fromEntries(out.rows.map((x: any) => [x.code, x]))
    for (const k of ['A', 'B', 'C', 'D'] as const) {
      const row = rows[CODE[k]]
      expect(row.index, k).toBeCloseTo(expected[k], 8)
      expect(row.dimensions.favourability.theta, k).toBeCloseTo(theta[k], 10)
      expect(row.dimensions.visibility.raw, k).toBeCloseTo(vis[k], 10)
      expect(row.dimensions.risk.raw, k).toBeCloseTo(risk[k], 10)
      expect(row.dimensions.responsiveness).toBeNull()
      const [lo, hi] = row.dimensions.favourability.interval
      expect(lo).toBeLessThan(theta[k])
      expect(hi).toBeGreaterThan(theta[k])
    }
    // Order by hand: sort A, B, C by composite; D is not ranked and comes last.
    const order = (['A', 'B', 'C'] as const).slice().sort((a, b) => expected[b] - expected[a]).map((k) => CODE[k])
    expect(out.rows.map((x: any) => x.code)).toEqual([...order, CODE.D])
    expect(out.rows.map((x: any) => x.rank)).toEqual([1, 2, 3, null])
    expect(rows[CODE.D].flags).toEqual(['样本不足'])
    expect(rows[CODE.B].flags).toEqual(['低置信'])
    expect(rows[CODE.A].flags).toEqual([])
    expect(rows[CODE.C].flags).toEqual([])
    // Shrinkage: D's 5 of 5 positive is pulled from 100% to (5 + 20μ)/25 ≈ 67%.
    expect(rows[CODE.D].dimensions.favourability.theta).toBeCloseTo((5 + 20 * mu) / 25, 10)
    expect(rows[CODE.D].mentions).toBe(5)
  })

  it('the 90% interval is the Beta(Pos + mμ, Neg + m(1−μ)) quantiles', async () => {
    const r = parseJson(await runCli(['rank', '--config', cfg, '--period', 'day', '--date', '2026-11-30', '--json']))
    const a = r.rows.find((x: any) => x.code === CODE.A).dimensions.favourability.interval
    // Beta(30 + 20μ, 10 + 20(1−μ)) ≈ Beta(41.76, 18.24): mean 0.696, sd ≈ √(ab/((a+b)²(a+b+1))) ≈ 0.0587
    const a0 = 30 + 20 * mu
    const b0 = 10 + 20 * (1 - mu)
    const sd = Math.sqrt((a0 * b0) / ((a0 + b0) ** 2 * (a0 + b0 + 1)))
    // Near-normal at these counts: the 5% and 95% points sit ≈ 1.645 sd from the mean (skew < 0.01).
    expect(a[0]).toBeCloseTo(theta.A - 1.645 * sd, 2)
    expect(a[1]).toBeCloseTo(theta.A + 1.645 * sd, 2)
  })

  it('--explain lists the raw inputs and the mention ids behind them', async () => {
    const r = parseJson(await runCli(['rank', '--config', cfg, '--period', 'day', '--date', '2026-11-30', '--explain', CODE.C, '--json']))
    expect(r.explain.inputs).toMatchObject({ mentions: 30, polar: 20, newsStories: 10, socialStories: 11 })
    expect(r.explain.mentionIds.positive).toHaveLength(10)
    expect(r.explain.mentionIds.negative).toHaveLength(10)
    expect(r.explain.mentionIds.neutral).toHaveLength(10)
    expect(r.explain.mentionIds.riskClusters).toHaveLength(1)
    expect(r.explain.mentionIds.riskClusters[0].mentionIds.sort()).toEqual([...r.explain.mentionIds.negative].sort())
    const text = await runCli(['rank', '--config', cfg, '--period', 'day', '--date', '2026-11-30', '--explain', CODE.C])
    expect(text.stdout).toContain('龙岗区')
    expect(text.stdout).toContain('样本不足')
  })

  it('follows a reanalysis: flipping B to all positive raises its favourability and rollups stay exact', async () => {
    const store = SqliteStore.open(dbFile)
    const bIds = store.db.prepare(`select mention_id from mention_regions where region_code = '440305'`).pluck().all() as number[]
    const sumBefore = store.db.prepare('select sum(mentions) from rollup_day').pluck().get()
    store.saveAnalyses(
      bIds.map((id) => ({ mentionId: id, version: 'test2', sentiment: { score: 0.9, label: 'pos' as const, confidence: 1 }, keywords: [], topics: [], simhash: null, clusterId: null, regions: [{ code: '440305', evidence: 'test', confidence: 1 }] })),
    )
    expect(store.db.prepare('select sum(mentions) from rollup_day').pluck().get()).toBe(sumBefore)
    const neg = store.db.prepare(`select sum(mentions) from rollup_day where region_code = '440305' and sentiment = 'neg'`).pluck().get()
    expect(neg).toBe(0)
    store.close()
    const r = parseJson(await runCli(['rank', '--config', cfg, '--period', 'day', '--date', '2026-11-30', '--json']))
    const b = r.rows.find((x: any) => x.code === CODE.B)
    // μ becomes (50 + 15)/85 and B's θ = (20 + 20μ)/40
    expect(r.prior).toBeCloseTo(65 / 85, 10)
    expect(b.dimensions.favourability.theta).toBeCloseTo((20 + 20 * (65 / 85)) / 40, 10)
    expect(b.dimensions.risk.raw).toBe(0)
  })

  it('a bad --period is a one-line usage error (exit 2)', async () => {
    const r = await runCli(['rank', '--config', cfg, '--period', 'fortnight'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('--period must be day, week, month or FROM..TO')
    const r2 = await runCli(['rank', '--config', cfg, '--period', '2026-11-31..2026-12-01'])
    expect(r2.code).toBe(2)
  })

  it('the worker’s weekly-rank job writes the last 7 days’ ranking to reports/ as JSON and Markdown', async () => {
    // Monday 2026-12-07 08:00 in Shanghai: the window is 2026-11-30 .. 2026-12-06.
    const ctx = createContext({ configFlag: cfg, clock: fixedClock('2026-12-07T00:00:00Z'), log: silentLogger })
    try {
      const job = ctx.config.schedule.jobs.find((j) => j.task === 'rank-weekly')!
      const out = await runTask(ctx, job, new AbortController().signal)
      expect(out.status).toBe('ok')
      expect(out.counts).toMatchObject({ regions: 4, ranked: 3 })
      const json = JSON.parse(readFileSync(path.join(ws.dir, 'reports', 'rank-week-2026-12-06.json'), 'utf8'))
      expect(json.period).toMatchObject({ from: '2026-11-30', to: '2026-12-06', days: 7 })
      expect(json.rows.map((x: any) => x.code)).toContain(CODE.A)
      const md = readFileSync(path.join(ws.dir, 'reports', 'rank-week-2026-12-06.md'), 'utf8')
      expect(md).toContain('# 网络形象指数排行（2026-11-30 至 2026-12-06）')
      expect(md).toMatch(/\| — \| 440303 \| 罗湖区 \|.*样本不足 \|/)
      expect(statSync(path.join(ws.dir, 'reports', 'rank-week-2026-12-06.md')).size).toBeGreaterThan(200)
    } finally {
      ctx.close()
    }
  })
})

describe('回应力 with configured official accounts', () => {
  let ws2: { dir: string; cleanup: () => void }
  let cfg2: string
  const T0 = Date.parse('2026-11-30T01:00:00Z')
  beforeAll(() => {
    ws2 = tmpDir()
    cfg2 = path.join(ws2.dir, 'yuqing.yaml')
    writeFileSync(cfg2, 'database: { path: r.db }\nregions:\n  - code: "440306"\n    officialAccounts: [{ name: 深圳宝安发布 }]\n  - code: "440305"\n')
    const store = SqliteStore.open(path.join(ws2.dir, 'r.db'))
    const rows: Array<{ region: string; label: Label; at: number; author?: string; story?: boolean; eng?: [number, number, number] }> = []
    for (let i = 0; i < 3; i++) rows.push({ region: '440306', label: 'neg', at: T0 + i * 60_000, story: true })
    rows.push({ region: '440306', label: 'neu', at: T0 + 2 * 3_600_000, author: '深圳宝安发布', eng: [10, 5, 20] })
    for (let i = 0; i < 8; i++) rows.push({ region: '440306', label: 'pos', at: T0 + i * 60_000 })
    for (let i = 0; i < 12; i++) rows.push({ region: '440305', label: 'pos', at: T0 + i * 60_000 })
    const sum = store.upsertMentions(
      rows.map((r, i) => {
        const v = validateInterchange({ source: 'weibo', platformId: `q${i}`, text: `第 ${i} 条`, authorName: r.author ?? '市民', publishedAt: new Date(r.at).toISOString(), reposts: r.eng?.[0] ?? 0, comments: r.eng?.[1] ?? 0, likes: r.eng?.[2] ?? 0 })
        if (!v.ok) throw new Error(v.reason)
        return v.mention
      }),
    )
    const ids = sum.outcomes.map((o) => o.id!)
    store.saveAnalyses(rows.map((r, i) => ({ mentionId: ids[i]!, version: 't', sentiment: { score: 0, label: r.label, confidence: 1 }, keywords: [], topics: [], simhash: null, clusterId: r.story ? ids[0]! : null, regions: [{ code: r.region, evidence: 't', confidence: 1 }] })))
    store.close()
  })
  afterAll(() => ws2?.cleanup())

  it('counts a response by the region’s account within 48 h, with its latency and BCI; a region without accounts drops the dimension', async () => {
    const r = parseJson(await runCli(['rank', '--config', cfg2, '--period', 'day', '--date', '2026-11-30', '--explain', '440306', '--json']))
    // One net-negative story (3 negative posts); 深圳宝安发布 posted about 宝安 2 h after its first post.
    expect(r.explain.inputs.responsiveness).toEqual({ negativeClusters: 1, responded: 1, medianLatencyHours: 2, posts: 1, reposts: 10, comments: 5, likes: 20 })
    const a = r.rows.find((x: any) => x.code === '440306')
    const d = a.dimensions.responsiveness
    expect(d.d1).toBe(1)
    expect(d.d2).toBeCloseTo(1 / (1 + 2 / 24), 12)
    // D3 = BCI = (0.2·ln 2 + 0.8·(0.4·ln 11 + 0.4·ln 6 + 0.2·ln 21))·160; the only region with accounts → scaled 50 of 100
    expect(d.d3).toBeCloseTo((0.2 * Math.log(2) + 0.8 * (0.4 * Math.log(11) + 0.4 * Math.log(6) + 0.2 * Math.log(21))) * 160, 10)
    expect(d.raw).toBeCloseTo(0.4 * 1 + 0.3 * (1 / (1 + 2 / 24)) + 0.3 * 0.5, 12)
    expect(d.weight).toBe(0.1)
    const b = r.rows.find((x: any) => x.code === '440305')
    expect(b.dimensions.responsiveness).toBeNull()
    expect(b.flags).toContain('回应力未计')
    expect(b.dimensions.visibility.weight).toBeCloseTo(0.3 / 0.9, 12)
  })
})
