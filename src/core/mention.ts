/**
 * The mention: one Weibo post, news article or other text that may speak about a watched region.
 * Every crawler and the importer produce this shape; everything downstream is source-agnostic.
 *
 * Times are instants (`Date`, stored as UTC ISO strings); `publishedRaw` keeps the date string
 * exactly as the source gave it, for audit.
 */
import { hash as oneShotHash } from 'node:crypto'
import { canonicalUrl, checkHttpUrl } from './url.js'

export interface MentionInput {
  /** Source id: weibo, news, … (lower-case letters, digits, `-`, `_`). */
  source: string
  /** The platform's own id (Weibo mid, article id); may be absent for news. */
  platformId: string | null
  url: string | null
  title: string | null
  text: string
  authorId: string | null
  authorName: string | null
  authorFollowers: number | null
  authorVerified: boolean | null
  /** Publication instant. */
  publishedAt: Date
  /** The publication date as the source wrote it. */
  publishedRaw: string | null
  reposts: number | null
  comments: number | null
  likes: number | null
  /** Fields of an imported row outside the interchange schema, kept as they came. */
  extra: Record<string, unknown> | null
  /** The platform's raw response for this item (crawlers only), kept for re-parsing. */
  raw: unknown
}

/** The interchange fields, in export order. */
export const INTERCHANGE_FIELDS = [
  'source',
  'platformId',
  'url',
  'title',
  'text',
  'authorId',
  'authorName',
  'authorFollowers',
  'authorVerified',
  'publishedAt',
  'reposts',
  'comments',
  'likes',
] as const
export type InterchangeField = (typeof INTERCHANGE_FIELDS)[number]
const KNOWN = new Set<string>(INTERCHANGE_FIELDS)

const SOURCE_ID = /^[a-z][a-z0-9_-]{0,31}$/

export type ValidationResult = { ok: true; mention: MentionInput } | { ok: false; reason: string }

function isBlank(v: unknown): boolean {
  return v === undefined || v === null || v === ''
}

function optString(v: unknown, field: string, errors: string[], max = 100_000): string | null {
  if (isBlank(v)) return null
  if (typeof v === 'number' && Number.isFinite(v)) return String(v)
  if (typeof v !== 'string') {
    errors.push(`${field} must be a string`)
    return null
  }
  if (v.length > max) {
    errors.push(`${field} is longer than ${max} characters`)
    return null
  }
  return v
}

function optCount(v: unknown, field: string, errors: string[]): number | null {
  if (isBlank(v)) return null
  const n = typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : v
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
    errors.push(`${field} must be a whole number ≥ 0, got ${JSON.stringify(v)}`)
    return null
  }
  return n
}

function optBool(v: unknown, field: string, errors: string[]): boolean | null {
  if (isBlank(v)) return null
  if (typeof v === 'boolean') return v
  if (v === 1 || v === 0) return v === 1
  if (typeof v === 'string') {
    const s = v.trim().toLowerCase()
    if (s === 'true' || s === '1' || s === 'yes') return true
    if (s === 'false' || s === '0' || s === 'no') return false
  }
  errors.push(`${field} must be true or false, got ${JSON.stringify(v)}`)
  return null
}

const ISO_PARTS = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:(Z)|([+-])(\d{2}):?(\d{2}))$/i

function daysInMonth(y: number, m: number): number {
  return m === 2 ? (y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28) : m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31
}

/**
 * Parses an ISO 8601 string with offset (`T` or a space between date and time, seconds and
 * fraction optional, offset `Z`, `±hh:mm` or `±hhmm`); returns null when it is not one or not a
 * real date (2026-02-30, 25:00, +24:00). 24:00:00 is the end of the day. Fractions beyond
 * milliseconds are truncated.
 */
export function parseIsoWithOffset(s: string): Date | null {
  const m = ISO_PARTS.exec(s)
  if (!m) return null
  const y = Number(m[1])
  const mo = Number(m[2])
  const d = Number(m[3])
  const h = Number(m[4])
  const mi = Number(m[5])
  const se = m[6] === undefined ? 0 : Number(m[6])
  const ms = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, '0'))
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || mi > 59 || se > 59) return null
  if (h > 24 || (h === 24 && (mi !== 0 || se !== 0 || /[1-9]/.test(m[7] ?? '')))) return null
  let offsetMin = 0
  if (m[8] === undefined) {
    const oh = Number(m[10])
    const om = Number(m[11])
    if (oh > 23 || om > 59) return null
    offsetMin = (oh * 60 + om) * (m[9] === '-' ? -1 : 1)
  }
  // Date.UTC reads years 0–99 as 1900–1999; the setters do not.
  let t: number
  if (y >= 100) t = Date.UTC(y, mo - 1, d, h, mi, se, ms)
  else {
    const dt = new Date(0)
    dt.setUTCFullYear(y, mo - 1, d)
    t = dt.setUTCHours(h, mi, se, ms)
  }
  return new Date(t - offsetMin * 60_000)
}

