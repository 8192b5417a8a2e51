/**
 * `yuqing report` on a hand-built database whose every number is counted by hand below.
 * 宝安区 (440306) on the report day 2026-12-02 (Asia/Shanghai) has 10 mentions:
 *
 *   S1  4 negative Weibo posts about 西乡街道 地铁施工 in ONE story (head 09:00, 100/50/30 engagement,
 *       the others 1/1/1 each); an alert on the story with the head as evidence
 *   R   1 positive post by 深圳宝安发布 (a configured official account) at 13:00, about the region
 *   P   3 positive posts (one with IP 属地 广东), each its own story
 *   N   1 neutral news article by 人民网 (央媒)
 *   H   1 negative post at 20:00 with hostile text (<script>, an RTL override) about 福永街道
 *
 * The day before has 5 neutral posts; 2026-11-25 … 11-30 two each (so the 7 days before the
 * report day hold 12 + 5 = 17 mentions). 南山区 (440305) has 12 positive posts on 12-02, so
 * the index ranks two regions. A news crawl run failed on 12-02.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { validateInterchange, type MentionInput } from '../../src/core/mention.js'
import { fixedClock } from '../../src/core/clock.js'
import { silentLogger } from '../../src/core/logger.js'
import { createContext } from '../../src/services/context.js'
import { runTask } from '../../src/services/jobs.js'
import { findChromium } from '../../src/crawlers/browser.js'
import { SqliteStore } from '../../src/store/sqlite.js'
import { ensureBuilt, parseJson, runCli, tmpDir } from '../helpers/cli.js'

const chromium = findChromium(undefined, process.env)
let ws: { dir: string; cleanup: () => void }
let cfg: string
let dbFile: string

type Label = 'pos' | 'neu' | 'neg'
interface Seed {
  key: string
  region: string
  source: 'weibo' | 'news'
  label: Label
  /** UTC */
  at: string
  text: string
  author?: string
  title?: string
  url?: string
  eng?: [number, number, number]
  story?: string
  ip?: string
  keywords?: Array<{ word: string; weight: number }>
}

const HOSTILE = '<script>window.__pwned=1</script>福永街道停水三天没人管\u202E反转'

function seeds(): Seed[] {
  const out: Seed[] = []
  const s1 = '西乡街道地铁施工噪音扰民，深夜还在施工，投诉无门'
  out.push({ key: 'S1-head', region: '440306', source: 'weibo', label: 'neg', at: '2026-12-02T01:00:00.000Z', text: s1, author: '市民甲', eng: [100, 50, 30], story: 'S1', keywords: [{ word: '地铁', weight: 0.6 }, { word: '宝安', weight: 0.9 }] })
  for (let i = 0; i < 3; i++)
    out.push({ key: `S1-${i}`, region: '440306', source: 'weibo', label: 'neg', at: `2026-12-02T0${2 + i}:00:00.000Z`, text: `${s1} 转发${i}`, author: `网友${i}`, eng: [1, 1, 1], story: 'S1', keywords: [{ word: '地铁', weight: 0.5 }] })
  out.push({ key: 'R', region: '440306', source: 'weibo', label: 'pos', at: '2026-12-02T05:00:00.000Z', text: '关于宝安区地铁施工噪音问题的情况通报：已责令夜间停工', author: '深圳宝安发布', eng: [20, 10, 40] })
  for (let i = 0; i < 3; i++)
    out.push({ key: `P${i}`, region: '440306', source: 'weibo', label: 'pos', at: `2026-12-02T0${6 + i}:00:00.000Z`, text: `宝安区公园很漂亮 第${i}篇`, author: `游客${i}`, eng: [0, 0, i], ...(i === 0 ? { ip: '广东' } : {}) })
  out.push({ key: 'N', region: '440306', source: 'news', label: 'neu', at: '2026-12-02T03:30:00.000Z', text: '宝安区推进城中村改造，新安街道试点', title: '宝安区推进城中村改造', author: '人民网', url: 'http://sz.people.com.cn/n2/2026/1202/c1.html' })
  out.push({ key: 'H', region: '440306', source: 'weibo', label: 'neg', at: '2026-12-02T12:00:00.000Z', text: HOSTILE, author: '<img src=x onerror=alert(1)>', eng: [2, 2, 2] })
  for (let i = 0; i < 5; i++) out.push({ key: `Y${i}`, region: '440306', source: 'weibo', label: 'neu', at: `2026-12-01T0${i}:00:00.000Z`, text: `宝安区天气 ${i}`, author: '市民乙' })
  for (let d = 25; d <= 30; d++) for (let i = 0; i < 2; i++) out.push({ key: `B${d}-${i}`, region: '440306', source: 'weibo', label: 'neu', at: `2026-11-${d}T0${i}:00:00.000Z`, text: `宝安 ${d} ${i}`, author: '市民丙' })
  for (let i = 0; i < 12; i++) out.push({ key: `NS${i}`, region: '440305', source: 'weibo', label: 'pos', at: `2026-12-02T0${i % 10}:00:00.000Z`, text: `南山区科技园 ${i}`, author: '南山网友' })
  return out
}

