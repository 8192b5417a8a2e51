/**
 * `npx tsx bench/crawl.ts [--pages N] [--rate R] [--latency MS]` (also part of `npm run bench`):
 * the HTTP crawler against the sample sources server with added latency. Target (the issue):
 * with 20 ms latency, `yuqing crawl weibo` sustains ≥ 95% of a configured 50 requests/s and
 * stays under 300 MB RSS over 10,000 pages.
 *
 * - The sample server runs in this process (latencyMs 20), with a world of 4,000 posts over
 *   7 days: the fuzzy search (first two characters of the keyword) returns ~1,700 of them for
 *   any keyword starting with 宝安, so every such keyword has more than 100 pages of results.
 * - A temp workspace config watches 宝安区 with ceil(pages / 100) keywords (the region's name
 *   plus `regions[].keywords` 宝安交通投诉, 宝安地铁整改, …), sources.weibo.maxPages 100: the
 *   planned keywords × maxPages is the page total (10,000 = 100 × 100). Posts repeat across
 *   keywords and the crawl stores each once per run, so storage does little after the first
 *   keyword: what is measured is the request path.
 * - rateLimit { concurrency 4, minIntervalMs 1000/rate, jitterMs 0, restEvery 0, maxRetries 1 }.
 * - The real CLI (`node bin/run.js crawl weibo --config … --json --since 30d`) in a child
 *   process; its peak RSS (VmHWM) and its resident size over time are polled from /proc.
 * - The server's side of every request (node:diagnostics_channel, this process): arrival and
 *   answer times, so the crawl phase (first request to last answer) is timed apart from start-up
 *   and from the analysis the CLI runs after storing, and the requests in flight are counted.
 * - When the rate misses, probes in this process with the compiled crawler (dist/) and the same
 *   politeness: search requests through one SourceClient from 4 concurrent callers (the rate the
 *   per-host gate allows when requests are kept in flight), and the real WeiboCrawler over 8
 *   keywords × 30 pages walked one keyword at a time (concurrency 1) and `concurrency` at once
 *   (as the CLI does).
 *
 * Standalone it writes bench/out/crawl.json; bench/run.ts includes the result in its JSON.
 */
import { spawn } from 'node:child_process'
import { subscribe, unsubscribe } from 'node:diagnostics_channel'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import type { IncomingMessage } from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { pollMemory } from './memory.js'
// The compiled code (dist/, built by `npm run bench`), as the CLI and `yuqing sources serve-sample` run it.
import { startSampleServer } from '../dist/sample/server.js'
import type { SamplePost } from '../src/sample/data.js'
import type { SampleServer } from '../src/sample/server.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const bin = path.join(root, 'bin', 'run.js')

export interface CrawlBenchOptions {
  /** Search pages to crawl (rounded up to keywords × maxPages). */
  pages: number
  /** Configured requests per second (minIntervalMs = 1000 / rate). */
  rate: number
  /** Latency the sample server adds to every answer, ms. */
  latencyMs: number
  /** Requests in flight per host allowed by the config (default 4). */
  concurrency?: number
  /** Posts in the sample world (default 4,000). */
  posts?: number
}

