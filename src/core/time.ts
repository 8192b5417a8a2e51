/**
 * Time-zone arithmetic without a library: reports use local days (Asia/Shanghai by default),
 * storage uses UTC instants. Pure.
 */

const formatters = new Map<string, Intl.DateTimeFormat>()

/** One formatter per zone: building an Intl.DateTimeFormat costs ~20 µs and kilobytes of garbage. */
function zoneFormatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz)
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
    formatters.set(tz, f)
  }
  return f
}

/** Offset of `tz` from UTC at `instant`, in minutes (Asia/Shanghai: +480). */
export function tzOffsetMinutes(instant: Date, tz: string): number {
  const parts = zoneFormatter(tz).formatToParts(instant)
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value)
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'))
  return Math.round((asUtc - Math.floor(instant.getTime() / 1000) * 1000) / 60_000)
}

/** The instant a local calendar day (YYYY-MM-DD) starts in `tz`. */
export function localDayStart(day: string, tz: string): Date {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day)
  if (!m) throw new RangeError(`not a date: ${day}`)
  const guess = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))
  // Two passes settle DST edges (none in Asia/Shanghai, but the code is general).
  let t = guess - tzOffsetMinutes(new Date(guess), tz) * 60_000
  t = guess - tzOffsetMinutes(new Date(t), tz) * 60_000
  return new Date(t)
}

/** Adds whole days to a YYYY-MM-DD string. */
export function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + n)
  return d.toISOString().slice(0, 10)
}

/** Every YYYY-MM-DD day from `from` to `to`, both included (empty when from > to). */
export function dayList(from: string, to: string): string[] {
  const out: string[] = []
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d)
  return out
}

/**
 * Parses a --from/--to bound: a local date YYYY-MM-DD (start of that day in `tz`; for an upper
 * bound, the start of the next day, so the day is included) or an ISO 8601 instant with offset.
 * Returns null when the string is neither.
 */
export function parseBound(s: string, tz: string, upper: boolean): Date | null {
  const t = s.trim()
  if (/^\d{4}-\d{2}-\d{2}$/.test(t)) {
    const d = new Date(`${t}T00:00:00Z`)
    if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== t) return null
    return localDayStart(upper ? addDays(t, 1) : t, tz)
  }
  if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i.test(t)) {
    const d = new Date(t.replace(' ', 'T'))
    return Number.isNaN(d.getTime()) ? null : d
  }
  return null
}

/** An instant as ISO 8601 with the zone's offset: `2019-06-15T08:18:00+08:00` for Asia/Shanghai. */
export function isoWithOffset(instant: Date, tz: string): string {
  const off = tzOffsetMinutes(instant, tz)
  const local = new Date(instant.getTime() + off * 60_000).toISOString().slice(0, 19)
  const sign = off < 0 ? '-' : '+'
  const a = Math.abs(off)
  return `${local}${sign}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`
}
