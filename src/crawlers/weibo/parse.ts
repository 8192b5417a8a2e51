/**
 * m.weibo.cn responses to mentions. Pure: the fetch time comes in (`now`, for 刚刚, 15小时前,
 * 06-27), nothing is fetched, nothing is stored.
 *
 * The bodies arriving here were classified `ok:1` already (classify.ts); what is left to go
 * wrong is shape. A body without the container we read (`data`, `data.cards`, `data.data`)
 * throws a WeiboShapeError whose one-line message says what was missing, so the caller can
 * quarantine the response. Inside a good body, one bad item (no mblog, no id, a date we cannot
 * read) is skipped and reported in `skipped`, never thrown: one odd card must not cost a page.
 *
 * Mapping of an mblog to a MentionInput (SOURCES.md §2a):
 *   platformId      the mid as a decimal string (ids come as strings or numbers; a number past
 *                   2^53 has lost digits in JSON.parse, so a string form or the bid wins)
 *   url             https://m.weibo.cn/detail/{mid}, the real site whatever base URL we crawled
 *   text            text.ts; for a repost, the reposter's own words (the original is in extra)
 *   publishedAt     parseSiteTime(created_at, { now }); publishedRaw keeps created_at verbatim
 *   counts          parseCount: numbers, numeric strings, 1.2万, 100万+, 3亿
 *   extra           bid, verifiedType, location, ipLocation, client, isLongText, pinned, pics,
 *                   links, retweeted (not the search keyword: the same post found by another
 *                   keyword must hash the same); keys whose value is null or an empty list are
 *                   left out (booleans and a pics count of 0 are kept), so that extra, which
 *                   is part of the content hash, only changes when the post does
 *   raw             the mblog as received
 */
import type { MentionInput } from '../../core/mention.js'
import { parseSiteTime } from '../dates.js'
import { publicCommentUrl, publicPostUrl } from './endpoints.js'
import type { HotflowCursor } from './endpoints.js'
import { weiboText } from './text.js'
import type { WeiboText } from './text.js'

/** The response is not shaped as m.weibo.cn sends it (the site changed, or it is not Weibo). */
export class WeiboShapeError extends Error {
  readonly code = 'weibo-shape'
  constructor(message: string) {
    super(message)
    this.name = 'WeiboShapeError'
  }
}

/** An mblog as m.weibo.cn sends it: read field by field, never trusted. */
export type Mblog = Record<string, unknown>

export interface WeiboPost {
  mention: MentionInput
  /** The text is cut (isLongText, or a 全文 link): fetch statuses/extend or the detail page. */
  needsLongText: boolean
  mid: string
  bid: string | null
}

export interface Skipped {
  reason: string
}

export interface PostContext {
  /** The fetch time: relative and year-less dates resolve against it. */
  now: Date
  /** The search keyword that found the post, kept in `extra.keyword`. */
  keyword?: string
}

export interface SearchPage {
  posts: WeiboPost[]
  /** `cardlistInfo.page`: the page to ask for next; null when absent (no more pages). */
  nextPage: number | null
  /** `cardlistInfo.total` (search caps it near 1000); null when absent. */
  total: number | null
  skipped: Skipped[]
}

export interface RetweetedInfo {
  mid: string | null
  text: string
  /** Null when the original's user is null: it was deleted or hidden. */
  authorId: string | null
  authorName: string | null
}

type Obj = Record<string, unknown>

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v)
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : null
}

/** Keys of a bad body, for the one-line error (at most eight). */
function keysOf(v: unknown): string {
  if (!isObj(v)) return Array.isArray(v) ? 'a list' : v === null ? 'null' : typeof v
  const keys = Object.keys(v)
  return keys.length ? `keys: ${keys.slice(0, 8).join(', ')}${keys.length > 8 ? ', …' : ''}` : 'no keys'
}

/** `json.data`, or a WeiboShapeError naming what was there instead. */
function dataOf(json: unknown, what: string): Obj {
  if (!isObj(json)) throw new WeiboShapeError(`${what}: the body is not a JSON object (${keysOf(json)})`)
  if (!isObj(json.data)) throw new WeiboShapeError(`${what}: no data object (${keysOf(json)})`)
  return json.data
}

