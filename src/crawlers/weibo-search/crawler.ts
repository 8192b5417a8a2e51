/**
 * The s.weibo.com crawler: desktop search result pages, read through Chromium (the SourceClient
 * is given the browser adapter's fetch, so politeness, verdicts, backoff, breaker and
 * quarantine are the same as for the HTTP sources). parse.ts reads a page; this file is the walk.
 *
 * Per keyword, the window [since, now] (whole Beijing hours) is one query. The site shows at
 * most 50 pages for a query, so a query whose page list reaches the page budget (`maxPages`,
 * ≤ 50) cannot be read whole: it is cut into days, and a day that still reaches it into hours
 * (weibo-search's and nghuyong's approach). An hour that still reaches it is read to the budget
 * and reported: the rest of that hour is out of reach.
 *
 * A login or visitor page instead of results stops the source (store a fresh cookie); an empty
 * result page ends that query (with an expired or restricted cookie the site also shows empty
 * pages: if every query comes back empty, the run says so). A page that is neither results,
 * empty nor login is quarantined and ends its query; the other queries go on.
 */
import type { MentionInput } from '../../core/mention.js'
import { RequestFailed, SourceStopped, type SourceClient } from '../client.js'
import type { CrawlBatch, CrawlContext, CrawlQuery, Crawler } from '../types.js'
import { SITE_PAGE_CAP, byDay, byHour, scopeHour, searchUrl, sliceHours, timescope, windowSlice, type Slice } from './endpoints.js'
import { SearchShapeError, parseSearchHtml } from './parse.js'

export interface WeiboSearchCrawlerOptions {
  baseUrl: string
  /** Pages read per query, and the size at which a query is cut into smaller time slices (≤ 50). */
  maxPages: number
}

type Level = 'window' | 'day' | 'hour'

const FIRST_WINDOW_MS = 24 * 3_600_000

/**
 * The instant a page was written, for its relative times (刚刚, 5分钟前): the server's Date header
 * when it is sane (within a day of our clock), else our clock. A server's clock is what its
 * "5分钟前" counts from, and the same post then reads the same minute on every run.
 */
export function pageTime(date: string | undefined, clock: Date): Date {
  const t = date ? Date.parse(date) : NaN
  return Number.isFinite(t) && Math.abs(t - clock.getTime()) < 86_400_000 ? new Date(t) : clock
}

export class WeiboSearchCrawler implements Crawler {
  readonly source = 'weibo-search' as const

  constructor(
    private readonly opts: WeiboSearchCrawlerOptions,
    private readonly client: SourceClient,
  ) {}

  /**
   * A post already stored (usually by the m.weibo.cn crawler, which sees more: seconds in the
   * time, followers, the client, long texts) keeps what was stored; the result page brings
   * fresher counts and fills what was unknown. So the two crawlers do not overwrite each other
   * on every run, and a second run over the same posts reports them unchanged.
   */
  reconcile(stored: MentionInput, seen: MentionInput): MentionInput {
    const or = <T>(a: T | null, b: T | null): T | null => (a === null ? b : a)
    return {
      ...stored,
      title: or(stored.title, seen.title),
      text: stored.text || seen.text,
      authorId: or(stored.authorId, seen.authorId),
      authorName: or(stored.authorName, seen.authorName),
      authorFollowers: or(stored.authorFollowers, seen.authorFollowers),
      authorVerified: or(stored.authorVerified, seen.authorVerified),
      reposts: or(seen.reposts, stored.reposts),
      comments: or(seen.comments, stored.comments),
      likes: or(seen.likes, stored.likes),
      extra: stored.extra ?? seen.extra,
      raw: seen.raw,
    }
  }

  async *crawl(query: CrawlQuery, ctx: CrawlContext): AsyncGenerator<CrawlBatch> {
    const budget = Math.min(query.maxPages ?? this.opts.maxPages, SITE_PAGE_CAP)
    const now = ctx.clock.now()
    const window = windowSlice(query.since ?? new Date(now.getTime() - FIRST_WINDOW_MS), now)
    const headers = { referer: `${this.opts.baseUrl.replace(/\/+$/, '')}/` }
    let queries = 0
    let empty = 0
    for (const keyword of query.keywords) {
      const todo: Array<{ slice: Slice; level: Level }> = [{ slice: window, level: 'window' }]
      while (todo.length) {
        const { slice, level } = todo.shift()!
        for (let page = 1; page <= budget; page++) {
          if (ctx.signal.aborted) return
          const url = searchUrl(this.opts.baseUrl, keyword, slice, page)
          const cursor = { keyword, timescope: timescope(slice), page }
          let r
          try {
            r = await this.client.get(url, 'page', headers)
          } catch (err) {
            if (!(err instanceof RequestFailed)) throw err
            yield { mentions: [], cursor, pages: 0, errors: 1, notes: [err.message] }
            break
          }
          let parsed
          try {
            parsed = parseSearchHtml(r.res.body.toString('utf8'), { now: pageTime(r.res.headers.date, ctx.clock.now()) })
          } catch (err) {
            if (!(err instanceof SearchShapeError)) throw err
            const where = this.client.quarantine(url, r.res, err.message)
            yield { mentions: [], cursor, pages: 1, errors: 1, notes: [`weibo-search: could not read ${url} (${err.message})${where ? `; saved to ${where}` : ''}`] }
            break
          }
          if (parsed.kind === 'login') {
            throw new SourceStopped('weibo-search', 'needs-cookie', 'weibo-search: s.weibo.com answered with a login page; store a fresh cookie with `yuqing auth weibo --cookie-file FILE`')
          }
          if (page === 1) queries++
          if (parsed.kind === 'empty') {
            if (page === 1) empty++
            break
          }
          const notes = parsed.skipped.map((s) => `weibo-search: ${s.reason}`)
          const mentions: MentionInput[] = parsed.posts.map((p) => p.mention)
          // Page 1 of a query too big to read whole: keep its posts, then read it in smaller slices.
          if (page === 1 && parsed.pageCount >= budget && level !== 'hour' && sliceHours(slice) > 1) {
            const days = level === 'window' ? byDay(slice) : []
            const parts = days.length > 1 ? days.map((s) => ({ slice: s, level: 'day' as Level })) : byHour(slice).map((s) => ({ slice: s, level: 'hour' as Level }))
            todo.unshift(...parts)
            yield { mentions, cursor, pages: 1, errors: 0, notes }
            break
          }
          if (page === budget && parsed.nextPage !== null) {
            notes.push(`weibo-search: "${keyword}" has more than ${budget} pages from ${scopeHour(slice.start)} to ${scopeHour(slice.end)} (Beijing hours); later pages were not read`)
          }
          yield { mentions, cursor, pages: 1, errors: 0, notes }
          if (parsed.nextPage === null || parsed.nextPage <= page || parsed.posts.length === 0) break
          page = parsed.nextPage - 1
        }
      }
    }
    if (queries > 0 && empty === queries && query.keywords.length > 0) {
      yield {
        mentions: [],
        cursor: {},
        pages: 0,
        errors: 0,
        notes: [`weibo-search: all ${queries} queries came back empty; if that is unexpected, the cookie may be restricted or expired (\`yuqing auth status\`)`],
      }
    }
  }
}
