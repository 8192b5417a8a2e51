/**
 * The crawl use case: for each enabled source, crawl the watched regions' keywords, keep what
 * really mentions them (search is fuzzy), store each page in its own transaction, and record
 * the run in `crawl_runs`; then analyse what is new. Sources run side by side: one that is
 * throttled, blocked or broken stops alone, the others go on.
 *
 * Windows overlap so nothing falls between runs: a run reaches back to the start of the last
 * completed run of its source, minus an hour (upserts by platform id make the overlap free).
 * A run killed midway leaves its stored pages; its row is marked aborted by the next run,
 * which reaches back over it, so nothing is lost. One process at a time crawls a source: each
 * holds the source's lease while it runs (crawlSource), so a 'running' row it finds is stale.
 */
import { randomBytes } from 'node:crypto'
import os from 'node:os'
import path from 'node:path'
import type { WatchedRegion } from '../config/load.js'
import { UsageError } from '../core/errors.js'
import type { Logger } from '../core/logger.js'
import type { MentionInput } from '../core/mention.js'
import { normaliseText } from '../core/text.js'
import { parseBound } from '../core/time.js'
import { SourceClient, SourceStopped, type ClientStats } from '../crawlers/client.js'
import { SOURCE_IDS, type Crawler, type CrawlQuery, type SourceId } from '../crawlers/types.js'
import type { BrowserFetcher } from '../crawlers/browser.js'
import type { CrawlRunCounts } from '../store/sqlite.js'
import { readCookie } from './auth.js'
import type { AppContext } from './context.js'

export interface CrawlRequest {
  sources?: string[]
  /** A watched region (code or name), or any region of the gazetteer. */
  region?: string
  /** Search these keywords instead of the regions' names. */
  keywords?: string[]
  /** Window: `24h`, `3d`, `90m`, a local day YYYY-MM-DD or ISO 8601. Default: since the last run. */
  since?: string
  maxPages?: number
  /** Fetch and filter, store nothing. */
  dryRun?: boolean
  /** Analyse the new mentions afterwards (default true). */
  analyze?: boolean
  signal?: AbortSignal
  /** Live progress (the TTY display). */
  onProgress?: (p: CrawlProgress[]) => void
}

export type SourceStatus = 'ok' | 'partial' | 'failed' | 'aborted' | 'disabled'

export interface SourceResult extends CrawlRunCounts {
  source: SourceId
  status: SourceStatus
  runId: number | null
  since: string
  keywords: number
  /** Why the source stopped early (needs-cookie, captcha, throttled, breaker), or null. */
  stopReason: string | null
  /** One line each: failed pages, quarantined responses, why the source stopped. */
  problems: string[]
  requests: number
  retries: number
  waitedMs: number
}

export interface CrawlProgress {
  source: SourceId
  state: 'running' | 'waiting' | 'done'
  pages: number
  inserted: number
  errors: number
  waitingMs: number
}

export interface CrawlSummary {
  dryRun: boolean
  sources: SourceResult[]
  analysis: { analyzed: number; withRegions: number; seconds: number } | null
}

/** Overlap between windows, so a post published while the last run was paging is not missed. */
const OVERLAP_MS = 3_600_000
const FIRST_WINDOW_MS = 24 * 3_600_000

/** `24h`, `3d`, `90m`, `1w` → milliseconds; null when not such a duration. */
export function parseDuration(s: string): number | null {
  const m = /^(\d+(?:\.\d+)?)\s*(m|min|h|d|w)$/i.exec(s.trim())
  if (!m) return null
  const n = Number(m[1])
  const unit = m[2]!.toLowerCase()
  return n * (unit.startsWith('m') ? 60_000 : unit === 'h' ? 3_600_000 : unit === 'd' ? 86_400_000 : 7 * 86_400_000)
}

/** The search terms and relevance terms of the query. */
interface Plan {
  keywords: string[]
  regions: string[]
  /** A kept mention contains one of these… */
  terms: string[]
  /** …and none of these. */
  exclude: string[]
}

