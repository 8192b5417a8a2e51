/** Parsing of interchange dates: strict about real dates, same instants as the JS Date parser. */
import { describe, expect, it } from 'vitest'
import { parseIsoWithOffset } from '../../src/core/mention.js'
import { prng } from '../helpers/generate.js'

describe('parseIsoWithOffset', () => {
  it('reads every offset form and keeps the instant', () => {
    expect(parseIsoWithOffset('2026-11-25T08:30:00+08:00')?.toISOString()).toBe('2026-11-25T00:30:00.000Z')
    expect(parseIsoWithOffset('2026-11-25 08:30+0800')?.toISOString()).toBe('2026-11-25T00:30:00.000Z')
    expect(parseIsoWithOffset('2026-11-25T08:30:00.123456789z')?.toISOString()).toBe('2026-11-25T08:30:00.123Z')
    expect(parseIsoWithOffset('2026-12-01T24:00:00-05:30')?.toISOString()).toBe('2026-12-02T05:30:00.000Z')
    expect(parseIsoWithOffset('0099-03-01T00:00:00Z')?.toISOString()).toBe('0099-03-01T00:00:00.000Z')
    expect(parseIsoWithOffset('0050-12-31T24:00:00Z')?.toISOString()).toBe(new Date('0050-12-31T24:00:00Z').toISOString())
  })
  it('refuses dates that do not exist and strings without an offset', () => {
    for (const s of ['2026-02-30T00:00:00Z', '2026-02-29T00:00:00Z', '2026-04-31T00:00:00Z', '2026-13-01T00:00:00Z', '2026-12-01T24:00:01Z', '2026-12-01T24:00:00.0001Z', '2026-12-01T23:60:00Z', '2026-12-01T10:00:00+24:00', '2026-12-01T10:00:00', '2026-12-01', '26-12-01T10:00Z'])
      expect(parseIsoWithOffset(s), s).toBeNull()
    expect(parseIsoWithOffset('2024-02-29T12:00:00Z')?.toISOString()).toBe('2024-02-29T12:00:00.000Z')
  })
  it('gives the same instant as Date for every real date (random strings)', () => {
    const rnd = prng(17)
    const n = (max: number, w: number) => String(Math.floor(rnd() * max)).padStart(w, '0')
    let compared = 0
    for (let i = 0; i < 20_000; i++) {
      const frac = rnd() < 0.3 ? '.' + n(10 ** 6, 6).slice(0, 1 + Math.floor(rnd() * 6)) : ''
      const off = rnd() < 0.3 ? 'Z' : `${rnd() < 0.5 ? '+' : '-'}${n(24, 2)}:${n(60, 2)}`
      const s = `${1900 + Math.floor(rnd() * 200)}-${n(13, 2)}-${n(32, 2)}T${n(25, 2)}:${n(60, 2)}:${n(60, 2)}${frac}${off}`
      const ours = parseIsoWithOffset(s)
      const js = new Date(s)
      const [, y, mo, d] = /^(\d+)-(\d+)-(\d+)/.exec(s)!.map(Number) as number[]
      const real = !Number.isNaN(js.getTime()) && new Date(Date.UTC(y!, mo! - 1, d!)).getUTCDate() === d
      if (real) {
        expect(ours?.toISOString(), s).toBe(js.toISOString())
        compared++
      } else expect(ours, s).toBeNull()
    }
    expect(compared).toBeGreaterThan(10_000)
  })
})
