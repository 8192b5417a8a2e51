/**
 * s.weibo.com search result pages (desktop HTML, `GET /weibo?q=KW[&timescope=…]&page=N`) to
 * mentions. Pure: the HTML and the fetch time come in (`now`, for 刚刚, 5分钟前, 今天 14:20,
 * 11月25日 14:20), nothing is fetched, nothing is stored.
 *
 * What a page is (SOURCES.md §2d), decided in this order:
 *   empty    the no-result card (`div.card.card-no-result`), whatever else the page carries
 *   results  at least one readable post card
 *   empty    no readable card, and a paragraph saying 抱歉，未找到…相关结果
 *   login    the "Sina Visitor System" page or a passport login form (no cookie, or a dead one)
 *   anything else throws a SearchShapeError: the site changed, or the body was cut off
 *
 * A post card is a `div.card-wrap[mid]` holding `div.card > div.card-feed > div.content >
 * div.info`. Card-wraps without either (ads, 相关用户, topic headers) are not posts and are passed
 * over silently. A post card we cannot read (a mid that is not a number, no time link, a time we
 * cannot parse) is reported in `skipped`, never thrown: one odd card must not cost a page.
 *
 * Mapping to a MentionInput, aligned with the m.weibo.cn parser (../weibo/parse.ts) so that a post
 * found by both crawlers is one row (same source, platformId and url):
 *   platformId, url  the card's mid; publicPostUrl(mid)
 *   text             p[node-type=feed_list_content_full] (long posts) else feed_list_content, read
 *                    by text.ts once the markup only s.weibo.com uses is taken out: the 展开/收起
 *                    links, the location link (`<a><i class="wbicon">2</i>深圳·宝安区</a>`, kept as
 *                    extra.location) and other icon-font glyphs. Emoji come back as their alt
 *                    ([赞]), topics as #话题#, mentions as @昵称; source-code whitespace is folded as
 *                    a browser would (line breaks are <br>). A repost with no words: 转发微博
 *   author           `a.name`: the uid from its href (weibo.com/{uid}?refer_flag=…, else from the
 *                    time link), `nick-name`; verified when div.avator holds a V badge svg
 *                    (woo_svg_vblue|vyellow|vorange|vgold). Followers are not on the page: null
 *   publishedAt      the time link (`div.from > a:first-of-type`) read by parseSiteTime against
 *                    `now`; the site shows minutes only. publishedRaw keeps that text
 *   counts           div.card-act: a bare label (转发, 评论, 赞) means 0; 100万+ reads as 1000000
 *   extra            bid (the time link's last path segment), badge (blue|yellow|orange|gold),
 *                    client, location, pics (a count), retweeted {mid, text, authorId,
 *                    authorName} as the m.weibo.cn parser has it, via 's.weibo.com'. Null values
 *                    are left out: extra is part of the content hash
 *   raw              the card's HTML (its first 20,000 characters)
 *
 * Hostile input: only the first 5 MB is read; markup the DOM parser would spend seconds on (more
 * than 50,000 tags, or nesting deeper than 2,000) is refused before parsing; anything unexpected
 * inside the parser becomes a SearchShapeError, the only error this module throws.
 */
import { parseHTML } from 'linkedom'
import type { MentionInput } from '../../core/mention.js'
import { parseSiteTime } from '../dates.js'
import { publicPostUrl } from '../weibo/endpoints.js'
import { bidToMid, parseCount } from '../weibo/parse.js'
import { weiboText } from '../weibo/text.js'

/** The page is none of results, empty or login: the site changed, or the body is cut off. */
export class SearchShapeError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'SearchShapeError'
  }
}

export interface SearchResultPost {
  mention: MentionInput
  mid: string
  bid: string | null
}

export interface SearchHtmlPage {
  /** 'results': cards found; 'empty': the no-result card or 抱歉，未找到相关结果; 'login': a login/visitor page (Sina Visitor System, passport form) instead of results */
  kind: 'results' | 'empty' | 'login'
  posts: SearchResultPost[]
  /** Cards that could not be read, one reason each (the rest of the page still counts). */
  skipped: Array<{ reason: string }>
  /** Pages the site offers for this query: the number of `ul.s-scroll > li` (0 when the list is absent, i.e. one page). */
  pageCount: number
  /** The next page number from `a.next` href (`&page=N`), or null. */
  nextPage: number | null
}