function planFor(ctx: AppContext, req: CrawlRequest): Plan {
  let regions: WatchedRegion[] = ctx.regions
  if (req.region) {
    const q = req.region.trim()
    const watched = ctx.regions.filter((r) => r.code === q || r.name === q || r.aliases.includes(q))
    if (watched.length) regions = watched
    else {
      const found = ctx.gazetteer().resolve(q)
      if (!found.match) {
        const c = found.candidates.slice(0, 4).map((r) => `${r.code} ${r.name}`)
        throw new UsageError(`--region ${JSON.stringify(q)} ${c.length ? `is ambiguous: ${c.join(', ')}` : 'is not a known region'}`, 'give a 6-digit code (see `yuqing regions search NAME`)')
      }
      const r = found.match
      regions = [{ code: r.code, name: r.name, prefecture: r.prefecture.name, province: r.province.name, aliases: [], keywords: [], excludeKeywords: [], officialAccounts: [] }]
    }
  }
  const gaz = ctx.gazetteer()
  const names = (r: WatchedRegion) => {
    const g = gaz.get(r.code)
    const short = g?.shortName && [...g.shortName].length >= 2 ? [g.shortName] : []
    return [r.name, ...short, ...r.aliases]
  }
  const uniq = (a: string[]) => [...new Set(a.map((s) => s.trim()).filter(Boolean))]
  const keywords = req.keywords?.length ? uniq(req.keywords) : uniq(regions.flatMap((r) => [r.name, ...r.aliases, ...r.keywords]))
  if (keywords.length === 0) throw new UsageError('nothing to crawl: no watched regions in the config and no --keyword', 'add a region to `regions` in the config, or pass --region CODE or --keyword WORD')
  return {
    keywords,
    regions: regions.map((r) => r.code),
    terms: uniq([...keywords, ...regions.flatMap((r) => [...names(r), ...r.keywords])]),
    exclude: uniq(regions.flatMap((r) => r.excludeKeywords)),
  }
}

/** Whether a mention really speaks of a watched region or keyword: its text, title or the post it reposts contains one. */
export function isRelevant(m: MentionInput, terms: readonly string[], exclude: readonly string[]): boolean {
  const retweeted = (m.extra?.retweeted as { text?: unknown } | undefined)?.text
  const hay = normaliseText(`${m.title ?? ''}\n${m.text}\n${typeof retweeted === 'string' ? retweeted : ''}`)
  if (exclude.some((w) => hay.includes(w))) return false
  return terms.some((t) => hay.includes(t))
}

function windowStart(ctx: AppContext, source: SourceId, req: CrawlRequest, now: Date): Date {
  if (req.since) {
    const d = parseDuration(req.since)
    if (d !== null) return new Date(now.getTime() - d)
    // A local day in the report time zone, or ISO 8601 with offset: the same rule as --from/--since elsewhere.
    const t = parseBound(req.since, ctx.config.report.timezone, false)
    if (!t) throw new UsageError(`--since ${JSON.stringify(req.since)} is not a duration or a date`, 'use 24h, 3d, 90m, YYYY-MM-DD or ISO 8601')
    return t
  }
  const last = req.dryRun ? null : ctx.store().lastCompletedCrawl(source)
  return last ? new Date(last.getTime() - OVERLAP_MS) : new Date(now.getTime() - FIRST_WINDOW_MS)
}

