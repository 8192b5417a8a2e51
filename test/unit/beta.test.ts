import { describe, expect, it } from 'vitest'
import { betaCdf, betaQuantile } from '../../src/index/beta.js'

describe('Beta quantile (the 美誉度 interval)', () => {
  it('inverts closed forms: Beta(1,1) is uniform, Beta(2,1) has CDF x², Beta(1,3) has CDF 1−(1−x)³', () => {
    for (const p of [0.01, 0.05, 0.5, 0.95, 0.99]) {
      expect(betaQuantile(p, 1, 1)).toBeCloseTo(p, 12)
      expect(betaQuantile(p, 2, 1)).toBeCloseTo(Math.sqrt(p), 12)
      expect(betaQuantile(p, 1, 3)).toBeCloseTo(1 - Math.cbrt(1 - p), 12)
    }
  })

  it('agrees with bisection on the CDF across shapes, skewed and U-shaped ones included', () => {
    const bisect = (p: number, a: number, b: number) => {
      let lo = 0
      let hi = 1
      for (let i = 0; i < 80; i++) {
        const m = (lo + hi) / 2
        if (betaCdf(m, a, b) < p) lo = m
        else hi = m
      }
      return (lo + hi) / 2
    }
    for (const a of [0.3, 1, 2.5, 41.76, 5000]) for (const b of [0.4, 3, 18.24, 20000]) for (const p of [0.05, 0.5, 0.95]) expect(Math.abs(betaQuantile(p, a, b) - bisect(p, a, b)), `${p} ${a} ${b}`).toBeLessThan(1e-10)
  })
})