/** Every selector in one place: an s.weibo.com redesign is a diff here. Lists are tried in order. */
const SEL = {
  card: 'div.card-wrap',
  content: ':scope > div.card > div.card-feed > div.content',
  info: ':scope > div.info',
  author: ['a.name[nick-name]', 'a[nick-name]'],
  badge: ':scope > div.card > div.card-feed > div.avator svg',
  text: [':scope > p[node-type="feed_list_content_full"]', ':scope > p[node-type="feed_list_content"]', ':scope > p.txt'],
  from: [':scope > div.from', ':scope > p.from'],
  fromLink: ':scope > a',
  pics: 'div.media.media-piclist li img',
  retweet: ':scope > div.card-comment',
  retweetAuthor: '[node-type="feed_list_forwardContent"] a[nick-name]',
  retweetText: ['p[node-type="feed_list_content_full"]', 'p[node-type="feed_list_content"]', 'p.txt'],
  retweetTimeLink: '.from a',
  act: ':scope > div.card > div.card-act',
  forward: 'a[action-type="feed_list_forward"]',
  comment: 'a[action-type="feed_list_comment"]',
  like: 'a[action-type="feed_list_like"]',
  likeCount: ['span.woo-like-count', 'button > span:nth-of-type(2)', 'em'],
  noResultCard: 'div.card.card-no-result',
  pageList: 'ul.s-scroll',
  pageItem: ':scope > li',
  next: 'a.next',
} as const

/** `<i class="wbicon">2</i>` marks the location link; other wbicon glyphs (O link, c/d fold arrows) are decoration. */
const LOCATION_GLYPH = '2'
/** Labels of the fold links, in case their action-type goes (…+ the glyph, already removed). */
const FOLD_LABELS = new Set(['展开', '展开全文', '收起', '收起全文'])
/** `woo_svg_vblue` (the svg id weibo-search reads) or `woo-icon--vblue` (its class). */
const BADGE = /\bwoo(?:_svg_|-icon--)v(blue|yellow|orange|gold)\b/
/** Zero-width and bidi marks, and icon-font glyphs in the private use area (weibo-search strips \ue627). */
const INVISIBLE = /[\u200b\u200c\u200e\u200f\u2060-\u2064\ufeff\ue000-\uf8ff]/g
/** The no-result wording (nghuyong's 抱歉，未找到相关结果。 and the site's 抱歉，未找到“宝安”相关结果。). */
const NO_RESULT_TEXT = /未找到.{0,80}相关结果/
const LOGIN_TITLE = /Sina Visitor System|新浪通行证|微博登录/i

const MAX_INPUT = 5_000_000
const MAX_TAGS = 50_000
const MAX_DEPTH = 2_000
const MAX_RAW = 20_000

/** Minimal DOM surface we use (linkedom's elements), so nothing depends on lib.dom typings. */
interface El {
  textContent: string | null
  innerHTML: string
  outerHTML: string
  getAttribute(name: string): string | null
  querySelector(selector: string): El | null
  querySelectorAll(selector: string): ArrayLike<El>
  remove(): void
}

type Skipped = { reason: string }

function squash(s: string | null | undefined): string {
  return (s ?? '').replace(INVISIBLE, '').replace(/\s+/g, ' ').trim()
}

function all(root: El, selector: string): El[] {
  return Array.from(root.querySelectorAll(selector))
}

function first(root: El, selectors: readonly string[]): El | null {
  for (const s of selectors) {
    const el = root.querySelector(s)
    if (el) return el
  }
  return null
}

const VOID_TAGS = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'param', 'source', 'track', 'wbr'])
/** Elements whose body the parser reads as text up to the closing tag. */
const RAW_TEXT_END: Record<string, RegExp> = { script: /<\/script/gi, style: /<\/style/gi, title: /<\/title/gi, textarea: /<\/textarea/gi }
const START_TAG = /<([a-zA-Z][a-zA-Z0-9-]*)/y