/**
 * A Weibo count: a whole number ≥ 0, a numeric string ("1,234"), or a display form ("1.2万",
 * "100万+", "3亿", "10w+"; a trailing + means "at least", so the floor is returned). Null for
 * anything else (absent, negative, "转发", NaN).
 */
export function parseCount(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) && v >= 0 ? Math.floor(v) : null
  if (typeof v !== 'string') return null
  const m = /^(\d+(?:\.\d+)?)\s*(万|亿|千|w|k)?\s*\+?$/i.exec(v.normalize('NFKC').replace(/[,\s]/g, ''))
  if (!m) return null
  const unit = m[2]?.toLowerCase()
  const mult = unit === '万' || unit === 'w' ? 10_000 : unit === '亿' ? 100_000_000 : unit === '千' || unit === 'k' ? 1000 : 1
  // 1.15 × 10000 is 11499.999… in floating point: nudge before flooring.
  const n = Math.floor(Number(m[1]) * mult + 1e-6)
  return Number.isSafeInteger(n) ? n : null
}

/**
 * The first usable id among `vals`: a digit string first (exact), then a safe integer. A number
 * past 2^53 lost digits in JSON.parse and is not used.
 */
function readId(...vals: unknown[]): string | null {
  for (const v of vals) if (typeof v === 'string' && /^\d{1,24}$/.test(v.trim())) return v.trim()
  for (const v of vals) if (typeof v === 'number' && Number.isSafeInteger(v) && v > 0) return String(v)
  return null
}

const BASE62 = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'

/**
 * Base62 bid (`HATy0b0sZ`) to mid (`4387933362623405`): split from the right into 4-character
 * groups, decode each, left-pad every group but the first to 7 digits, concatenate
 * (SOURCES.md §2.0). Throws a RangeError on a character outside 0-9a-zA-Z or a group too
 * large to be one (a bid no mid can produce).
 */
export function bidToMid(bid: string): string {
  const s = bid.trim()
  if (!/^[0-9a-zA-Z]{1,16}$/.test(s)) throw new RangeError(`not a Weibo bid: ${JSON.stringify(bid)}`)
  const groups: string[] = []
  for (let end = s.length; end > 0; end -= 4) groups.unshift(s.slice(Math.max(0, end - 4), end))
  return groups
    .map((g, i) => {
      let n = 0
      for (const c of g) n = n * 62 + BASE62.indexOf(c)
      const d = String(n)
      if (i > 0 && d.length > 7) throw new RangeError(`not a Weibo bid: ${JSON.stringify(bid)}`)
      return i === 0 ? d : d.padStart(7, '0')
    })
    .join('')
    .replace(/^0+(?=\d)/, '')
}

/** The reverse of bidToMid: 7-digit groups from the right, each base62-encoded, padded to 4 but the first. */
export function midToBid(mid: string): string {
  const s = mid.trim()
  if (!/^\d{1,28}$/.test(s)) throw new RangeError(`not a Weibo mid: ${JSON.stringify(mid)}`)
  const groups: string[] = []
  for (let end = s.length; end > 0; end -= 7) groups.unshift(s.slice(Math.max(0, end - 7), end))
  return groups
    .map((g, i) => {
      let n = Number(g)
      let out = ''
      do {
        out = BASE62[n % 62]! + out
        n = Math.floor(n / 62)
      } while (n > 0)
      return i === 0 ? out : out.padStart(4, '0')
    })
    .join('')
}

function safeBidToMid(bid: string | null): string | null {
  if (!bid) return null
  try {
    return bidToMid(bid)
  } catch {
    return null
  }
}

/** `发布于 广东`, `IP属地：广东`, `来自广东` → `广东`. */
function placeOf(v: unknown, prefix: RegExp): string | null {
  const s = str(v)
  if (!s) return null
  const p = s.replace(prefix, '').trim()
  return p || null
}

function plain(v: unknown): string | null {
  const s = str(v)
  if (!s) return null
  return (s.includes('<') ? weiboText(s).text : s).trim() || null
}

function bool(v: unknown): boolean | null {
  if (typeof v === 'boolean') return v
  if (v === 1 || v === 0) return v === 1
  return null
}

function picCount(m: Mblog): number {
  const pics = m.pics
  if (Array.isArray(pics)) return pics.length
  // Keyed "0", "1", … in some responses (RSSHub's utils.ts).
  if (isObj(pics)) return Object.values(pics).filter(isObj).length
  return parseCount(m.pic_num) ?? 0
}

