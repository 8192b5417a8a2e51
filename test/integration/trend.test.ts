/**
 * `yuqing trend` on a hand-built database (written through the store's public write path, as a
 * crawl and an analysis would). Region A 440306 宝安区 (the config's first region), B 440305 南山区.
 * Times are Asia/Shanghai (+08:00):
 *
 *   every day 2026-11-10 … 2026-11-30, in A at 10:00, 10:10, 10:20:
 *     2 Weibo posts, pos, topic 城管, "宝安城管执法很规范"; 1 news article, neu, no topic, "宝安区政务新闻"
 *   2026-11-30 09:00 … 09:19 in A: 20 Weibo posts, neg, topic 交通, "西乡地铁站拥堵严重"   (the spike)
 *   2026-11-30 00:30 in A (2026-11-29 16:30 UTC): 1 Weibo post, neu, topics 交通 + 城管, "凌晨地铁拥堵"
 *   2026-11-30 12:00 in B: 5 Weibo posts, neg, topic 交通, "南山地铁拥堵"                  (never counted)
 *
 * So per local day in A: pos 2, neu 1, neg 0, total 3; on 2026-11-30: pos 2, neu 2, neg 20, total 24.
 */
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { validateInterchange, type MentionInput } from '../../src/core/mention.js'
import { SqliteStore } from '../../src/store/sqlite.js'
import { ensureBuilt, parseJson, runCli, tmpDir } from '../helpers/cli.js'

let ws: { dir: string; cleanup: () => void }
let cfg: string
let dbFile: string

type Label = 'pos' | 'neu' | 'neg'
interface Seed {
  at: string
  region: string
  source: 'weibo' | 'news'
  label: Label
  topics: string[]
  text: string
}

const A = '440306'
const B = '440305'

function seeds(): Seed[] {
  const out: Seed[] = []
  for (let d = 10; d <= 30; d++) {
    const day = `2026-11-${String(d).padStart(2, '0')}`
    out.push({ at: `${day}T10:00:00+08:00`, region: A, source: 'weibo', label: 'pos', topics: ['城管'], text: '宝安城管执法很规范' })
    out.push({ at: `${day}T10:10:00+08:00`, region: A, source: 'weibo', label: 'pos', topics: ['城管'], text: '宝安城管执法很规范' })
    out.push({ at: `${day}T10:20:00+08:00`, region: A, source: 'news', label: 'neu', topics: [], text: '宝安区政务新闻' })
  }
  for (let k = 0; k < 20; k++) out.push({ at: `2026-11-30T09:${String(k).padStart(2, '0')}:00+08:00`, region: A, source: 'weibo', label: 'neg', topics: ['交通'], text: '西乡地铁站拥堵严重' })
  out.push({ at: '2026-11-29T16:30:00Z', region: A, source: 'weibo', label: 'neu', topics: ['交通', '城管'], text: '凌晨地铁拥堵' })
  for (let k = 0; k < 5; k++) out.push({ at: `2026-11-30T12:0${k}:00+08:00`, region: B, source: 'weibo', label: 'neg', topics: ['交通'], text: '南山地铁拥堵' })
  return out
}

function mention(i: number, s: Seed): MentionInput {
  const v = validateInterchange({
    source: s.source,
    platformId: s.source === 'weibo' ? `t${i}` : undefined,
    url: s.source === 'news' ? `https://news.example.com/t${i}.html` : undefined,
    title: s.source === 'news' ? '新闻' : undefined,
    text: `${s.text} 第 ${i} 条`,
    authorName: '市民',
    publishedAt: s.at,
  })
  if (!v.ok) throw new Error(v.reason)
  return v.mention
}

const analysis = (id: number, s: Pick<Seed, 'label' | 'topics' | 'region'>) => ({
  mentionId: id,
  version: 'test',
  sentiment: { score: s.label === 'pos' ? 0.8 : s.label === 'neg' ? -0.8 : 0, label: s.label, confidence: 1 },
  keywords: [],
  topics: s.topics,
  simhash: null,
  clusterId: null,
  regions: [{ code: s.region, evidence: 'test', confidence: 1 }],
})

let ids: number[] = []
const list = seeds()

beforeAll(() => {
  ensureBuilt()
  ws = tmpDir()
  dbFile = path.join(ws.dir, 'trend.db')
  cfg = path.join(ws.dir, 'yuqing.yaml')
  writeFileSync(cfg, `database: { path: trend.db }\nregions:\n  - code: "${A}"\n  - code: "${B}"\n`)
  const store = SqliteStore.open(dbFile)
  ids = store.upsertMentions(list.map((s, i) => mention(i, s))).outcomes.map((o) => o.id!)
  store.saveAnalyses(list.map((s, i) => analysis(ids[i]!, s)))
  store.close()
})
afterAll(() => (process.env.KEEP ? undefined : ws?.cleanup()))

