/**
 * `yuqing run` through the real CLI against the sample sources server on loopback: one crawl of
 * every enabled source, the alert checks, and yesterday's daily report (Asia/Shanghai) written in
 * report.formats; a failing source still gets the report written (exit 3), with the failure in
 * its 数据说明.
 */
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addDays, isoWithOffset } from '../../src/core/time.js'
import { startSampleServer, type SampleServer } from '../../src/sample/server.js'
import { SqliteStore } from '../../src/store/sqlite.js'
import { ensureBuilt, parseJson, runCli, tmpDir } from '../helpers/cli.js'
import { NO_WAITS, sampleConfig, weiboAt } from '../helpers/fixtures.js'

let ws: { dir: string; cleanup: () => void }
let server: SampleServer
let faultReport: any
const yesterday = () => addDays(isoWithOffset(new Date(), 'Asia/Shanghai').slice(0, 10), -1)

function config(name: string): string {
  return sampleConfig(
    ws.dir,
    name,
    `sources:
${weiboAt(server.url, { hotComments: 2 })}
  news:
    feeds: ["${server.url}/rss/scroll-news.xml"]
    engines: [baidu]
    baseUrls: { baidu: "${server.url}", sogou: "${server.url}", so360: "${server.url}" }
    maxPages: 1
    rateLimit: ${NO_WAITS}
report:
  outputDir: reports-${name}
  formats: [md, html, json]
`,
  )
}

beforeAll(async () => {
  ensureBuilt()
  ws = tmpDir()
  server = await startSampleServer({ now: new Date(Date.now() - 60_000) })
})
afterAll(async () => {
  await server.close()
  ws.cleanup()
})