function mention(i: number, s: Seed): MentionInput {
  const [r, c, l] = s.eng ?? [0, 0, 0]
  const v = validateInterchange({
    source: s.source,
    platformId: s.source === 'weibo' ? `p${i}` : undefined,
    url: s.url,
    title: s.title,
    text: s.text,
    authorName: s.author,
    publishedAt: s.at,
    reposts: r,
    comments: c,
    likes: l,
    ...(s.ip ? { ipLocation: s.ip } : {}),
  })
  if (!v.ok) throw new Error(v.reason)
  return v.mention
}

const ids = new Map<string, number>()

function build(): void {
  const store = SqliteStore.open(dbFile)
  const list = seeds()
  const sum = store.upsertMentions(list.map((s, i) => mention(i, s)), new Date('2026-12-02T23:00:00Z'))
  list.forEach((s, i) => ids.set(s.key, sum.outcomes[i]!.id!))
  const head = new Map<string, number>()
  store.saveAnalyses(
    list.map((s) => {
      const id = ids.get(s.key)!
      if (s.story && !head.has(s.story)) head.set(s.story, id)
      return {
        mentionId: id,
        version: 'test',
        sentiment: { score: s.label === 'pos' ? 0.8 : s.label === 'neg' ? -0.8 : 0, label: s.label, confidence: 1 },
        keywords: s.keywords ?? [],
        topics: [],
        simhash: null,
        clusterId: s.story ? head.get(s.story)! : null,
        regions: [{ code: s.region, evidence: 'test', confidence: 1 }],
      }
    }),
    new Date('2026-12-02T23:00:00Z'),
  )
  const db = store.db
  db.prepare(
    `insert into alerts (rule, dedup_key, region_code, cluster_id, severity, title, detail, evidence_json, created_at, updated_at, status)
    values ('high-reach', 'hr:s1', '440306', ?, 'critical', '高传播负面：西乡街道地铁施工', null, ?, '2026-12-02T02:00:00.000Z', '2026-12-02T02:00:00.000Z', 'open')`,
  ).run(ids.get('S1-head'), JSON.stringify([ids.get('S1-head')]))
  db.prepare(`insert into crawl_runs (source, query, started_at, finished_at, status, error) values ('news', '{}', '2026-12-02T00:10:00.000Z', '2026-12-02T00:11:00.000Z', 'failed', 'baidu: captcha')`).run()
  db.prepare(`insert into crawl_runs (source, query, started_at, finished_at, status, fetched, inserted) values ('weibo', '{}', '2026-12-02T00:10:00.000Z', '2026-12-02T00:12:00.000Z', 'ok', 30, 20)`).run()
  store.close()
}

beforeAll(() => {
  ensureBuilt()
  ws = tmpDir()
  dbFile = path.join(ws.dir, 'report.db')
  cfg = path.join(ws.dir, 'yuqing.yaml')
  writeFileSync(
    cfg,
    [
      'database: { path: report.db }',
      'regions:',
      '  - code: "440306"',
      '    aliases: [宝安]',
      '    officialAccounts: [{ platform: weibo, name: 深圳宝安发布 }]',
      '  - code: "440305"',
      'report: { formats: [md, json] }',
      '',
    ].join('\n'),
  )
  build()
})
afterAll(() => (process.env.KEEP ? undefined : ws?.cleanup()))

async function daily(args: string[] = []) {
  const r = await runCli(['report', 'daily', '--config', cfg, '--date', '2026-12-02', '--format', 'json', '--out', path.join(ws.dir, 'out'), '--json', ...args])
  expect(r.code, r.stderr).toBe(0)
  return parseJson(r)
}

