/**
 * Weibo post and comment `text` (HTML) to the plain text the analysis reads. Pure, and never
 * throws: the input comes from the network, so malformed or hostile markup gives the best text
 * we can read (the parser recovers; if it ever fails, or the input is far longer than any post,
 * tags are stripped by a linear scan instead).
 *
 * What the markup means (SOURCES.md §2a) and what we make of it:
 *   <br />                                     a newline
 *   <span class="url-icon"><img alt=[doge]>    the alt, `[doge]`: emoji carry sentiment
 *   <a …><span class="surl-text">#话题#</span>  `#话题#`, and the name in `topics`
 *   <a href='/n/昵称'>@昵称</a>                 `@昵称`, and the name in `mentions`
 *   super-topic link (icon …_super_default)    `#名字[超话]#`, as Weibo itself writes it in
 *                                              `raw_text`, and `名字[超话]` in `topics`
 *   video / web link icons                     dropped (an img without alt); the label stays
 *   location link (icon timeline_card_small_location_default.png + span)
 *                                              removed from the text, returned as `location`
 *                                              ("深圳·宝安区"): the author's own district tag
 *   https://weibo.cn/sinaurl?u=<target>        unwrapped: the target goes to `links`; in the
 *                                              text, a generic label (网页链接, 查看图片) is
 *                                              replaced by the target URL (the tokenizer counts
 *                                              URLs, and the domain tells a reader where it
 *                                              leads), a real title (an article name) is kept
 *   …<a href="/status/{id}">全文</a>            removed with the "..." before it; `truncated`
 *   zero-width characters                      removed (ZWJ kept: it joins emoji sequences)
 *   entities (&amp; &quot; &#x4e2d; &nbsp;)    decoded; &nbsp; becomes a space
 */
import { parseHTML } from 'linkedom'

export interface WeiboText {
  /** Plain text: newlines kept, runs of spaces folded, trimmed. */
  text: string
  /** The place of a location link ("深圳·宝安区"), or null. */
  location: string | null
  /** The text was cut by the site (a 全文 or 展开 link): fetch the long text. */
  truncated: boolean
  /** Topic names without the #s, in order, once each. */
  topics: string[]
  /** Mentioned nicknames without the @, in order, once each. */
  mentions: string[]
  /** External link targets (sinaurl unwrapped, direct http links off Weibo), in order, once each. */
  links: string[]
}

/** Minimal DOM surface we walk (linkedom's nodes), so nothing depends on lib.dom typings. */
interface DomNode {
  nodeType: number
  textContent: string | null
  childNodes: ArrayLike<DomNode>
}
interface DomElement extends DomNode {
  localName: string
  getAttribute(name: string): string | null
}

const LOCATION_ICON = 'timeline_card_small_location_default'
const SUPER_TOPIC_ICON = 'timeline_card_small_super_default'
/** Link labels that say nothing about the target: the target URL is more useful in their place. */
const GENERIC_LABEL = /^(网页链接|查看图片|评论配图|查看动图|查看视频|原文链接|链接)$/
/**
 * Weibo's own hosts: links there are navigation (topics, profiles, videos, pictures), not outside
 * sources. t.cn is not one of them: a short link leads off the site.
 */
const WEIBO_HOST = /(^|\.)(weibo\.(cn|com)|sina\.(cn|com\.cn)|sinaimg\.cn|weibocdn\.com)$/i
/** Zero-width and bidi marks Weibo sprinkles into texts (\u200b after every post). Not ZWJ (\u200d). */
const ZERO_WIDTH = /[\u200b\u200c\u200e\u200f\u2060-\u2064\ufeff]/g
/** Deeper than this, a subtree is read as plain text (hostile nesting cannot exhaust the stack). */
const MAX_DEPTH = 64
/**
 * Longer input is not a Weibo text (a long post with its markup stays well under this): it is
 * stripped by a linear scan instead of parsed, so a hostile body cannot cost seconds.
 */
const MAX_HTML = 100_000

const EMPTY: WeiboText = { text: '', location: null, truncated: false, topics: [], mentions: [], links: [] }