async function crawlerFor(ctx: AppContext, source: SourceId, client: SourceClient): Promise<Crawler | null> {
  const s = ctx.config.sources
  if (source === 'weibo') {
    const { WeiboCrawler } = await import('../crawlers/weibo/crawler.js')
    return new WeiboCrawler({ baseUrl: s.weibo.baseUrls.api, maxPages: s.weibo.maxPages, hotComments: s.weibo.hotComments, concurrency: s.weibo.rateLimit.concurrency }, client)
  }
  if (source === 'news') {
    if (s.news.feeds.length === 0 && s.news.engines.length === 0) return null
    const { NewsCrawler } = await import('../crawlers/news/crawler.js')
    return new NewsCrawler({ feeds: s.news.feeds, engines: s.news.engines, engineBaseUrls: s.news.baseUrls, maxPages: s.news.maxPages, overrides: s.news.overrides, maxArticles: s.news.maxArticles }, client)
  }
  const { WeiboSearchCrawler } = await import('../crawlers/weibo-search/crawler.js')
  return new WeiboSearchCrawler({ baseUrl: s['weibo-search'].baseUrls.search, maxPages: s['weibo-search'].maxPages }, client)
}

/** The browser adapter, for browser sources (weibo-search); its Chromium starts on the first page. */
async function browserFor(ctx: AppContext, source: SourceId): Promise<BrowserFetcher | null> {
  if (source !== 'weibo-search') return null
  const { BrowserFetcher } = await import('../crawlers/browser.js')
  const { DESKTOP_UA } = await import('../crawlers/weibo-search/endpoints.js')
  const b = new BrowserFetcher({ executablePath: ctx.config.sources['weibo-search'].chromiumPath, userAgent: DESKTOP_UA, timezoneId: 'Asia/Shanghai' })
  b.executable() // BrowserMissing, with how to install it, before anything starts
  return b
}

export async function runCrawl(ctx: AppContext, req: CrawlRequest = {}): Promise<CrawlSummary> {
  const wanted = req.sources?.length ? req.sources : SOURCE_IDS.filter((s) => ctx.config.sources[s].enabled)
  for (const s of wanted) if (!(SOURCE_IDS as readonly string[]).includes(s)) throw new UsageError(`unknown source "${s}"`, `sources are ${SOURCE_IDS.join(', ')}`)
  if (req.maxPages !== undefined && (!Number.isInteger(req.maxPages) || req.maxPages < 1 || req.maxPages > 100)) throw new UsageError(`--max-pages must be 1–100, got ${req.maxPages}`)
  const plan = planFor(ctx, req)
  const signal = req.signal ?? new AbortController().signal
  const progress = new Map<SourceId, { counts: CrawlRunCounts; stats: ClientStats | null; state: CrawlProgress['state'] }>()
  const report = () =>
    req.onProgress?.(
      [...progress].map(([source, p]) => ({
        source,
        state: p.state === 'running' && p.stats?.waitingUntil ? 'waiting' : p.state,
        pages: p.counts.pages,
        inserted: p.counts.inserted,
        errors: p.counts.errors,
        waitingMs: p.stats?.waitingUntil ? Math.max(0, p.stats.waitingUntil - Date.now()) : 0,
      })),
    )
  const timer = req.onProgress ? setInterval(report, 250) : undefined
  let results: SourceResult[]
  try {
    results = await Promise.all((wanted as SourceId[]).map((source) => crawlSource(ctx, source, plan, req, signal, progress)))
  } finally {
    clearInterval(timer)
    report()
  }
  const stored = results.reduce((n, r) => n + r.inserted + r.updated, 0)
  let analysis: CrawlSummary['analysis'] = null
  if (!req.dryRun && req.analyze !== false && stored > 0 && !signal.aborted) {
    const { reanalyze } = await import('./analyze.js')
    const a = await reanalyze(ctx, { shouldStop: () => signal.aborted })
    analysis = { analyzed: a.analyzed, withRegions: a.withRegions, seconds: a.seconds }
  }
  return { dryRun: !!req.dryRun, sources: results, analysis }
}

/** How long a source's crawl lease lasts without renewal; the crawl renews it every LEASE_RENEW_MS. */
const LEASE_MS = 120_000
const LEASE_RENEW_MS = 30_000

/** A crawl's lease holder name: host, pid and a nonce per crawl (a worker may run two crawl jobs at once; see holderAlive). */
const holderName = () => `${os.hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`