/**
 * Validates one interchange record (a parsed JSONL object or a CSV row of strings).
 * Unknown fields are kept in `extra`, never rejected. Pure.
 */
export function validateInterchange(row: unknown): ValidationResult {
  if (row === null || typeof row !== 'object' || Array.isArray(row)) {
    return { ok: false, reason: 'not a JSON object' }
  }
  const r = row as Record<string, unknown>
  const errors: string[] = []

  const source = typeof r.source === 'string' ? r.source.trim() : r.source
  if (isBlank(source)) errors.push('source is required (e.g. weibo, news)')
  else if (typeof source !== 'string' || !SOURCE_ID.test(source))
    errors.push(`source must be a lower-case id such as weibo or news, got ${JSON.stringify(r.source)}`)

  const text = r.text
  if (isBlank(text) || (typeof text === 'string' && text.trim() === '')) errors.push('text is required')
  else if (typeof text !== 'string') errors.push('text must be a string')
  else if (text.length > 1_000_000) errors.push('text is longer than 1,000,000 characters')

  const platformId = optString(r.platformId, 'platformId', errors, 200)
  let url = optString(r.url, 'url', errors, 4000)
  if (url !== null) {
    const check = checkHttpUrl(url)
    if (!check.ok) {
      errors.push(check.reason === 'not a valid URL' ? `url is not a valid URL: ${JSON.stringify(url)}` : `url ${check.reason}`)
      url = null
    }
  }
  if (platformId === null && url === null && !errors.some((e) => e.startsWith('url')))
    errors.push('platformId or url is required (it identifies the mention)')

  let publishedAt: Date | null = null
  let publishedRaw: string | null = null
  if (isBlank(r.publishedAt)) errors.push('publishedAt is required (ISO 8601 with offset, e.g. 2026-11-25T08:30:00+08:00)')
  else if (typeof r.publishedAt !== 'string' || (publishedAt = parseIsoWithOffset(r.publishedAt.trim())) === null)
    errors.push(`publishedAt must be ISO 8601 with an offset (e.g. 2026-11-25T08:30:00+08:00), got ${JSON.stringify(r.publishedAt)}`)
  else publishedRaw = r.publishedAt.trim()

  const mention: MentionInput = {
    source: source as string,
    platformId,
    url,
    title: optString(r.title, 'title', errors, 2000),
    text: text as string,
    authorId: optString(r.authorId, 'authorId', errors, 200),
    authorName: optString(r.authorName, 'authorName', errors, 500),
    authorFollowers: optCount(r.authorFollowers, 'authorFollowers', errors),
    authorVerified: optBool(r.authorVerified, 'authorVerified', errors),
    publishedAt: publishedAt as Date,
    publishedRaw,
    reposts: optCount(r.reposts, 'reposts', errors),
    comments: optCount(r.comments, 'comments', errors),
    likes: optCount(r.likes, 'likes', errors),
    extra: null,
    raw: null,
  }
  for (const key of Object.keys(r)) {
    if (KNOWN.has(key)) continue
    const v = r[key]
    if (v === undefined || v === '') continue
    ;(mention.extra ??= {})[key] = v
  }
  if (errors.length) return { ok: false, reason: errors.join('; ') }
  return { ok: true, mention }
}

/** Stable JSON (sorted keys) for hashing and storage of `extra`. */
export function stableJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null'
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`
  const o = v as Record<string, unknown>
  return `{${Object.keys(o)
    .sort()
    .filter((k) => o[k] !== undefined)
    .map((k) => `${JSON.stringify(k)}:${stableJson(o[k])}`)
    .join(',')}}`
}

/**
 * Hash of everything a mention says (not when we fetched it). Two imports of the same row give
 * the same hash, which is how a repeated import reports rows as unchanged.
 */
export function contentHash(m: MentionInput, canonical: string | null = m.url === null ? null : canonicalUrl(m.url)): string {
  const fields = JSON.stringify([
    m.source,
    m.platformId,
    canonical,
    m.title,
    m.text,
    m.authorId,
    m.authorName,
    m.authorFollowers,
    m.authorVerified,
    m.publishedAt.getTime(),
    m.publishedRaw,
    m.reposts,
    m.comments,
    m.likes,
  ])
  // One-shot hashing (Node ≥ 20.12) is ~2x faster than createHash for short inputs.
  return oneShotHash('sha1', m.extra ? fields + stableJson(m.extra) : fields, 'base64url')
}
