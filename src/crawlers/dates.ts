/**
 * Dates as Weibo, news sites and search engines write them, resolved to instants. Pure: "now"
 * (the fetch time) and the zone (Asia/Shanghai unless a string carries its own offset) are
 * passed in, so relative forms (刚刚, 3小时前, 昨天 14:20) and year-less ones (06-27, 6月27日)
 * resolve the same way in tests and in production.
 *
 * Formats (full-width digits and colons are folded first):
 *   Weibo API        Sat Jul 11 09:39:36 +0800 2015
 *   ISO 8601         2019-12-10T07:57:40+08:00, 2019-12-10T07:57:40Z, 2019-12-10T07:57:40 (local)
 *   numeric          2019-12-10 07:57[:40], 2019/6/5 8:18, 2019.06.15, 19-06-15, 06-27, 06-27 08:18
 *   Chinese          2019年06月15日08:18, 2019年2月27日下午, 6月27日 14:20, 2019年6月5日 8时18分
 *   relative         刚刚, 30秒前, 5分钟前, 半小时前, 3小时前, 2天前, 今天 08:18, 昨天 14:20, 前天
 *
 * A year-less date belongs to the current year, unless that lands more than a day in the
 * future: then the year before (a post from 12-31 read on 01-02). Invalid dates (02-30, 25:00)
 * give null, never a rolled-over date.
 */
import { tzOffsetMinutes } from '../core/time.js'

export const DEFAULT_TZ = 'Asia/Shanghai'

export interface DateContext {
  /** The instant relative forms are measured from: the fetch time. */
  now: Date
  /** Zone of dates without an offset; default Asia/Shanghai. */
  tz?: string
}

const MONTHS: Record<string, number> = { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 }

/** Full-width digits, letters, colons and spaces to ASCII; whitespace runs (incl. &nbsp;) to one space. */
function fold(s: string): string {
  return s
    .normalize('NFKC')
    .replace(/[\s\u00a0\u3000]+/g, ' ')
    .trim()
}

function daysIn(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate()
}

/** The instant of a local wall-clock time in `tz`; null when the fields are not a real time. */
export function zonedInstant(y: number, mo: number, d: number, h: number, mi: number, s: number, tz: string): Date | null {
  if (!(y >= 1970 && y <= 2200) || mo < 1 || mo > 12 || d < 1 || d > daysIn(y, mo) || h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 59) return null
  const guess = Date.UTC(y, mo - 1, d, h, mi, s)
  let t = guess - tzOffsetMinutes(new Date(guess), tz) * 60_000
  t = guess - tzOffsetMinutes(new Date(t), tz) * 60_000
  return new Date(t)
}

/** Local calendar fields of an instant in `tz`. */
function localFields(at: Date, tz: string): { y: number; mo: number; d: number } {
  const shifted = new Date(at.getTime() + tzOffsetMinutes(at, tz) * 60_000)
  return { y: shifted.getUTCFullYear(), mo: shifted.getUTCMonth() + 1, d: shifted.getUTCDate() }
}

/** The local date `days` days before `now`'s local date. */
function localDaysAgo(now: Date, days: number, tz: string): { y: number; mo: number; d: number } {
  const { y, mo, d } = localFields(now, tz)
  const t = new Date(Date.UTC(y, mo - 1, d - days))
  return { y: t.getUTCFullYear(), mo: t.getUTCMonth() + 1, d: t.getUTCDate() }
}

/** Hour from a 12-hour marker: 下午 3 → 15, 上午 12 → 0 (rare), 晚上 8 → 20; 下午 with no hour → 12, its start. */
function withHalfDay(h: number, marker: string | undefined): number {
  if (!marker) return h
  if (/下午|晚上|傍晚|晚|PM/i.test(marker)) return h < 12 ? h + 12 : h
  if (/上午|早上|凌晨|AM/i.test(marker)) return h === 12 ? 0 : h
  if (/中午/.test(marker)) return h < 11 ? h + 12 : h
  return h
}

/** Time-of-day part: 08:18, 8:18:05, 8时18分, 8点18分, 下午3点; all optional. */
const TIME = String.raw`(?:\s*(上午|下午|中午|晚上|傍晚|早上|凌晨|AM|PM))?\s*(?:(\d{1,2})(?::|时|点)(\d{1,2})?(?::(\d{1,2})|分(?:(\d{1,2})秒)?)?)?`

