import { describe, expect, it } from 'vitest'
import { byDay, byHour, scopeHour, searchUrl, timescope, windowSlice } from '../../src/crawlers/weibo-search/endpoints.js'

const t = (iso: string) => new Date(iso)

describe('s.weibo.com search URLs', () => {
  it('writes the timescope in Beijing hours without a leading zero, and encodes #topics#', () => {
    // 2026-11-24T16:00Z is 2026-11-25 00:00 in Beijing.
    const s = { start: t('2026-11-24T16:00:00Z'), end: t('2026-11-25T01:00:00Z') }
    expect(scopeHour(s.start)).toBe('2026-11-25-0')
    expect(timescope(s)).toBe('custom:2026-11-25-0:2026-11-25-9')
    expect(searchUrl('https://s.weibo.com/', '#宝安民生#', s, 1)).toBe(
      'https://s.weibo.com/weibo?q=%23%E5%AE%9D%E5%AE%89%E6%B0%91%E7%94%9F%23&typeall=1&suball=1&timescope=custom:2026-11-25-0:2026-11-25-9&Refer=g',
    )
    expect(searchUrl('http://127.0.0.1:1', 'a&b', null, 3)).toBe('http://127.0.0.1:1/weibo?q=a%26b&typeall=1&suball=1&Refer=g&page=3')
  })
})

describe('time slices', () => {
  it('widens the window to whole hours', () => {
    const w = windowSlice(t('2026-11-25T03:20:00Z'), t('2026-11-26T05:01:00Z'))
    expect(w).toEqual({ start: t('2026-11-25T03:00:00Z'), end: t('2026-11-26T06:00:00Z') })
    // A window inside one hour is that hour.
    expect(windowSlice(t('2026-11-25T03:20:00Z'), t('2026-11-25T03:20:00Z'))).toEqual({ start: t('2026-11-25T03:00:00Z'), end: t('2026-11-25T04:00:00Z') })
  })

  it('cuts at Beijing midnights (16:00 UTC), newest first, covering the slice exactly', () => {
    const w = { start: t('2026-11-24T10:00:00Z'), end: t('2026-11-26T03:00:00Z') }
    const days = byDay(w)
    expect(days.map((d) => timescope(d))).toEqual(['custom:2026-11-26-0:2026-11-26-11', 'custom:2026-11-25-0:2026-11-26-0', 'custom:2026-11-24-18:2026-11-25-0'])
    expect(days.at(-1)!.start).toEqual(w.start)
    expect(days[0]!.end).toEqual(w.end)
    for (let i = 1; i < days.length; i++) expect(days[i]!.end).toEqual(days[i - 1]!.start)
  })

  it('cuts a day into hours, newest first', () => {
    const hours = byHour({ start: t('2026-11-25T16:00:00Z'), end: t('2026-11-25T19:00:00Z') })
    expect(hours.map((h) => timescope(h))).toEqual(['custom:2026-11-26-2:2026-11-26-3', 'custom:2026-11-26-1:2026-11-26-2', 'custom:2026-11-26-0:2026-11-26-1'])
  })
})
