/**
 * `yuqing search`: parse the query (src/search/query.ts), compile each term against the
 * bigram index, run it with the filters (src/store/search.ts), and shape the rows: local time,
 * regions, and a snippet around the first hit with the matched terms marked.
 */
import { UsageError } from '../core/errors.js'
import { isoWithOffset } from '../core/time.js'
import { printable } from '../core/text.js'
import { parseQuery, positiveTerms, formatQuery, type QueryNode } from '../search/query.js'
import { compileTerm, isCjk } from '../store/fts-tokens.js'
import { SearchStore, type SearchExpr, type SearchFilter } from '../store/search.js'
import { buildFilter } from './export.js'
import type { AppContext } from './context.js'

export interface SearchRequest {
  query: string
  from?: string
  to?: string
  regions?: string[]
  sources?: string[]
  sentiment?: string
  topics?: string[]
  author?: string
  limit?: number
  sort?: string
}

export interface SearchHit {
  id: number
  source: string
  /** UTC ISO 8601. */
  publishedAt: string
  /** The same instant in the report time zone, with its offset (+08:00). */
  publishedLocal: string
  title: string | null
  author: string | null
  url: string | null
  sentiment: 'pos' | 'neu' | 'neg' | null
  sentimentScore: number | null
  engagement: { reposts: number | null; comments: number | null; likes: number | null; total: number }
  regions: string[]
  /** About 80 characters of the text around the first hit, hits inside 【】. */
  snippet: string
  /** The snippet without markers. */
  snippetText: string
  /** [start, end) UTF-16 offsets of the hits in snippetText. */
  highlights: Array<[number, number]>
  /** [start, end) offsets of the hits in the title. */
  titleHighlights: Array<[number, number]>
}

export interface SearchResult {
  query: string
  sort: 'time' | 'heat'
  limit: number
  /** Matching mentions in all; null when too many to count cheaply (then `more` is true). */
  total: number | null
  more: boolean
  results: SearchHit[]
}

const SENTIMENTS = ['pos', 'neu', 'neg'] as const
const SNIPPET_CHARS = 80

function toExpr(n: QueryNode): SearchExpr {
  switch (n.type) {
    case 'term': {
      const t = compileTerm(n.text)
      if (!t) throw new UsageError(`bad search query: ${n.phrase ? `"${n.text}"` : n.text} has nothing searchable (only punctuation)`, 'search for letters, digits or Chinese characters, or remove that term')
      return { type: 'term', term: t }
    }
    case 'not':
      return { type: 'not', child: toExpr(n.child) }
    default:
      return { type: n.type, children: n.children.map(toExpr) }
  }
}

export function searchMentions(ctx: AppContext, req: SearchRequest): SearchResult {
  const ast = parseQuery(req.query)
  const expr = toExpr(ast)
  const limit = req.limit ?? 20
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw new UsageError(`--limit ${limit} is out of range`, 'use a whole number from 1 to 10000')
  const sort = req.sort ?? 'time'
  if (sort !== 'time' && sort !== 'heat') throw new UsageError(`--sort ${JSON.stringify(sort)} is not known`, 'use time or heat')
  if (req.sentiment !== undefined && !(SENTIMENTS as readonly string[]).includes(req.sentiment))
    throw new UsageError(`--sentiment ${JSON.stringify(req.sentiment)} is not known`, 'use pos, neu or neg')
  const base = buildFilter(ctx, { from: req.from, to: req.to, regions: req.regions, sources: req.sources })
  const filter: SearchFilter = {
    ...base,
    ...(req.sentiment ? { sentiment: req.sentiment as SearchFilter['sentiment'] } : {}),
    ...(req.topics?.length ? { topics: req.topics } : {}),
    ...(req.author !== undefined ? { author: req.author } : {}),
  }
  const raw = new SearchStore(ctx.store().db).search(expr, filter, { limit, sort })
  const tz = ctx.config.report.timezone
  const matchers = positiveTerms(ast).map((t) => termMatcher(t.text)).filter((m): m is RegExp => m !== null)
  return {
    query: formatQuery(ast),
    sort,
    limit,
    total: raw.total,
    more: raw.more,
    results: raw.rows.map((r) => {
      const snip = snippet(r.text, matchers)
      return {
        id: r.id,
        source: r.source,
        publishedAt: r.publishedAt,
        publishedLocal: isoWithOffset(new Date(r.publishedAt), tz),
        title: r.title,
        author: r.author,
        url: r.url,
        sentiment: r.sentiment,
        sentimentScore: r.sentimentScore,
        engagement: { reposts: r.reposts, comments: r.comments, likes: r.likes, total: r.engagement },
        regions: parseRegions(r.regionsJson),
        snippet: marked(snip.text, snip.highlights, '【', '】'),
        snippetText: snip.text,
        highlights: snip.highlights,
        titleHighlights: r.title ? findHits(r.title, matchers) : [],
      }
    }),
  }
}

