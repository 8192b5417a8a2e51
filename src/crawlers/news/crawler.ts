/**
 * The news crawler: (a) each configured RSS/Atom feed, (b) each configured news search engine
 * (Baidu, Sogou, 360) for each keyword, page by page. Every article in the window that is not
 * stored yet is fetched as bytes (an engine's redirect link is followed to the real article
 * URL), decoded by its real charset and extracted (title, body, publish time, author/source;
 * per-site overrides from the config). One batch per chunk of articles, so a long feed commits
 * as it goes. A feed, result page or article that cannot be read is quarantined and skipped;
 * the rest go on.
 */
import type { MentionInput } from '../../core/mention.js'
import { RequestFailed, type SourceClient } from '../client.js'
import type { CrawlBatch, CrawlContext, CrawlQuery, Crawler } from '../types.js'
import { decodeHtml } from './decode.js'
import { extractArticle, type DomainOverride } from './extract.js'
import { ENGINES, isNoResultsPage, parseEnginePage, type EngineId } from './engines.js'
import { FeedError, decodeFeed, parseFeed, type FeedItem } from './feeds.js'

export interface NewsCrawlerOptions {
  feeds: readonly string[]
  /** Search engines to query by keyword, and their base URLs. */
  engines: readonly EngineId[]
  engineBaseUrls: Readonly<Record<EngineId, string>>
  /** Result pages per keyword and engine. */
  maxPages: number
  overrides: Readonly<Record<string, DomainOverride>>
  /** Articles fetched per feed and run. */
  maxArticles: number
}

/** Articles per yielded batch (each batch is one store transaction). */
const CHUNK = 10

export class NewsCrawler implements Crawler {
  readonly source = 'news' as const

  constructor(
    private readonly opts: NewsCrawlerOptions,
    private readonly client: SourceClient,
  ) {}

  async *crawl(query: CrawlQuery, ctx: CrawlContext): AsyncGenerator<CrawlBatch> {
    for (const feed of this.opts.feeds) {
      if (ctx.signal.aborted) return
      let items: FeedItem[]
      try {
        const r = await this.client.get(feed, 'page')
        try {
          items = parseFeed(decodeFeed(r.res.body, r.res.headers['content-type']), r.res.url, ctx.clock.now()).items
        } catch (err) {
          if (!(err instanceof FeedError)) throw err
          const where = this.client.quarantine(feed, r.res, err.message)
          yield { mentions: [], cursor: { feed }, pages: 1, errors: 1, notes: [`${feed}: ${err.message}${where ? `; saved to ${where}` : ''}`] }
          continue
        }
      } catch (err) {
        if (!(err instanceof RequestFailed)) throw err
        yield { mentions: [], cursor: { feed }, pages: 0, errors: 1, notes: [err.message] }
        continue
      }
      const since = query.since?.getTime()
      const fresh = items.filter((it) => (since === undefined || !it.publishedAt || it.publishedAt.getTime() >= since) && !ctx.isStored?.(it.url)).slice(0, this.opts.maxArticles)
      let batch: MentionInput[] = []
      let errors = 0
      let notes: string[] = []
      let pages = 1
      for (let i = 0; i < fresh.length; i++) {
        if (ctx.signal.aborted) break
        const m = await this.article(fresh[i]!, { feed }, ctx)
        pages++
        if (typeof m === 'string') {
          errors++
          notes.push(m)
        } else batch.push(m)
        if (batch.length + errors >= CHUNK || i === fresh.length - 1) {
          yield { mentions: batch, cursor: { feed, item: i + 1, of: fresh.length }, pages, errors, notes }
          batch = []
          errors = 0
          notes = []
          pages = 0
        }
      }
      if (fresh.length === 0) yield { mentions: [], cursor: { feed, item: 0, of: 0 }, pages, errors: 0, notes: [] }
    }
    yield* this.search(query, ctx)
  }

