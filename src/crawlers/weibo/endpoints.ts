/**
 * Every m.weibo.cn URL shape and the headers that go with it, in one place: when Weibo moves an
 * endpoint or renames a parameter, this file is the diff. Built from a configurable base URL so
 * that tests and the loopback sample server can stand in for the real site; the public post URL
 * we store is the exception and always names the real site, because it is what an operator
 * clicks in a report long after the crawl.
 *
 * Shapes (see ../shared/design/SOURCES.md §2a–2c, 2f):
 *   search     /api/container/getIndex?containerid=<enc('100103type=T&q=KW')>&page_type=searchall&page=N
 *   long text  /statuses/extend?id={mid}
 *   detail     /detail/{mid}                       (HTML with `var $render_data = [...]`)
 *   comments   /comments/hotflow?id={mid}&mid={mid}&max_id_type={t}[&max_id={cursor}]
 *   login ping /api/config
 */

export const DEFAULT_BASE_URL = 'https://m.weibo.cn'

/** The real site: stored post URLs point here whatever base URL the crawl used. */
export const PUBLIC_BASE_URL = 'https://m.weibo.cn'

/**
 * Search channels of `100103type=T`: 61 实时 (newest first, what monitoring wants), 1 综合
 * (the site's default, ranked), 60 热门, 64 视频.
 */
export const SearchType = {
  Realtime: 61,
  All: 1,
  Hot: 60,
  Video: 64,
} as const
export type SearchType = (typeof SearchType)[keyof typeof SearchType]

/**
 * A current mobile Safari: m.weibo.cn serves its JSON API to mobile browsers, and a desktop UA
 * gets redirected to weibo.com.
 */
export const MOBILE_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1'

/** `100103type=61&q=宝安区`: the search container id, before URL encoding. */
export function searchContainerId(keyword: string, type: SearchType = SearchType.Realtime): string {
  return `100103type=${type}&q=${keyword}`
}

/** The public URL of a post, as stored in `mention.url` (always the real site). */
export function publicPostUrl(mid: string): string {
  return `${PUBLIC_BASE_URL}/detail/${encodeURIComponent(mid)}`
}

/**
 * The public URL of a comment: its post's page, told apart by `cid` because the store keeps
 * canonical URLs unique and a comment has no page of its own on m.weibo.cn.
 */
export function publicCommentUrl(postMid: string, commentId: string): string {
  return `${publicPostUrl(postMid)}?cid=${encodeURIComponent(commentId)}`
}

export interface HotflowCursor {
  maxId: string
  maxIdType: number
}

export interface WeiboEndpoints {
  /** The base URL, without a trailing slash. */
  readonly base: string
  /** The home page: a GET here re-issues `_T_WM` / `XSRF-TOKEN` (session warm-up). */
  home(): string
  /** Keyword search, page N (1-based). */
  search(keyword: string, page: number, type?: SearchType): string
  /** The page a browser would be on when it calls `search` (its Referer). */
  searchReferer(keyword: string, type?: SearchType): string
  /** `{ok:1, data:{longTextContent}}` for a truncated post. */
  longText(mid: string): string
  /** The post page embedding the full mblog in `$render_data`. */
  detail(mid: string): string
  /** Hot comments of a post; the first page without a cursor. */
  hotComments(mid: string, cursor?: HotflowCursor | null): string
  /** `{ok:1, data:{login, uid}}`: are our cookies logged in? */
  config(): string
}

/**
 * The URL builders for one base URL (default the real site). A base with a path
 * (`http://127.0.0.1:8080/weibo`) keeps it: every path is appended to it.
 */
export function weiboEndpoints(baseUrl: string = DEFAULT_BASE_URL): WeiboEndpoints {
  const u = new URL(baseUrl)
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new TypeError(`the Weibo base URL must be http(s), got ${baseUrl}`)
  const base = `${u.origin}${u.pathname}`.replace(/\/+$/, '')
  const enc = encodeURIComponent
  return {
    base,
    home: () => `${base}/`,
    search: (keyword, page, type = SearchType.Realtime) =>
      `${base}/api/container/getIndex?containerid=${enc(searchContainerId(keyword, type))}&page_type=searchall&page=${page}`,
    searchReferer: (keyword, type = SearchType.Realtime) => `${base}/search?containerid=${enc(searchContainerId(keyword, type))}`,
    longText: (mid) => `${base}/statuses/extend?id=${enc(mid)}`,
    detail: (mid) => `${base}/detail/${enc(mid)}`,
    hotComments: (mid, cursor) =>
      `${base}/comments/hotflow?id=${enc(mid)}&mid=${enc(mid)}&max_id_type=${cursor?.maxIdType ?? 0}` +
      (cursor ? `&max_id=${enc(cursor.maxId)}` : ''),
    config: () => `${base}/api/config`,
  }
}

/**
 * Headers of the site's own XHRs (RSSHub's `apiHeaders`, MediaCrawler): without
 * `X-Requested-With` and `MWeibo-Pwa` the API answers like a page load. `referer` defaults to
 * the home page of `base`; hotflow wants the post page (`endpoints.detail(mid)`), search its
 * search page (`endpoints.searchReferer(keyword)`). Cookies are the caller's business.
 */
export function apiHeaders(opts: { base?: string; referer?: string; userAgent?: string } = {}): Record<string, string> {
  const base = (opts.base ?? DEFAULT_BASE_URL).replace(/\/+$/, '')
  return {
    'User-Agent': opts.userAgent ?? MOBILE_UA,
    Accept: 'application/json, text/plain, */*',
    'Accept-Language': 'zh-CN,zh;q=0.9',
    Referer: opts.referer ?? `${base}/`,
    'X-Requested-With': 'XMLHttpRequest',
    'MWeibo-Pwa': '1',
  }
}

/** Headers for an HTML page load (`/detail/{id}`, the home page): a browser navigation, not an XHR. */
export function pageHeaders(opts: { base?: string; referer?: string; userAgent?: string } = {}): Record<string, string> {
  const base = (opts.base ?? DEFAULT_BASE_URL).replace(/\/+$/, '')
  return {
    'User-Agent': opts.userAgent ?? MOBILE_UA,
    Accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
    'Accept-Language': 'zh-CN,zh;q=0.9',
    Referer: opts.referer ?? `${base}/`,
  }
}