export interface CrawlBench {
  targetPages: number
  keywords: number
  maxPages: number
  worldPosts: number
  /** Posts the fuzzy search returns for the keywords' stem 宝安 (≥ maxPages × 10). */
  searchHits: number
  latencyMs: number
  concurrency: number
  minIntervalMs: number
  exitCode: number
  status: string
  /** Search pages crawled (the CLI's count). */
  pages: number
  /** Requests the server saw (search pages and statuses/extend for long posts). */
  requests: number
  searchRequests: number
  longTextRequests: number
  otherRequests: number
  /** The CLI's own count (tries, retries included) and retries. */
  clientRequests: number
  retries: number
  errors: number
  fetched: number
  filtered: number
  /** Mentions stored (inserted + updated). */
  stored: number
  analyzed: number | null
  wallSeconds: number
  /** Spawn to the first request. */
  startupSeconds: number
  /** First request's arrival to last request's answer. */
  crawlSeconds: number
  /** Last answer to exit: analysis (reanalyze) and closing. */
  afterCrawlSeconds: number
  /** The CLI's own figure for the analysis phase. */
  analysisSeconds: number | null
  configuredRate: number
  /** (requests − 1) / (last arrival − first arrival). */
  requestsPerSecond: number
  ratio: number
  /** Best and worst 10-second windows of the crawl phase, requests/s (null when shorter than one window). */
  windowRate: { best: number; worst: number } | null
  /** Peak RSS of the whole run (VmHWM). */
  peakRssMb: number | null
  /** Peak resident size sampled before the crawl reached half its requests. */
  firstHalfPeakRssMb: number | null
  /** Peak resident size sampled up to the last request (the crawl phase). */
  crawlPeakRssMb: number | null
  /** Peak resident size sampled after the last answer (the analysis the CLI runs after storing). */
  afterCrawlPeakRssMb: number | null
  /** Requests in flight at the server: the most ever, and the share of crawl time with 0, 1, 2+ in flight. */
  inFlight: { max: number; share0: number; share1: number; share2plus: number }
  /** Server time per request (arrival → answer), and the client's time between an answer and its next request, ms. */
  serverMs: { p50: number; p95: number }
  clientGapMs: { afterSearch: { p50: number; p95: number; mean: number }; afterLongText: { p50: number; p95: number; mean: number } }
  /** Requests/s over 10-second windows of the crawl phase, in order. */
  windowRates: number[]
  /** In-process probes (only when the CLI misses the rate): the gate with concurrent callers, the crawler walking keywords one at a time and `concurrency` at a time. */
  probes: { gate: Probe; walk: Probe; sideBySide: Probe } | null
}

/** Keywords sharing the stem 宝安 (the fuzzy search matches on the first two characters). */
function keywordList(n: number): string[] {
  const a = ['交通', '地铁', '暴雨', '积水', '噪音', '消防', '学位', '医院', '工资', '房租', '城管', '公园', '施工', '停车', '外卖']
  const b = ['投诉', '整改', '处理', '求助', '曝光', '进展', '通报', '回应', '问题', '现场']
  const out: string[] = []
  for (const y of b) for (const x of a) if (out.length < n) out.push(`宝安${x}${y}`)
  for (let i = 0; out.length < n; i++) out.push(`宝安话题${i}`)
  return out
}

function pct(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : NaN
}
const r1 = (x: number) => Math.round(x * 10) / 10
const r2 = (x: number) => Math.round(x * 100) / 100
const r3 = (x: number) => Math.round(x * 1000) / 1000

interface Served {
  start: number
  end: number
  kind: 'search' | 'extend' | 'other'
}

/** Records every request the servers of this process answer (arrival, answer), by kind. */
function recordServed(): { served: Served[]; stop: () => void } {
  const served: Served[] = []
  const open = new WeakMap<IncomingMessage, Served>()
  const onStart = (msg: unknown) => {
    const req = (msg as { request: IncomingMessage }).request
    const url = req.url ?? ''
    const s: Served = { start: performance.now(), end: NaN, kind: url.startsWith('/api/container/getIndex') ? 'search' : url.startsWith('/statuses/extend') ? 'extend' : 'other' }
    open.set(req, s)
    served.push(s)
  }
  const onFinish = (msg: unknown) => {
    const s = open.get((msg as { request: IncomingMessage }).request)
    if (s) s.end = performance.now()
  }
  subscribe('http.server.request.start', onStart)
  subscribe('http.server.response.finish', onFinish)
  return {
    served,
    stop: () => {
      unsubscribe('http.server.request.start', onStart)
      unsubscribe('http.server.response.finish', onFinish)
    },
  }
}

/** Share of [from, to] with 0, 1 and 2+ requests in flight, and the most in flight. */
function inFlight(served: Served[], from: number, to: number): CrawlBench['inFlight'] {
  const ev: Array<[number, number]> = []
  for (const s of served) ev.push([s.start, 1], [Number.isNaN(s.end) ? to : s.end, -1])
  ev.sort((a, b) => a[0] - b[0] || a[1] - b[1])
  let n = 0
  let max = 0
  let last = from
  const time = [0, 0, 0]
  for (const [t, d] of ev) {
    time[Math.min(n, 2)]! += Math.max(0, Math.min(t, to) - last)
    last = Math.max(last, Math.min(t, to))
    n += d
    max = Math.max(max, n)
  }
  const total = Math.max(1e-9, to - from)
  return { max, share0: r3(time[0]! / total), share1: r3(time[1]! / total), share2plus: r3(time[2]! / total) }
}