function parseRegions(json: string): string[] {
  try {
    const v = JSON.parse(json) as unknown
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []
  } catch {
    return []
  }
}

// ---------------------------------------------------------------- highlighting

const WORD = /[\p{L}\p{N}]/u
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/**
 * A case-insensitive pattern for a term as it appears in raw text: its runs of letters, digits
 * and CJK characters in order, anything that is not a letter or digit allowed between them (the
 * index drops it). Approximate where NFKC changes the text (full-width letters are folded by
 * the pattern's alternatives only for ASCII).
 */
export function termMatcher(term: string): RegExp | null {
  const norm = term.normalize('NFKC')
  const runs: string[] = []
  let cur = ''
  let curCjk: boolean | null = null
  for (const ch of norm) {
    const cp = ch.codePointAt(0)!
    const cjk = isCjk(cp)
    if (cjk || WORD.test(ch)) {
      if (cur && curCjk !== cjk) {
        runs.push(cur)
        cur = ''
      }
      cur += ch
      curCjk = cjk
    } else if (cur) {
      runs.push(cur)
      cur = ''
      curCjk = null
    }
  }
  if (cur) runs.push(cur)
  if (!runs.length) return null
  const part = (r: string) =>
    Array.from(r, (ch) => {
      const code = ch.codePointAt(0)!
      // Match the full-width form of ASCII letters and digits too (NFKC folds them in the index).
      if (code >= 0x21 && code <= 0x7e && WORD.test(ch)) {
        const alts = new Set([ch.toLowerCase(), ch.toUpperCase()])
        return `[${[...alts].map((a) => escapeRe(a) + String.fromCodePoint(a.codePointAt(0)! + 0xfee0)).join('')}]`
      }
      return escapeRe(ch)
    }).join('')
  return new RegExp(runs.map(part).join('[^\\p{L}\\p{N}]*'), 'giu')
}

/** Non-overlapping [start, end) hits of any matcher in `s`, in order. */
export function findHits(s: string, matchers: RegExp[]): Array<[number, number]> {
  const all: Array<[number, number]> = []
  for (const re of matchers) {
    re.lastIndex = 0
    for (const m of s.matchAll(re)) if (m[0].length) all.push([m.index, m.index + m[0].length])
  }
  all.sort((a, b) => a[0] - b[0] || b[1] - a[1])
  const out: Array<[number, number]> = []
  for (const h of all) {
    const last = out[out.length - 1]
    if (last && h[0] < last[1]) last[1] = Math.max(last[1], h[1])
    else out.push([h[0], h[1]])
  }
  return out
}

/** Control characters, bidi overrides and the like: shown as a space, so hostile text cannot drive the terminal. */
/** About SNIPPET_CHARS characters of `text` around its first hit, on one line, with the hit offsets in it. */
export function snippet(text: string, matchers: RegExp[]): { text: string; highlights: Array<[number, number]> } {
  const hits = findHits(text, matchers)
  const first = hits[0]
  let start = 0
  if (first) start = Math.max(0, first[0] - Math.floor((SNIPPET_CHARS - (first[1] - first[0])) / 3))
  let end = Math.min(text.length, start + SNIPPET_CHARS)
  if (first && end < first[1]) end = first[1]
  if (end - start < SNIPPET_CHARS) start = Math.max(0, end - SNIPPET_CHARS)
  // Do not cut a surrogate pair.
  if (start > 0 && /[\udc00-\udfff]/.test(text[start]!)) start--
  if (end < text.length && /[\ud800-\udbff]/.test(text[end - 1]!)) end++
  const pre = start > 0 ? '…' : ''
  const post = end < text.length ? '…' : ''
  const body = printable(text.slice(start, end))
  const highlights = hits.filter((h) => h[0] >= start && h[1] <= end).map((h): [number, number] => [h[0] - start + pre.length, h[1] - start + pre.length])
  return { text: pre + body + post, highlights }
}

/** `s` with `open`/`close` around each highlight. */
export function marked(s: string, highlights: Array<[number, number]>, open: string, close: string): string {
  let out = ''
  let at = 0
  for (const [a, b] of highlights) {
    out += s.slice(at, a) + open + s.slice(a, b) + close
    at = b
  }
  return out + s.slice(at)
}

export { printable }