function squash(s: string): string {
  return s.replace(ZERO_WIDTH, '').replace(/[\s\u00a0]+/g, ' ').trim()
}

function pushOnce(list: string[], v: string): void {
  if (v && !list.includes(v)) list.push(v)
}

/** The target of a `weibo.cn/sinaurl?u=…` wrapper, or null when `href` is not one. */
export function unwrapSinaUrl(href: string): string | null {
  let u: URL
  try {
    u = new URL(href, 'https://m.weibo.cn/')
  } catch {
    return null
  }
  if (!/(^|\.)weibo\.cn$/i.test(u.hostname) || !/^\/sinaurl\/?$/.test(u.pathname)) return null
  const target = u.searchParams.get('u') ?? u.searchParams.get('toasturl')
  return target && /^https?:\/\//i.test(target) ? target : null
}

/** An absolute http(s) link that leaves Weibo, or null. */
function externalLink(href: string): string | null {
  if (!/^https?:\/\//i.test(href)) return null
  try {
    return WEIBO_HOST.test(new URL(href).hostname) ? null : href
  } catch {
    return null
  }
}

class Reader {
  readonly out: string[] = []
  location: string | null = null
  truncated = false
  readonly topics: string[] = []
  readonly mentions: string[] = []
  readonly links: string[] = []
  /** A location icon was seen outside a link: the next text span is the place. */
  private pendingLocation = false

  walk(node: DomNode, depth: number): void {
    const kids = node.childNodes
    for (let i = 0; i < kids.length; i++) {
      const child = kids[i]!
      if (child.nodeType === 3) {
        this.out.push(child.textContent ?? '')
        continue
      }
      if (child.nodeType !== 1) continue
      const el = child as DomElement
      if (depth >= MAX_DEPTH) {
        this.out.push(el.textContent ?? '')
        continue
      }
      this.element(el, depth)
    }
  }

  private element(el: DomElement, depth: number): void {
    const tag = el.localName
    switch (tag) {
      case 'br':
        this.out.push('\n')
        return
      case 'script':
      case 'style':
      case 'template':
      case 'noscript':
        return
      case 'img': {
        const src = el.getAttribute('src') ?? ''
        if (src.includes(LOCATION_ICON)) this.pendingLocation = true
        else {
          const alt = squash(el.getAttribute('alt') ?? '')
          if (alt) this.out.push(alt)
        }
        return
      }
      case 'a':
        this.anchor(el, depth)
        return
      case 'span': {
        const cls = el.getAttribute('class') ?? ''
        if (/\bexpand\b/.test(cls)) {
          this.truncated = true
          return
        }
        if (this.pendingLocation && !hasImg(el)) {
          this.pendingLocation = false
          this.location ??= squash(el.textContent ?? '') || null
          return
        }
        break
      }
      case 'p':
      case 'div':
      case 'li':
        this.out.push('\n')
        this.walk(el, depth + 1)
        this.out.push('\n')
        return
    }
    this.walk(el, depth + 1)
  }

  private anchor(el: DomElement, depth: number): void {
    const label = squash(el.textContent ?? '')
    const href = (el.getAttribute('href') ?? '').trim()
    if (findImg(el, (src) => src.includes(LOCATION_ICON))) {
      this.location ??= label || null
      return
    }
    if (findImg(el, (src) => src.includes(SUPER_TOPIC_ICON))) {
      const name = label.replace(/超话$/, '')
      if (name) {
        this.out.push(`#${name}[超话]#`)
        pushOnce(this.topics, `${name}[超话]`)
      }
      return
    }
    if (label === '全文' || label === '展开全文') {
      this.truncated = true
      return
    }
    if (/^#[^#]+#$/.test(label)) {
      this.out.push(label)
      pushOnce(this.topics, label.slice(1, -1))
      return
    }
    if (label.startsWith('@') || /^\/n\/./.test(href)) {
      let name = label.replace(/^@/, '')
      if (!name) {
        try {
          name = decodeURIComponent(href.slice(3))
        } catch {
          name = href.slice(3)
        }
      }
      this.out.push(`@${name}`)
      pushOnce(this.mentions, name)
      return
    }
    const target = unwrapSinaUrl(href) ?? externalLink(href)
    if (target) {
      pushOnce(this.links, target)
      if (!label || GENERIC_LABEL.test(label)) {
        this.out.push(` ${target} `)
        return
      }
    }
    this.walk(el, depth + 1)
  }
}

function findImg(el: DomNode, test: (src: string) => boolean, depth = 0): boolean {
  const kids = el.childNodes
  for (let i = 0; i < kids.length; i++) {
    const k = kids[i]!
    if (k.nodeType !== 1) continue
    const e = k as DomElement
    if (e.localName === 'img' && test(e.getAttribute('src') ?? '')) return true
    if (depth < MAX_DEPTH && findImg(e, test, depth + 1)) return true
  }
  return false
}

function hasImg(el: DomNode): boolean {
  return findImg(el, () => true)
}

/** Folds spaces (not newlines), trims each line, keeps at most one blank line. */
function tidy(s: string): string {
  return s
    .replace(/\r\n?/g, '\n')
    .replace(ZERO_WIDTH, '')
    .replace(/[ \t\f\v\u00a0]+/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()
}

/** Drops the "..." (or "…") Weibo puts before a 全文 link. A loop, not a regex: no backtracking on a hostile run of dots. */
function dropTruncationDots(s: string): string {
  let end = s.length
  let dots = 0
  let ellipsis = false
  while (end > 0 && (s[end - 1] === '.' || s[end - 1] === '…')) {
    if (s[end - 1] === '…') ellipsis = true
    else dots++
    end--
  }
  return ellipsis || dots >= 2 ? s.slice(0, end).trimEnd() : s
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' }

/**
 * The last resort when the parser fails or the input is too long: tags stripped by a linear
 * scan (<br> to a newline, an <img>'s alt kept), a few entities decoded.
 */
function fallback(html: string): WeiboText {
  const parts: string[] = []
  let i = 0
  let gt = -1
  while (i < html.length) {
    const lt = html.indexOf('<', i)
    if (lt < 0) {
      parts.push(html.slice(i))
      break
    }
    parts.push(html.slice(i, lt))
    if (gt < lt) gt = html.indexOf('>', lt)
    if (gt < 0) {
      parts.push(html.slice(lt))
      break
    }
    const nextLt = html.indexOf('<', lt + 1)
    if (nextLt >= 0 && nextLt < gt) {
      // A "<" that opens no tag: keep it as text.
      parts.push(html.slice(lt, nextLt))
      i = nextLt
      continue
    }
    const tag = html.slice(lt, gt + 1)
    if (/^<br\b/i.test(tag)) parts.push('\n')
    else if (/^<img\b/i.test(tag)) parts.push(/\balt=["']?([^"'\s>]+)/i.exec(tag)?.[1] ?? '')
    i = gt + 1
  }
  const text = parts.join('').replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]{2,6});/gi, (m, e: string) => {
    if (e[0] !== '#') return ENTITIES[e.toLowerCase()] ?? m
    const cp = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10)
    return cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : m
  })
  return { ...EMPTY, topics: [], mentions: [], links: [], text: tidy(text) }
}

/** Reads a Weibo `text` (HTML). Non-string input gives empty text. */
export function weiboText(html: unknown): WeiboText {
  if (typeof html !== 'string' || html === '') return { ...EMPTY, topics: [], mentions: [], links: [] }
  if (html.length > MAX_HTML) return fallback(html)
  try {
    const { document } = parseHTML(`<!DOCTYPE html><html><head></head><body>${html}</body></html>`)
    const r = new Reader()
    // Markup such as "</html><p>" lands after <html>: read the whole document, not just <body>.
    r.walk(document as unknown as DomNode, 0)
    let text = tidy(r.out.join(''))
    if (r.truncated) text = dropTruncationDots(text)
    return { text, location: r.location, truncated: r.truncated, topics: r.topics, mentions: r.mentions, links: r.links }
  } catch {
    return fallback(html)
  }
}