/** Drops null, undefined and empty-list values (see the header: extra is hashed). */
function compact(o: Obj): Obj {
  const out: Obj = {}
  for (const [k, v] of Object.entries(o)) {
    if (v === null || v === undefined || (Array.isArray(v) && v.length === 0)) continue
    out[k] = v
  }
  return out
}

interface Author {
  authorId: string | null
  authorName: string | null
  authorFollowers: number | null
  authorVerified: boolean | null
  verifiedType: number | null
}

function authorOf(user: unknown): Author {
  if (!isObj(user)) return { authorId: null, authorName: null, authorFollowers: null, authorVerified: null, verifiedType: null }
  const vt = typeof user.verified_type === 'number' ? user.verified_type : typeof user.verified_type === 'string' && /^-?\d+$/.test(user.verified_type) ? Number(user.verified_type) : null
  return {
    authorId: readId(user.idstr, user.id),
    authorName: str(user.screen_name),
    authorFollowers: parseCount(user.followers_count),
    authorVerified: bool(user.verified),
    verifiedType: Number.isFinite(vt) ? vt : null,
  }
}

function retweetedOf(rs: unknown): RetweetedInfo | null {
  if (!isObj(rs)) return null
  const a = authorOf(rs.user)
  return {
    mid: readId(rs.mid, rs.idstr, rs.id) ?? safeBidToMid(str(rs.bid)),
    text: weiboText(rs.text).text,
    authorId: a.authorId,
    authorName: a.authorName,
  }
}

export type PostResult = { post: WeiboPost; skipped?: undefined } | { post?: undefined; skipped: Skipped }

/**
 * One mblog to a post. `fullText` says the text is known to be whole (the detail page), so
 * `isLongText` alone does not ask for a fetch.
 */
export function mblogToPost(m: unknown, ctx: PostContext, opts: { fullText?: boolean } = {}): PostResult {
  if (!isObj(m)) return { skipped: { reason: 'mblog is missing or not an object' } }
  const bid = str(m.bid) ?? str(m.mblogid)
  const mid = readId(m.mid, m.idstr, m.id) ?? safeBidToMid(bid)
  if (!mid) return { skipped: { reason: `mblog without a usable id (bid ${bid ?? 'none'})` } }
  const raw = typeof m.created_at === 'string' ? m.created_at : null
  const publishedAt = parseSiteTime(raw, { now: ctx.now })
  if (!publishedAt) return { skipped: { reason: `mblog ${mid}: unreadable created_at ${JSON.stringify(m.created_at ?? null)}` } }

  const inline = isObj(m.longText) ? str(m.longText.longTextContent) : null
  const short = weiboText(m.text)
  const body = inline ? weiboText(inline) : short
  const isLongText = m.isLongText === true || m.isLongText === 1
  const truncated = inline ? body.truncated : short.truncated || (isLongText && !opts.fullText)
  const a = authorOf(m.user)
  const title = isObj(m.title) ? str(m.title.text) : null

  const extra = compact({
    bid,
    verifiedType: a.verifiedType,
    location: body.location ?? short.location,
    ipLocation: placeOf(m.region_name, /^(发布于|IP属地[:：]?)\s*/),
    client: plain(m.source),
    isLongText,
    pinned: m.mblogtype === 2 || m.isTop === 1 || m.isTop === true || title === '置顶',
    pics: picCount(m),
    links: [...new Set([...body.links, ...(inline ? short.links : [])])],
    retweeted: retweetedOf(m.retweeted_status),
  })

  const mention: MentionInput = {
    source: 'weibo',
    platformId: mid,
    url: publicPostUrl(mid),
    title: null,
    // A repost with no words of its own: Weibo shows it as 转发微博.
    text: body.text || (isObj(m.retweeted_status) ? '转发微博' : ''),
    authorId: a.authorId,
    authorName: a.authorName,
    authorFollowers: a.authorFollowers,
    authorVerified: a.authorVerified,
    publishedAt,
    publishedRaw: raw,
    reposts: parseCount(m.reposts_count),
    comments: parseCount(m.comments_count),
    likes: parseCount(m.attitudes_count),
    extra,
    raw: m,
  }
  return { post: { mention, needsLongText: truncated, mid, bid } }
}

