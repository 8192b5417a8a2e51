/**
 * `yuqing extract URL|FILE`: article extraction alone, as the news crawler does it (fetch as
 * bytes, decode by the real charset, extract with the config's per-site overrides), for checking
 * a site's layout or writing an override.
 */
import { existsSync, readFileSync, statSync } from 'node:fs'
import { AppError, UsageError } from '../core/errors.js'
import { isoWithOffset } from '../core/time.js'
import { classifyPage } from '../crawlers/classify.js'
import { HttpError, httpGet } from '../crawlers/http.js'
import { decodeHtml } from '../crawlers/news/decode.js'
import { extractArticle } from '../crawlers/news/extract.js'
import type { AppContext } from './context.js'

export interface Extracted {
  url: string | null
  title: string | null
  /** ISO 8601 with the report zone's offset (Asia/Shanghai: +08:00); null when the page has no date. */
  publishedAt: string | null
  author: string | null
  source: string | null
  body: string
}

export async function extractTarget(ctx: Pick<AppContext, 'config' | 'clock'>, target: string, opts: { timeoutMs?: number } = {}): Promise<Extracted> {
  let bytes: Buffer
  let contentType: string | null = null
  let url: string | null = null
  if (/^https?:\/\//i.test(target)) {
    let res
    try {
      res = await httpGet({ url: target, timeoutMs: opts.timeoutMs ?? 20_000, headers: { 'user-agent': 'Mozilla/5.0 (compatible; yuqing)', accept: 'text/html,application/xhtml+xml' } })
    } catch (err) {
      if (err instanceof HttpError) throw new AppError(`could not fetch ${target}: ${err.message}`, { hint: 'check the URL and the network' })
      throw err
    }
    const c = classifyPage(res, ctx.clock.now())
    if (c.verdict !== 'ok') throw new AppError(`${target}: ${c.verdict} (${c.detail})`, { hint: c.verdict === 'needs-cookie' ? 'the site wants a login; extraction of public pages only' : 'try again later, or save the page and extract the file' })
    bytes = res.body
    contentType = res.headers['content-type'] ?? null
    url = res.url
  } else {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target) && !/^[a-z]:[\\/]/i.test(target)) throw new UsageError(`only http(s) URLs and files can be extracted, not ${target.split(':')[0]}:`)
    if (!existsSync(target) || !statSync(target).isFile()) throw new UsageError(`no such file: ${target}`, 'give an http(s) URL or the path of a saved HTML page')
    bytes = readFileSync(target)
  }
  const { text } = decodeHtml(bytes, contentType)
  const host = url ? new URL(url).hostname : null
  const a = extractArticle(text, { url, now: ctx.clock.now(), override: host ? ctx.config.sources.news.overrides[host] : undefined })
  return {
    url,
    title: a.title,
    publishedAt: a.publishedAt ? isoWithOffset(a.publishedAt, ctx.config.report.timezone) : null,
    author: a.author,
    source: a.source,
    body: a.body,
  }
}
