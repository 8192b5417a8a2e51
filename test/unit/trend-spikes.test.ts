import { describe, expect, it } from 'vitest'
import { poissonTail } from '../../src/alerts/rules.js'
import { bucketKeys, bucketOf, detectSpikes, foldCounts, shiftDay, spikeDefaults, weekStart } from '../../src/trend/spikes.js'

describe('weeks (ISO, Monday first)', () => {
  it('maps every day to the Monday of its week', () => {
    // 2026-11-30 is a Monday.
    expect(weekStart('2026-11-30')).toBe('2026-11-30')
    expect(weekStart('2026-12-01')).toBe('2026-11-30')
    expect(weekStart('2026-12-06')).toBe('2026-11-30') // Sunday ends the week
    expect(weekStart('2026-12-07')).toBe('2026-12-07')
    // Across a year boundary: 2027-01-01 is a Friday, its week starts 2026-12-28.
    expect(weekStart('2027-01-01')).toBe('2026-12-28')
    // A leap day.
    expect(weekStart('2028-02-29')).toBe('2028-02-28')
  })

  it('lists week keys from the Monday of the first day', () => {
    expect(bucketKeys('2026-12-02', '2026-12-20', 'week')).toEqual(['2026-11-30', '2026-12-07', '2026-12-14'])
    expect(bucketKeys('2026-12-07', '2026-12-07', 'week')).toEqual(['2026-12-07'])
  })
})

describe('bucket keys', () => {
  it('days, inclusive, across a month end', () => {
    expect(bucketKeys('2026-11-29', '2026-12-02', 'day')).toEqual(['2026-11-29', '2026-11-30', '2026-12-01', '2026-12-02'])
    expect(shiftDay('2026-12-31', 1)).toBe('2027-01-01')
  })
  it('24 hours per day', () => {
    const k = bucketKeys('2026-11-30', '2026-12-01', 'hour')
    expect(k).toHaveLength(48)
    expect(k[0]).toBe('2026-11-30T00')
    expect(k[23]).toBe('2026-11-30T23')
    expect(k[24]).toBe('2026-12-01T00')
  })
  it('a fine unit falls in its bucket', () => {
    expect(bucketOf('2026-12-03', 'day')).toBe('2026-12-03')
    expect(bucketOf('2026-12-03', 'week')).toBe('2026-11-30')
    expect(bucketOf('2026-12-03T07', 'hour')).toBe('2026-12-03T07')
  })
})

describe('folding counts', () => {
  it('sums fine rows into buckets and series, drops units outside the keys, orders the series', () => {
    const keys = bucketKeys('2026-11-30', '2026-12-13', 'week')
    const f = foldCounts(
      [
        { unit: '2026-11-30', series: 'neg', count: 2 },
        { unit: '2026-12-06', series: 'neg', count: 3 },
        { unit: '2026-12-07', series: 'pos', count: 5 },
        { unit: '2026-12-08', series: 'weird', count: 1 },
        { unit: '2026-11-29', series: 'neg', count: 100 }, // the week before
      ],
      keys,
      'week',
      { order: ['pos', 'neu', 'neg'], always: ['pos', 'neu', 'neg'] },
    )
    expect(f.keys).toEqual(['2026-11-30', '2026-12-07'])
    expect(f.totals).toEqual([5, 6])
    expect([...f.series.keys()]).toEqual(['pos', 'neu', 'neg', 'weird'])
    expect(f.series.get('neg')).toEqual([5, 0])
    expect(f.series.get('neu')).toEqual([0, 0])
    expect(f.series.get('pos')).toEqual([0, 5])
  })
  it('orders unlisted series by total, largest first', () => {
    const f = foldCounts(
      [
        { unit: '2026-12-01', series: 'news', count: 1 },
        { unit: '2026-12-01', series: 'weibo', count: 4 },
      ],
      ['2026-12-01'],
      'day',
    )
    expect([...f.series.keys()]).toEqual(['weibo', 'news'])
  })
})

describe('the spike rule', () => {
  const d = spikeDefaults('day')
  it('uses the 7 buckets before, needs 3 of them, and the Poisson tail', () => {
    expect(d).toEqual({ baseline: 7, minBaseline: 3, minCount: 5, ratio: 1.5, p: 0.001 })
    const totals = [10, 10, 10, 10, 10, 10, 10, 30, 10]
    const v = detectSpikes(totals, d)
    expect(v[0]).toEqual({ spike: false, baseline: null, p: null })
    expect(v[2]!.baseline).toBeNull()
    expect(v[3]!.baseline).toBe(10)
    expect(v[7]!.baseline).toBe(10)
    expect(v[7]!.p).toBeCloseTo(poissonTail(10, 30), 15)
    expect(v[7]!.spike).toBe(true) // P(Poisson(10) ≥ 30) ≈ 2.5·10⁻⁷
    // The next baseline includes the spike: mean of 10×6 and 30.
    expect(v[8]!.baseline).toBeCloseTo(90 / 7, 12)
    expect(v.filter((x) => x.spike)).toHaveLength(1)
  })
  it('is not a spike below p 0.001 (λ 10, 20 mentions: p ≈ 0.0035)', () => {
    const v = detectSpikes([10, 10, 10, 10, 10, 10, 10, 20], d)
    expect(v[7]!.p!).toBeGreaterThan(0.001)
    expect(v[7]!.spike).toBe(false)
  })
  it('needs at least 5 mentions, even after silence', () => {
    expect(detectSpikes([0, 0, 0, 0], d)[3]!.spike).toBe(false)
    expect(detectSpikes([0, 0, 0, 4], d)[3]!.spike).toBe(false) // P(Poisson(0.5) ≥ 4) ≈ 1.8·10⁻³
    const v = detectSpikes([0, 0, 0, 5], d)[3]!
    expect(v.p!).toBeCloseTo(poissonTail(0.5, 5), 15) // λ floored at 0.5: ≈ 1.7·10⁻⁴
    expect(v.spike).toBe(true)
  })
  it('needs 1.5× the baseline at high volume (overdispersion), however small p is', () => {
    const v = detectSpikes([1000, 1000, 1000, 1000, 1000, 1000, 1000, 1200], d)[7]!
    expect(v.p!).toBeLessThan(1e-6)
    expect(v.spike).toBe(false)
    expect(detectSpikes([1000, 1000, 1000, 1000, 1000, 1000, 1000, 1500], d)[7]!.spike).toBe(true)
  })
  it('hours use the 24 buckets before', () => {
    expect(spikeDefaults('hour').baseline).toBe(24)
  })
})