describe('yuqing report daily on a hand-counted database', () => {
  it('舆情概况: totals, Δ vs yesterday and the 7-day mean, sentiment, stories, alerts', async () => {
    const { report: m, files } = await daily()
    expect(m.schema).toBe('yuqing-report-1')
    expect(m.title).toBe('宝安区舆情日报（2026-12-02）')
    expect(m.period).toMatchObject({ from: '2026-12-02', to: '2026-12-02', days: 1, timezone: 'Asia/Shanghai' })
    const ov = m.sections.overview
    expect(ov.mentions).toBe(10) // 4 + 1 + 3 + 1 + 1
    expect(ov.previous).toBe(5)
    expect(ov.delta).toBe(5)
    expect(ov.mean7).toBeCloseTo(17 / 7, 1) // (6 days × 2 + 5) / 7
    expect(ov.deltaVsMean7).toBeCloseTo((10 - 17 / 7) / (17 / 7), 3)
    expect(ov.sentiment).toEqual({ pos: 4, neu: 1, neg: 5, none: 0 })
    expect(ov.bySource).toEqual([
      { source: 'weibo', label: '微博', mentions: 9, previous: 5 },
      { source: 'news', label: '新闻网站', mentions: 1, previous: 0 },
    ])
    expect(ov.stories).toBe(7) // S1, R, P×3, N, H
    expect(ov.engagement).toEqual({ reposts: 100 + 3 + 20 + 2, comments: 50 + 3 + 10 + 2, likes: 30 + 3 + 40 + 3 + 2 })
    expect(ov.alerts).toBe(1)
    expect(files).toEqual([{ format: 'json', path: path.join(ws.dir, 'out', 'daily-440306-2026-12-02.json'), bytes: expect.any(Number) }])
    expect(JSON.parse(readFileSync(files[0].path, 'utf8')).sections.overview.mentions).toBe(10)
  })

  it('trend, sentiment shares, hot events and key items trace to the stored rows', async () => {
    const { report: m } = await daily()
    const t = m.sections.trend
    expect(t.daily).toHaveLength(30)
    expect(t.daily.at(-1)).toEqual({ at: '2026-12-02', pos: 4, neu: 1, neg: 5, none: 0 })
    expect(t.daily.at(-2)).toEqual({ at: '2026-12-01', pos: 0, neu: 5, neg: 0, none: 0 })
    expect(t.hourly).toHaveLength(24)
    expect(t.hourly[9]).toMatchObject({ at: '2026-12-02T09:00', neg: 1 }) // S1's head at 01:00Z
    expect(t.hourly[20]).toMatchObject({ at: '2026-12-02T20:00', neg: 1 }) // H
    expect(t.hourly.reduce((n: number, p: any) => n + p.pos + p.neu + p.neg + p.none, 0)).toBe(10)
    expect(m.sections.sentiment.shares).toEqual({ pos: 0.4, neu: 0.1, neg: 0.5 })

    const ev = m.sections.hotEvents.events
    expect(ev).toHaveLength(7)
    expect(ev[0]).toMatchObject({ clusterId: ids.get('S1-head'), mentions: 4, neg: 4, pos: 0, sentiment: 'neg', engagement: 180 + 9 })
    expect(ev[0].heat).toBeCloseTo(4 + Math.log1p(189), 1)
    expect(ev[0].first.author).toBe('市民甲')
    expect(ev[0].firstSeenLocal).toBe('2026-12-02T09:00:00+08:00')
    expect(ev[0].mentionIds.sort()).toEqual(['S1-head', 'S1-0', 'S1-1', 'S1-2'].map((k) => ids.get(k)).sort())

    const items = m.sections.keyItems.items
    // The alerted story first (its head, answered by 深圳宝安发布 4 h later), then H; one item per story.
    expect(items.map((i: any) => i.id)).toEqual([ids.get('S1-head'), ids.get('H')])
    expect(items[0]).toMatchObject({ reason: '预警', handling: '已回应', clusterMentions: 4, alert: { rule: 'high-reach', severity: 'critical' } })
    expect(items[1]).toMatchObject({ reason: '负面', handling: '未处理', tier: '自媒体' })
    expect(m.sections.keyItems.alerts).toEqual([expect.objectContaining({ rule: 'high-reach', mentionIds: [ids.get('S1-head')], createdLocal: '2026-12-02T10:00:00+08:00' })])
  })

  it('media, streets, IP 属地, words without the region’s own names, leaders, responses, index, notes', async () => {
    const { report: m } = await daily()
    const tiers = Object.fromEntries(m.sections.media.tiers.map((t: any) => [t.tier, t.mentions]))
    expect(tiers).toEqual({ 央媒: 1, 省媒: 0, 市媒: 0, 商业门户: 0, 自媒体: 8, 政务号: 1 })
    const streets = Object.fromEntries(m.sections.geo.streets.map((s: any) => [s.name, s.mentions]))
    expect(streets).toMatchObject({ 西乡街道: 4, 福永街道: 1, 新安街道: 1 })
    expect(m.sections.geo.ipLocations).toEqual([{ name: '广东', mentions: 1 }])
    const words = m.sections.keywords.words.map((w: any) => w.word)
    expect(words).toContain('地铁')
    expect(words).not.toContain('宝安')
    expect(m.sections.keywords.words.find((w: any) => w.word === '地铁')).toEqual({ word: '地铁', weight: 2.1, mentions: 4 })
    expect(m.sections.leaders.authors[0]).toMatchObject({ name: '市民甲', mentions: 1, engagement: 180, neg: 1, topMentionId: ids.get('S1-head') })

    const resp = m.sections.responses
    expect(resp.accounts).toEqual(['深圳宝安发布'])
    // Net-negative stories: S1 (answered after 4 h) and H (at 20:00, after the only official post).
    const byCluster = Object.fromEntries(resp.clusters.map((c: any) => [c.clusterId, c]))
    expect(byCluster[ids.get('S1-head')!]).toMatchObject({ responded: true, latencyHours: 4, responder: '深圳宝安发布', responseLocal: '2026-12-02T13:00:00+08:00' })
    expect(byCluster[ids.get('H')!]).toMatchObject({ responded: false, latencyHours: null })
    expect(resp.rate).toBe(0.5)

    const ix = m.sections.index
    expect(ix.window).toEqual({ from: '2026-11-26', to: '2026-12-02' }) // index.windowDays = 7
    expect(ix.peerCount).toBe(2)
    expect(ix.row.mentions).toBe(10 + 5 + 2 * 5) // 11-26 … 12-02
    expect(ix.peers.map((p: any) => p.code).sort()).toEqual(['440305', '440306'])
    expect(ix.peers.filter((p: any) => p.self).map((p: any) => p.code)).toEqual(['440306'])
    expect(m.sections.overview.rank).toBe(ix.row.rank)
    expect(ix.row.dimensions.map((d: any) => d.label)).toEqual(['传播力', '美誉度', '舆情风险（安全度）', '回应力'])

    const notes = m.sections.notes
    expect(notes.crawls).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ source: 'news', runs: 1, failed: 1, lastError: 'baidu: captcha' }),
        expect.objectContaining({ source: 'weibo', runs: 1, ok: 1, fetched: 30, inserted: 20 }),
      ]),
    )
    expect(notes.lines.join('\n')).toMatch(/采集异常：新闻网站（news）失败 1 次/)
    expect(notes.indexVersion).toBe('yq-index-1')
  })

  it('a day without data says so in every section instead of inventing numbers', async () => {
    const r = await runCli(['report', 'daily', '--config', cfg, '--date', '2026-10-01', '--format', 'json', '--out', path.join(ws.dir, 'out'), '--json'])
    expect(r.code, r.stderr).toBe(0)
    const m = parseJson(r).report
    expect(m.sections.overview).toMatchObject({ status: 'insufficient', mentions: 0 })
    expect(m.sections.overview.note).toContain('没有采集到宝安区的相关提及')
    for (const k of ['keyItems', 'sentiment', 'hotEvents', 'media', 'geo', 'keywords', 'leaders', 'index']) {
      expect(m.sections[k].status, k).toBe('insufficient')
      expect(m.sections[k].note, k).toBeTruthy()
    }
    expect(m.sections.notes.lines.join('\n')).toContain('没有采集记录')
  })

  it('terminal and Markdown: every section heading, hostile text escaped, links only for http(s)', async () => {
    const out = path.join(ws.dir, 'md')
    const r = await runCli(['report', 'daily', '--config', cfg, '--date', '2026-12-02', '--format', 'terminal,md', '--out', out])
    expect(r.code, r.stderr).toBe(0)
    for (const h of ['舆情概况', '重点舆情 / 预警', '走势图', '情感分布', '热点事件 TOP10', '媒体来源分布', '地域分布', '高频词', '意见领袖', '政务回应跟踪', '网络形象指数', '数据说明'])
      expect(r.stdout, h).toContain(`■ ${h}`)
    expect(r.stdout).toContain('提及 10 条，较前日 +5')
    // Not a TTY: no colour escapes; crawled bidi overrides never reach the terminal.
    expect(r.stdout).not.toMatch(/\u001b\[/)
    expect(r.stdout).not.toContain('\u202E')
    expect(r.stdout).toContain(path.join(out, 'daily-440306-2026-12-02.md'))
    const md = readFileSync(path.join(out, 'daily-440306-2026-12-02.md'), 'utf8')
    expect(md).toContain('# 宝安区舆情日报（2026-12-02）')
    expect(md).toContain('## 政务回应跟踪')
    expect(md).not.toMatch(/(?<!\\)<(script|img)/)
    expect(md).toContain('\\<script\\>')
    expect(md).not.toContain('\u202E')
    expect(md).toContain('[宝安区推进城中村改造](<http://sz.people.com.cn/n2/2026/1202/c1.html>)')
  })

  it('Δrank: against the rank in yesterday’s report file when it matches the window, else computed', async () => {
    const out = path.join(ws.dir, 'delta')
    const computed = (await runCli(['report', 'daily', '--config', cfg, '--date', '2026-12-02', '--format', 'json', '--out', out, '--json']).then(parseJson)).report
    // 11-25 … 12-01: only 宝安区 has data, so it ranked 1st; on 12-02 it is 2nd of 2.
    expect(computed.sections.index.rankDelta).toBe(-1)
    expect(computed.sections.notes.lines.join('\n')).toContain('按当前数据计算的排名')
    const y = await runCli(['report', 'daily', '--config', cfg, '--date', '2026-12-01', '--format', 'json', '--out', out, '--json'])
    const file = parseJson(y).files[0].path
    const prev = JSON.parse(readFileSync(file, 'utf8'))
    expect(prev.sections.index.row.rank).toBe(1)
    // What the office read yesterday counts: a report that said 5th gives Δrank +3.
    prev.sections.index.row.rank = 5
    writeFileSync(file, JSON.stringify(prev))
    const fromFile = (await runCli(['report', 'daily', '--config', cfg, '--date', '2026-12-02', '--format', 'json', '--out', out, '--json']).then(parseJson)).report
    expect(fromFile.sections.index.rankDelta).toBe(3)
    expect(fromFile.sections.notes.lines.join('\n')).toContain('对比上一期报告中的排名')
    expect(fromFile.sections.index.row).toEqual(computed.sections.index.row)
    // Another index window (or version, or weights) in the file: computed again.
    prev.sections.index.window.from = '2026-11-24'
    writeFileSync(file, JSON.stringify(prev))
    const again = (await runCli(['report', 'daily', '--config', cfg, '--date', '2026-12-02', '--format', 'json', '--out', out, '--json']).then(parseJson)).report
    expect(again.sections.index.rankDelta).toBe(-1)
  })

  it('html with --json: stdout is only the JSON (the chart library prints nothing)', async () => {
    const r = await runCli(['report', 'daily', '--config', cfg, '--date', '2026-12-02', '--format', 'html', '--out', path.join(ws.dir, 'html'), '--json'])
    expect(r.code, r.stderr).toBe(0)
    const out = parseJson(r)
    expect(out.files.map((f: any) => f.format)).toEqual(['html'])
    expect(r.stderr).not.toMatch(/ECharts/)
    const html = readFileSync(out.files[0].path, 'utf8')
    expect((html.match(/<svg class="chart-svg"/g) ?? []).length).toBeGreaterThanOrEqual(5)
    expect(html).not.toMatch(/<script/i)
  })

  it('weekly and monthly reuse the blocks over Monday–Sunday and the calendar month', async () => {
    const w = parseJson(await runCli(['report', 'weekly', '--config', cfg, '--date', '2026-12-02', '--format', 'json', '--out', path.join(ws.dir, 'out'), '--json'])).report
    expect(w.period).toMatchObject({ from: '2026-11-30', to: '2026-12-02', days: 3 })
    expect(w.title).toBe('宝安区舆情周报（2026-11-30 至 2026-12-02）')
    expect(w.sections.overview.mentions).toBe(2 + 5 + 10)
    expect(w.sections.overview.previous).toBe(2 * 3) // 11-27 … 11-29
    expect(w.sections.trend.hourly).toEqual([])
    const mo = parseJson(await runCli(['report', 'monthly', '--config', cfg, '--date', '2026-11-30', '--format', 'json', '--out', path.join(ws.dir, 'out'), '--json'])).report
    expect(mo.period).toMatchObject({ from: '2026-11-01', to: '2026-11-30', days: 30, label: '2026年11月' })
    expect(mo.sections.overview.mentions).toBe(12)
    expect(existsSync(path.join(ws.dir, 'out', 'monthly-440306-2026-11.json'))).toBe(true)
  })

  it('bad input exits 2 with one line naming what to fix, and writes nothing', async () => {
    for (const [args, msg] of [
      [['--format', 'pptx'], /unknown report format "pptx"/],
      [['--date', '2026-13-01'], /--date must be a date YYYY-MM-DD/],
      [['--region', '不存在的地方'], /unknown region/],
    ] as const) {
      const r = await runCli(['report', 'daily', '--config', cfg, '--out', path.join(ws.dir, 'bad'), ...(args.includes('--date') ? [] : ['--date', '2026-12-02']), ...args])
      expect(r.code, r.stderr).toBe(2)
      expect(r.stderr).toMatch(msg)
      expect(r.stderr.trim().split('\n').length).toBeLessThanOrEqual(2)
    }
    expect(existsSync(path.join(ws.dir, 'bad'))).toBe(false)
  })

  it('the worker’s report-daily job writes yesterday’s report for every configured region', async () => {
    const ctx = createContext({ configFlag: cfg, log: silentLogger, clock: fixedClock(new Date('2026-12-02T23:30:00Z')) }) // 07:30 on 12-03 in Shanghai
    try {
      const out = await runTask(ctx, { name: 'daily-report', task: 'report-daily', cron: '30 7 * * *', enabled: true, jitterSeconds: 0, timeoutMinutes: 30, sources: [] } as never, new AbortController().signal)
      expect(out.status).toBe('ok')
      const files = (out.counts as { files: string[] }).files.map((f) => path.basename(f)).sort()
      expect(files).toEqual(['daily-440305-2026-12-02.json', 'daily-440305-2026-12-02.md', 'daily-440306-2026-12-02.json', 'daily-440306-2026-12-02.md'])
      expect(readFileSync(path.join(ws.dir, 'reports', 'daily-440305-2026-12-02.md'), 'utf8')).toContain('# 南山区舆情日报（2026-12-02）')
    } finally {
      ctx.close()
    }
  })

  it.skipIf(!chromium)(`the report-daily job prints every region's PDF with one Chromium, each with its own region's text${chromium ? '' : ' [skipped: Chromium is not installed]'}`, async () => {
    // The configured Chromium is a wrapper that logs each start.
    const log = path.join(ws.dir, 'chromium-starts.log')
    const wrapper = path.join(ws.dir, 'chromium-wrapper.sh')
    writeFileSync(wrapper, `#!/bin/sh\necho start >> '${log}'\nexec '${chromium}' "$@"\n`, { mode: 0o755 })
    const pdfCfg = path.join(ws.dir, 'pdf.yaml')
    writeFileSync(pdfCfg, `${readFileSync(cfg, 'utf8').replace('report: { formats: [md, json] }', "report: { formats: [pdf], outputDir: pdf-reports }")}sources: { weibo-search: { chromiumPath: '${wrapper}' } }\n`)
    const ctx = createContext({ configFlag: pdfCfg, log: silentLogger, clock: fixedClock(new Date('2026-12-02T23:30:00Z')) })
    try {
      const out = await runTask(ctx, { name: 'daily-report', task: 'report-daily', cron: '30 7 * * *', enabled: true, jitterSeconds: 0, timeoutMinutes: 30, sources: [] } as never, new AbortController().signal)
      expect(out.status, JSON.stringify(out)).toBe('ok')
    } finally {
      ctx.close()
    }
    expect(readFileSync(log, 'utf8').trim().split('\n')).toEqual(['start'])
    const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs')
    for (const [code, name, other] of [['440306', '宝安区', '南山区舆情日报'], ['440305', '南山区', '宝安区舆情日报']] as const) {
      const pdf = readFileSync(path.join(ws.dir, 'pdf-reports', `daily-${code}-2026-12-02.pdf`))
      expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-')
      const doc = await pdfjs.getDocument({ data: new Uint8Array(pdf), isEvalSupported: false, useSystemFonts: false, disableFontFace: true, verbosity: 0 }).promise
      try {
        const page = await doc.getPage(1)
        const text = (await page.getTextContent()).items.map((it) => ('str' in it ? it.str : '')).join('').replace(/\s+/g, '')
        expect(text).toContain(`${name}舆情日报`)
        expect(text).not.toContain(other)
      } finally {
        await doc.destroy()
      }
    }
  })
})
