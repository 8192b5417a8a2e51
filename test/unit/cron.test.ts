/** The cron adapter: node-cron's reading of expressions in a time zone, next and previous times. */
import { beforeAll, describe, expect, it } from 'vitest'
import { cronTimes, loadCron } from '../../src/schedule/cron.js'

beforeAll(loadCron)
const at = (s: string) => new Date(s)

describe('cronTimes', () => {
  it('reads the expression in the zone: 07:30 in Shanghai is 23:30Z the day before', () => {
    const c = cronTimes('30 7 * * *', 'Asia/Shanghai')
    expect(c.next(at('2026-12-02T10:00:00Z')).toISOString()).toBe('2026-12-02T23:30:00.000Z')
    expect(c.next(at('2026-12-02T23:30:00Z')).toISOString()).toBe('2026-12-03T23:30:00.000Z') // strictly after
    expect(c.matches(at('2026-12-02T23:30:00Z'))).toBe(true)
    expect(c.matches(at('2026-12-02T07:30:00Z'))).toBe(false)
  })
  it('finds the latest time at or before an instant, within a window', () => {
    const weekly = cronTimes('0 8 * * 1', 'Asia/Shanghai') // Mondays 08:00
    expect(weekly.previous(at('2026-12-02T10:00:00Z'), 8 * 86_400_000)!.toISOString()).toBe('2026-11-30T00:00:00.000Z')
    expect(weekly.previous(at('2026-12-02T10:00:00Z'), 86_400_000)).toBeNull()
    expect(weekly.previous(at('2026-11-30T00:00:00Z'), 60_000)!.toISOString()).toBe('2026-11-30T00:00:00.000Z') // at counts
    const everySecond = cronTimes('* * * * * *', 'UTC')
    expect(everySecond.previous(at('2026-12-02T10:00:05.500Z'), 8 * 86_400_000)!.toISOString()).toBe('2026-12-02T10:00:05.000Z')
    const fiveMin = cronTimes('*/5 * * * *', 'Asia/Shanghai')
    expect(fiveMin.previous(at('2026-12-02T10:07:00Z'), 8 * 86_400_000)!.toISOString()).toBe('2026-12-02T10:05:00.000Z')
  })
  it('refuses what is not a cron expression', () => {
    expect(() => cronTimes('every day', 'Asia/Shanghai')).toThrow(/not a cron expression/)
  })
})