const PATTERNS: Array<{ re: RegExp; read: (m: RegExpExecArray, ctx: Required<DateContext>) => Date | null }> = [
  // Weibo API: Sat Jul 11 09:39:36 +0800 2015
  {
    re: /^(?:[A-Za-z]{3},? )?([A-Za-z]{3}) (\d{1,2}) (\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2}):?(\d{2}) (\d{4})/,
    read: (m) => {
      const mo = MONTHS[m[1]!.toLowerCase()]
      if (!mo) return null
      const utc = zonedInstant(Number(m[9]), mo, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), 'UTC')
      if (!utc) return null
      const off = (Number(m[7]) * 60 + Number(m[8])) * (m[6] === '-' ? -1 : 1)
      return new Date(utc.getTime() - off * 60_000)
    },
  },
  // ISO 8601 and numeric year-first dates: 2019-12-10T07:57:40+08:00, 2019-12-10 07:57, 2019/6/5, 2019.06.15
  {
    re: /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ]+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?/i,
    read: (m, ctx) => {
      const local = zonedInstant(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0), m[7] ? 'UTC' : ctx.tz)
      if (!local || !m[7]) return local
      if (m[7].toUpperCase() === 'Z') return local
      const sign = m[7][0] === '-' ? -1 : 1
      const digits = m[7].slice(1).replace(':', '')
      const off = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4)))
      if (Number(digits.slice(0, 2)) > 14 || Number(digits.slice(2, 4)) > 59) return null
      return new Date(local.getTime() - off * 60_000)
    },
  },
  // Chinese with year: 2019年06月15日08:18, 2019年2月27日下午, 2019年6月5日 8时18分
  {
    re: new RegExp(String.raw`^(\d{4})年(\d{1,2})月(\d{1,2})日` + TIME),
    read: (m, ctx) => at(Number(m[1]), Number(m[2]), Number(m[3]), m, 4, ctx),
  },
  // Chinese without year: 6月27日 14:20
  {
    re: new RegExp(String.raw`^(\d{1,2})月(\d{1,2})日` + TIME),
    read: (m, ctx) => yearless(Number(m[1]), Number(m[2]), m, 3, ctx),
  },
  // Two-digit year: 19-06-15 [08:18]
  {
    re: /^(\d{2})-(\d{2})-(\d{2})(?: (\d{1,2}):(\d{2})(?::(\d{2}))?)?(?![\d:-])/,
    read: (m, ctx) => zonedInstant(2000 + Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0), ctx.tz),
  },
  // Year-less numeric: 06-27, 06-27 08:18
  {
    re: /^(\d{1,2})-(\d{1,2})(?: (\d{1,2}):(\d{2})(?::(\d{2}))?)?(?![\d:-])/,
    read: (m, ctx) => {
      const { y } = localFields(ctx.now, ctx.tz)
      const h = Number(m[3] ?? 0)
      const mi = Number(m[4] ?? 0)
      const s = Number(m[5] ?? 0)
      return resolveYearless(y, Number(m[1]), Number(m[2]), h, mi, s, ctx)
    },
  },
  // 刚刚, N秒前 / N分钟前 / 半小时前 / N小时前 / N天前. Counted from the minute the page was read in
  // (seconds only for N秒前): the site counts whole minutes, so the same post read on two runs
  // resolves to the same minute instead of drifting by the seconds between the reads.
  { re: /^刚刚/, read: (_m, ctx) => new Date(Math.floor(ctx.now.getTime() / 60_000) * 60_000) },
  {
    re: /^(\d+|半)\s*(秒|分钟|分|小时|个小时|天)前/,
    read: (m, ctx) => {
      const n = m[1] === '半' ? 0.5 : Number(m[1])
      const unit = m[2]!.startsWith('秒') ? 1000 : m[2]!.startsWith('分') ? 60_000 : m[2] === '天' ? 86_400_000 : 3_600_000
      const from = unit === 1000 ? ctx.now.getTime() : Math.floor(ctx.now.getTime() / 60_000) * 60_000
      return new Date(from - n * unit)
    },
  },
  // 今天 08:18, 昨天 14:20, 前天 (no time: the start of that day)
  {
    re: new RegExp(String.raw`^(今天|昨天|前天)` + TIME),
    read: (m, ctx) => {
      const days = m[1] === '今天' ? 0 : m[1] === '昨天' ? 1 : 2
      const { y, mo, d } = localDaysAgo(ctx.now, days, ctx.tz)
      return at(y, mo, d, m, 2, ctx)
    },
  },
]

