/**
 * News search engines by keyword: Baidu News, Sogou News, 360 News. Each engine's URL template
 * and selectors live here, in one place, because these pages change often (Baidu's result markup
 * changed at least three times; see ../shared/design/SOURCES.md §3.1): a redesign is one small
 * diff to a list of selectors, tried in order. Parsing is pure (HTML in, results out).
 *
 * A result's link is often the engine's own redirect (baidu.com/link?url=…, so.com/link?…); 360
 * also gives the real target in `data-mdurl`. The crawler fetches the link and keeps the URL the
 * redirects end at, so stored articles carry the real article URL either way.
 */
import { parseHTML } from 'linkedom'
import { findSiteTime } from '../dates.js'
import { redirectTarget } from '../http.js'

export const ENGINE_IDS = ['baidu', 'sogou', 'so360'] as const
export type EngineId = (typeof ENGINE_IDS)[number]

export interface EngineResult {
  title: string
  /** The link to follow (may be the engine's redirect). */
  url: string
  /** The real article URL when the page gives it (360's data-mdurl), else null. */
  target: string | null
  snippet: string | null
  source: string | null
  publishedAt: Date | null
  publishedRaw: string | null
}

interface EngineDef {
  /** Search URL for a keyword and a 1-based page. */
  search(base: string, keyword: string, page: number): string
  /** Result containers, tried in order (first selector that matches anything wins). */
  results: string[]
  title: string[]
  snippet: string[]
  source: string[]
  time: string[]
  /** Containers to drop (aggregate cards, ads). */
  skip?: string
  /** Attribute holding the real target URL. */
  target?: string
}

const enc = encodeURIComponent

export const ENGINES: Record<EngineId, EngineDef> = {
  baidu: {
    // rtt=4: newest first; pn is a result offset, 10 per page.
    search: (base, kw, page) => `${base}/s?tn=news&rtt=4&bsst=1&cl=2&ie=utf-8&wd=${enc(kw)}&pn=${(page - 1) * 10}`,
    results: ['div.result-op.c-container', 'div.result.c-container', 'div.result'],
    title: ['h3 a'],
    snippet: ['span[class^="c-font-normal c-color-text"]', 'div[class^="c-span-last"] span', 'div.c-summary', 'p'],
    source: ['span[aria-label^="新闻来源"]', 'span.c-color-gray.c-font-normal', 'span.c-color-gray', 'p.c-author'],
    time: ['span.c-color-gray2', 'span[class^="c-color-gray2"]', 'p.c-author'],
  },
  sogou: {
    search: (base, kw, page) => `${base}/news?query=${enc(kw)}&page=${page}&sort=1&mode=1&ie=utf8`,
    results: ['div#result div.vrwrap', 'div#result .box-result', '.results .rb'],
    title: ['h3 a'],
    snippet: ['p.star-wiki', 'div.news-detail p.txt-info', 'div.ft', 'p'],
    source: ['p.news-from span:first-child', 'p.news-from', 'cite'],
    time: ['p.news-from span:last-child', 'p.news-from', 'cite'],
  },
  so360: {
    search: (base, kw, page) => `${base}/ns?q=${enc(kw)}&pn=${page}&rank=pdate&tn=news`,
    results: ['ul.result li.res-list', 'li.res-list'],
    title: ['h3 a'],
    snippet: ['p.res-desc', 'span[class^="res-list-summary"]', 'p'],
    source: ['span.sitename', 'span.source', 'p.newsinfo span:first-child'],
    time: ['span.posttime', 'p.newsinfo span:last-child'],
    skip: '[data-mohe-type]',
    target: 'data-mdurl',
  },
}

type El = { querySelector(s: string): El | null; querySelectorAll(s: string): Iterable<El>; getAttribute(n: string): string | null; textContent: string | null; matches?(s: string): boolean }

const clean = (s: string | null | undefined): string | null => {
  const t = (s ?? '').replace(/[\s\u00a0]+/g, ' ').trim()
  return t || null
}

function first(el: El, selectors: readonly string[]): El | null {
  for (const s of selectors) {
    const hit = el.querySelector(s)
    if (hit) return hit
  }
  return null
}

/** An href resolved against the page, when it is http(s) (never javascript:, data:, file:). */
const httpUrl = (href: string | null, base: string): string | null => (href ? redirectTarget(href, base) : null)

/**
 * Results of one engine page. `now` resolves relative dates (3小时前, 昨天 14:20). An empty list
 * means no (more) results, or a page these selectors no longer fit: the caller tells the two
 * apart by whether the page had any result container markup at all (see `looksLikeResults`).
 */
export function parseEnginePage(engine: EngineId, html: string, pageUrl: string, now: Date): EngineResult[] {
  const def = ENGINES[engine]
  const { document } = parseHTML(html)
  let containers: El[] = []
  for (const s of def.results) {
    containers = [...(document.querySelectorAll(s) as unknown as Iterable<El>)]
    if (containers.length) break
  }
  const out: EngineResult[] = []
  const seen = new Set<string>()
  for (const c of containers) {
    if (def.skip && (c.matches?.(def.skip) || c.querySelector(def.skip))) continue
    const a = first(c, def.title)
    const url = httpUrl(a?.getAttribute('href') ?? null, pageUrl)
    const title = clean(a?.textContent)
    if (!url || !title || seen.has(url)) continue
    seen.add(url)
    const target = def.target ? httpUrl(a?.getAttribute(def.target) ?? c.getAttribute(def.target), pageUrl) : null
    const timeText = clean(first(c, def.time)?.textContent)
    const found = timeText ? findSiteTime(timeText, { now }) : null
    let source = clean(first(c, def.source)?.textContent)
    // "新华网 3小时前" in one element: the source is what precedes the date.
    if (source && found && source.includes(found.raw)) source = clean(source.slice(0, source.indexOf(found.raw)))
    if (source) source = source.replace(/^新闻来源[:：]?\s*/, '') || null
    out.push({ title, url, target, snippet: clean(first(c, def.snippet)?.textContent), source, publishedAt: found?.at ?? null, publishedRaw: found?.raw ?? null })
  }
  return out
}

/** Whether the page is an engine's "no results" page (so an empty parse is the end, not a layout change). */
export function isNoResultsPage(html: string): boolean {
  return /抱歉，没有找到|没有找到与|未找到相关|找不到和您查询|暂无相关|no results/i.test(html)
}