/** Type-9 cards at the top level and inside type-11 groups (groups nest at most a few deep). */
function collectPostCards(cards: unknown[], out: Obj[], depth: number): void {
  for (const c of cards) {
    if (!isObj(c)) continue
    const type = Number(c.card_type)
    if (type === 9) out.push(c)
    else if (type === 11 && Array.isArray(c.card_group) && depth < 4) collectPostCards(c.card_group, out, depth + 1)
  }
}

function pageNumber(v: unknown): number | null {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v) : NaN
  return Number.isSafeInteger(n) && n > 0 ? n : null
}

/**
 * A keyword search page (`getIndex`, `100103type=…`), also any container page of the same
 * envelope (a user's timeline). Posts come from type-9 cards at the top level and inside
 * type-11 `card_group`s, in page order, once per mid; other card types are ignored.
 */
export function parseSearchPage(json: unknown, ctx: PostContext): SearchPage {
  const data = dataOf(json, 'search page')
  if (!Array.isArray(data.cards)) throw new WeiboShapeError(`search page: data.cards is ${data.cards === undefined ? 'missing' : 'not a list'} (data ${keysOf(data)})`)
  const info = isObj(data.cardlistInfo) ? data.cardlistInfo : null
  const skipped: Skipped[] = []
  const cards: Obj[] = []
  collectPostCards(data.cards, cards, 0)
  const posts: WeiboPost[] = []
  const seen = new Set<string>()
  for (const card of cards) {
    if (!isObj(card.mblog)) {
      skipped.push({ reason: `card ${str(card.itemid) ?? '(no itemid)'}: card_type 9 without an mblog` })
      continue
    }
    const r = mblogToPost(card.mblog, ctx)
    if (r.skipped) {
      skipped.push(r.skipped)
      continue
    }
    if (seen.has(r.post.mid)) continue
    seen.add(r.post.mid)
    posts.push(r.post)
  }
  return { posts, nextPage: pageNumber(info?.page), total: parseCount(info?.total), skipped }
}

/** `statuses/extend`: the whole `longTextContent`, read by text.ts (text, location, links). Null when the body has none. */
export function parseLongTextParts(json: unknown): WeiboText | null {
  const data = dataOf(json, 'statuses/extend')
  const html = str(data.longTextContent)
  if (!html) return null
  const t = weiboText(html)
  return t.text ? t : null
}

/** `statuses/extend` → the post's whole text as plain text; null when the body carries none. */
export function parseLongText(json: unknown): string | null {
  return parseLongTextParts(json)?.text ?? null
}

/**
 * The post with its long text in place of the cut one: text replaced, the location and links
 * the long text adds merged in, `needsLongText` cleared. A plain string replaces the text only.
 */
export function withLongText(post: WeiboPost, long: WeiboText | string): WeiboPost {
  const t: WeiboText = typeof long === 'string' ? { text: long, location: null, truncated: false, topics: [], mentions: [], links: [] } : long
  if (!t.text) return post
  const extra: Obj = { ...(post.mention.extra ?? {}) }
  if (t.location && extra.location === undefined) extra.location = t.location
  const links = [...new Set([...((extra.links as string[] | undefined) ?? []), ...t.links])]
  if (links.length) extra.links = links
  return { ...post, needsLongText: false, mention: { ...post.mention, text: t.text, extra } }
}

/**
 * `var $render_data = [{ "status": {…}, … }][0] || {};` in a `/detail/{id}` page, read from the
 * first `$render_data` on (one anchored match: no rescanning a hostile page from every offset).
 * The shortest match is tried first, then the longest, in case the JSON holds `][0] ||` in a string.
 */
const RENDER_DATA = [/^\$render_data\s*=\s*(\[[\s\S]*?\])\s*\[0\]\s*\|\|/, /^\$render_data\s*=\s*(\[[\s\S]*\])\s*\[0\]\s*\|\|/]

/**
 * `/detail/{id}` HTML → the full mblog (`$render_data[0].status`), or null when the page has no
 * `$render_data` or no status (a deleted post, an error page). `$render_data` that is not JSON
 * throws a WeiboShapeError. Turn the mblog into a post with `mblogToPost(m, ctx, { fullText: true })`.
 */
