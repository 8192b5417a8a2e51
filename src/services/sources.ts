/**
 * `yuqing sources list` and `sources test`: what each source is set to (base URLs, politeness,
 * whether a cookie is stored — never its value), how its last runs went, and one small request
 * with the classification the crawler would give it.
 */
import { existsSync } from 'node:fs'
import { UsageError } from '../core/errors.js'
import { SourceClient, SourceStopped, RequestFailed } from '../crawlers/client.js'
import { SOURCE_IDS, type SourceId } from '../crawlers/types.js'
import { apiHeaders, weiboEndpoints } from '../crawlers/weibo/endpoints.js'
import { DESKTOP_UA, searchUrl } from '../crawlers/weibo-search/endpoints.js'
import { cookiePath, readCookie } from './auth.js'
import type { AppContext } from './context.js'
import { isoWithOffset } from '../core/time.js'

export interface SourceInfo {
  source: SourceId
  enabled: boolean
  baseUrls: Record<string, string>
  feeds?: string[]
  rateLimit: Record<string, number>
  cookieStored: boolean
  lastRun: { status: string; startedAt: string; finishedAt: string | null; pages: number; inserted: number; errors: number; stopReason: string | null } | null
}

export function listSources(ctx: AppContext): SourceInfo[] {
  const store = existsSync(ctx.dbPath) ? ctx.store() : null
  return SOURCE_IDS.map((source) => {
    const c = ctx.config.sources[source]
    const last = store?.crawlRuns({ source, limit: 1 })[0]
    return {
      source,
      enabled: c.enabled,
      baseUrls: { ...c.baseUrls },
      ...(source === 'news' ? { feeds: [...ctx.config.sources.news.feeds] } : {}),
      rateLimit: { ...c.rateLimit },
      cookieStored: source === 'news' ? false : existsSync(cookiePath(ctx, source)),
      lastRun: last ? { status: last.status, startedAt: isoWithOffset(new Date(last.started_at), ctx.config.report.timezone), finishedAt: last.finished_at ? isoWithOffset(new Date(last.finished_at), ctx.config.report.timezone) : null, pages: last.pages, inserted: last.inserted, errors: last.errors, stopReason: last.stop_reason } : null,
    }
  })
}

export interface SourceTest {
  source: SourceId
  url: string
  verdict: string
  status: number | null
  ms: number | null
  detail: string
}

/** One small request (the first search page, or the first feed) and its classification. */
export async function testSource(ctx: AppContext, source: string): Promise<SourceTest> {
  if (!(SOURCE_IDS as readonly string[]).includes(source)) throw new UsageError(`unknown source "${source}"`, `sources are ${SOURCE_IDS.join(', ')}`)
  const id = source as SourceId
  const keyword = ctx.regions[0]?.name ?? '宝安区'
  let url: string
  let expect: 'json' | 'page' = 'page'
  let headers: Record<string, string> = {}
  if (id === 'weibo') {
    const ep = weiboEndpoints(ctx.config.sources.weibo.baseUrls.api)
    url = ep.search(keyword, 1)
    expect = 'json'
    headers = apiHeaders({ base: ep.base, referer: ep.searchReferer(keyword) })
  } else if (id === 'news') {
    const feed = ctx.config.sources.news.feeds[0]
    if (!feed) throw new UsageError('sources.news.feeds is empty: nothing to test', 'add a feed URL to sources.news.feeds')
    url = feed
  } else url = searchUrl(ctx.config.sources['weibo-search'].baseUrls.search, keyword, null, 1)
  const cookie = id === 'news' ? null : readCookie(ctx, id)
  let browser = null
  if (id === 'weibo-search') {
    const { BrowserFetcher } = await import('../crawlers/browser.js')
    browser = new BrowserFetcher({ executablePath: ctx.config.sources['weibo-search'].chromiumPath, userAgent: DESKTOP_UA })
    browser.executable()
  }
  const client = new SourceClient({
    source: id,
    politeness: { ...ctx.config.sources[id].rateLimit, maxRetries: 0, minIntervalMs: 0, jitterMs: 0 },
    clock: ctx.clock,
    log: ctx.log,
    headers: cookie ? { cookie } : {},
    breakerThreshold: 99,
    fetch: browser ? (r) => browser.fetch(r) : undefined,
  })
  try {
    const r = await client.get(url, expect, headers)
    const out = { source: id, url, verdict: r.verdict as string, status: r.res.status, ms: r.res.ms, detail: r.detail }
    if (id === 'weibo-search') {
      // The page decides what a 200 was: results, no results, or a login form.
      const { parseSearchHtml, SearchShapeError } = await import('../crawlers/weibo-search/parse.js')
      try {
        const p = parseSearchHtml(r.res.body.toString('utf8'), { now: ctx.clock.now() })
        if (p.kind === 'login') Object.assign(out, { verdict: 'needs-cookie', detail: 'a login page instead of results: store a fresh cookie with `yuqing auth weibo --cookie-file FILE`' })
        else if (p.kind === 'empty') Object.assign(out, { verdict: 'end', detail: 'no results (with a restricted or expired cookie the site also shows none)' })
        else out.detail = `${p.posts.length} posts on page 1 of ${Math.max(1, p.pageCount)}`
      } catch (err) {
        if (!(err instanceof SearchShapeError)) throw err
        Object.assign(out, { verdict: 'parse-error', detail: err.message })
      }
    }
    return out
  } catch (err) {
    if (err instanceof SourceStopped) return { source: id, url, verdict: err.reason, status: null, ms: null, detail: err.message }
    if (err instanceof RequestFailed) return { source: id, url, verdict: err.verdict, status: null, ms: null, detail: err.message }
    throw err
  } finally {
    await browser?.close()
  }
}
