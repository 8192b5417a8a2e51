/**
 * `yuqing crawl` through the real CLI against the sample sources server on loopback, configured
 * only through base URLs: what it stores (UTC times, counts, authors, regions, comments kept with
 * their post, off-topic results filtered), that a second run adds nothing, and how blocked
 * sources end (exit codes, crawl_runs rows, nothing lost).
 */
import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { postsAbout } from '../../src/sample/data.js'
import { startSampleServer, type SampleServer } from '../../src/sample/server.js'
import { SqliteStore } from '../../src/store/sqlite.js'
import { ensureBuilt, parseJson, runCli, tmpDir } from '../helpers/cli.js'
import { NO_WAITS, sampleConfig, weiboAt } from '../helpers/fixtures.js'

let ws: { dir: string; cleanup: () => void }
let server: SampleServer

function config(name: string, extra = ''): string {
  const news = name.startsWith('news')
  const engines = name.startsWith('news-engines')
  return sampleConfig(
    ws.dir,
    name,
    `sources:
${weiboAt(server.url, { extra })}
  news:
    enabled: ${news}
    feeds: ${engines ? '[]' : `["${server.url}/rss/scroll-news.xml"]`}
    engines: ${engines ? '[baidu, sogou, so360]' : '[]'}
    baseUrls: { baidu: "${server.url}", sogou: "${server.url}", so360: "${server.url}" }
    maxPages: 2
    rateLimit: ${NO_WAITS}
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

describe('yuqing crawl weibo against the sample server', () => {
  it('stores the posts that mention the region with their comments, then adds nothing on a second run', async () => {
    const cfg = config('a')
    // The sample world spans three days; the first run's default window is 24 h.
    const r = await runCli(['crawl', 'weibo', '--config', cfg, '--json', '--since', '4d'], { timeoutMs: 60_000 })
    expect(r.code, r.stderr).toBe(0)
    const sum = parseJson(r)
    const w = sum.sources.find((s: { source: string }) => s.source === 'weibo')
    expect(w).toMatchObject({ status: 'ok', errors: 0, stopReason: null })
    expect(w.inserted).toBeGreaterThan(20)

    // What the sample world holds for 宝安: every post mentioning it, or reposting one that does
    // (unless the original was deleted: then its text is gone and the repost says nothing).
    const world = server.world
    const expected = postsAbout(world, '宝安')
    const s = SqliteStore.open(path.join(ws.dir, 'a.db'), { readonly: true })
    try {
      const rows = s.db.prepare(`select * from mentions where source = 'weibo' and platform_id not like 'c%'`).all() as Array<Record<string, any>>
      expect(rows.map((x) => x.platform_id).sort()).toEqual(expected.map((p) => p.mid).sort())
      for (const p of expected) {
        const row = rows.find((x) => x.platform_id === p.mid)!
        // Times in UTC, from the Beijing-time created_at.
        expect(row.published_at).toBe(new Date(Math.floor(p.createdAt.getTime() / 1000) * 1000).toISOString())
        expect(row.author_name).toBe(p.user.name)
        expect(row.author_verified).toBe(p.user.verified ? 1 : 0)
        expect(row.reposts).toBe(p.reposts)
        expect(row.likes).toBe(p.likes >= 1_000_000 ? 1_000_000 : p.likes)
        // Long posts are stored whole (statuses/extend), emoji alt text kept.
        expect(row.text).toContain(p.text.replace(/#[^#]+#/g, '').slice(0, 20))
        if (p.long) expect(row.text).toContain('一起监督问题解决')
      }
      // Comments are kept with their post; none for posts that were not kept.
      const comments = s.db.prepare(`select platform_id, extra_json from mentions where platform_id like 'c%'`).all() as Array<{ platform_id: string; extra_json: string }>
      const keptMids = new Set(expected.map((p) => p.mid))
      expect(comments.length).toBeGreaterThan(0)
      for (const c of comments) expect(keptMids.has(JSON.parse(c.extra_json).postMid)).toBe(true)
      // Off-topic results of the fuzzy search were filtered, not stored.
      expect(w.filtered).toBeGreaterThan(0)
      // Analysed: Bao'an posts attributed to 440306.
      const attributed = s.db.prepare(`select count(distinct m.id) as n from mentions m join mention_regions r on r.mention_id = m.id where r.region_code = '440306'`).get() as { n: number }
      expect(attributed.n).toBeGreaterThan(expected.length / 2)
      const run = s.crawlRuns({ source: 'weibo' })[0]!
      expect(run).toMatchObject({ status: 'ok', inserted: w.inserted, filtered: w.filtered })
    } finally {
      s.close()
    }

    const again = await runCli(['crawl', 'weibo', '--config', cfg, '--json'], { timeoutMs: 60_000 })
    expect(again.code, again.stderr).toBe(0)
    const w2 = parseJson(again).sources[0]
    expect(w2).toMatchObject({ status: 'ok', inserted: 0, updated: 0 })
    expect(w2.unchanged).toBeGreaterThan(0)
    // `sources list` reports the last run in the report time zone.
    const list = parseJson(await runCli(['sources', 'list', '--config', cfg, '--json']))
    expect(list.find((x: { source: string }) => x.source === 'weibo').lastRun).toMatchObject({ status: 'ok', startedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/) })
  })

  it('--dry-run fetches and filters but stores nothing', async () => {
    const cfg = config('dry')
    const r = await runCli(['crawl', 'weibo', '--config', cfg, '--dry-run', '--json', '--max-pages', '1'], { timeoutMs: 60_000 })
    expect(r.code, r.stderr).toBe(0)
    const w = parseJson(r).sources[0]
    expect(w.inserted).toBeGreaterThan(0)
    expect(w.runId).toBeNull()
    expect(parseJson(r).analysis).toBeNull()
  })

  it('one crawl per source at a time: a live holder of the source’s lease stops a second crawl (busy, its run untouched); a dead one’s lease is taken over', async () => {
    const cfg = config('lease')
    const db = path.join(ws.dir, 'lease.db')
    const setup = SqliteStore.open(db)
    // Another live process (this test's own pid) is crawling weibo: its lease and its running row.
    const liveRun = setup.startCrawlRun('weibo', { keywords: ['宝安'] }, new Date())
    setup.db.prepare(`insert into job_leases (job, holder, run_id, acquired_at, expires_at) values ('crawl:weibo', ?, null, ?, ?)`).run(`${os.hostname()}:${process.pid}:other`, new Date().toISOString(), new Date(Date.now() + 120_000).toISOString())
    setup.close()
    const busy = await runCli(['crawl', 'weibo', '--config', cfg, '--json', '--since', '4d'], { timeoutMs: 60_000 })
    expect(busy.code).toBe(1)
    expect(parseJson(busy).sources[0]).toMatchObject({ status: 'failed', stopReason: 'busy', requests: 0, runId: null })
    expect(busy.stderr).toContain('another crawl of this source is running')
    let s = SqliteStore.open(db, { readonly: true })
    expect(s.crawlRuns().map((r) => [r.id, r.status])).toEqual([[liveRun, 'running']])
    expect(s.db.prepare('select count(*) from mentions').pluck().get()).toBe(0)
    s.close()

    // The holder was killed (a pid of this host that no longer exists): its lease is void, its run aborted.
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout
    s = SqliteStore.open(db)
    s.db.prepare(`update job_leases set holder = ? where job = 'crawl:weibo'`).run(`${os.hostname()}:${gone}:other`)
    s.close()
    const r = await runCli(['crawl', 'weibo', '--config', cfg, '--json', '--since', '4d', '--no-analyze'], { timeoutMs: 60_000 })
    expect(r.code, r.stderr).toBe(0)
    s = SqliteStore.open(db, { readonly: true })
    const runs = s.crawlRuns()
    expect(runs.find((x) => x.id === liveRun)?.status).toBe('aborted')
    expect(runs.filter((x) => x.status === 'ok')).toHaveLength(1)
    // Released when done.
    expect(s.db.prepare(`select count(*) from job_leases where job = 'crawl:weibo'`).pluck().get()).toBe(0)
    s.close()
  })

  it('a login wall stops the source with exit 1, a one-line reason, and a failed crawl_runs row', async () => {
    server.setFaults([{ mode: '432', path: '/api/container' }])
    try {
      const cfg = config('blocked')
      const r = await runCli(['crawl', 'weibo', '--config', cfg, '--json'], { timeoutMs: 60_000 })
      expect(r.code).toBe(1)
      const w = parseJson(r).sources[0]
      expect(w).toMatchObject({ status: 'failed', stopReason: 'needs-cookie', requests: 1 })
      expect(r.stderr).toMatch(/every source failed: weibo \(weibo: HTTP 432/)
      const s = SqliteStore.open(path.join(ws.dir, 'blocked.db'), { readonly: true })
      expect(s.crawlRuns()[0]).toMatchObject({ status: 'failed', stop_reason: 'needs-cookie' })
      s.close()
    } finally {
      server.setFaults([])
    }
  })

  it('keeps the pages it stored when throttling stops it midway (status partial), and never prints the cookie', async () => {
    // Page 1 of the first keyword answers, then the site throttles for good.
    server.setFaults([{ mode: '418', path: '/api/container', after: 1, retryAfter: 0 }])
    writeFileSync(path.join(ws.dir, 'weibo.cookie'), 'SUB=top-secret-sub\nSUBP=abc\n', { mode: 0o600 })
    const cfg = config('partial', '    credentialsFile: weibo.cookie')
    const before = server.requests.length
    const r = await runCli(['crawl', 'weibo', '--config', cfg, '--json', '--verbose'], { timeoutMs: 60_000 })
    server.setFaults([])
    expect(r.code).toBe(3)
    expect(r.stderr).toMatch(/weibo stopped early or had errors \(throttled\)/)
    const w = parseJson(r).sources[0]
    expect(w.status).toBe('partial')
    expect(w.inserted).toBeGreaterThan(0)
    expect(w.stopReason).toBe('throttled')
    expect(r.stdout + r.stderr).not.toContain('top-secret-sub')
    expect(server.requests.slice(before).every((q) => q.cookie)).toBe(true)
    const s = SqliteStore.open(path.join(ws.dir, 'partial.db'), { readonly: true })
    const run = s.crawlRuns()[0]!
    expect(run.stop_reason).toBe('throttled')
    expect(s.countMentions()).toBe(run.inserted)
    s.close()
  })

  it('fails only the source whose configured credentials file is missing; the others are stored (exit 3)', async () => {
    const cfg = config('news-missing-cookie', '    credentialsFile: no-such.cookie')
    const r = await runCli(['crawl', '--config', cfg, '--json', '--since', '3d'], { timeoutMs: 60_000 })
    expect(r.code, r.stderr).toBe(3)
    const sum = parseJson(r)
    const w = sum.sources.find((s: { source: string }) => s.source === 'weibo')
    const n = sum.sources.find((s: { source: string }) => s.source === 'news')
    expect(w.status).toBe('failed')
    expect(w.problems[0]).toMatch(/credentialsFile: .*no-such\.cookie does not exist/)
    expect(n.status).toBe('ok')
    expect(n.inserted).toBeGreaterThan(0)
  })
})

describe('yuqing crawl news against the sample server', () => {
  it('stores the feed articles that mention the region, decoded and extracted, and fetches none twice', async () => {
    const cfg = config('news')
    const before = server.requests.length
    const r = await runCli(['crawl', 'news', '--config', cfg, '--json', '--since', '3d'], { timeoutMs: 60_000 })
    expect(r.code, r.stderr).toBe(0)
    const n = parseJson(r).sources[0]
    const relevant = server.world.articles.filter((a) => a.title.includes('宝安') || a.paragraphs.some((p) => p.includes('宝安')))
    expect(n).toMatchObject({ source: 'news', status: 'ok', inserted: relevant.length, filtered: server.world.articles.length - relevant.length, errors: 0 })
    const s = SqliteStore.open(path.join(ws.dir, 'news.db'), { readonly: true })
    try {
      for (const a of relevant) {
        const row = s.db.prepare(`select * from mentions where source = 'news' and title = ?`).get(a.title) as Record<string, any> | undefined
        expect(row, `${a.title} (${a.encoding})`).toBeDefined()
        // The page's own publish time (to the minute, Beijing time) stored in UTC.
        expect(row!.published_at).toBe(new Date(Math.floor(a.publishedAt.getTime() / 60_000) * 60_000).toISOString())
        expect(row!.author_name).toBe(a.author)
        // The body: every paragraph, none of the page furniture (related list, 特别声明 footer, share bar).
        expect(row!.text).toBe(a.paragraphs.join('\n'))
        expect(row!.canonical_url).not.toContain('utm_')
      }
    } finally {
      s.close()
    }
    const fetched = server.requests.slice(before).filter((q) => q.path.startsWith('/news/')).length
    expect(fetched).toBe(server.world.articles.length)
    const again = await runCli(['crawl', 'news', '--config', cfg, '--json', '--since', '3d'], { timeoutMs: 60_000 })
    expect(again.code, again.stderr).toBe(0)
    expect(parseJson(again).sources[0]).toMatchObject({ inserted: 0, updated: 0 })
    // Stored articles are not fetched again; only the one that was filtered out is.
    const refetched = server.requests.slice(before).filter((q) => q.path.startsWith('/news/')).length - fetched
    expect(refetched).toBe(server.world.articles.length - relevant.length)
  })

  it('searches Baidu, Sogou and 360 News, follows their redirect links to the real article URL, and stores each article once', async () => {
    const cfg = config('news-engines')
    const before = server.requests.length
    const r = await runCli(['crawl', 'news', '--config', cfg, '--json', '--since', '3d'], { timeoutMs: 60_000 })
    expect(r.code, r.stderr).toBe(0)
    const n = parseJson(r).sources[0]
    const relevant = server.world.articles.filter((a) => a.title.includes('宝安') || a.paragraphs.some((p) => p.includes('宝安')))
    expect(n).toMatchObject({ status: 'ok', inserted: relevant.length, errors: 0 })
    const paths = server.requests.slice(before).map((q) => q.path)
    for (const engine of ['/s?tn=news', '/news?query=', '/ns?q=']) expect(paths.some((x) => x.startsWith(engine)), engine).toBe(true)
    expect(paths.some((x) => x.startsWith('/agg'))).toBe(false) // 360's aggregate card is skipped
    const s = SqliteStore.open(path.join(ws.dir, 'news-engines.db'), { readonly: true })
    try {
      const rows = s.db.prepare(`select url, title, extra_json from mentions where source = 'news' order by url`).all() as Array<{ url: string; title: string; extra_json: string }>
      expect(rows.map((x) => x.title).sort()).toEqual(relevant.map((a) => a.title).sort())
      for (const row of rows) {
        expect(row.url).toMatch(/\/news\/\d+\.html$/) // the redirect's target, not /link?url=…
        expect(['baidu', 'sogou', 'so360']).toContain(JSON.parse(row.extra_json).engine)
      }
    } finally {
      s.close()
    }
  })

  it('quarantines a malformed feed and goes on (exit 3, status partial)', async () => {
    server.setFaults([{ mode: 'malformed', path: '/rss/' }])
    try {
      const cfg = config('news-bad')
      const r = await runCli(['crawl', 'news', '--config', cfg, '--json'], { timeoutMs: 60_000 })
      expect(r.code).toBe(3)
      const n = parseJson(r).sources[0]
      expect(n).toMatchObject({ status: 'partial', errors: 1, inserted: 0 })
      expect(n.problems[0]).toMatch(/not well-formed XML.*saved to .*quarantine\/news\//)
    } finally {
      server.setFaults([])
    }
  })
})