const days = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `2026-11-${String(from + i).padStart(2, '0')}`)
const series = (out: any, name: string) => out.series.find((s: any) => s.name === name)?.points.map((p: any) => p.count)
const trend = async (...args: string[]) => {
  const r = await runCli(['trend', '--config', cfg, '--date', '2026-11-30', '--json', ...args])
  expect(r.code, r.stderr).toBe(0)
  return parseJson(r)
}

describe('yuqing trend on a hand-counted database', () => {
  it('by day and sentiment: the hand counts, the local-day boundary, region A only, the spike marked', async () => {
    const out = await trend('--days', '14')
    expect(out.region).toEqual({ code: A, name: '宝安区' })
    expect(out).toMatchObject({ interval: 'day', by: 'sentiment', from: '2026-11-17', to: '2026-11-30' })
    expect(out.topic).toBeUndefined()
    expect(out.totals.map((t: any) => t.at)).toEqual(days(17, 30))
    expect(out.series.map((s: any) => s.name)).toEqual(['pos', 'neu', 'neg'])
    expect(series(out, 'pos')).toEqual(Array(14).fill(2))
    expect(series(out, 'neu')).toEqual([...Array(13).fill(1), 2]) // 00:30 on 11-30 is 11-29 in UTC
    expect(series(out, 'neg')).toEqual([...Array(13).fill(0), 20])
    expect(out.totals.map((t: any) => t.count)).toEqual([...Array(13).fill(3), 24])
    // 24 against a baseline of 3 a day: P(Poisson(3) ≥ 24) < 10⁻¹².
    expect(out.totals.map((t: any) => t.spike)).toEqual([...Array(13).fill(false), true])
    expect(out.spikes).toHaveLength(1)
    expect(out.spikes[0]).toMatchObject({ at: '2026-11-30', count: 24, baseline: 3 })
    expect(out.spikes[0].p).toBeLessThan(1e-12)
  })

  it('by source', async () => {
    const out = await trend('--days', '3', '--by', 'source')
    expect(out.series.map((s: any) => s.name)).toEqual(['weibo', 'news'])
    expect(series(out, 'weibo')).toEqual([2, 2, 23])
    expect(series(out, 'news')).toEqual([1, 1, 1])
  })

  it('by ISO week (Monday first): the window starts on the Monday of its first day', async () => {
    const out = await trend('--days', '14', '--interval', 'week')
    // 2026-11-17 is a Tuesday: the window starts Monday 2026-11-16; 2026-11-30 is a Monday.
    expect(out).toMatchObject({ interval: 'week', from: '2026-11-16', to: '2026-11-30' })
    expect(out.totals.map((t: any) => [t.at, t.count])).toEqual([
      ['2026-11-16', 21],
      ['2026-11-23', 21],
      ['2026-11-30', 24],
    ])
    expect(series(out, 'neg')).toEqual([0, 0, 20])
    expect(series(out, 'pos')).toEqual([14, 14, 2])
  })

  it('by hour, from the base tables', async () => {
    const out = await trend('--interval', 'hour', '--days', '2')
    expect(out).toMatchObject({ interval: 'hour', from: '2026-11-29', to: '2026-11-30' })
    expect(out.totals).toHaveLength(48)
    expect(out.totals[0].at).toBe('2026-11-29T00:00+08:00')
    const byAt = Object.fromEntries(out.totals.map((t: any) => [t.at, t.count]))
    expect(byAt['2026-11-29T10:00+08:00']).toBe(3)
    expect(byAt['2026-11-30T00:00+08:00']).toBe(1)
    expect(byAt['2026-11-30T09:00+08:00']).toBe(20)
    expect(byAt['2026-11-30T10:00+08:00']).toBe(3)
    expect(out.totals.reduce((s: number, t: any) => s + t.count, 0)).toBe(3 + 24)
    expect(out.spikes.map((s: any) => s.at)).toEqual(['2026-11-30T09:00+08:00'])
    const neg = series(out, 'neg')
    expect(neg[24 + 9]).toBe(20)
    // Hours with --topic read the base tables too: 城管 at 00:30 and 10:xx on 11-30.
    const t = await trend('--interval', 'hour', '--days', '1', '--topic', '城管')
    expect(t.totals.filter((x: any) => x.count).map((x: any) => [x.at, x.count])).toEqual([
      ['2026-11-30T00:00+08:00', 1],
      ['2026-11-30T10:00+08:00', 2],
    ])
  })

  it('--topic reads rollup_topic (a mention with two topics counts in each)', async () => {
    const out = await trend('--days', '3', '--topic', '城管')
    expect(out.topic).toBe('城管')
    expect(out.totals.map((t: any) => t.count)).toEqual([2, 2, 3])
    expect(series(out, 'pos')).toEqual([2, 2, 2])
    expect(series(out, 'neu')).toEqual([0, 0, 1])
    // 南山区 is ambiguous in the gazetteer (230404, 440305); the watched one is meant.
    const jt = await trend('--days', '3', '--topic', '交通', '--region', '南山区')
    expect(jt.region.code).toBe(B)
    expect(jt.totals.map((t: any) => t.count)).toEqual([0, 0, 5])
  })

  it('--keyword counts full-text matches in the region and window, with the search query language', async () => {
    const out = await trend('--days', '3', '--keyword', '地铁 拥堵')
    expect(out.keyword).toBe('地铁 拥堵')
    expect(out.totals.map((t: any) => t.count)).toEqual([0, 0, 21])
    expect((await trend('--days', '3', '--keyword', '"地铁站拥堵"')).totals.map((t: any) => t.count)).toEqual([0, 0, 20])
    expect((await trend('--days', '3', '--keyword', '地铁 -凌晨')).totals.map((t: any) => t.count)).toEqual([0, 0, 20])
    const src = await trend('--days', '2', '--keyword', '城管 OR 政务', '--by', 'source')
    expect(series(src, 'weibo')).toEqual([2, 2])
    expect(series(src, 'news')).toEqual([1, 1])
    // B has 5 mentions, far fewer than the ~110 index matches: counted from the region's side.
    const b = await trend('--days', '3', '--region', B, '--keyword', '"地铁拥堵" OR 宝安')
    expect(b.totals.map((t: any) => t.count)).toEqual([0, 0, 5])
    // In A: the 3 宝安 texts a day, and 凌晨地铁拥堵 (西乡地铁站拥堵 has 站 between).
    expect((await trend('--days', '3', '--keyword', '"地铁拥堵" OR 宝安')).totals.map((t: any) => t.count)).toEqual([3, 3, 4])
    const hour = await trend('--interval', 'hour', '--days', '1', '--keyword', '拥堵')
    expect(hour.totals.filter((x: any) => x.count).map((x: any) => [x.at, x.count])).toEqual([
      ['2026-11-30T00:00+08:00', 1],
      ['2026-11-30T09:00+08:00', 20],
    ])
  })

  it('a reanalysis that changes a topic moves its count in rollup_topic exactly', async () => {
    // The 10:00 post of 2026-11-20: 城管 → 治安.
    const i = list.findIndex((s) => s.at === '2026-11-20T10:00:00+08:00')
    const store = SqliteStore.open(dbFile)
    const q = store.db.prepare(`select coalesce(sum(mentions), 0) from rollup_topic where day = '2026-11-20' and region_code = ? and topic = ? and source = 'weibo' and sentiment = 'pos'`).pluck()
    expect([q.get(A, '城管'), q.get(A, '治安')]).toEqual([2, 0])
    store.saveAnalyses([analysis(ids[i]!, { ...list[i]!, topics: ['治安'] })])
    expect([q.get(A, '城管'), q.get(A, '治安')]).toEqual([1, 1])
    // Exact: the delta-maintained rows equal a rebuild from the base tables.
    const rows = () => store.db.prepare('select * from rollup_topic where mentions <> 0 order by 1, 2, 3, 4, 5').all()
    const kept = rows()
    store.db.transaction(() => store.rollups().rebuild(['topic']))()
    expect(rows()).toEqual(kept)
    store.close()
    const out = await trend('--days', '14', '--topic', '城管')
    expect(out.totals.find((t: any) => t.at === '2026-11-20').count).toBe(1)
    expect((await trend('--days', '14', '--topic', '治安')).totals.filter((t: any) => t.count).map((t: any) => [t.at, t.count])).toEqual([['2026-11-20', 1]])
  })

  it('renders a chart, a table and the spikes line in the terminal', async () => {
    const r = await runCli(['trend', '--config', cfg, '--date', '2026-11-30', '--days', '14'])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toContain('宝安区（440306）全部提及 每日走势  2026-11-17 至 2026-11-30，共 63 条')
    expect(r.stdout).toMatch(/┤/) // the asciichart axis
    expect(r.stdout).toMatch(/2026-11-30\D+24\D+2\D+2\D+20\D+▲/)
    expect(r.stdout).toContain('突增 ▲：2026-11-30 24 条（基线 3.0')
    expect(r.stdout).not.toMatch(/\x1b\[/) // not a TTY: no colours
  })

  it('bad input exits 2 with one line naming what to fix', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['--region', '火星区'], /--region "火星区" is not a known region.*yuqing regions search/],
      [['--topic', '体育'], /--topic "体育" is not a topic; use one of: 治安, 城管, 交通/],
      [['--interval', 'hour', '--days', '30'], /--interval hour .* at most --days 14, got 30/],
      [['--date', '2026-11-31'], /--date must be a date YYYY-MM-DD/],
      [['--keyword=-广告'], /--keyword "-广告" has no term that must appear/],
    ]
    for (const [args, re] of cases) {
      const r = await runCli(['trend', '--config', cfg, ...args])
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2)
      const lines = r.stderr.trim().split('\n')
      expect(lines, r.stderr).toHaveLength(1)
      expect(lines[0]).toMatch(re)
    }
  })
})