/**
 * Why `html` is too odd to hand to the DOM parser, or null. linkedom's time grows with node count
 * and, faster, with nesting depth (measured: 5 MB of flat tags 12 s, 200,000 nested divs 23 s),
 * while a real result page has a few thousand tags, a few dozen deep. One linear scan:
 * counts start tags and the depth they would reach (void and `/>` tags aside; implicit closes are
 * not modelled, so the depth is an upper bound), skipping comments and script/style bodies.
 */
function markupProblem(html: string): string | null {
  let tags = 0
  let depth = 0
  let i = html.indexOf('<')
  while (i >= 0) {
    const c = html.charCodeAt(i + 1)
    if (c === 0x21 /* ! */) {
      const end = html.startsWith('<!--', i) ? html.indexOf('-->', i + 4) : html.indexOf('>', i + 2)
      if (end < 0) break
      i = html.indexOf('<', end + 1)
      continue
    }
    if (c === 0x2f /* / */) {
      if (depth > 0) depth--
      i = html.indexOf('<', i + 2)
      continue
    }
    START_TAG.lastIndex = i
    const m = START_TAG.exec(html)
    if (!m) {
      i = html.indexOf('<', i + 1)
      continue
    }
    if (++tags > MAX_TAGS) return `more than ${MAX_TAGS.toLocaleString('en')} tags`
    const gt = html.indexOf('>', i + m[0].length)
    if (gt < 0) break
    const name = m[1]!.toLowerCase()
    const rawEnd = RAW_TEXT_END[name]
    if (rawEnd) {
      rawEnd.lastIndex = gt + 1
      const close = rawEnd.exec(html)
      if (!close) break
      i = html.indexOf('<', close.index + 2)
      continue
    }
    if (!VOID_TAGS.has(name) && html.charCodeAt(gt - 1) !== 0x2f && ++depth > MAX_DEPTH) return `markup nested more than ${MAX_DEPTH.toLocaleString('en')} deep`
    i = html.indexOf('<', gt + 1)
  }
  return null
}

/** Path segments of a (protocol-relative, relative or absolute) link; [] when it is not a URL. */
function pathOf(href: string | null): string[] {
  if (!href) return []
  try {
    return new URL(href, 'https://s.weibo.com/').pathname.split('/').filter(Boolean)
  } catch {
    return []
  }
}

function uidOf(href: string | null): string | null {
  const last = pathOf(href).at(-1)
  return last && /^\d{1,20}$/.test(last) ? last : null
}

/** `//weibo.com/{uid}/{bid}?refer_flag=…` → uid and bid (each null when not of its shape). */
function postLinkOf(href: string | null): { uid: string | null; bid: string | null } {
  const p = pathOf(href)
  if (p.length !== 2) return { uid: null, bid: null }
  return { uid: /^\d{1,20}$/.test(p[0]!) ? p[0]! : null, bid: /^[0-9a-zA-Z]{1,16}$/.test(p[1]!) ? p[1]! : null }
}

function safeBidToMid(bid: string | null): string | null {
  if (!bid) return null
  try {
    return bidToMid(bid)
  } catch {
    return null
  }
}

/** `mid=5237398127403521&…` in an action-data attribute. */
function midOfActionData(v: string | null): string | null {
  const mid = v ? new URLSearchParams(v).get('mid') : null
  return mid && /^\d{1,24}$/.test(mid) ? mid : null
}

/**
 * A post text paragraph to plain text and its location tag. Takes the s.weibo.com-only markup
 * out of the (live, card-local) DOM, then hands the rest to text.ts. Mutates `p`.
 */
function readText(p: El): { text: string; location: string | null } {
  let location: string | null = null
  for (const a of all(p, 'a')) {
    const glyph = a.querySelector('i.wbicon')
    if (glyph && squash(glyph.textContent) === LOCATION_GLYPH) {
      glyph.remove()
      location ??= squash(a.textContent) || null
      a.remove()
    }
  }
  for (const glyph of all(p, 'i.wbicon')) glyph.remove()
  for (const a of all(p, 'a')) {
    const action = a.getAttribute('action-type')
    if (action === 'fl_unfold' || action === 'fl_fold' || FOLD_LABELS.has(squash(a.textContent))) a.remove()
  }
  // Source-code whitespace (indentation, newlines) is one space in HTML; line breaks are <br>.
  const t = weiboText(p.innerHTML.replace(INVISIBLE, '').replace(/[\t\n\f\r ]+/g, ' '))
  return { text: t.text, location: location ?? t.location }
}

