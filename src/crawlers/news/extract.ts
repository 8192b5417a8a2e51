/**
 * Article extraction from a news page: title, publish time, author/source and the body as plain
 * text (paragraphs separated by `\n`). Background: ../shared/design/SOURCES.md §3.2–3.4.
 *
 * The body comes from two extractors that check each other:
 *   - Mozilla Readability (scores paragraphs, propagates to parents, penalises link density);
 *   - a Chinese-aware density extractor in the manner of GNE: after dropping noise nodes
 *     (script/style/nav/aside/header/footer, class/id hints such as share, comment, related,
 *     copyright, and blocks that open with 特别声明/免责声明/版权), every element is scored by
 *     its text density (non-link characters per non-link tag) times its symbol density (Chinese
 *     and ASCII punctuation per character, which separates prose from lists of headlines) times
 *     log10 of its paragraph count; the winner is then moved to the article container (down
 *     past a wrapper that adds no prose, up while the parent adds prose).
 * Both texts go through the same cleaning (links that lead away, UI labels, editor credits and
 * headline lists at the ends). Readability's text wins unless it is missing, mostly links or
 * boilerplate, or much shorter than the density text (see `chooseBody` for the figures).
 *
 * Pages are hostile input: they are parsed into an inert DOM (linkedom; nothing is fetched or
 * executed), script/style text never reaches the output, and CSS selectors from the config that
 * do not parse are ignored rather than thrown. Pure: the fetch time comes in as `now`.
 */
import { parseHTML } from 'linkedom'
import { Readability } from '@mozilla/readability'
import { findSiteTime, parseSiteTime, DEFAULT_TZ } from '../dates.js'
import { tzOffsetMinutes } from '../../core/time.js'

/** Per-domain CSS selectors from the config (`news.overrides[host]`), for sites the heuristics get wrong. */
export interface DomainOverride {
  /** The title element. */
  title?: string
  /** The article body element(s); their text is the body. */
  body?: string
  /** The element holding the publish time (its `datetime`/`content` attribute or its text). */
  time?: string
  /** The element naming the author. */
  author?: string
  /** Elements to delete before anything else (share bars, inline ads, "related" blocks). */
  remove?: string[]
}

export interface Article {
  title: string | null
  publishedAt: Date | null
  /** The text the publish time was read from (a meta value, a byline, a body phrase). */
  publishedRaw: string | null
  author: string | null
  /** The originating outlet named by the page (来源), not the site it was read on. */
  source: string | null
  /** Plain text, one paragraph per line; '' when no article text was found. */
  body: string
}

export interface ExtractOptions {
  /** The page's URL; accepted for the crawler's convenience, not used (no links or images are returned). */
  url?: string | null
  /** Fetch time: relative and year-less dates resolve against it; later dates are rejected. */
  now: Date
  override?: DomainOverride
}

/** Which extractor produced the body, with the figures the choice was made on (for tests and diagnostics). */
export interface BodyTrace {
  via: 'override' | 'readability' | 'density' | 'none'
  readability: TextQuality | null
  density: TextQuality | null
}

export interface TextQuality {
  /** Non-whitespace characters. */
  chars: number
  /** Sentence punctuation marks. */
  punct: number
  /** Share of characters inside links. */
  linkShare: number
  /** Share of characters in boilerplate lines (声明, 版权, copyright, 未经授权…). */
  boilerShare: number
}

// ---------------------------------------------------------------------------------------------
// DOM basics

const ELEMENT = 1
const TEXT = 3

/** Subtrees whose text is never article text. */
const SKIP = new Set(['script', 'style', 'noscript', 'template', 'svg', 'math', 'iframe', 'frame', 'frameset', 'object', 'embed', 'canvas', 'select', 'option', 'textarea', 'button', 'head', 'title', 'meta', 'link', 'video', 'audio'])

/** Elements that start a new line of text. */
const BLOCK = new Set([
  'address', 'article', 'aside', 'blockquote', 'body', 'br', 'caption', 'center', 'dd', 'details', 'dialog', 'div', 'dl', 'dt', 'fieldset', 'figcaption', 'figure', 'footer', 'form', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hr', 'html', 'li', 'main', 'nav', 'ol', 'p', 'pre', 'section', 'summary', 'table', 'tbody', 'td', 'tfoot', 'th', 'thead', 'tr', 'ul',
])

/** Parses untrusted HTML into an inert document; fragments are wrapped so that `body` exists. */
function parseDocument(html: string): Document {
  const src = /<html[\s>]/i.test(html) && /<body[\s>]/i.test(html) ? html : `<!DOCTYPE html><html><head></head><body>${html.replace(/<\/?(?:html|body)\b[^>]*>/gi, '')}</body></html>`
  return parseHTML(src).document as unknown as Document
}

function tagOf(el: Element): string {
  return el.localName?.toLowerCase() ?? ''
}

function childElements(el: Element): Element[] {
  const out: Element[] = []
  for (let c = el.firstChild; c; c = c.nextSibling) if (c.nodeType === ELEMENT) out.push(c as Element)
  return out
}

/** querySelectorAll that treats a selector the DOM cannot parse as matching nothing. */
function selectAll(root: Document | Element, selector: string): Element[] {
  try {
    return Array.from(root.querySelectorAll(selector))
  } catch {
    return []
  }
}