/** A local date plus the TIME groups starting at index `k` (marker, hour, minute, second, or 分…秒 second). */
function at(y: number, mo: number, d: number, m: RegExpExecArray, k: number, ctx: Required<DateContext>): Date | null {
  const h = withHalfDay(Number(m[k + 1] ?? 0), m[k])
  return zonedInstant(y, mo, d, h, Number(m[k + 2] ?? 0), Number(m[k + 3] ?? m[k + 4] ?? 0), ctx.tz)
}

function yearless(mo: number, d: number, m: RegExpExecArray, k: number, ctx: Required<DateContext>): Date | null {
  const { y } = localFields(ctx.now, ctx.tz)
  const h = withHalfDay(Number(m[k + 1] ?? 0), m[k])
  return resolveYearless(y, mo, d, h, Number(m[k + 2] ?? 0), Number(m[k + 3] ?? m[k + 4] ?? 0), ctx)
}

function resolveYearless(y: number, mo: number, d: number, h: number, mi: number, s: number, ctx: Required<DateContext>): Date | null {
  const thisYear = zonedInstant(y, mo, d, h, mi, s, ctx.tz)
  if (thisYear && thisYear.getTime() <= ctx.now.getTime() + 86_400_000) return thisYear
  // In the future (or 02-29 in a common year): the year before.
  return zonedInstant(y - 1, mo, d, h, mi, s, ctx.tz)
}

/** The date `s` (folded) starts with, and how many characters it took. */
function parseStart(s: string, ctx: DateContext): { at: Date; length: number } | null {
  const c: Required<DateContext> = { now: ctx.now, tz: ctx.tz ?? DEFAULT_TZ }
  for (const p of PATTERNS) {
    const m = p.re.exec(s)
    if (!m) continue
    const d = p.read(m, c)
    return d && !Number.isNaN(d.getTime()) ? { at: d, length: m[0].trimEnd().length } : null
  }
  return null
}

/**
 * Parses a date string that starts with one of the formats above (a label such as `发布时间：`
 * before it and trailing text such as `来源：新华网` or `来自iPhone` are ignored). Null when none
 * matches or the date is not real.
 */
export function parseSiteTime(raw: string | null | undefined, ctx: DateContext): Date | null {
  if (!raw) return null
  const s = fold(raw).replace(/^(发布时间|发布日期|发表时间|时间|日期|更新时间|发布于)\s*[:：]?\s*/, '')
  return parseStart(s, ctx)?.at ?? null
}

/** Where a date may start inside running text (a byline such as `2019-09-23 07:48 来源：腾讯财经`). */
const FIND = /[A-Za-z]{3} [A-Za-z]{3} \d{1,2} \d{2}:\d{2}:\d{2} [+-]\d{4} \d{4}|\d{4}年\d{1,2}月\d{1,2}日|\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}月\d{1,2}日|\d{1,2}-\d{1,2} \d{1,2}:\d{2}|刚刚|(?:\d+|半)\s*(?:秒|分钟|小时|天)前|今天|昨天|前天/g

/**
 * The first date found anywhere in `text` (bylines, search-result snippets), with the text it
 * was read from; null when there is none.
 */
export function findSiteTime(text: string, ctx: DateContext): { at: Date; raw: string } | null {
  const s = fold(text)
  FIND.lastIndex = 0
  for (let m = FIND.exec(s); m; m = FIND.exec(s)) {
    // A digit right before means we are inside a longer number (a phone number, an id).
    if (m.index > 0 && /\d/.test(s[m.index - 1]!)) continue
    const hit = parseStart(s.slice(m.index), ctx)
    if (hit) return { at: hit.at, raw: s.slice(m.index, m.index + hit.length) }
  }
  return null
}