  /** Search-engine results, per engine, keyword and page. */
  private async *search(query: CrawlQuery, ctx: CrawlContext): AsyncGenerator<CrawlBatch> {
    const maxPages = query.maxPages ?? this.opts.maxPages
    const since = query.since?.getTime()
    // Links already followed in this run: the engines list the same articles.
    const visited = new Set<string>()
    for (const engine of this.opts.engines) {
      const base = this.opts.engineBaseUrls[engine].replace(/\/+$/, '')
      for (const keyword of query.keywords) {
        for (let page = 1; page <= maxPages; page++) {
          if (ctx.signal.aborted) return
          const url = ENGINES[engine].search(base, keyword, page)
          let r
          try {
            r = await this.client.get(url, 'page')
          } catch (err) {
            if (!(err instanceof RequestFailed)) throw err
            yield { mentions: [], cursor: { engine, keyword, page }, pages: 0, errors: 1, notes: [err.message] }
            break
          }
          const html = decodeHtml(r.res.body, r.res.headers['content-type']).text
          const results = parseEnginePage(engine, html, r.res.url, ctx.clock.now())
          if (results.length === 0) {
            if (page === 1 && !isNoResultsPage(html)) {
              const where = this.client.quarantine(url, r.res, `no ${engine} results found on the page (layout changed?)`)
              yield { mentions: [], cursor: { engine, keyword, page }, pages: 1, errors: 1, notes: [`${engine}: no results could be read from ${url}; the page layout may have changed${where ? `; saved to ${where}` : ''}`] }
            }
            break
          }
          const mentions: MentionInput[] = []
          const notes: string[] = []
          let errors = 0
          let older = 0
          for (const res of results) {
            if (since !== undefined && res.publishedAt && res.publishedAt.getTime() < since) {
              older++
              continue
            }
            const target = res.target ?? linkTarget(res.url)
            if (visited.has(res.url) || (target && (visited.has(target) || ctx.isStored?.(target)))) continue
            visited.add(res.url)
            if (target) visited.add(target)
            const m = await this.article({ title: res.title, url: res.url, publishedAt: res.publishedAt, publishedRaw: res.publishedRaw, summary: res.snippet, source: res.source }, { engine, keyword }, ctx)
            if (typeof m === 'string') {
              errors++
              notes.push(m)
            } else {
              if (m.url) visited.add(m.url)
              mentions.push(m)
            }
          }
          yield { mentions, cursor: { engine, keyword, page }, pages: 1 + mentions.length + errors, errors, notes }
          // Newest first: a page of only older results ends this keyword.
          if (older === results.length) break
        }
      }
    }
  }

  /** One article as a mention, or a one-line reason it could not be read. */
  private async article(item: FeedItem, via: Record<string, string>, ctx: CrawlContext): Promise<MentionInput | string> {
    let r
    try {
      r = await this.client.get(item.url, 'page')
    } catch (err) {
      if (!(err instanceof RequestFailed)) throw err
      return err.message
    }
    const now = ctx.clock.now()
    const { text: html } = decodeHtml(r.res.body, r.res.headers['content-type'])
    const host = new URL(r.res.url).hostname
    const a = extractArticle(html, { url: r.res.url, now, override: this.opts.overrides[host] })
    const body = a.body.trim() || item.summary || ''
    if (!body) {
      const where = this.client.quarantine(item.url, r.res, 'no article text found')
      return `${item.url}: no article text found${where ? `; saved to ${where}` : ''}`
    }
    const publishedAt = a.publishedAt ?? item.publishedAt ?? now
    return {
      source: 'news',
      platformId: null,
      url: r.res.url,
      title: a.title ?? item.title,
      text: body,
      authorId: null,
      authorName: a.author ?? a.source ?? item.source,
      authorFollowers: null,
      authorVerified: null,
      publishedAt,
      publishedRaw: a.publishedRaw ?? item.publishedRaw,
      reposts: null,
      comments: null,
      likes: null,
      extra: Object.fromEntries(Object.entries({ ...via, siteSource: a.source ?? item.source, timeFrom: a.publishedAt ? 'page' : item.publishedAt ? 'feed' : 'fetch' }).filter(([, v]) => v !== null && v !== undefined)),
      raw: null,
    }
  }
}

/** The target of a redirect link that carries it in the clear (`/link?url=https%3A…`); null for opaque ones. */
function linkTarget(link: string): string | null {
  try {
    const t = new URL(link).searchParams.get('url')
    return t && /^https?:\/\//i.test(t) ? t : null
  } catch {
    return null
  }
}