interface Retweeted {
  mid: string | null
  text: string
  /** Null when the original was deleted (the box then holds only 抱歉，此微博已被作者删除。). */
  authorId: string | null
  authorName: string | null
}

function readRetweet(box: El): Retweeted {
  const author = box.querySelector(SEL.retweetAuthor)
  const p = first(box, SEL.retweetText)
  const timeLink = box.querySelector(SEL.retweetTimeLink)
  return {
    mid: midOfActionData(box.querySelector(SEL.like)?.getAttribute('action-data') ?? null) ?? safeBidToMid(postLinkOf(timeLink?.getAttribute('href') ?? null).bid),
    text: p ? readText(p).text : '',
    authorId: author ? uidOf(author.getAttribute('href')) : null,
    authorName: author ? squash(author.getAttribute('nick-name')) || null : null,
  }
}

/** A card-act count: the label alone (转发) is 0, `转发 12` or `12` is 12, `100万+` is 1000000. */
function actCount(el: El | null, label: string): number | null {
  if (!el) return null
  const s = squash(el.textContent).replace(label, '').replace(/\s+/g, '')
  return s === '' ? 0 : parseCount(s)
}

function badgeOf(wrap: El): string | null {
  for (const svg of all(wrap, SEL.badge)) {
    const m = BADGE.exec(`${svg.getAttribute('id') ?? ''} ${svg.getAttribute('class') ?? ''}`)
    if (m) return m[1]!
  }
  return null
}

/** Drops null values (extra is hashed: it should only change when the post does). */
function compact(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined))
}

/** One post card (it has a mid and a div.info) to a post, or the reason it cannot be read. */
function readCard(wrap: El, mid: string, content: El, info: El, now: Date): SearchResultPost | Skipped {
  if (!/^\d{1,24}$/.test(mid)) return { reason: `card mid ${JSON.stringify(mid.slice(0, 40))} is not a number` }
  // Before readText edits the card.
  const raw = wrap.outerHTML.slice(0, MAX_RAW)
  const from = first(content, SEL.from)
  const links = from ? all(from, SEL.fromLink) : []
  const timeLink = links[0]
  if (!timeLink) return { reason: `card ${mid}: no time link (div.from > a)` }
  const publishedRaw = squash(timeLink.textContent)
  const publishedAt = parseSiteTime(publishedRaw, { now })
  if (!publishedAt) return { reason: `card ${mid}: unreadable time ${JSON.stringify(publishedRaw.slice(0, 40))}` }
  const postLink = postLinkOf(timeLink.getAttribute('href'))

  const author = first(info, SEL.author)
  const badge = badgeOf(wrap)
  const textNode = first(content, SEL.text)
  const body = textNode ? readText(textNode) : { text: '', location: null }
  const retweetBox = content.querySelector(SEL.retweet)
  const retweeted = retweetBox ? readRetweet(retweetBox) : null
  const act = wrap.querySelector(SEL.act)
  const like = act?.querySelector(SEL.like) ?? null

  const mention: MentionInput = {
    source: 'weibo',
    platformId: mid,
    url: publicPostUrl(mid),
    title: null,
    text: body.text || (retweetBox ? '转发微博' : ''),
    authorId: (author ? uidOf(author.getAttribute('href')) : null) ?? postLink.uid,
    authorName: author ? squash(author.getAttribute('nick-name')) || null : null,
    authorFollowers: null,
    authorVerified: badge !== null,
    publishedAt,
    publishedRaw,
    reposts: actCount(act?.querySelector(SEL.forward) ?? null, '转发'),
    comments: actCount(act?.querySelector(SEL.comment) ?? null, '评论'),
    likes: like ? actCount(first(like, SEL.likeCount) ?? like, '赞') : null,
    extra: compact({
      bid: postLink.bid,
      badge,
      client: squash(links[1]?.textContent) || null,
      location: body.location,
      pics: all(content, SEL.pics).length - (retweetBox ? all(retweetBox, SEL.pics).length : 0),
      retweeted,
      via: 's.weibo.com',
    }),
    raw,
  }
  return { mention, mid, bid: postLink.bid }
}

