/**
 * `yuqing demo DIR` as a first-time user runs it: a real process, no network, the sample sources
 * server inside it. What it leaves: a workspace with a config that loads, a database with Weibo
 * and news mentions and their analyses, the daily report in every format, and a summary naming
 * the files. Running it again on the same DIR starts clean; a directory that is not a demo
 * workspace is refused.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config/load.js'
import { addDays, isoWithOffset } from '../../src/core/time.js'
import { findChromium } from '../../src/crawlers/browser.js'
import { gazetteerResolver } from '../../src/services/context.js'
import { SqliteStore } from '../../src/store/sqlite.js'
import { ensureBuilt, parseJson, runCli, tmpDir } from '../helpers/cli.js'

let tmp: { dir: string; cleanup: () => void }
const chromium = findChromium(undefined, process.env)
const yesterday = () => addDays(isoWithOffset(new Date(), 'Asia/Shanghai').slice(0, 10), -1)

beforeAll(() => {
  ensureBuilt()
  tmp = tmpDir('yuqing-demo-test-')
})
afterAll(() => tmp.cleanup())

function counts(db: string): { bySource: Record<string, number>; analysed: number; attributed: number; runs: number } {
  const s = SqliteStore.open(db, { readonly: true })
  try {
    const bySource = Object.fromEntries((s.db.prepare('select source, count(*) as n from mentions group by source').all() as Array<{ source: string; n: number }>).map((x) => [x.source, x.n]))
    return {
      bySource,
      analysed: s.db.prepare('select count(*) from analyses').pluck().get() as number,
      attributed: s.db.prepare(`select count(distinct mention_id) from mention_regions where region_code = '440306'`).pluck().get() as number,
      runs: s.db.prepare('select count(*) from crawl_runs').pluck().get() as number,
    }
  } finally {
    s.close()
  }
}

describe('yuqing demo', () => {
  const ws = () => path.join(tmp.dir, 'ws')

  it('runs the whole job offline and leaves a workspace, a database and the daily report in every format', async () => {
    const t0 = Date.now()
    const r = await runCli(['demo', ws()], { cwd: tmp.dir, timeoutMs: 170_000 })
    const seconds = (Date.now() - t0) / 1000
    expect(r.code, r.stderr).toBe(0)
    // Under a minute, with Chromium (s.weibo.com and the PDF) included.
    expect(seconds).toBeLessThan(60)
    // Progress: one line per step on stderr.
    for (const mark of ['①', '②', '③', '④', '⑤', '⑥', '⑦', '⑧']) expect(r.stderr).toContain(`${mark} `)

    // The config loads through the config loader and points only at loopback.
    const cfgFile = path.join(ws(), 'yuqing.yaml')
    const loaded = loadConfig({ configFlag: cfgFile, resolveRegion: gazetteerResolver, env: {} })
    const c = loaded.config
    expect(loaded.regions[0]).toMatchObject({ code: '440306', name: '宝安区' })
    expect(loaded.regions[0]!.officialAccounts.map((a) => a.name)).toContain('深圳宝安发布')
    expect(loaded.regions.length).toBeGreaterThanOrEqual(3)
    expect(c.sources.weibo.baseUrls.api).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(c.sources.news.feeds.every((f) => f.startsWith('http://127.0.0.1:'))).toBe(true)
    for (const u of Object.values(c.sources.news.baseUrls)) expect(u).toMatch(/^http:\/\/127\.0\.0\.1:/)
    expect(c.sources['weibo-search'].enabled).toBe(chromium !== null)
    expect(c.sources.weibo.rateLimit).toMatchObject({ minIntervalMs: 0, jitterMs: 0, restEvery: 0 })
    expect(c.alerts.channels).toEqual([])
    expect(Object.keys(c.alerts.sensitiveWords).length).toBeGreaterThan(0)
    expect(loaded.dbPath).toBe(path.join(ws(), 'data', 'yuqing.db'))

    // The database: Weibo and news mentions, every one analysed, Bao'an attributed.
    const n = counts(loaded.dbPath)
    expect(n.bySource.weibo).toBeGreaterThan(100)
    expect(n.bySource.news).toBeGreaterThan(0)
    expect(n.analysed).toBe(Object.values(n.bySource).reduce((a, b) => a + b, 0))
    expect(n.attributed).toBeGreaterThan(50)

    // The report files, each a real file of its format.
    const day = yesterday()
    const stem = path.join(ws(), 'reports', `daily-440306-${day}`)
    const formats = chromium ? ['md', 'html', 'pdf', 'docx', 'json'] : ['md', 'html', 'docx', 'json']
    for (const f of formats) {
      expect(existsSync(`${stem}.${f}`), `${stem}.${f}`).toBe(true)
      // The printed summary names every file.
      expect(r.stdout).toContain(`${stem}.${f}`)
    }
    expect(readFileSync(`${stem}.md`, 'utf8')).toContain('宝安区')
    expect(readFileSync(`${stem}.html`, 'utf8')).toMatch(/<html[\s>]/i)
    if (chromium) expect(readFileSync(`${stem}.pdf`).subarray(0, 5).toString('latin1')).toBe('%PDF-')
    else expect(r.stdout).toMatch(/pdf\s+skipped: .*Chromium/)
    expect([...readFileSync(`${stem}.docx`).subarray(0, 4)]).toEqual([0x50, 0x4b, 0x03, 0x04])
    const model = JSON.parse(readFileSync(`${stem}.json`, 'utf8'))
    expect(model).toMatchObject({ schema: 'yuqing-report-1', kind: 'daily', region: { code: '440306' }, period: { from: day, to: day } })
    expect(model.sections.overview.mentions).toBeGreaterThan(0)
    // The summary: counts and the next commands.
    expect(r.stdout).toMatch(/mentions\s+\d+ stored/)
    expect(r.stdout).toContain(`--config ws/yuqing.yaml report daily`)
  }, 180_000)

  it('again on the same DIR: reuses the demo workspace after clearing its database and reports (--json summary)', async () => {
    const first = counts(path.join(ws(), 'data', 'yuqing.db'))
    writeFileSync(path.join(ws(), 'reports', 'stale.txt'), 'left from before')
    const r = await runCli(['demo', ws(), '--json'], { cwd: tmp.dir, timeoutMs: 170_000 })
    expect(r.code, r.stderr).toBe(0)
    const sum = parseJson(r)
    expect(sum.ok).toBe(true)
    expect(sum.workspace).toMatchObject({ dir: ws(), reused: true })
    expect(r.stderr).toMatch(/reused: database and reports cleared/)
    // Cleared, not added to: the same crawl runs and mentions as a fresh run.
    const again = counts(path.join(ws(), 'data', 'yuqing.db'))
    expect(again.runs).toBe(first.runs)
    expect(sum.mentions.stored).toBe(Object.values(again.bySource).reduce((a, b) => a + b, 0))
    expect(Math.abs(sum.mentions.stored - Object.values(first.bySource).reduce((a, b) => a + b, 0))).toBeLessThan(20)
    expect(existsSync(path.join(ws(), 'reports', 'stale.txt'))).toBe(false)
    // The JSON summary names the files and the counts.
    expect(sum.report.files.map((f: { format: string }) => f.format).sort()).toEqual((chromium ? ['docx', 'html', 'json', 'md', 'pdf'] : ['docx', 'html', 'json', 'md']).sort())
    for (const f of sum.report.files) expect(existsSync(f.path)).toBe(true)
    expect(sum.mentions.bySource.weibo).toBeGreaterThan(100)
    expect(sum.rank.ranked).toBeGreaterThanOrEqual(2)
    expect(sum.rank.top[0]).toMatchObject({ rank: 1, code: expect.stringMatching(/^\d{6}$/) })
    expect(sum.alerts.created).toBeGreaterThan(0)
    expect(sum.next.some((c: string) => c.includes('report daily'))).toBe(true)
  }, 180_000)

  it('refuses a directory that is not a demo workspace, naming --force, and touches nothing', async () => {
    const other = path.join(tmp.dir, 'mine')
    mkdirSync(other)
    writeFileSync(path.join(other, 'notes.txt'), 'mine')
    const r = await runCli(['demo', other], { cwd: tmp.dir })
    expect(r.code).toBe(2)
    const lines = r.stderr.trim().split('\n')
    expect(lines.find((l) => l.startsWith('yuqing: '))).toMatch(/demo step ① workspace failed: .*not a demo workspace/)
    expect(r.stderr).toContain('--force')
    expect(readdirSync(other)).toEqual(['notes.txt'])

    // --force makes it one; --no-browser: no s.weibo.com, no PDF, said so, the rest written.
    const f = await runCli(['demo', other, '--force', '--no-browser', '--json'], { cwd: tmp.dir, timeoutMs: 170_000 })
    expect(f.code, f.stderr).toBe(0)
    const sum = parseJson(f)
    expect(sum.browser).toMatchObject({ weiboSearch: false, pdf: false, reason: expect.stringContaining('--no-browser') })
    expect(sum.crawl.sources.map((x: { source: string }) => x.source).sort()).toEqual(['news', 'weibo'])
    expect(sum.report.files.map((x: { format: string }) => x.format).sort()).toEqual(['docx', 'html', 'json', 'md'])
    expect(sum.report.skipped).toEqual([{ format: 'pdf', reason: expect.stringContaining('Chromium') }])
    expect(f.stderr).toMatch(/pdf\s+跳过 skipped: PDF needs Chromium/)
    expect(readFileSync(path.join(other, 'notes.txt'), 'utf8')).toBe('mine')
    expect(existsSync(path.join(other, '.yuqing-demo.json'))).toBe(true)
    expect(loadConfig({ configFlag: path.join(other, 'yuqing.yaml'), resolveRegion: gazetteerResolver, env: {} }).config.sources['weibo-search'].enabled).toBe(false)
  }, 180_000)
})