export function parseDetailPage(html: string): Mblog | null {
  const at = typeof html === 'string' ? html.indexOf('$render_data') : -1
  if (at < 0) return null
  const rest = html.slice(at)
  let parsed: unknown
  let matched = false
  for (const re of RENDER_DATA) {
    const m = re.exec(rest)
    if (!m) continue
    matched = true
    try {
      parsed = JSON.parse(m[1]!)
      break
    } catch {
      // try the next form
    }
  }
  if (parsed === undefined) throw new WeiboShapeError(matched ? 'detail page: $render_data is not valid JSON' : 'detail page: $render_data is not a list followed by [0] || {}')
  const first: unknown = Array.isArray(parsed) ? parsed[0] : undefined
  return isObj(first) && isObj(first.status) ? first.status : null
}

export interface HotComments {
  comments: MentionInput[]
  /** The cursor of the next page (send both values back); null when `max_id` is 0 or absent. */
  next: HotflowCursor | null
  skipped: Skipped[]
}

/**
 * One comment to a mention: platformId `c<id>` (the prefix keeps comments apart from posts in
 * (source, platformId) and says what the row is), url the post page with `?cid=<id>` (the store
 * keeps canonical URLs unique). `source` on m.weibo.cn comments is the IP region ("来自广东").
 */
function commentToMention(c: unknown, ctx: { now: Date; postMid: string }, replyTo: string | null): MentionInput | Skipped {
  if (!isObj(c)) return { reason: 'comment is not an object' }
  const id = readId(c.idstr, c.id, c.mid)
  if (!id) return { reason: 'comment without a usable id' }
  const raw = typeof c.created_at === 'string' ? c.created_at : null
  const publishedAt = parseSiteTime(raw, { now: ctx.now })
  if (!publishedAt) return { reason: `comment ${id}: unreadable created_at ${JSON.stringify(c.created_at ?? null)}` }
  const a = authorOf(c.user)
  const t = weiboText(c.text)
  return {
    source: 'weibo',
    platformId: `c${id}`,
    url: publicCommentUrl(ctx.postMid, id),
    title: null,
    text: t.text,
    authorId: a.authorId,
    authorName: a.authorName,
    authorFollowers: a.authorFollowers,
    authorVerified: a.authorVerified,
    publishedAt,
    publishedRaw: raw,
    reposts: null,
    comments: parseCount(c.total_number),
    likes: parseCount(c.like_count ?? c.like_counts),
    extra: compact({
      kind: 'comment',
      postMid: ctx.postMid,
      replyTo,
      ipLocation: placeOf(c.source, /^来自\s*/),
      links: t.links,
    }),
    raw: c,
  }
}

/**
 * `comments/hotflow` → the comments of one page (each with the replies the site inlines in
 * `comments`, marked `extra.replyTo`), and the cursor of the next page.
 */
export function parseHotComments(json: unknown, ctx: { now: Date; postMid: string }): HotComments {
  const data = dataOf(json, 'hotflow')
  if (!Array.isArray(data.data)) throw new WeiboShapeError(`hotflow: data.data is ${data.data === undefined ? 'missing' : 'not a list'} (data ${keysOf(data)})`)
  const comments: MentionInput[] = []
  const skipped: Skipped[] = []
  const seen = new Set<string>()
  const add = (c: unknown, replyTo: string | null) => {
    const r = commentToMention(c, ctx, replyTo)
    if ('reason' in r) skipped.push(r)
    else if (!seen.has(r.platformId!)) {
      seen.add(r.platformId!)
      comments.push(r)
    }
  }
  for (const c of data.data) {
    add(c, null)
    const parentId = isObj(c) ? readId(c.idstr, c.id, c.mid) : null
    if (isObj(c) && Array.isArray(c.comments) && parentId) for (const sub of c.comments) add(sub, `c${parentId}`)
  }
  const maxId = typeof data.max_id === 'number' ? (Number.isFinite(data.max_id) ? String(data.max_id) : '0') : typeof data.max_id === 'string' ? data.max_id.trim() : '0'
  const next = /^\d+$/.test(maxId) && !/^0+$/.test(maxId) ? { maxId, maxIdType: Number(data.max_id_type) || 0 } : null
  return { comments, next, skipped }
}

/** `/api/config` → are the cookies logged in, and as whom. */
export function parseLoginState(json: unknown): { login: boolean; uid: string | null } {
  const data = dataOf(json, 'api/config')
  const login = data.login === true || data.login === 1
  return { login, uid: login ? readId(data.uid) : null }
}