/** The client's time between an answer and the next request (only meaningful when requests do not overlap). */
function gaps(served: Served[], after: Served['kind']): { p50: number; p95: number; mean: number } {
  const g: number[] = []
  for (let i = 1; i < served.length; i++) {
    const prev = served[i - 1]!
    if (prev.kind === after && served[i]!.start >= prev.end) g.push(served[i]!.start - prev.end)
  }
  g.sort((a, b) => a - b)
  return { p50: r2(pct(g, 50)), p95: r2(pct(g, 95)), mean: r2(g.reduce((s, x) => s + x, 0) / Math.max(1, g.length)) }
}

/** Runs the CLI, polling its peak RSS (VmHWM) and resident size over time, as bench/run.ts does. */
function cli(args: string[], cwd: string, timeoutMs: number): Promise<{ code: number; stdout: string; stderr: string; t0: number; t1: number; peakRssMb: number | null; rss: Array<[number, number]> }> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' }
    delete env.YUQING_CONFIG
    delete env.YUQING_DB
    delete env.NODE_ENV
    const t0 = performance.now()
    const child = spawn(process.execPath, [bin, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'], env })
    let stdout = ''
    let stderr = ''
    const mem = pollMemory(child.pid)
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.on('error', (err) => {
      mem.stop()
      clearTimeout(timer)
      reject(err)
    })
    child.on('close', (code) => {
      const { peakMb: peak, rss } = mem.stop()
      clearTimeout(timer)
      resolve({ code: code ?? -1, stdout, stderr, t0, t1: performance.now(), peakRssMb: peak === null ? null : Math.round(peak), rss })
    })
  })
}

interface Probe {
  requests: number
  requestsPerSecond: number
  maxInFlight: number
}

/** Rate and concurrency of what `rec` saw. */
function probeFigures(served: Served[]): Probe {
  const span = (served[served.length - 1]!.start - served[0]!.start) / 1000
  return { requests: served.length, requestsPerSecond: r1((served.length - 1) / span), maxInFlight: inFlight(served, served[0]!.start, served[served.length - 1]!.end).max }
}

/**
 * Where the time goes, in this process with the compiled crawler (dist/) and no store:
 *  - gate: `n` search requests through one SourceClient with the bench's politeness from
 *    `callers` concurrent callers: the rate the per-host gate allows when requests are kept in flight;
 *  - walk: the real WeiboCrawler over `keywords` with concurrency 1 (one keyword at a time);
 *  - sideBySide: the same with concurrency `callers`, as the CLI runs it (keywords walked side
 *    by side over one SourceClient, its gate keeping the politeness).
 */
async function probes(baseUrl: string, politeness: Record<string, number>, callers: number, n: number, keywords: string[], maxPages: number): Promise<{ gate: Probe; walk: Probe; sideBySide: Probe }> {
  const { SourceClient } = await import('../dist/crawlers/client.js')
  const { WeiboCrawler } = await import('../dist/crawlers/weibo/crawler.js')
  const { systemClock } = await import('../dist/core/clock.js')
  const { silentLogger } = await import('../dist/core/logger.js')
  const client = () => new SourceClient({ source: 'weibo', politeness: politeness as never, clock: systemClock, log: silentLogger })
  const measure = async (f: () => Promise<unknown>) => {
    const rec = recordServed()
    try {
      await f()
      return probeFigures(rec.served)
    } finally {
      rec.stop()
    }
  }
  const gate = await measure(async () => {
    const c = client()
    let next = 0
    const worker = async (w: number) => {
      for (let i = next++; i < n; i = next++) {
        const q = encodeURIComponent(`100103type=61&q=宝安探针${w}`)
        await c.get(`${baseUrl}/api/container/getIndex?containerid=${q}&page_type=searchall&page=${(i % 100) + 1}`, 'json')
      }
    }
    await Promise.all(Array.from({ length: callers }, (_, w) => worker(w)))
  })
  const ctx = { clock: systemClock, log: silentLogger, signal: new AbortController().signal }
  const since = new Date(Date.now() - 30 * 86_400_000)
  const walkAll = async (concurrency: number) => {
    const crawler = new WeiboCrawler({ baseUrl, maxPages, hotComments: 0, concurrency }, client())
    for await (const _ of crawler.crawl({ keywords, regions: ['440306'], since, maxPages }, ctx)) {
      /* drain */
    }
  }
  const walk = await measure(() => walkAll(1))
  const sideBySide = await measure(() => walkAll(callers))
  return { gate, walk, sideBySide }
}

