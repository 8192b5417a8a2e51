/**
 * The Weibo crawler: m.weibo.cn realtime keyword search, page by page, with long texts and
 * (up to a cap) hot comments. Fetching and politeness are the SourceClient's; parsing is
 * parse.ts's; this file is the walk: which request follows which, and when to stop.
 *
 * Per keyword: pages 1..maxPages until the site says there is no more (`ok:0`, no next page,
 * an empty page), or every post of a page is older than the window (`since`): search type 61
 * is newest first, so older pages hold nothing new. A page that cannot be read is quarantined
 * and ends that keyword; the other keywords go on. A login wall or captcha stops the source.
 *
 * Keywords are walked `concurrency` at a time (parallel.ts), so the host's request slots stay
 * busy while one keyword's page is parsed and stored; the client still spaces every request. A
 * post found under two keywords of one run is taken once: its long text and comments are not
 * fetched again.
 */
import type { MentionInput } from '../../core/mention.js'
import { RequestFailed, type SourceClient } from '../client.js'
import { parallel } from '../parallel.js'
import type { CrawlBatch, CrawlContext, CrawlQuery, Crawler } from '../types.js'
import { apiHeaders, weiboEndpoints, type WeiboEndpoints } from './endpoints.js'
import { WeiboShapeError, mblogToPost, parseDetailPage, parseHotComments, parseLongTextParts, parseSearchPage, withLongText, type WeiboPost } from './parse.js'

export interface WeiboCrawlerOptions {
  baseUrl: string
  maxPages: number
  /** Hot comments per post (0: none). */
  hotComments: number
  /** Keywords walked at once (the host's `rateLimit.concurrency`): the client's gate does the spacing. */
  concurrency?: number
}

export class WeiboCrawler implements Crawler {
  readonly source = 'weibo' as const
  private readonly ep: WeiboEndpoints

  constructor(
    private readonly opts: WeiboCrawlerOptions,
    private readonly client: SourceClient,
  ) {
    this.ep = weiboEndpoints(opts.baseUrl)
  }

  crawl(query: CrawlQuery, ctx: CrawlContext): AsyncGenerator<CrawlBatch> {
    // Posts already taken in this run (under another keyword): not fetched or yielded again.
    const taken = new Set<string>()
    return parallel(
      query.keywords.map((keyword) => () => this.keyword(keyword, query, ctx, taken)),
      this.opts.concurrency ?? 1,
    )
  }

  /** One keyword's result pages, in order, until the window or the results end. */
  private async *keyword(keyword: string, query: CrawlQuery, ctx: CrawlContext, taken: Set<string>): AsyncGenerator<CrawlBatch> {
    const maxPages = query.maxPages ?? this.opts.maxPages
    const headers = apiHeaders({ base: this.ep.base, referer: this.ep.searchReferer(keyword) })
    for (let page = 1; page <= maxPages; page++) {
      if (ctx.signal.aborted) return
      const url = this.ep.search(keyword, page)
      let errors = 0
      let notes: string[] = []
      let r
      try {
        r = await this.client.get(url, 'json', headers)
      } catch (err) {
        if (!(err instanceof RequestFailed)) throw err
        yield { mentions: [], cursor: { keyword, page }, pages: 0, errors: 1, notes: [err.message] }
        return
      }
      if (r.verdict === 'end') return
      let parsed
      try {
        parsed = parseSearchPage(r.json, { now: ctx.clock.now(), keyword })
      } catch (err) {
        if (!(err instanceof WeiboShapeError)) throw err
        const where = this.client.quarantine(url, r.res, err.message)
        yield { mentions: [], cursor: { keyword, page }, pages: 1, errors: 1, notes: [`${err.message}${where ? `; saved to ${where}` : ''}`] }
        return
      }
      if (parsed.skipped.length) notes = parsed.skipped.map((s) => s.reason)
      const mentions: MentionInput[] = []
      for (let post of parsed.posts) {
        if (taken.has(post.mid)) continue
        taken.add(post.mid)
        if (post.needsLongText) {
          const full = await this.longText(post, ctx)
          if (full) post = full
          else errors++
        }
        mentions.push(post.mention)
        if (this.opts.hotComments > 0 && (post.mention.comments ?? 1) > 0) {
          const c = await this.comments(post, ctx)
          mentions.push(...c.comments)
          errors += c.errors
        }
      }
      yield { mentions, cursor: { keyword, page }, pages: 1, errors, notes }
      if (parsed.posts.length === 0 || parsed.nextPage === null) return
      const since = query.since?.getTime()
      if (since !== undefined && parsed.posts.every((p) => p.mention.extra?.pinned === true || p.mention.publishedAt.getTime() < since)) return
    }
  }

  /** The whole text of a cut post: statuses/extend, else the detail page; null when neither answers. */
  private async longText(post: WeiboPost, ctx: CrawlContext): Promise<WeiboPost | null> {
    const headers = apiHeaders({ base: this.ep.base, referer: this.ep.detail(post.mid) })
    try {
      const r = await this.client.get(this.ep.longText(post.mid), 'json', headers)
      const parts = r.verdict === 'ok' ? parseLongTextParts(r.json) : null
      if (parts) return withLongText(post, parts)
    } catch (err) {
      if (!(err instanceof RequestFailed) && !(err instanceof WeiboShapeError)) throw err
    }
    try {
      const r = await this.client.get(this.ep.detail(post.mid), 'page', {})
      const m = parseDetailPage(r.res.body.toString('utf8'))
      const full = m ? mblogToPost(m, { now: ctx.clock.now() }, { fullText: true }) : null
      if (full?.post) return { ...full.post, mention: { ...full.post.mention, extra: { ...post.mention.extra, ...full.post.mention.extra } } }
    } catch (err) {
      if (!(err instanceof RequestFailed) && !(err instanceof WeiboShapeError)) throw err
    }
    ctx.log.debug(`weibo: kept the cut text of ${post.mid}: neither statuses/extend nor the detail page answered`)
    return null
  }

  /** Up to `hotComments` hot comments of a post, following the max_id cursor. */
  private async comments(post: WeiboPost, ctx: CrawlContext): Promise<{ comments: MentionInput[]; errors: number }> {
    const out: MentionInput[] = []
    let cursor = null
    const headers = apiHeaders({ base: this.ep.base, referer: this.ep.detail(post.mid) })
    for (let guard = 0; guard < 50 && out.length < this.opts.hotComments; guard++) {
      let r
      try {
        r = await this.client.get(this.ep.hotComments(post.mid, cursor), 'json', headers)
      } catch (err) {
        if (!(err instanceof RequestFailed)) throw err
        return { comments: out, errors: 1 }
      }
      if (r.verdict === 'end') break
      try {
        const page = parseHotComments(r.json, { now: ctx.clock.now(), postMid: post.mid })
        out.push(...page.comments)
        cursor = page.next
      } catch (err) {
        if (!(err instanceof WeiboShapeError)) throw err
        this.client.quarantine(this.ep.hotComments(post.mid, cursor), r.res, err.message)
        return { comments: out, errors: 1 }
      }
      if (!cursor) break
    }
    return { comments: out.slice(0, this.opts.hotComments), errors: 0 }
  }
}
