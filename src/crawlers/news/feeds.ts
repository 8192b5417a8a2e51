/**
 * RSS 2.0, RSS 1.0 (RDF) and Atom feeds → items. Pure: bytes in (decoded by the feed's own
 * declaration), items out. Dates: RFC 822 (`Wed, 25 Nov 2026 10:00:00 +0800`), ISO 8601, and
 * the Chinese forms some Chinese feeds use (`2026-11-25 10:00:00`, read as Beijing time).
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser'
import iconv from 'iconv-lite'
import { parseSiteTime } from '../dates.js'
import { redirectTarget } from '../http.js'

export interface FeedItem {
  title: string | null
  url: string
  publishedAt: Date | null
  publishedRaw: string | null
  summary: string | null
  /** The item's <source> or <author>, when given. */
  source: string | null
}

export interface Feed {
  title: string | null
  items: FeedItem[]
}

/** The feed is not RSS or Atom (an HTML error page, a truncated file). */
export class FeedError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'FeedError'
  }
}

/** Decodes feed bytes: BOM, then strict UTF-8, then the XML declaration or HTTP charset, then GB18030. */
export function decodeFeed(bytes: Uint8Array, contentType?: string | null): string {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return b.subarray(3).toString('utf8')
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(b)
  } catch {
    /* not UTF-8: use the declared charset */
  }
  const declared = /encoding=["']([\w-]+)["']/i.exec(b.subarray(0, 200).toString('latin1'))?.[1] ?? /charset=([\w-]+)/i.exec(contentType ?? '')?.[1]
  const cs = declared && iconv.encodingExists(declared) ? (/^(gb2312|gbk|x-gbk)$/i.test(declared) ? 'gb18030' : declared) : 'gb18030'
  return iconv.decode(b, cs)
}

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', textNodeName: '#text', trimValues: true, processEntities: true, htmlEntities: true, parseTagValue: false })

type Node = Record<string, unknown>
const list = (v: unknown): unknown[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v])
function text(v: unknown): string | null {
  if (v === undefined || v === null) return null
  if (typeof v === 'string' || typeof v === 'number') return String(v).trim() || null
  if (typeof v === 'object') return text((v as Node)['#text'])
  return null
}
/** Feed text may carry HTML (descriptions): tags dropped, whitespace folded. */
function plain(v: unknown): string | null {
  const s = text(v)
  return s
    ? s
        .replace(/<[^>]*>/g, ' ')
        .replace(/\s+/g, ' ')
        .trim() || null
    : null
}

function date(raw: string | null, now: Date): Date | null {
  if (!raw) return null
  if (/^[A-Za-z]{3},?\s+\d{1,2}\s+[A-Za-z]{3}\s+\d{4}/.test(raw)) {
    const t = Date.parse(raw.replace(/\s+(CST|GMT\+8)$/i, ' +0800'))
    if (!Number.isNaN(t)) return new Date(t)
  }
  return parseSiteTime(raw, { now })
}

/** Parses a feed; `base` resolves relative links. Throws FeedError when it is neither RSS nor Atom. */
export function parseFeed(xml: string, base: string, now: Date): Feed {
  // The parser is lenient (a truncated feed parses to half its items): validate first.
  const valid = XMLValidator.validate(xml)
  if (valid !== true) throw new FeedError(`not well-formed XML: ${valid.err.msg} (line ${valid.err.line})`)
  let doc: Node
  try {
    doc = parser.parse(xml) as Node
  } catch (err) {
    throw new FeedError(`not well-formed XML: ${(err as Error).message.split('\n')[0]}`)
  }
  const abs = (href: string | null): string | null => (href ? redirectTarget(href, base) : null)
  const rss = doc.rss as Node | undefined
  const rdf = doc['rdf:RDF'] as Node | undefined
  if (rss || rdf) {
    const channel = (rss?.channel ?? rdf?.channel) as Node | undefined
    const raw = rss ? list(channel?.item) : list(rdf?.item)
    const items: FeedItem[] = []
    for (const it of raw as Node[]) {
      const guid = text(it.guid)
      const url = abs(text(it.link) ?? (guid && /^https?:/.test(guid) ? guid : null))
      if (!url) continue
      const published = text(it.pubDate) ?? text(it['dc:date'])
      items.push({ title: plain(it.title), url, publishedAt: date(published, now), publishedRaw: published, summary: plain(it.description), source: plain(it.source) ?? plain(it.author) ?? plain(it['dc:creator']) })
    }
    return { title: plain(channel?.title), items }
  }
  const feed = doc.feed as Node | undefined
  if (feed) {
    const items: FeedItem[] = []
    for (const e of list(feed.entry) as Node[]) {
      const links = list(e.link) as Node[]
      const link = links.find((l) => typeof l === 'object' && (!l['@rel'] || l['@rel'] === 'alternate')) ?? links[0]
      const url = abs(link ? (typeof link === 'object' ? text(link['@href']) : text(link)) : null)
      if (!url) continue
      const published = text(e.published) ?? text(e.updated)
      const author = (list(e.author)[0] as Node | undefined)?.name
      items.push({ title: plain(e.title), url, publishedAt: date(published, now), publishedRaw: published, summary: plain(e.summary) ?? plain(e.content), source: plain(author) })
    }
    return { title: plain(feed.title), items }
  }
  throw new FeedError(`neither RSS nor Atom (root: ${Object.keys(doc).filter((k) => !k.startsWith('?')).join(', ') || 'none'})`)
}