export async function benchCrawl(opts: CrawlBenchOptions): Promise<CrawlBench> {
  const concurrency = opts.concurrency ?? 4
  const minIntervalMs = Math.round(1000 / opts.rate)
  const keywords = Math.max(1, Math.ceil(opts.pages / 100))
  const maxPages = Math.min(100, Math.ceil(opts.pages / keywords))
  const posts = opts.posts ?? 4000
  const dir = mkdtempSync(path.join(os.tmpdir(), 'yuqing-bench-crawl-'))
  const rec = recordServed()
  const server: SampleServer = await startSampleServer({ now: new Date(Date.now() - 60_000), seed: 11, posts, days: 7, latencyMs: opts.latencyMs })
  try {
    // The server's fuzzy search, as it decides (src/sample/server.ts search()).
    const stem = '宝安'
    const searchHits = server.world.posts.filter((p: SamplePost, i: number) => p.text.includes(stem) || p.retweeted?.text.includes(stem) || (i % 11 === 0 && p.hotComments.length === 0)).length
    if (searchHits < maxPages * 10 + 1) throw new Error(`the sample world has ${searchHits} search hits for ${stem}, fewer than ${maxPages} pages; raise posts`)
    const words = keywordList(keywords - 1) // the region's name 宝安区 is the first keyword
    const rateLimit = { concurrency, minIntervalMs, jitterMs: 0, restEvery: 0, maxRetries: 1, timeoutMs: 20_000 }
    const cfg = path.join(dir, 'yuqing.yaml')
    writeFileSync(
      cfg,
      `database: { path: crawl.db }
regions:
  - code: "440306"
    name: 宝安区
    keywords: [${words.join(', ')}]
sources:
  weibo:
    baseUrls: { api: "${server.url}" }
    maxPages: ${maxPages}
    hotComments: 0
    rateLimit: ${JSON.stringify(rateLimit)}
  news:
    enabled: false
`,
    )
    const timeoutMs = Math.round(((keywords * maxPages * 2.5) / (opts.rate * 0.3)) * 1000 + 180_000)
    const run = await cli(['crawl', 'weibo', '--config', cfg, '--json', '--since', '30d'], dir, timeoutMs)
    rec.stop()
    let sum: any
    try {
      sum = JSON.parse(run.stdout)
    } catch {
      throw new Error(`crawl failed (exit ${run.code}), no JSON: ${run.stderr.slice(0, 2000)}`)
    }
    const w = (sum.sources ?? []).find((s: { source: string }) => s.source === 'weibo')
    if (!w) throw new Error(`crawl (exit ${run.code}) reported no weibo source: ${run.stdout.slice(0, 500)} ${run.stderr.slice(0, 1000)}`)

    const served = rec.served.filter((s) => s.start >= run.t0).sort((a, b) => a.start - b.start)
    if (served.length < 2) throw new Error(`the server saw ${served.length} requests`)
    const first = served[0]!.start
    const lastStart = served[served.length - 1]!.start
    const lastEnd = Math.max(...served.map((s) => (Number.isNaN(s.end) ? s.start : s.end)))
    const halfAt = served[Math.floor(served.length / 2)]!.start
    const requestsPerSecond = (served.length - 1) / ((lastStart - first) / 1000)
    // 10-second windows over the crawl phase (whole windows only).
    const rates: number[] = []
    for (let t = first; t + 10_000 <= lastStart; t += 10_000) rates.push(served.filter((s) => s.start >= t && s.start < t + 10_000).length / 10)
    const maxRss = (until: number, from = -Infinity) => {
      const v = run.rss.filter(([t]) => t <= until && t > from).map(([, m]) => m)
      return v.length ? Math.round(Math.max(...v)) : null
    }
    const serverMs = served.filter((s) => !Number.isNaN(s.end)).map((s) => s.end - s.start).sort((a, b) => a - b)
    const result: CrawlBench = {
      targetPages: opts.pages,
      keywords: w.keywords,
      maxPages,
      worldPosts: posts,
      searchHits,
      latencyMs: opts.latencyMs,
      concurrency,
      minIntervalMs,
      exitCode: run.code,
      status: w.status,
      pages: w.pages,
      requests: served.length,
      searchRequests: served.filter((s) => s.kind === 'search').length,
      longTextRequests: served.filter((s) => s.kind === 'extend').length,
      otherRequests: served.filter((s) => s.kind === 'other').length,
      clientRequests: w.requests,
      retries: w.retries,
      errors: w.errors,
      fetched: w.fetched,
      filtered: w.filtered,
      stored: w.inserted + w.updated,
      analyzed: sum.analysis?.analyzed ?? null,
      wallSeconds: r2((run.t1 - run.t0) / 1000),
      startupSeconds: r2((first - run.t0) / 1000),
      crawlSeconds: r2((lastEnd - first) / 1000),
      afterCrawlSeconds: r2((run.t1 - lastEnd) / 1000),
      analysisSeconds: sum.analysis ? r2(sum.analysis.seconds) : null,
      configuredRate: opts.rate,
      requestsPerSecond: r1(requestsPerSecond),
      ratio: r3(requestsPerSecond / opts.rate),
      windowRate: rates.length ? { best: Math.max(...rates), worst: Math.min(...rates) } : null,
      peakRssMb: run.peakRssMb,
      firstHalfPeakRssMb: maxRss(halfAt),
      crawlPeakRssMb: maxRss(lastEnd),
      afterCrawlPeakRssMb: maxRss(Infinity, lastEnd),
      inFlight: inFlight(served, first, lastEnd),
      serverMs: { p50: r2(pct(serverMs, 50)), p95: r2(pct(serverMs, 95)) },
      clientGapMs: { afterSearch: gaps(served, 'search'), afterLongText: gaps(served, 'extend') },
      windowRates: rates,
      probes: null,
    }
    if (result.ratio < 0.95) result.probes = await probes(server.url, rateLimit, concurrency, 500, ['宝安区', ...keywordList(7)], 30)
    if (run.code !== 0) console.error(`crawl exited ${run.code}: ${run.stderr.slice(0, 1000)}`)
    return result
  } finally {
    rec.stop()
    await server.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

/** The figures, in the style of bench/run.ts; returns the PASS/MISS lines. */
export function printCrawl(r: CrawlBench): string[] {
  const n = (x: number) => x.toLocaleString('en-US')
  console.log(
    `crawl (weibo, ${r.latencyMs} ms latency): ${n(r.pages)} pages (${r.keywords} keyword${r.keywords === 1 ? '' : 's'} × ${r.maxPages} pages; ${n(r.searchHits)} search hits of ${n(r.worldPosts)} posts)  ${n(r.requests)} requests (${n(r.searchRequests)} search, ${n(r.longTextRequests)} long text, retries ${r.retries})  status ${r.status}  exit ${r.exitCode}`,
  )
  console.log(
    `crawl rate:               ${r.requestsPerSecond} requests/s vs ${r.configuredRate} configured (ratio ${r.ratio.toFixed(2)}, target ≥ 0.95; concurrency ${r.concurrency}, minIntervalMs ${r.minIntervalMs})${r.windowRate ? `; 10-s windows ${r.windowRate.worst}–${r.windowRate.best} requests/s` : ''}`,
  )
  console.log(
    `crawl time:               ${r.wallSeconds.toFixed(1)} s wall = start-up ${r.startupSeconds.toFixed(1)} s + crawl ${r.crawlSeconds.toFixed(1)} s + after the crawl ${r.afterCrawlSeconds.toFixed(1)} s (analysis ${r.analysisSeconds?.toFixed(1) ?? '–'} s for ${r.analyzed ?? 0} mentions)`,
  )
  console.log(
    `crawl memory:             crawl phase peak RSS ${r.crawlPeakRssMb} MB (target < 300 MB), ${r.firstHalfPeakRssMb} MB over its first half of the requests (ratio ${r.firstHalfPeakRssMb && r.crawlPeakRssMb ? (r.crawlPeakRssMb / r.firstHalfPeakRssMb).toFixed(2) : '–'}); after the crawl (analysis) ${r.afterCrawlPeakRssMb} MB; whole command peak (VmHWM) ${r.peakRssMb} MB`,
  )
  console.log(`crawl storage:            fetched ${n(r.fetched)}  stored ${n(r.stored)} mentions  filtered ${n(r.filtered)}  errors ${r.errors}`)
  console.log(
    `crawl requests in flight: at most ${r.inFlight.max}; share of crawl time with 0 / 1 / 2+ in flight ${(r.inFlight.share0 * 100).toFixed(0)}% / ${(r.inFlight.share1 * 100).toFixed(0)}% / ${(r.inFlight.share2plus * 100).toFixed(0)}%; server time per request p50 ${r.serverMs.p50} ms p95 ${r.serverMs.p95} ms; client time from an answer to the next request: after a search page p50 ${r.clientGapMs.afterSearch.p50} ms (mean ${r.clientGapMs.afterSearch.mean}), after a long text p50 ${r.clientGapMs.afterLongText.p50} ms (mean ${r.clientGapMs.afterLongText.mean})`,
  )
  if (r.probes) {
    const p = r.probes
    const f = (x: Probe) => `${x.requestsPerSecond} requests/s (${x.requests} requests, at most ${x.maxInFlight} in flight)`
    console.log(`crawl probes (in process, same politeness, no store):`)
    console.log(`  SourceClient, ${r.concurrency} concurrent callers:       ${f(p.gate)}`)
    console.log(`  WeiboCrawler, 8 keywords one at a time:      ${f(p.walk)}`)
    console.log(`  WeiboCrawler, the same ${r.concurrency} at a time (as the CLI): ${f(p.sideBySide)}`)
  }
  const target = r.configuredRate * 0.95
  return [
    r.ratio >= 0.95
      ? `PASS crawl ≥ 95% of ${r.configuredRate} requests/s (${r.requestsPerSecond}/s, ${Math.round(r.ratio * 100)}%)`
      : `MISS crawl ${r.requestsPerSecond} requests/s < ${target} (${Math.round(r.ratio * 100)}% of ${r.configuredRate}/s)${r.inFlight.max <= 1 ? ': one request in flight at a time, the crawler awaits each before the next' : ''}`,
    r.crawlPeakRssMb !== null && r.crawlPeakRssMb < 300 ? `PASS crawl phase peak RSS < 300 MB (${r.crawlPeakRssMb} MB over ${n(r.pages)} pages)` : `MISS crawl phase peak RSS ${r.crawlPeakRssMb} MB (target < 300 MB)`,
    r.peakRssMb !== null && r.peakRssMb < 300
      ? `PASS crawl command peak RSS < 300 MB with the analysis after it (${r.peakRssMb} MB)`
      : `MISS crawl command peak RSS ${r.peakRssMb} MB ≥ 300 MB, reached after the crawl (analysis of ${n(r.analyzed ?? 0)} mentions: ${r.afterCrawlPeakRssMb} MB sampled)`,
    r.pages >= r.targetPages ? `PASS crawl: ${n(r.pages)} pages (≥ ${n(r.targetPages)})` : `MISS crawl: ${n(r.pages)} of ${n(r.targetPages)} pages`,
  ]
}

const arg = (name: string, d: number) => {
  const i = process.argv.indexOf(name)
  return i > 0 ? Number(process.argv[i + 1]) : d
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const opts = { pages: arg('--pages', 10_000), rate: arg('--rate', 50), latencyMs: arg('--latency', 20) }
  console.log(`yuqing crawl bench: ${opts.pages.toLocaleString('en-US')} pages, ${opts.rate} requests/s configured, ${opts.latencyMs} ms latency, ${os.cpus().length} cores, Node ${process.version}`)
  const r = await benchCrawl(opts)
  for (const v of printCrawl(r)) console.log(v)
  mkdirSync(path.join(root, 'bench', 'out'), { recursive: true })
  writeFileSync(path.join(root, 'bench', 'out', 'crawl.json'), JSON.stringify({ node: process.version, cpus: os.cpus().length, date: new Date().toISOString(), crawl: r }, null, 2) + '\n')
}