/** Whitespace (incl. &nbsp; and the ideographic space) collapsed, ends trimmed. */
function squash(s: string): string {
  return s.replace(/[\s\u00a0\u3000\u200b\ufeff]+/g, ' ').trim()
}

const SPACE = /[\s\u00a0\u3000\u200b\ufeff]+/g

/** Characters that count: everything but whitespace (UTF-16 units; CJK text is all BMP). */
function countChars(s: string): number {
  return s.length - (s.match(SPACE)?.join('').length ?? 0)
}

/** Sentence punctuation, Chinese and ASCII (GNE's set without % and brackets' ASCII halves). */
const PUNCT = /[，。！？；：、“”‘’《》（）…—,.!?;:]/g

function countPunct(s: string): number {
  return s.match(PUNCT)?.length ?? 0
}

/** Marks that end or split sentences (not colons and brackets, which bylines and menus have too). */
const PROSE = /[，。！？；]|[,.!?;](?=\s|$)/g

function countProse(s: string): number {
  return s.match(PROSE)?.length ?? 0
}

/** Visible text of an element with one space between inline pieces (for bylines such as `10-08<span>12:00</span>`). */
function spacedText(el: Element): string {
  const parts: string[] = []
  const walk = (n: Node) => {
    if (n.nodeType === TEXT) parts.push(n.nodeValue ?? '')
    else if (n.nodeType === ELEMENT && !SKIP.has(tagOf(n as Element))) for (let c = n.firstChild; c; c = c.nextSibling) walk(c)
    parts.push(' ')
  }
  walk(el)
  return squash(parts.join(''))
}

// ---------------------------------------------------------------------------------------------
// Text rendering: an element to lines

/**
 * A body line: whitespace squashed, and no space around full-width punctuation, where it is
 * only ever an artefact of source formatting ("下周一， 京沪高速" → "下周一，京沪高速").
 */
function tidy(s: string): string {
  return squash(s)
    .replace(/ ?([，。！？；：、]) ?/g, '$1')
    .replace(/([“‘（《【]) /g, '$1')
    .replace(/ ([”’）》】])/g, '$1')
}

interface Line {
  text: string
  chars: number
  linkChars: number
}

/**
 * The text of `root` as lines: one per block element or <br>, inline text joined, whitespace
 * squashed, empty lines dropped; characters inside links are counted per line.
 */
function renderLines(root: Element): Line[] {
  const lines: Line[] = []
  let buf = ''
  let linkChars = 0
  const flush = () => {
    const text = tidy(buf)
    if (text) lines.push({ text, chars: countChars(text), linkChars: Math.min(linkChars, countChars(text)) })
    buf = ''
    linkChars = 0
  }
  const walk = (n: Node, inLink: boolean) => {
    if (n.nodeType === TEXT) {
      const t = n.nodeValue ?? ''
      buf += t
      if (inLink) linkChars += countChars(t)
      return
    }
    if (n.nodeType !== ELEMENT) return
    const el = n as Element
    const tag = tagOf(el)
    if (SKIP.has(tag)) return
    const block = BLOCK.has(tag)
    if (block) flush()
    const link = inLink || tag === 'a'
    for (let c = el.firstChild; c; c = c.nextSibling) walk(c, link)
    if (block) flush()
    else if (tag === 'img' || tag === 'input') buf += ' '
  }
  walk(root, false)
  flush()
  return lines
}

// ---------------------------------------------------------------------------------------------
// Noise

/** Class/id words marking page furniture (GNE's list plus Chinese-site habits). Matched anywhere in the attribute. */
const NOISE_WORDS = /share|comment|recommend|related|relate[-_]|footer|copyright|copy-right|disclaimer|sidebar|side-bar|breadcrumb|crumb|social|advert|banner|qrcode|login|submeta|report-infor|contribution|hotnews|hot-news|ranklist|rank-list|paging|pagination/
/** Short class/id words that only count as whole tokens (`ad` but not `head`, `nav` but not `canvas`). */
const NOISE_TOKENS = /(?:^|[\s_-])(?:ad|ads|adv|gg|nav|navbar|menu|foot|aside|side|tags?|keywords?|toolbar|tools?|ewm|hot|rank|pager|pages)(?:[\s_-]|\d|$)/
/** Inline styles that hide an element (screen-reader notes such as qq.com's "正文已结束…"). */
const HIDDEN_STYLE = /display\s*:\s*none|visibility\s*:\s*hidden|font\s*:\s*0\s*\/\s*0|(?:^|;)\s*(?:width|height)\s*:\s*0(?:px)?\s*(?:;|$)/i

