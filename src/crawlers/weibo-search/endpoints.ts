/**
 * s.weibo.com search URLs and time slices, in one place (SOURCES.md §2d):
 *
 *   /weibo?q=KW&typeall=1&suball=1&timescope=custom:2026-11-25-0:2026-11-26-0&Refer=g&page=N
 *
 * `typeall=1` all posts (not only originals), `suball=1` with or without pictures and links;
 * `timescope` bounds are Beijing-time hours, written `YYYY-MM-DD-H` (no leading zero on the
 * hour), start inclusive, end at the next boundary. The site shows at most 50 pages for one
 * query; a query that reaches the page budget is cut into days, then hours (see crawler.ts).
 * Pure: no I/O.
 */

export const DEFAULT_BASE_URL = 'https://s.weibo.com'

/** A current desktop Chrome on Windows: s.weibo.com is the desktop site. */
export const DESKTOP_UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36'

/** The site's page cap for one query. */
export const SITE_PAGE_CAP = 50

const HOUR = 3_600_000
const DAY = 24 * HOUR
/** Beijing time is UTC+8 all year (no daylight saving since 1991). */
const BEIJING = 8 * HOUR

/** A time range of results, [start, end), on Beijing hour boundaries. */
export interface Slice {
  start: Date
  end: Date
}

/** `2026-11-25-0`: the Beijing hour an instant falls in, as the timescope writes it. */
export function scopeHour(d: Date): string {
  const b = new Date(d.getTime() + BEIJING)
  const p = (n: number) => String(n).padStart(2, '0')
  return `${b.getUTCFullYear()}-${p(b.getUTCMonth() + 1)}-${p(b.getUTCDate())}-${b.getUTCHours()}`
}

/** `custom:2026-11-25-0:2026-11-26-0`. */
export function timescope(s: Slice): string {
  return `custom:${scopeHour(s.start)}:${scopeHour(s.end)}`
}

export function searchUrl(base: string, keyword: string, slice: Slice | null, page: number): string {
  // `#话题#` goes as %23话题%23; the timescope's colons stay as the site writes them.
  const scope = slice ? `&timescope=${timescope(slice)}` : ''
  return `${base.replace(/\/+$/, '')}/weibo?q=${encodeURIComponent(keyword)}&typeall=1&suball=1${scope}&Refer=g${page > 1 ? `&page=${page}` : ''}`
}

/** The window [since, now] widened to whole Beijing hours (Beijing hours are UTC hours, +8). */
export function windowSlice(since: Date, now: Date): Slice {
  const start = Math.floor(since.getTime() / HOUR) * HOUR
  const end = Math.max(start + HOUR, Math.ceil(now.getTime() / HOUR) * HOUR)
  return { start: new Date(start), end: new Date(end) }
}

function cut(s: Slice, at: (t: number) => number): Slice[] {
  const out: Slice[] = []
  for (let t = s.start.getTime(); t < s.end.getTime(); ) {
    const next = Math.min(at(t), s.end.getTime())
    out.push({ start: new Date(t), end: new Date(next) })
    t = next
  }
  return out
}

/** The slice cut at Beijing midnights, newest first. */
export function byDay(s: Slice): Slice[] {
  return cut(s, (t) => Math.floor((t + BEIJING) / DAY) * DAY - BEIJING + DAY).reverse()
}

/** The slice cut into hours, newest first. */
export function byHour(s: Slice): Slice[] {
  return cut(s, (t) => Math.floor(t / HOUR) * HOUR + HOUR).reverse()
}

export function sliceHours(s: Slice): number {
  return (s.end.getTime() - s.start.getTime()) / HOUR
}