function nextPageOf(doc: El): number | null {
  const href = doc.querySelector(SEL.next)?.getAttribute('href')
  if (!href) return null
  try {
    const page = new URL(href, 'https://s.weibo.com/').searchParams.get('page')
    return page && /^\d{1,6}$/.test(page) && Number(page) > 0 ? Number(page) : null
  } catch {
    return null
  }
}

function isLoginPage(doc: El): boolean {
  if (LOGIN_TITLE.test(squash(doc.querySelector('title')?.textContent))) return true
  if (doc.querySelector('form[action*="passport.weibo.com"], form[action*="login.sina.com.cn"], input[type="password"]')) return true
  if (doc.querySelector('meta[http-equiv="refresh" i][content*="passport.weibo.com"]')) return true
  return all(doc, 'script').some((s) => /\/visitor\//.test(s.getAttribute('src') ?? '') || /passport\.weibo\.com\/visitor|genvisitor/.test(s.textContent ?? ''))
}

function parsePage(html: string, now: Date): SearchHtmlPage {
  const input = html.length > MAX_INPUT ? html.slice(0, MAX_INPUT) : html
  const problem = markupProblem(input)
  if (problem) throw new SearchShapeError(`search page: ${problem}, not a result page`)
  const doc = parseHTML(input).document as unknown as El
  const none = (kind: 'empty' | 'login'): SearchHtmlPage => ({ kind, posts: [], skipped: [], pageCount: 0, nextPage: null })
  if (doc.querySelector(SEL.noResultCard)) return none('empty')

  const wraps = all(doc, SEL.card)
  const posts: SearchResultPost[] = []
  const skipped: Skipped[] = []
  const seen = new Set<string>()
  for (const wrap of wraps) {
    const mid = wrap.getAttribute('mid')?.trim()
    const content = wrap.querySelector(SEL.content)
    const info = content?.querySelector(SEL.info)
    if (!mid || !content || !info) continue
    let r: SearchResultPost | Skipped
    try {
      r = readCard(wrap, mid, content, info, now)
    } catch (err) {
      r = { reason: `card ${mid.slice(0, 40)}: ${err instanceof Error ? err.message : String(err)}` }
    }
    if (!('mention' in r)) skipped.push(r)
    else if (!seen.has(r.mid)) {
      seen.add(r.mid)
      posts.push(r)
    }
  }
  if (posts.length) {
    const list = doc.querySelector(SEL.pageList)
    return { kind: 'results', posts, skipped, pageCount: list ? all(list, SEL.pageItem).length : 0, nextPage: nextPageOf(doc) }
  }
  if (all(doc, 'p').some((p) => NO_RESULT_TEXT.test(squash(p.textContent)))) return none('empty')
  if (isLoginPage(doc)) return none('login')
  if (wraps.length) throw new SearchShapeError(`search page: ${wraps.length} div.card-wrap, none readable${skipped[0] ? ` (${skipped[0].reason})` : ''}`)
  const title = squash(doc.querySelector('title')?.textContent).slice(0, 60)
  throw new SearchShapeError(`search page: no div.card-wrap, no no-result card, no login page${title ? ` (title ${JSON.stringify(title)})` : ''}`)
}

/** Reads one s.weibo.com search result page. Throws a SearchShapeError, and nothing else, when the page is none of results, empty or login. */
export function parseSearchHtml(html: string, ctx: { now: Date }): SearchHtmlPage {
  if (typeof html !== 'string') throw new SearchShapeError(`search page: the body is ${html === null ? 'null' : typeof html}, not HTML`)
  try {
    return parsePage(html, ctx.now)
  } catch (err) {
    if (err instanceof SearchShapeError) throw err
    throw new SearchShapeError(`search page: the HTML parser failed (${err instanceof Error ? err.message : String(err)})`)
  }
}