/** Tags removed with their content before density scoring. */
const NOISE_TAGS = new Set(['header', 'footer', 'nav', 'aside', 'form', 'picture', 'input', 'label'])
/** Openings of boilerplate blocks: legal notices, copyright lines, "no reprint" notes. */
const BOILER_START = /^(?:[(（【\[]?\s*)(?:特别声明|免责声明|版权声明|notice\s*:|copyright|©|\(c\)|版权所有|本文(?:系|为).{0,20}(?:原创|稿件)|未经.{0,10}(?:授权|许可).{0,6}(?:不得|禁止)转载)/i
/** Lines that are boilerplate wherever they appear. */
const BOILER_LINE = /特别声明|免责声明|版权声明|版权所有|未经(?:书面)?(?:授权|许可)|禁止转载|不得转载|all rights reserved|copyright|©|仅提供信息存储服务|不代表本(?:站|网|平台)(?:观点|立场)|ICP备|公网安备/i

/** UI labels that are never prose, dropped when a line is exactly one of them. */
const FURNITURE = /^(?:图集|组图|视频|音频|分享|分享到[:：]?|打印|关闭|关闭窗口|打印本页|字号|大|中|小|收藏|评论|点赞|赞|举报|\+1|【?纠错】?|返回顶部|扫一扫|上一页|下一页|上一篇|下一篇|更多|展开全文|阅读全文|查看原文|【[^】]{1,6}】(?:\s*【[^】]{1,6}】)*)$/

/** Headings of the blocks around an article ("相关新闻", "推荐阅读"), dropped at the body's ends. */
const SECTION_HEAD = /^(?:相关(?:新闻|阅读|文章|报道|推荐|链接|专题)|推荐(?:阅读|新闻)|延伸阅读|扩展阅读|热点推荐|热门推荐|精彩推荐|为你推荐|猜你喜欢|热门(?:文章|新闻)|更多(?:精彩|新闻|阅读|报道)|往期回顾|今日推荐)[:：]?$/

/** Editor and reporter credits (责任编辑：…) as a whole line. */
const CREDIT_LINE = /^[(（【\[]?\s*(?:责任编辑|责编|编辑|审核|校对|值班编辑)\s*[:：丨|/]/

interface Stats {
  chars: number
  linkChars: number
  tags: number
  linkTags: number
  punct: number
  /** Sentence marks only (see PROSE). */
  prose: number
  paras: number
}

/** Per-element text statistics in one post-order pass (skipped subtrees count as nothing). */
function collectStats(root: Element): Map<Element, Stats> {
  const map = new Map<Element, Stats>()
  const visit = (el: Element, inLink: boolean): Stats => {
    const s: Stats = { chars: 0, linkChars: 0, tags: 0, linkTags: 0, punct: 0, prose: 0, paras: 0 }
    const isLink = inLink || tagOf(el) === 'a'
    for (let c = el.firstChild; c; c = c.nextSibling) {
      if (c.nodeType === TEXT) {
        const t = c.nodeValue ?? ''
        const n = countChars(t)
        s.chars += n
        if (isLink) s.linkChars += n
        else {
          s.punct += countPunct(t)
          s.prose += countProse(t)
        }
      } else if (c.nodeType === ELEMENT) {
        const ce = c as Element
        const tag = tagOf(ce)
        if (SKIP.has(tag)) continue
        const cs = visit(ce, isLink)
        s.chars += cs.chars
        s.linkChars += cs.linkChars
        s.punct += cs.punct
        s.prose += cs.prose
        s.tags += cs.tags + 1
        s.linkTags += cs.linkTags + (tag === 'a' ? 1 : 0)
        s.paras += cs.paras + (tag === 'p' || tag === 'br' ? 1 : 0)
      }
    }
    map.set(el, s)
    return s
  }
  visit(root, false)
  return map
}

function classAndId(el: Element): string {
  return `${el.getAttribute('class') ?? ''} ${el.getAttribute('id') ?? ''}`.toLowerCase()
}

/**
 * Removes furniture from a document (in place) before density scoring: noise tags, elements
 * whose class/id name them as furniture, and short blocks that open with a legal notice. An
 * element holding most of the page's prose (a wrapper with an unlucky class) is kept.
 */
function removeNoise(doc: Document): void {
  const body = doc.body
  if (!body) return
  for (const el of Array.from(body.querySelectorAll('*'))) if (SKIP.has(tagOf(el))) el.remove()
  const stats = collectStats(body)
  const total = stats.get(body)!
  const walk = (el: Element) => {
    for (const c of childElements(el)) {
      const s = stats.get(c)
      if (!s) continue
      const tag = tagOf(c)
      const holdsArticle = total.punct > 0 && s.punct >= total.punct * 0.5
      const hinted = NOISE_TAGS.has(tag) || NOISE_WORDS.test(classAndId(c)) || NOISE_TOKENS.test(classAndId(c))
      // A legal notice goes even when it is the densest prose on the page (163.com's 特别声明).
      if (s.chars > 0 && s.chars < 800 && BOILER_START.test(squash(c.textContent ?? ''))) {
        c.remove()
        continue
      }
      if (hinted && !holdsArticle) {
        c.remove()
        continue
      }
      // Short hidden text only: some sites hide the second half of an article until "展开全文".
      const hidden = c.hasAttribute('hidden') || c.getAttribute('aria-hidden') === 'true' || HIDDEN_STYLE.test(c.getAttribute('style') ?? '')
      if (hidden && s.chars < 200) {
        c.remove()
        continue
      }
      walk(c)
    }
  }
  walk(body)
}

// ---------------------------------------------------------------------------------------------
// Body: density extractor

/** Class names of article containers (GNE doubles their text). */
const CONTENT_HINT = /content|article|news_txt|post_text|post_body|articlebody|article-body|main-text|text_con|txt/i

/**
 * The element of `doc` (already de-noised) that best looks like the article. Each element is
 * scored GNE-style: text density (non-link characters per non-link tag) × log10(paragraphs + 2)
 * × ln(1 + punctuation marks per 100 non-link characters); text without punctuation (headline
 * lists, menus) scores 0, link text counts for nothing, and a content-ish class (content, article,
 * news_txt…) weighs 1.5×. The winner is often one long paragraph, so it is then widened to its
 * parent while what the parent adds is prose too (see `settle`).
 */
function densityElement(doc: Document): Element | null {
  const body = doc.body
  if (!body) return null
  const stats = collectStats(body)
  let best: Element | null = null
  let bestScore = 0
  for (const [el, s] of stats) {
    const text = s.chars - s.linkChars
    if (text < 10 || s.punct === 0) continue
    const boost = CONTENT_HINT.test(el.getAttribute('class') ?? '') || CONTENT_HINT.test(el.getAttribute('id') ?? '') ? 1.5 : 1
    const density = (text * boost) / (s.tags - s.linkTags + 1)
    const symbols = Math.log(1 + (100 * s.punct) / text)
    const score = density * Math.log10(s.paras + 2) * symbols
    if (score > bestScore) {
      bestScore = score
      best = el
    }
  }
  return best ? settle(best, body, stats) : null
}

/** Sentence marks per non-link character. */
function proseRate(s: { chars: number; linkChars: number; prose: number }): number {
  const text = s.chars - s.linkChars
  return text > 0 ? s.prose / text : 0
}

/**
 * Whether the text `parent` adds to `child` (the child's siblings) is prose like the child's own:
 * nothing at all, or at most 30% links and at least half the child's rate of sentence marks
 * (，。！？；). A headline, a byline, a share bar or a list of links is not.
 */
function addsProse(child: Stats, parent: Stats): boolean {
  const added = { chars: parent.chars - child.chars, linkChars: parent.linkChars - child.linkChars, prose: parent.prose - child.prose }
  if (added.chars - added.linkChars <= 0) return true
  return added.linkChars <= 0.3 * added.chars && proseRate(added) >= 0.5 * proseRate(child)
}

/**
 * Adjusts the best-scoring element to the article container. First down: while one child holds
 * at least half of the sentence marks and its siblings add no prose, take the child (a
 * content-ish wrapper that also holds the headline, byline and a feedback widget). Then up:
 * while the parent adds prose, take the parent (the single longest paragraph won the score and
 * its sibling paragraphs are the rest of the article).
 */
function settle(el: Element, body: Element, stats: Map<Element, Stats>): Element {
  let cur = el
  for (;;) {
    const s = stats.get(cur)!
    let top: Element | null = null
    for (const c of childElements(cur)) if (stats.has(c) && (!top || stats.get(c)!.prose > stats.get(top)!.prose)) top = c
    if (!top || stats.get(top)!.prose < 0.5 * s.prose || stats.get(top)!.prose === 0 || addsProse(stats.get(top)!, s)) break
    cur = top
  }
  for (;;) {
    const parent = cur.parentElement
    if (!parent || parent === body || !stats.has(parent) || !addsProse(stats.get(cur)!, stats.get(parent)!)) return cur
    cur = parent
  }
}

// ---------------------------------------------------------------------------------------------
// Body: cleaning and the choice between the extractors

/** Links that lead away ("返回腾讯网首页>>", "点击进入…>>", "更多»"), removed from the body. */
const AWAY_LINK = /(?:>>|»|＞＞|》》)\s*$|^\s*(?:返回|点击进入|点击查看|查看更多|更多)/

/** Opening of a dateline or byline ("2024年04月30日08:18 来源：…", "作者：…"). */
const BYLINE_START = /^(?:\d{4}\s*[-年/.]\s*\d{1,2}|\d{1,2}月\d{1,2}日|(?:来源|来源于|作者|记者|编辑|责任编辑|发布时间|发布日期|发表时间|时间|日期)\s*[:：])/

/**
 * A byline standing before the article in its container: a short line that opens like one and
 * has no sentence marks (a first sentence that starts with a date, "2019年2月27日下午，…", has).
 */
function bylineLike(l: Line): boolean {
  return l.chars <= 80 && BYLINE_START.test(l.text) && countProse(l.text) === 0
}

/**
 * A body element's lines, with navigation links dropped and furniture/credit lines trimmed; at
 * the start also the headline and bylines (containers often hold them).
 */
function cleanBodyLines(root: Element, title: string | null): { lines: Line[]; credits: string[] } {
  for (const a of Array.from(root.querySelectorAll('a'))) if (AWAY_LINK.test(squash(a.textContent ?? ''))) a.remove()
  let lines = renderLines(root).filter((l) => !FURNITURE.test(l.text))
  const credits: string[] = []
  const junk = (l: Line): boolean => {
    if (CREDIT_LINE.test(l.text)) {
      credits.push(l.text)
      return true
    }
    if (l.linkChars >= l.chars * 0.5 || SECTION_HEAD.test(l.text)) return true // headline lists, "相关新闻"
    if (!/[\p{L}\p{N}]{2}/u.test(l.text.replace(/\d+/g, ''))) return true // "+1", "1 2 3", "【1】【2】"
    return BOILER_LINE.test(l.text) && l.chars < 300
  }
  while (lines.length && junk(lines[lines.length - 1]!)) lines = lines.slice(0, -1)
  const headline = title ? key(title) : null
  while (lines.length && (junk(lines[0]!) || bylineLike(lines[0]!) || key(lines[0]!.text) === headline)) lines = lines.slice(1)
  return { lines, credits }
}

function quality(lines: Line[]): TextQuality {
  let chars = 0
  let punct = 0
  let link = 0
  let boiler = 0
  for (const l of lines) {
    chars += l.chars
    punct += countPunct(l.text)
    link += l.linkChars
    if (BOILER_LINE.test(l.text) || BOILER_START.test(l.text)) boiler += l.chars
  }
  return { chars, punct, linkShare: chars ? link / chars : 0, boilerShare: chars ? boiler / chars : 0 }
}

/** An article body at all: some prose, not a link list, not a legal notice. */
function usable(q: TextQuality | null): q is TextQuality {
  return q !== null && q.chars >= 10 && q.punct >= 1 && q.linkShare < 0.5 && q.boilerShare < 0.5
}

/**
 * Readability unless its text is unusable or shorter than 70% of the density text.
 *
 * Figures behind the rule. On the eleven fixture pages the two extractors, after the same
 * cleaning, give the same text: Readability/density length 1.00 on ten pages and 0.98 on sina
 * (Readability drops a video-title line); both ≥ 0.98 bigram overlap with the true text. So the
 * rule only decides on traps (test/unit/news-extract.test.ts): Readability takes the English
 * "Notice:" paragraph of a 特别声明 block (boilerplate share 1.0: unusable → density); it drops
 * short Chinese paragraphs next to the main block, because its sibling test looks for an ASCII
 * "." (168 of 302 characters = 0.56 → density); on a page of headline links both are unusable →
 * no body. 0.7 sits between such a real loss and the noise of a dropped caption. Readability
 * 0.6 scores "，" like ","; its ASCII-only spots are that sibling test and the "," count in its
 * conditional cleaning.
 */
function chooseBody(r: Line[] | null, d: Line[] | null): { lines: Line[]; via: BodyTrace['via']; trace: BodyTrace } {
  const rq = r ? quality(r) : null
  const dq = d ? quality(d) : null
  const trace = (via: BodyTrace['via']): BodyTrace => ({ via, readability: rq, density: dq })
  if (usable(rq) && (!usable(dq) || rq.chars >= 0.7 * dq.chars)) return { lines: r!, via: 'readability', trace: trace('readability') }
  if (usable(dq)) return { lines: d!, via: 'density', trace: trace('density') }
  return { lines: [], via: 'none', trace: trace('none') }
}

/**
 * Readability gets slow on deep trees (8 s at 1000 nested divs, a stack overflow at 3000) and on
 * huge ones; real article pages are 100–1500 elements and 10–25 levels deep (the fixtures). Past
 * these limits only the density extractor runs.
 */
const READABILITY_MAX_DEPTH = 100
const READABILITY_MAX_ELEMENTS = 30_000
/** Deeper than this the page is garbage or an attack: no body is extracted (the walkers recurse). */
const MAX_DEPTH = 1500

/** Element count and nesting depth, without recursion. */
function shape(root: Element): { elements: number; depth: number } {
  let elements = 0
  let depth = 0
  const stack: Array<[Element, number]> = [[root, 1]]
  while (stack.length) {
    const [el, d] = stack.pop()!
    elements++
    if (d > depth) depth = d
    for (let c = el.firstElementChild; c; c = c.nextElementSibling) stack.push([c, d + 1])
  }
  return { elements, depth }
}

function readabilityLines(doc: Document, title: string | null): { lines: Line[]; credits: string[] } | null {
  const { elements, depth } = shape(doc.documentElement)
  if (depth > READABILITY_MAX_DEPTH || elements > READABILITY_MAX_ELEMENTS) return null
  let html: string | null | undefined
  try {
    html = new Readability(doc, { charThreshold: 200, maxElemsToParse: READABILITY_MAX_ELEMENTS, keepClasses: false }).parse()?.content
  } catch {
    return null
  }
  if (!html) return null
  const root = parseDocument(html).body
  return root ? cleanBodyLines(root, title) : null
}

// ---------------------------------------------------------------------------------------------
// Title

const TITLE_META = ['og:title', 'articletitle', 'headline', 'twitter:title', 'title', 'dc.title']

/** Splits a <title> into its pieces: "headline_channel_site", "headline - site", "headline|site". */
function titleParts(t: string): string[] {
  return t
    .split(/\s*(?:[-_|｜]|——|--)\s*/)
    .map((p) => p.trim())
    .filter(Boolean)
}

/**
 * The headline: a heading (h1–h4) that the <title> contains, else a title meta the <title>
 * contains, else the piece of the <title> (split on - _ |) that the page shows as an element
 * (or whose start it shows: "headline 栏目名_site"), else an h1, else the first piece.
 */
function extractTitle(doc: Document, metas: Map<string, string>): string | null {
  const full = squash(doc.querySelector('title')?.textContent ?? '')
  const body = doc.body
  const headings = body ? selectAll(body, 'h1, h2, h3, h4').map((h) => squash(h.textContent ?? '')).filter((h) => h.length >= 2 && h.length <= 200) : []
  const parts = titleParts(full)
  const longestPart = parts.reduce((a, b) => (b.length > a.length ? b : a), '')
  // Headline first, site last is the Chinese habit; a short piece must be the first one to count
  // (so that a heading "新华网" never wins through "…-新华网").
  const plausible = (t: string) => t === parts[0] || (t.length >= 4 && (t === longestPart || parts.includes(t) || t.length >= full.length * 0.5))
  if (full) {
    const inTitle = headings.filter((h) => full.includes(h) && plausible(h))
    if (inTitle.length) return inTitle.reduce((a, b) => (b.length > a.length ? b : a))
  }
  for (const k of TITLE_META) {
    const m = squash(metas.get(k) ?? '')
    if (m.length >= 2 && (!full || full.includes(m) || headings.includes(m))) return m
  }
  if (!full) return headings[0] ?? null
  if (body) {
    const shown = new Set<string>()
    for (const el of Array.from(body.querySelectorAll('*'))) {
      if (SKIP.has(tagOf(el))) continue
      const t = squash(el.textContent ?? '')
      if (t.length >= 2 && t.length <= full.length) shown.add(t)
    }
    if (shown.has(full)) return full
    const ordered = [parts[0] ?? '', ...parts.slice(1).sort((a, b) => b.length - a.length)].filter((p) => p && plausible(p))
    for (const p of ordered) {
      if (shown.has(p)) return p
      let bestPrefix = ''
      for (const s of shown) if (p.startsWith(s) && s.length >= p.length * 0.6 && s.length > bestPrefix.length) bestPrefix = s
      if (bestPrefix) return bestPrefix
    }
    const h1 = selectAll(body, 'h1').map((h) => squash(h.textContent ?? '')).find((h) => h.length >= 4 && h.length <= 200 && !SECTION_HEAD.test(h))
    if (h1) return h1
  }
  return parts[0] || full
}

// ---------------------------------------------------------------------------------------------
// Metadata

/** meta name/property/itemprop (lower-cased) → content, first occurrence wins. */
function readMetas(doc: Document): Map<string, string> {
  const out = new Map<string, string>()
  for (const m of Array.from(doc.querySelectorAll('meta'))) {
    const key = (m.getAttribute('property') ?? m.getAttribute('name') ?? m.getAttribute('itemprop') ?? '').trim().toLowerCase()
    const content = m.getAttribute('content')
    if (key && content && content.trim() && !out.has(key)) out.set(key, content.trim())
  }
  return out
}

/** Meta names carrying the publish time, most specific first (GNE's list and a few CMS names). */
const TIME_META = [
  'article:published_time', 'og:published_time', 'og:release_date', 'rnews:datepublished', 'datepublished', 'publishdate', 'publish_date', 'publish-date', 'publishtime', 'publish_time',
  'pubdate', 'pubtime', '_pubtime', 'ptime', 'apub:time', 'og:time', 'publication_date', 'originalpublicationdate', 'article_date_original', 'sailthru.date', 'weibo: article:create_at',
  'dc.date.issued', 'dc.date', 'dcterms.issued', 'dcterms.created', 'datecreated', 'release_date', 'firstpublishedtime',
  // Update times last: on Baijiahao and similar platforms dateUpdate is the publish time.
  'dateupdate',
]

/** Attributes some CMSs put the exact publish time in (163.com: data-ptime). */
const TIME_ATTRS = ['data-ptime', 'data-pubtime', 'data-publishtime', 'data-publish-time', 'data-pub-time', 'data-published', 'data-publish-date']

interface TimeHit {
  at: Date
  raw: string
}

/** Whether a date string gives a time of day, not just a date. */
function hasClock(raw: string): boolean {
  return /\d\s*[:：时点]\s*\d|T\d{2}/.test(raw.normalize('NFKC'))
}

function localDay(at: Date): string {
  return new Date(at.getTime() + tzOffsetMinutes(at, DEFAULT_TZ) * 60_000).toISOString().slice(0, 10)
}

/** JSON-LD datePublished/dateCreated anywhere in the page's ld+json blocks. */
function jsonLdDates(doc: Document): string[] {
  const out: string[] = []
  const visit = (v: unknown, depth: number) => {
    if (depth > 8 || v === null || typeof v !== 'object') return
    if (Array.isArray(v)) {
      for (const x of v) visit(x, depth + 1)
      return
    }
    const o = v as Record<string, unknown>
    for (const k of ['datePublished', 'dateCreated']) if (typeof o[k] === 'string') out.push(o[k] as string)
    for (const x of Object.values(o)) visit(x, depth + 1)
  }
  for (const s of Array.from(doc.querySelectorAll('script[type="application/ld+json"]'))) {
    try {
      visit(JSON.parse(s.textContent ?? ''), 0)
    } catch {
      // broken JSON-LD is common; ignore it
    }
  }
  return out
}

/** Labels that mark a date as the publish date wherever it stands. */
const STRONG_TIME_LABEL = /(?:发布时间|发布日期|发表时间|发表日期|发稿时间|发文日期|更新时间|时间|日期)\s*[:：]\s*/g
const STRONG_ONLY = /^(?:发布时间|发布日期|发表时间|发表日期|发稿时间|发文日期)/

/** Dates after a label in a line: `发布时间：2019-09-18 06:23`. */
function labelledDates(line: string, strongOnly: boolean, now: Date): TimeHit[] {
  const out: TimeHit[] = []
  STRONG_TIME_LABEL.lastIndex = 0
  for (let m = STRONG_TIME_LABEL.exec(line); m; m = STRONG_TIME_LABEL.exec(line)) {
    if (strongOnly && !STRONG_ONLY.test(m[0])) continue
    const rest = squash(line.slice(m.index + m[0].length))
    const at = parseSiteTime(rest, { now })
    if (!at) continue
    // The date's own text when findSiteTime reads the same date at the start; else the first 20 characters.
    const found = findSiteTime(rest, { now })
    out.push({ at, raw: found && rest.startsWith(found.raw) ? found.raw : rest.slice(0, 20) })
  }
  return out
}

/**
 * The publish time by order of trust: meta tags, JSON-LD, <time datetime>, CMS data attributes,
 * a date in the lines right after the headline (labelled first), a 发布时间/发布日期-labelled date
 * anywhere outside the body, and last the first date in the body. A date-only hit is refined by
 * a later hit with a clock time on the same day (people.com.cn: meta "2019-06-15", byline
 * "2019年06月15日08:18"). Dates more than a day after `now` are ignored.
 */
function extractTime(doc: Document, metas: Map<string, string>, byline: string[], outside: string[], body: string, now: Date): TimeHit | null {
  const limit = now.getTime() + 86_400_000
  const hits: TimeHit[] = []
  const push = (h: TimeHit | null) => {
    if (h && h.at.getTime() <= limit) hits.push(h)
  }
  const exact = (raw: string | null | undefined) => {
    const r = squash(raw ?? '')
    const at = r ? parseSiteTime(r, { now }) : null
    push(at ? { at, raw: r } : null)
  }
  const find = (text: string) => push(findSiteTime(text, { now }))
  for (const k of TIME_META) exact(metas.get(k))
  for (const d of jsonLdDates(doc)) exact(d)
  for (const sel of ['time[itemprop="datePublished"]', 'time[pubdate]', 'time[datetime]']) for (const t of selectAll(doc, sel).slice(0, 3)) exact(t.getAttribute('datetime') || t.textContent)
  for (const a of TIME_ATTRS) for (const el of selectAll(doc, `[${a}]`).slice(0, 3)) exact(el.getAttribute(a))
  for (const l of byline) for (const h of labelledDates(l, false, now)) push(h)
  for (const l of byline) find(l)
  for (const l of outside) for (const h of labelledDates(l, true, now)) push(h)
  const beforeBody = hits.length
  find(body)
  const first = hits[0]
  if (!first) return null
  if (hasClock(first.raw)) return first
  // Refine with the page's own statements only: a clock time in the body is an event's time.
  const day = localDay(first.at)
  return hits.slice(0, beforeBody).find((h) => hasClock(h.raw) && localDay(h.at) === day) ?? first
}

const SOURCE_RE = /(?:来源|来源于|稿源|信息来源|文章来源)\s*[:：]\s*([^\s:：|丨,，。;；()（）【】[\]<>]{2,30})/
const AUTHOR_RE = /(?:作者|记者|撰文|文\s*\/|文|原创)\s*[:：/丨]\s*([\p{Script=Han}A-Za-z·•][\p{Script=Han}A-Za-z·•、 ]{1,30})/u
const EDITOR_RE = /(?:责任编辑|责编|编辑)\s*[:：丨|/]\s*([\p{Script=Han}A-Za-z·•][\p{Script=Han}A-Za-z0-9_·•、]{1,30})/u

/** A meta value usable as a name: not a numeric id, not a URL, not too long. */
function nameLike(v: string | undefined): string | null {
  const s = squash(v ?? '').replace(/^(?:来源|作者)\s*[:：]\s*/, '')
  return s && s.length <= 40 && !/^\d+$/.test(s) && !/^https?:/i.test(s) ? s : null
}

function firstMatch(re: RegExp, texts: string[]): string | null {
  for (const t of texts) {
    const m = re.exec(t)
    if (m) return m[1]!.trim()
  }
  return null
}

// ---------------------------------------------------------------------------------------------
// Putting it together

/** A line without any whitespace, for comparing lines rendered with and without spaces between inline pieces. */
function key(s: string): string {
  return s.replace(/[\s\u00a0\u3000]+/g, '')
}

/** The lines after the headline and before the body: where bylines stand (at most 15). */
function bylineLines(pageLines: string[], title: string | null, bodyFirst: string | null): string[] {
  const t = title ? key(title) : ''
  const b = bodyFirst ? key(bodyFirst).slice(0, 30) : ''
  let start = t ? pageLines.findIndex((l) => key(l) === t || (key(l).includes(t) && key(l).length <= t.length + 20)) : -1
  let end = b.length >= 6 ? pageLines.findIndex((l, i) => i > start && key(l).startsWith(b)) : -1
  if (start < 0 && end < 0) return []
  if (start < 0) start = Math.max(-1, end - 8)
  if (end < 0 || end - start > 15) end = start + 16
  return pageLines.slice(start + 1, end)
}

/** Extraction with the trace of the body choice (see `BodyTrace`). */
export function extractArticleTrace(html: string, opts: ExtractOptions): { article: Article; trace: BodyTrace } {
  const ov = opts.override ?? {}
  const now = opts.now
  const doc = parseDocument(html)
  if (shape(doc.documentElement).depth > MAX_DEPTH) {
    const title = squash(doc.querySelector('title')?.textContent ?? '') || null
    return { article: { title, publishedAt: null, publishedRaw: null, author: null, source: null, body: '' }, trace: { via: 'none', readability: null, density: null } }
  }
  for (const sel of ov.remove ?? []) for (const el of selectAll(doc, sel)) el.remove()
  const metas = readMetas(doc)

  // Title, from the page as served (minus the override removals).
  const ovTitle = ov.title ? selectAll(doc, ov.title).map((e) => squash(e.textContent ?? '')).find(Boolean) : undefined
  const title = ovTitle ?? extractTitle(doc, metas)

  // Body.
  let lines: Line[]
  let credits: string[] = []
  let trace: BodyTrace
  // The page without furniture (density extractor, labelled dates, source/editor lines), as
  // block lines with inline pieces spaced apart: "发布时间：10-08" + "12:00" must not read as "10-0812:00".
  const clean = parseDocument(doc.documentElement.outerHTML)
  removeNoise(clean)
  const cleanLines = clean.body ? spacedBlocks(clean.body) : []

  const ovBody = ov.body ? selectAll(doc, ov.body) : []
  if (ovBody.length) {
    lines = []
    for (const el of ovBody) {
      const c = cleanBodyLines(el.cloneNode(true) as Element, title)
      lines.push(...c.lines)
      credits.push(...c.credits)
    }
    trace = { via: 'override', readability: null, density: quality(lines) }
  } else {
    const r = readabilityLines(parseDocument(doc.documentElement.outerHTML), title)
    const el = densityElement(clean)
    const d = el ? cleanBodyLines(el, title) : null
    const chosen = chooseBody(r?.lines ?? null, d?.lines ?? null)
    lines = chosen.lines
    credits = (chosen.via === 'readability' ? r?.credits : chosen.via === 'density' ? d?.credits : []) ?? []
    trace = chosen.trace
  }
  const body = lines.map((l) => l.text).join('\n')

  // Bylines are read from the whole page: they often sit inside share bars that the noise
  // filter removes (163.com's date is in div.share_box).
  const pageLines = doc.body ? spacedBlocks(doc.body) : []
  const byline = bylineLines(pageLines, title, lines[0]?.text ?? null)
  const bodySet = new Set(lines.map((l) => key(l.text)))
  const outside = cleanLines.filter((l) => !bodySet.has(key(l)))

  // Publish time.
  let time: TimeHit | null = null
  if (ov.time) {
    for (const el of selectAll(doc, ov.time)) {
      const raw = el.getAttribute('datetime') ?? el.getAttribute('content') ?? spacedText(el)
      const at = parseSiteTime(raw, { now }) ?? findSiteTime(raw, { now })?.at ?? null
      if (at) {
        time = { at, raw: squash(raw) }
        break
      }
    }
  }
  time ??= extractTime(doc, metas, byline, outside, body, now)

  // Author and source.
  const ovAuthor = ov.author ? selectAll(doc, ov.author).map((e) => squash(e.textContent ?? '').replace(/^(?:作者|记者|文)\s*[:：/]\s*/, '')).find(Boolean) : undefined
  const author =
    ovAuthor ??
    firstMatch(AUTHOR_RE, byline) ??
    nameLike(metas.get('author')) ??
    nameLike(metas.get('article:author')) ??
    firstMatch(EDITOR_RE, credits) ??
    firstMatch(EDITOR_RE, outside) ??
    null
  const source =
    firstMatch(SOURCE_RE, byline) ??
    nameLike(metas.get('source')?.match(SOURCE_RE)?.[1] ?? metas.get('source')) ??
    nameLike(metas.get('contentsource')) ??
    nameLike(metas.get('mediaid')) ??
    firstMatch(SOURCE_RE, outside) ??
    firstMatch(SOURCE_RE, lines.slice(-2).map((l) => l.text)) ??
    null

  return {
    article: { title: title || null, publishedAt: time?.at ?? null, publishedRaw: time?.raw ?? null, author, source, body },
    trace,
  }
}

/** Block-level lines with a space between inline pieces (see `spacedText`). */
function spacedBlocks(root: Element): string[] {
  const out: string[] = []
  let parts: string[] = []
  const flush = () => {
    const t = squash(parts.join(' '))
    if (t) out.push(t)
    parts = []
  }
  const walk = (n: Node) => {
    if (n.nodeType === TEXT) {
      parts.push(n.nodeValue ?? '')
      return
    }
    if (n.nodeType !== ELEMENT) return
    const el = n as Element
    const tag = tagOf(el)
    if (SKIP.has(tag)) return
    const block = BLOCK.has(tag)
    if (block) flush()
    for (let c = el.firstChild; c; c = c.nextSibling) walk(c)
    if (block) flush()
  }
  walk(root)
  flush()
  return out
}

/** Extracts title, publish time, author, source and body text from a news page. Never throws on page content. */
export function extractArticle(html: string, opts: ExtractOptions): Article {
  return extractArticleTrace(html, opts).article
}

/** Both extractors' bodies for a page, before the choice (diagnostics: why a page came out wrong). */
export function bodyCandidates(html: string): { readability: string | null; density: string | null } {
  const doc = parseDocument(html)
  if (shape(doc.documentElement).depth > MAX_DEPTH) return { readability: null, density: null }
  const title = extractTitle(doc, readMetas(doc))
  const r = readabilityLines(parseDocument(html), title)
  const clean = parseDocument(html)
  removeNoise(clean)
  const el = densityElement(clean)
  const d = el ? cleanBodyLines(el, title) : null
  const text = (x: { lines: Line[] } | null) => (x ? x.lines.map((l) => l.text).join('\n') : null)
  return { readability: text(r), density: text(d) }
}
