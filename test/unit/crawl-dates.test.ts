/**
 * Site date formats (src/crawlers/dates.ts): every form Weibo, s.weibo.com, weibo.cn, news pages
 * and search engines write, resolved against an injected "now" in Asia/Shanghai.
 */
import { describe, expect, it } from 'vitest'
import { findSiteTime, parseSiteTime } from '../../src/crawlers/dates.js'

// 2026-11-26 10:30:00 in Shanghai.
const now = new Date('2026-11-26T02:30:00Z')
const iso = (raw: string, n: Date = now) => parseSiteTime(raw, { now: n })?.toISOString() ?? null

describe('parseSiteTime', () => {
  it('reads the Weibo API form with its own offset', () => {
    expect(iso('Sat Jul 11 09:39:36 +0800 2015')).toBe('2015-07-11T01:39:36.000Z')
    expect(iso('Thu Nov 26 00:05:00 +0800 2026')).toBe('2026-11-25T16:05:00.000Z')
    expect(iso('Sat Jul 11 09:39:36 -0500 2015')).toBe('2015-07-11T14:39:36.000Z')
    expect(iso('Sat Foo 11 09:39:36 +0800 2015')).toBeNull()
  })

  it('reads ISO 8601 and numeric dates, local to Shanghai unless they carry an offset', () => {
    expect(iso('2019-12-10T07:57:40+08:00')).toBe('2019-12-09T23:57:40.000Z')
    expect(iso('2019-12-10T07:57:40Z')).toBe('2019-12-10T07:57:40.000Z')
    expect(iso('2019-12-10 07:57:40')).toBe('2019-12-09T23:57:40.000Z')
    expect(iso('2019-09-23 07:48')).toBe('2019-09-22T23:48:00.000Z')
    expect(iso('2019/6/5 8:18')).toBe('2019-06-05T00:18:00.000Z')
    expect(iso('2019.06.15')).toBe('2019-06-14T16:00:00.000Z')
    expect(iso('2019-09-18 06:23 来源：山西省人民政府')).toBe('2019-09-17T22:23:00.000Z')
    expect(iso('19-06-15 08:18')).toBe('2019-06-15T00:18:00.000Z')
  })

  it('reads Chinese dates, with or without a space, 上午/下午 and 时/分', () => {
    expect(iso('2019年06月15日08:18')).toBe('2019-06-15T00:18:00.000Z')
    expect(iso('2019年06月15日 08:18')).toBe('2019-06-15T00:18:00.000Z')
    expect(iso('2019年2月27日下午')).toBe('2019-02-27T04:00:00.000Z') // 下午 without an hour: its start, 12:00
    expect(iso('2019年2月27日下午3:05')).toBe('2019-02-27T07:05:00.000Z')
    expect(iso('2019年6月5日 8时18分')).toBe('2019-06-05T00:18:00.000Z')
    expect(iso('２０１９年６月５日　０８：１８')).toBe('2019-06-05T00:18:00.000Z')
    expect(iso('发布时间：2019年06月15日08:18')).toBe('2019-06-15T00:18:00.000Z')
  })

  it('reads relative forms against now', () => {
    expect(iso('刚刚')).toBe('2026-11-26T02:30:00.000Z')
    expect(iso('30秒前')).toBe('2026-11-26T02:29:30.000Z')
    expect(iso('5分钟前')).toBe('2026-11-26T02:25:00.000Z')
    expect(iso('半小时前')).toBe('2026-11-26T02:00:00.000Z')
    expect(iso('15小时前')).toBe('2026-11-25T11:30:00.000Z')
    expect(iso('2天前')).toBe('2026-11-24T02:30:00.000Z')
    // Read a few seconds apart (two crawl runs), the same post keeps the same minute.
    const later = new Date('2026-11-26T02:30:41Z')
    expect(parseSiteTime('5分钟前', { now: later })?.toISOString()).toBe('2026-11-26T02:25:00.000Z')
    expect(parseSiteTime('刚刚', { now: later })?.toISOString()).toBe('2026-11-26T02:30:00.000Z')
    expect(parseSiteTime('30秒前', { now: later })?.toISOString()).toBe('2026-11-26T02:30:11.000Z')
    expect(iso('今天 08:18')).toBe('2026-11-26T00:18:00.000Z')
    expect(iso('今天08:18')).toBe('2026-11-26T00:18:00.000Z')
    // 昨天 keeps its time of day (a known bug elsewhere turns it into now − 24 h).
    expect(iso('昨天 14:20')).toBe('2026-11-25T06:20:00.000Z')
    expect(iso('前天')).toBe('2026-11-23T16:00:00.000Z')
  })

  it('puts year-less dates in the current year, or the year before when that is in the future', () => {
    expect(iso('06-27')).toBe('2026-06-26T16:00:00.000Z')
    expect(iso('11-26 09:00')).toBe('2026-11-26T01:00:00.000Z')
    expect(iso('6月27日 14:20')).toBe('2026-06-27T06:20:00.000Z')
    expect(iso('12-31 23:00')).toBe('2025-12-31T15:00:00.000Z')
    // Trailing text after a year-less date (Baijiahao bylines).
    expect(iso('10-08 12:00 优质原创作者')).toBe('2026-10-08T04:00:00.000Z')
    expect(iso('06-27-2019')).toBeNull()
    // Read on 2 January: 12-31 is last year's.
    expect(iso('12-31', new Date('2027-01-02T01:00:00Z'))).toBe('2026-12-30T16:00:00.000Z')
  })

  it('uses the Shanghai calendar day for 今天/昨天 just after local midnight', () => {
    const earlyMorning = new Date('2026-11-25T16:30:00Z') // 00:30 on the 26th in Shanghai
    expect(parseSiteTime('昨天 23:50', { now: earlyMorning })?.toISOString()).toBe('2026-11-25T15:50:00.000Z')
  })

  it('gives null for what is not a date or not a real one', () => {
    for (const bad of ['', '  ', '来自iPhone客户端', '2019-02-30', '2019-13-01', '2019-06-15 25:00', '02-30', 'hello', '2019年2月30日']) {
      expect(iso(bad), bad).toBeNull()
    }
    expect(parseSiteTime(null, { now })).toBeNull()
  })

  it('honours another zone for dates without an offset', () => {
    expect(parseSiteTime('2019-12-10 07:57', { now, tz: 'UTC' })?.toISOString()).toBe('2019-12-10T07:57:00.000Z')
  })
})

describe('findSiteTime', () => {
  it('finds the first date in a byline or snippet and says what it read', () => {
    expect(findSiteTime('腾讯财经 2019-09-23 07:48 来源：新华网', { now })).toEqual({ at: new Date('2019-09-22T23:48:00Z'), raw: '2019-09-23 07:48' })
    expect(findSiteTime('人民网－文化频道 2019年06月15日08:18', { now })?.raw).toBe('2019年06月15日08:18')
    expect(findSiteTime('新京报 3小时前 宝安区发布通告', { now })?.at.toISOString()).toBe('2026-11-25T23:30:00.000Z')
    expect(findSiteTime('发布时间：10-08 12:00 优质原创作者', { now })).toEqual({ at: new Date('2026-10-08T04:00:00Z'), raw: '10-08 12:00' })
  })

  it('skips digits inside longer numbers and returns null without a date', () => {
    expect(findSiteTime('热线 120190615 咨询', { now })).toBeNull()
    expect(findSiteTime('没有日期的一段话', { now })).toBeNull()
  })
})