describe('yuqing run', () => {
  it('crawls, stores, checks alerts and writes yesterday’s daily report in report.formats; a second run crawls since the first', async () => {
    const cfg = config('a')
    const day = yesterday()
    const r = await runCli(['--config', cfg, 'run', '--json'], { timeoutMs: 120_000 })
    expect(r.code, r.stderr).toBe(0)
    const res = parseJson(r)
    expect(res).toMatchObject({ status: 'ok', date: day, problems: [] })
    // A new workspace: the first crawl reaches back to the start of the report day, so the first report is whole.
    expect(res.since).toBe(day)
    expect(res.crawl.sources.map((s: { source: string; status: string }) => [s.source, s.status])).toEqual(
      expect.arrayContaining([
        ['weibo', 'ok'],
        ['news', 'ok'],
      ]),
    )
    expect(res.alerts).toMatchObject({ created: expect.any(Number) })

    const s = SqliteStore.open(path.join(ws.dir, 'a.db'), { readonly: true })
    try {
      const bySource = Object.fromEntries((s.db.prepare('select source, count(*) as n from mentions group by source').all() as Array<{ source: string; n: number }>).map((x) => [x.source, x.n]))
      expect(bySource.weibo).toBeGreaterThan(10)
      expect(bySource.news).toBeGreaterThan(0)
      const unanalysed = s.db.prepare('select count(*) from mentions m where not exists (select 1 from analyses a where a.mention_id = m.id)').pluck().get()
      expect(unanalysed).toBe(0)
    } finally {
      s.close()
    }

    expect(res.reports).toHaveLength(1)
    const rep = res.reports[0]
    expect(rep.region.code).toBe('440306')
    expect(rep.files.map((f: { format: string }) => f.format).sort()).toEqual(['html', 'json', 'md'])
    for (const f of rep.files) {
      expect(path.dirname(f.path)).toBe(path.join(ws.dir, 'reports-a'))
      expect(path.basename(f.path)).toBe(`daily-440306-${day}.${f.format}`)
      expect(existsSync(f.path)).toBe(true)
    }
    const model = JSON.parse(readFileSync(rep.files.find((f: { format: string }) => f.format === 'json').path, 'utf8'))
    expect(model).toMatchObject({ schema: 'yuqing-report-1', kind: 'daily', period: { from: day, to: day } })
    expect(model.sections.overview.mentions).toBeGreaterThan(0)
    expect(rep.mentions).toBe(model.sections.overview.mentions)

    // The human output says where the files are.
    const human = await runCli(['--config', cfg, 'run', '--format', 'md', '--date', addDays(day, -1)], { timeoutMs: 120_000 })
    expect(human.code, human.stderr).toBe(0)
    const md = path.join(ws.dir, 'reports-a', `daily-440306-${addDays(day, -1)}.md`)
    expect(human.stdout).toContain(md)
    expect(existsSync(md)).toBe(true)
    expect(existsSync(path.join(ws.dir, 'reports-a', `daily-440306-${addDays(day, -1)}.html`))).toBe(false)
    // Progress on stderr, one line per step.
    expect(human.stderr).toMatch(/① 抓取 crawl/)
    expect(human.stderr).toMatch(/③ 日报 daily report/)
  }, 240_000)

  it('bad flags fail before anything is fetched (exit 2)', async () => {
    const cfg = config('bad')
    const before = server.requests.length
    for (const args of [
      ['--format', 'md,xls'],
      ['--date', '2026-13-01'],
      ['--region', '宝按区'],
    ]) {
      const r = await runCli(['--config', cfg, 'run', ...args])
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2)
      expect(r.stderr.trim().split('\n')[0]).toMatch(/^yuqing: /)
    }
    expect(server.requests.length).toBe(before)
    expect(existsSync(path.join(ws.dir, 'reports-bad'))).toBe(false)
  })

  it('a source that fails makes the run exit 3, and the report is still written', async () => {
    server.setFaults([{ mode: '432', path: '/api/container' }])
    try {
      const cfg = config('fault')
      const day = yesterday()
      const r = await runCli(['--config', cfg, 'run', '--json'], { timeoutMs: 120_000 })
      expect(r.code, r.stderr).toBe(3)
      const res = parseJson(r)
      expect(res.status).toBe('partial')
      expect(res.crawl.sources.find((s: { source: string }) => s.source === 'weibo')).toMatchObject({ status: 'failed', stopReason: 'needs-cookie' })
      expect(res.crawl.sources.find((s: { source: string }) => s.source === 'news').status).toBe('ok')
      expect(res.problems.join('\n')).toMatch(/crawl: weibo failed/)
      // The one-line error on stderr names what failed.
      expect(r.stderr).toMatch(/^yuqing: .*weibo/m)
      // The cookie failure raised a crawler-health alert.
      expect(res.alerts.created).toBeGreaterThan(0)
      const json = path.join(ws.dir, 'reports-fault', `daily-440306-${day}.json`)
      expect(existsSync(json)).toBe(true)
      for (const ext of ['md', 'html']) expect(existsSync(json.replace(/json$/, ext))).toBe(true)
      const model = JSON.parse(readFileSync(json, 'utf8'))
      expect(model.schema).toBe('yuqing-report-1')
      faultReport = model
    } finally {
      server.setFaults([])
    }
  }, 240_000)

  it('the report written after a failed source says so in its 数据说明 (the morning run crawled for the report day)', () => {
    // The run's crawl_runs rows start the morning after the report day; they are the crawl that
    // completed that day, so the report's data notes must count them.
    expect(faultReport, 'the previous test wrote the report').toBeTruthy()
    const notes = faultReport.sections.notes
    const weibo = notes.crawls.find((c: { source: string }) => c.source === 'weibo')
    expect(weibo, `notes.crawls: ${JSON.stringify(notes.crawls)}; lines: ${JSON.stringify(notes.lines)}`).toBeDefined()
    expect(weibo.failed).toBeGreaterThan(0)
    expect(weibo.lastError).toBeTruthy()
    expect(notes.crawls.find((c: { source: string }) => c.source === 'news').ok).toBeGreaterThan(0)
  })
})
