/**
 * Text helpers shared by the report renderers (HTML, PDF through HTML, DOCX, charts, and the
 * terminal/Markdown ones when they want them). Crawled text is hostile: it may carry markup,
 * script URLs, bidi overrides that reorder a page (U+202E), control characters that make XML
 * invalid, or a 200,000-character "title". Every crawled string goes through `cleanText` with a
 * length cap, then through the format's own escaping (`escapeHtml` here; the docx library
 * escapes XML itself), and a url becomes a link only through `safeHttpUrl`.
 */

/** Bidi embeddings, overrides and isolates, the LRM/RLM/ALM marks. */
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g
/** C0 and C1 controls except tab/newline/CR (turned into spaces below), DEL, zero-width and BOM, noncharacters. */
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200b\u2060\ufeff\ufffe\uffff]/g
/** A lone surrogate half (invalid in XML and in UTF-8 output). */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g
const SPACES = /[\t\n\r\u2028\u2029\u00a0\u3000 ]+/g

/**
 * One line of display text: bidi and control characters removed, whitespace runs collapsed to
 * one space, trimmed, and cut to at most `max` characters (code points, so a surrogate pair is
 * never split) with a trailing … when cut. null and undefined give ''.
 */
export function cleanText(s: unknown, max = 200): string {
  if (s === null || s === undefined) return ''
  let t = typeof s === 'string' ? s : String(s)
  // Bound the work on huge input before the regexes run; generous, since cleaning may remove a lot.
  const bound = max * 4 + 256
  if (t.length > bound) t = t.slice(0, bound)
  t = t.replace(LONE_SURROGATE, '\ufffd').replace(BIDI, '').replace(CONTROL, '').replace(SPACES, ' ').trim()
  return truncate(t, max)
}

/** Like cleanText but keeps line breaks (for multi-line notes); each line is cleaned. */
export function cleanLines(s: unknown, max = 2000): string {
  if (s === null || s === undefined) return ''
  const t = typeof s === 'string' ? s : String(s)
  return truncate(
    t
      .slice(0, max * 4 + 256)
      .split(/\r\n|\r|\n|\u2028|\u2029/)
      .map((l) => cleanText(l, max))
      .join('\n')
      .trim(),
    max,
  )
}

/** Cuts to `max` code points, the last one replaced by … when anything was cut. */
export function truncate(s: string, max: number): string {
  if (max <= 0) return ''
  if (s.length <= max) return s
  const cps = Array.from(s)
  if (cps.length <= max) return s
  return cps.slice(0, Math.max(0, max - 1)).join('') + '…'
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' }

/** Escapes for HTML text and for double- or single-quoted attribute values. */
export function escapeHtml(s: unknown): string {
  return String(s ?? '').replace(/[&<>"'`]/g, (c) => HTML_ESCAPES[c]!)
}

/** cleanText then escapeHtml: the usual way crawled text enters an HTML page. */
export function htmlText(s: unknown, max = 200): string {
  return escapeHtml(cleanText(s, max))
}

/**
 * The url, normalised (WHATWG `URL.href`), when it is an absolute http: or https: URL without
 * user:password@ (a phishing form); null for anything else: javascript:, data:, file:, vbscript:,
 * relative or unparsable strings, and urls longer than 2,048 characters.
 */
export function safeHttpUrl(s: unknown): string | null {
  if (typeof s !== 'string') return null
  const t = s.trim()
  if (!t || t.length > 2048) return null
  // Bidi/control characters inside a url are never legitimate; refuse rather than "repair".
  if (new RegExp(BIDI.source).test(t) || new RegExp(CONTROL.source).test(t)) return null
  let u: URL
  try {
    u = new URL(t)
  } catch {
    return null
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return null
  if (u.username || u.password || !u.hostname) return null
  return u.href
}

/** 12345 → "12,345"; null/NaN → "—". */
export function formatNumber(n: number | null | undefined, digits = 0): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—'
  return n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
}

/** 0.1234 → "12.3%"; null → "—". */
export function formatPercent(x: number | null | undefined, digits = 1): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—'
  return `${(x * 100).toFixed(digits)}%`
}

/** A signed change: +12 / −3 / 0; null → "—". */
export function formatDelta(n: number | null | undefined, digits = 0): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—'
  const s = formatNumber(Math.abs(n), digits)
  return n > 0 ? `+${s}` : n < 0 ? `−${s}` : s
}

/** A signed share change: +12.5% / −3.0%. */
export function formatDeltaPercent(x: number | null | undefined, digits = 1): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—'
  const s = `${Math.abs(x * 100).toFixed(digits)}%`
  return x > 0 ? `+${s}` : x < 0 ? `−${s}` : s
}

/** "2026-12-02T09:15:00+08:00" → "2026-12-02 09:15"; other strings cleaned as they are. */
export function formatLocal(iso: string | null | undefined): string {
  if (!iso) return '—'
  const m = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}:\d{2}))?/.exec(iso)
  if (!m) return cleanText(iso, 40)
  return m[2] ? `${m[1]} ${m[2]}` : m[1]!
}