/** False when the holder is a process of this host that no longer exists (killed): its lease is void at once. */
function holderAlive(holder: string): boolean {
  const [host, pid] = holder.split(':')
  if (host !== os.hostname() || !/^\d+$/.test(pid ?? '')) return true
  try {
    process.kill(Number(pid), 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

type Progress = Map<SourceId, { counts: CrawlRunCounts; stats: ClientStats | null; state: CrawlProgress['state'] }>

/**
 * One source's crawl under its lease (`crawl:SOURCE` in job_leases): a worker's scheduled crawl,
 * `yuqing crawl` and `yuqing run` never crawl one source at once (that would double the request
 * rate the site sees, and each would take the other's live run for an interrupted one). While
 * another live process holds it, the source is not crawled: failed, stop reason `busy`, no run
 * recorded. A dry run stores nothing and takes no lease.
 */
async function crawlSource(ctx: AppContext, source: SourceId, plan: Plan, req: CrawlRequest, signal: AbortSignal, progress: Progress): Promise<SourceResult> {
  const conf = ctx.config.sources[source]
  if (req.dryRun || (!conf.enabled && !req.sources?.includes(source))) return crawlSourceHeld(ctx, source, plan, req, signal, progress)
  const jobs = ctx.store().jobs()
  const key = `crawl:${source}`
  const holder = holderName()
  const took = jobs.takeLease(key, holder, new Date(), LEASE_MS, holderAlive)
  if (!took.ok) {
    const now = ctx.clock.now()
    const why = `${source}: another crawl of this source is running (${took.lease.holder}, since ${took.lease.acquired_at}); not started, so the site sees one crawler's rate. Its lease ends by ${took.lease.expires_at} if that process is gone`
    return { source, since: windowStart(ctx, source, req, now).toISOString(), keywords: plan.keywords.length, stopReason: 'busy', requests: 0, retries: 0, waitedMs: 0, pages: 0, fetched: 0, inserted: 0, updated: 0, unchanged: 0, filtered: 0, errors: 0, status: 'failed', runId: null, problems: [why] }
  }
  const renew = setInterval(() => {
    try {
      jobs.renew(key, holder, new Date(), LEASE_MS)
    } catch {
      /* the database is busy: the next renewal comes well before expiry */
    }
  }, LEASE_RENEW_MS)
  renew.unref()
  try {
    return await crawlSourceHeld(ctx, source, plan, req, signal, progress)
  } finally {
    clearInterval(renew)
    jobs.releaseLease(key, holder)
  }
}

async function crawlSourceHeld(ctx: AppContext, source: SourceId, plan: Plan, req: CrawlRequest, signal: AbortSignal, progress: Progress): Promise<SourceResult> {
  const log: Logger = ctx.log.child(source)
  const now = ctx.clock.now()
  const since = windowStart(ctx, source, req, now)
  const counts: CrawlRunCounts = { pages: 0, fetched: 0, inserted: 0, updated: 0, unchanged: 0, filtered: 0, errors: 0 }
  const base = { source, since: since.toISOString(), keywords: plan.keywords.length, stopReason: null, requests: 0, retries: 0, waitedMs: 0 }
  const conf = ctx.config.sources[source]
  if (!conf.enabled && !req.sources?.includes(source)) return { ...base, ...counts, status: 'disabled', runId: null, problems: [] }
  let cookie: string | null
  let browser: BrowserFetcher | null
  try {
    // A configured credentials file that is missing, or a missing browser, fails this source only.
    cookie = readCookie(ctx, source)
    browser = await browserFor(ctx, source)
  } catch (err) {
    const hint = (err as { hint?: string }).hint
    return { ...base, ...counts, status: 'failed', runId: null, problems: [`${source}: ${(err as Error).message}${hint ? `; ${hint}` : ''}`] }
  }
  const client = new SourceClient({
    source,
    politeness: conf.rateLimit,
    clock: ctx.clock,
    log,
    quarantineDir: path.join(ctx.baseDir, 'quarantine'),
    headers: cookie ? { cookie } : {},
    signal,
    fetch: browser ? (r) => browser.fetch(r) : undefined,
  })
  progress.set(source, { counts, stats: client.stats, state: 'running' })
  const crawler = await crawlerFor(ctx, source, client)
  const problems: string[] = []
  if (!crawler) {
    progress.get(source)!.state = 'done'
    const why = 'news: no feeds and no engines configured (sources.news.feeds, sources.news.engines)'
    return { ...base, ...counts, status: 'failed', runId: null, problems: [why] }
  }
  const store = req.dryRun ? null : ctx.store()
  if (store) {
    const stale = store.abortStaleCrawlRuns(source, now)
    if (stale) log.info(`${stale} earlier run(s) had been interrupted; this run reaches back over them`)
  }
  const query: CrawlQuery = { keywords: plan.keywords, regions: plan.regions, since, maxPages: req.maxPages }
  const runId = store ? store.startCrawlRun(source, { keywords: plan.keywords, regions: plan.regions, since: since.toISOString() }, now) : null
  const seen = new Set<string>()
  const keptPosts = new Set<string>()
  let status: SourceStatus = 'ok'
  let stopReason: string | null = null
  let error: string | null = null
  try {
    const isStored = store ? (url: string) => store.hasUrl(url) : undefined
    for await (const batch of crawler.crawl(query, { clock: ctx.clock, log, signal, isStored })) {
      counts.pages += batch.pages
      counts.errors += batch.errors
      counts.fetched += batch.mentions.length
      for (const n of batch.notes) problems.push(n)
      // Posts first; a comment is kept with the post it answers. A post found again under
      // another keyword of this run is stored once.
      const keep: MentionInput[] = []
      for (const m of batch.mentions) {
        const key = m.platformId ?? m.url ?? ''
        if (seen.has(key)) continue
        const postMid = m.extra?.kind === 'comment' ? String(m.extra.postMid ?? '') : null
        if (postMid !== null ? keptPosts.has(postMid) : isRelevant(m, plan.terms, plan.exclude)) {
          keep.push(m)
          seen.add(key)
          if (postMid === null && m.platformId) keptPosts.add(m.platformId)
        } else counts.filtered++
      }
      if (store && keep.length && crawler.reconcile) {
        const stored = store.storedByPlatformId(keep[0]!.source, keep.flatMap((m) => (m.platformId ? [m.platformId] : [])))
        for (let i = 0; i < keep.length; i++) {
          const old = keep[i]!.platformId ? stored.get(keep[i]!.platformId!) : undefined
          if (old && old.source === keep[i]!.source) keep[i] = crawler.reconcile(old, keep[i]!)
        }
      }
      if (store && keep.length) {
        const s = store.upsertMentions(keep, ctx.clock.now())
        counts.inserted += s.inserted
        counts.updated += s.updated
        counts.unchanged += s.unchanged
        counts.errors += s.rejected
        for (const r of s.refused.slice(0, 3)) problems.push(`refused by the store: ${r.reason}`)
      } else if (!store) counts.inserted += keep.length
      if (store && runId !== null) store.updateCrawlRun(runId, counts, batch.cursor)
    }
    if (signal.aborted) status = 'aborted'
    else if (counts.errors > 0) status = counts.pages > 0 ? 'partial' : 'failed'
  } catch (err) {
    if (err instanceof SourceStopped) {
      stopReason = err.reason
      error = err.message
      problems.push(err.message)
      status = counts.pages > 0 ? 'partial' : 'failed'
    } else if (signal.aborted) {
      status = 'aborted'
    } else {
      status = 'failed'
      error = (err as Error).message
      problems.push(error)
      log.error(error)
    }
  } finally {
    progress.get(source)!.state = 'done'
    await browser?.close()
  }
  if (store && runId !== null) store.finishCrawlRun(runId, status, ctx.clock.now(), counts, error, stopReason)
  return { ...base, ...counts, status, runId, stopReason, problems, requests: client.stats.requests, retries: client.stats.retries, waitedMs: client.stats.waitedMs }
}
