/**
 * `yuqing crawl weibo-search` through the real CLI, driving real Chromium (Debian's, through
 * playwright) against the sample server's s.weibo.com pages on loopback: what it stores, that
 * a query reaching the page budget is cut into days and then hours, that a second run adds
 * nothing, that the same post found by the m.weibo.cn crawler is one row, and how login walls,
 * restricted cookies, throttling, changed markup and a redirect to file: end.
 *
 * CI installs chromium (.ci/run); without it these tests are skipped, and their names say why.
 */
import { existsSync, readdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { findChromium } from '../../src/crawlers/browser.js'
import { postsAbout } from '../../src/sample/data.js'
import { startSampleServer, type SampleServer } from '../../src/sample/server.js'
import { searchTimeText } from '../../src/sample/weibo-search.js'
import { SqliteStore } from '../../src/store/sqlite.js'
import { ensureBuilt, parseJson, runCli, tmpDir } from '../helpers/cli.js'
import { sampleConfig } from '../helpers/fixtures.js'

const chromium = findChromium(undefined, process.env)
if (!chromium) console.warn('crawl-search: skipped, Chromium is not installed (apt-get install chromium fonts-wqy-zenhei, or set YUQING_CHROMIUM)')

let ws: { dir: string; cleanup: () => void }
let server: SampleServer
const PAGE_SIZE = 3
const BUDGET = 4

function config(name: string, cookie: string | null, opts: { weibo?: boolean; search?: boolean } = {}): string {
  if (cookie !== null) writeFileSync(path.join(ws.dir, `${name}.cookie`), `${cookie}\n`, { mode: 0o600 })
  const fast = '{ minIntervalMs: 0, jitterMs: 0, restEvery: 0, maxRetries: 1, timeoutMs: 15000 }'
  return sampleConfig(
    ws.dir,
    name,
    `sources:
  weibo:
    enabled: ${opts.weibo ? 'true' : 'false'}
    baseUrls: { api: "${server.url}" }
    rateLimit: ${fast}
  weibo-search:
    enabled: ${opts.search === false ? 'false' : 'true'}
    baseUrls: { search: "${server.url}" }
    maxPages: ${BUDGET}
${cookie !== null ? `    credentialsFile: ${name}.cookie\n` : ''}    rateLimit: ${fast}
  news:
    enabled: false
`,
  )
}

const searchRequests = (from: number) => server.requests.slice(from).filter((r) => r.path.startsWith('/weibo?'))

beforeAll(async () => {
  if (!chromium) return
  ensureBuilt()
  ws = tmpDir()
  // Three results a page and a budget of four pages: the sample world's 宝安 posts (three days)
  // need the day and hour cuts, as a busy keyword does on the real site with 10 and 50.
  server = await startSampleServer({ now: new Date(Math.floor(Date.now() / 60_000) * 60_000 - 60_000), searchPageSize: PAGE_SIZE })
})
afterAll(async () => {
  await server?.close()
  ws?.cleanup()
})

describe.skipIf(!chromium)('yuqing crawl weibo-search (real Chromium) against the sample s.weibo.com', () => {
  it('stores every 宝安 post of the window, cutting the busy query into days and hours; a second run adds nothing', async () => {
    const cfg = config('a', 'SUB=good-sub; SUBP=abc')
    const before = server.requests.length
    const r = await runCli(['crawl', 'weibo-search', '--config', cfg, '--json', '--since', '4d'], { timeoutMs: 120_000 })
    expect(r.code, r.stderr).toBe(0)
    const w = parseJson(r).sources.find((s: { source: string }) => s.source === 'weibo-search')
    expect(w, r.stdout).toMatchObject({ status: 'ok', errors: 0, stopReason: null })

    const world = server.world
    const expected = postsAbout(world, '宝安')
    expect(expected.length).toBeGreaterThan(BUDGET * PAGE_SIZE * 2)
    const s = SqliteStore.open(path.join(ws.dir, 'a.db'), { readonly: true })
    try {
      const rows = s.db.prepare(`select * from mentions where source = 'weibo'`).all() as Array<Record<string, any>>
      expect(rows.map((x) => x.platform_id).sort()).toEqual(expected.map((p) => p.mid).sort())
      for (const p of expected) {
        const row = rows.find((x) => x.platform_id === p.mid)!
        // s.weibo.com shows minutes: the Beijing-time minute, stored in UTC. 刚刚 and N分钟前 are
        // read against the crawl's clock, so they are as exact as the time between page and read.
        const minute = Math.floor(p.createdAt.getTime() / 60_000) * 60_000
        if (/前|刚刚/.test(searchTimeText(p.createdAt, world.now))) expect(Math.abs(Date.parse(row.published_at) - minute)).toBeLessThan(3 * 60_000)
        else expect(row.published_at).toBe(new Date(minute).toISOString())
        expect(row.author_id).toBe(String(p.user.id))
        expect(row.author_name).toBe(p.user.name)
        expect(row.author_verified).toBe(p.user.verified ? 1 : 0)
        expect([row.reposts, row.comments, row.likes]).toEqual([p.reposts >= 1_000_000 ? 1_000_000 : p.reposts, p.comments >= 1_000_000 ? 1_000_000 : p.comments, p.likes >= 1_000_000 ? 1_000_000 : p.likes])
        expect(row.url).toBe(`https://m.weibo.cn/detail/${p.mid}`)
      }
      // Long posts come whole (the hidden full-text node), not cut at 展开.
      const long = expected.find((p) => p.long)
      if (long) expect(rows.find((x) => x.platform_id === long.mid)!.text).toContain(long.text.replace(/\s+/g, ' ').slice(-10))
      const run = s.crawlRuns({ source: 'weibo-search' })[0]!
      expect(run).toMatchObject({ status: 'ok', inserted: expected.length })
    } finally {
      s.close()
    }
    // The cuts: a whole-window query, then day slices, then hour slices.
    const scopes = searchRequests(before).map((q) => decodeURIComponent(/timescope=([^&]+)/.exec(q.path)?.[1] ?? ''))
    const hours = (sc: string) => {
      const [, a, b] = /^custom:(\d+-\d+-\d+-\d+):(\d+-\d+-\d+-\d+)$/.exec(sc)!
      const t = (x: string) => {
        const [y, m, d, h] = x.split('-').map(Number) as [number, number, number, number]
        return Date.UTC(y, m - 1, d, h)
      }
      return (t(b!) - t(a!)) / 3_600_000
    }
    const spans = scopes.map(hours)
    expect(spans[0]).toBeGreaterThan(24)
    expect(spans.some((h) => h > 1 && h <= 24)).toBe(true)
    expect(spans.filter((h) => h === 1).length).toBeGreaterThan(0)
    // No query was read past the budget.
    expect(Math.max(...searchRequests(before).map((q) => Number(/[?&]page=(\d+)/.exec(q.path)?.[1] ?? 1)))).toBeLessThanOrEqual(BUDGET)
    // Every request carried the stored cookie, through the browser.
    expect(searchRequests(before).every((q) => q.cookie)).toBe(true)

    const again = await runCli(['crawl', 'weibo-search', '--config', cfg, '--json', '--since', '4d'], { timeoutMs: 120_000 })
    expect(again.code, again.stderr).toBe(0)
    expect(parseJson(again).sources[0]).toMatchObject({ status: 'ok', inserted: 0, updated: 0 })
  }, 240_000)

  it('stores a post found by both the m.weibo.cn and the s.weibo.com crawler once, and neither overwrites the other', async () => {
    const cfg = config('both', 'SUB=good-sub', { weibo: true })
    const r = await runCli(['crawl', 'weibo', 'weibo-search', '--config', cfg, '--json', '--since', '4d'], { timeoutMs: 120_000 })
    expect(r.code, r.stderr).toBe(0)
    const s = SqliteStore.open(path.join(ws.dir, 'both.db'), { readonly: true })
    try {
      const dup = s.db.prepare(`select platform_id, count(*) n from mentions group by source, platform_id having n > 1`).all()
      expect(dup).toEqual([])
      const posts = s.db.prepare(`select count(*) n from mentions where source = 'weibo' and platform_id not like 'c%'`).get() as { n: number }
      const expected = postsAbout(server.world, '宝安')
      expect(posts.n).toBe(expected.length)
    } finally {
      s.close()
    }
    // Neither crawler overwrites the other: s.weibo.com's view (minutes, no followers) does not
    // replace the API's, so a second run over the same posts changes nothing.
    const again = await runCli(['crawl', 'weibo', 'weibo-search', '--config', cfg, '--json', '--since', '4d'], { timeoutMs: 120_000 })
    expect(again.code, again.stderr).toBe(0)
    for (const src of parseJson(again).sources) expect(src, src.source).toMatchObject({ status: 'ok', inserted: 0, updated: 0 })
  }, 240_000)

  it('stops at the login wall (no cookie: a redirect to the visitor system) with exit 1 and stores nothing', async () => {
    const cfg = config('nocookie', null)
    const r = await runCli(['crawl', 'weibo-search', '--config', cfg, '--json'], { timeoutMs: 60_000 })
    expect(r.code).toBe(1)
    const w = parseJson(r).sources[0]
    expect(w).toMatchObject({ status: 'failed', stopReason: 'needs-cookie', inserted: 0 })
    expect(w.problems.join('\n')).toMatch(/yuqing auth weibo/)
  }, 120_000)

  it('says an all-empty run may mean a restricted cookie', async () => {
    const cfg = config('restricted', 'SUB=restricted')
    const r = await runCli(['crawl', 'weibo-search', '--config', cfg, '--json'], { timeoutMs: 60_000 })
    expect(r.code, r.stderr).toBe(0)
    const w = parseJson(r).sources[0]
    expect(w).toMatchObject({ status: 'ok', inserted: 0 })
    expect(w.problems.join('\n')).toMatch(/restricted or expired/)
  }, 120_000)

  it('retries a 429 (Retry-After), stops on a visitor page served in place, quarantines changed markup, refuses a redirect to file:', async () => {
    // 429 once, then fine.
    server.setFaults([{ mode: '429', path: '/weibo', times: 1, retryAfter: 1 }])
    let r = await runCli(['crawl', 'weibo-search', '--config', config('f429', 'SUB=good'), '--json', '--since', '6h'], { timeoutMs: 60_000 })
    expect(r.code, r.stderr).toBe(0)
    expect(parseJson(r).sources[0]).toMatchObject({ status: 'ok', retries: 1 })

    // The visitor page itself (200, no redirect): still a login wall.
    server.setFaults([{ mode: 'html', path: '/weibo' }])
    r = await runCli(['crawl', 'weibo-search', '--config', config('fhtml', 'SUB=good'), '--json', '--since', '6h'], { timeoutMs: 60_000 })
    expect(r.code).toBe(1)
    expect(parseJson(r).sources[0]).toMatchObject({ status: 'failed', stopReason: 'needs-cookie' })

    // Markup we cannot read (here: JSON where the page should be): quarantined, the run goes on.
    server.setFaults([{ mode: 'shape', path: '/weibo', times: 1 }])
    r = await runCli(['crawl', 'weibo-search', '--config', config('fshape', 'SUB=good'), '--json', '--since', '6h'], { timeoutMs: 60_000 })
    expect(r.code).toBe(3)
    const shape = parseJson(r).sources[0]
    expect(shape).toMatchObject({ status: 'partial', errors: 1 })
    expect(shape.problems.join('\n')).toMatch(/saved to .*quarantine/)
    const qdir = path.join(ws.dir, 'quarantine', 'weibo-search')
    expect(existsSync(qdir) && readdirSync(qdir).some((f) => f.endsWith('.meta.json'))).toBe(true)

    // A redirect to file: is refused, not followed.
    server.setFaults([{ mode: 'redirect-file', path: '/weibo' }])
    r = await runCli(['crawl', 'weibo-search', '--config', config('ffile', 'SUB=good'), '--json', '--since', '6h'], { timeoutMs: 60_000 })
    expect(r.code).toBe(1)
    const file = parseJson(r).sources[0]
    expect(file.status).toBe('failed')
    expect(file.problems.join('\n')).toMatch(/non-http/)
    expect(r.stdout + r.stderr).not.toContain('root:x:0')
    server.setFaults([])
  }, 240_000)
})
