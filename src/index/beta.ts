/**
 * The Beta distribution's CDF (regularised incomplete beta, Lentz's continued fraction) and
 * quantile (bisection on the CDF), for the 美誉度 interval. Pseudo-counts may be fractional.
 */

function lnGamma(z: number): number {
  // Lanczos approximation (g = 7, n = 9), accurate to ~1e-15 for z > 0.
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7]
  if (z < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * z)) - lnGamma(1 - z)
  z -= 1
  let x = c[0]!
  for (let i = 1; i < 9; i++) x += c[i]! / (z + i)
  const t = z + 7.5
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(x)
}

function continuedFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300
  let c = 1
  let d = 1 - ((a + b) * x) / (a + 1)
  if (Math.abs(d) < tiny) d = tiny
  d = 1 / d
  let h = d
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2))
    d = 1 + aa * d
    if (Math.abs(d) < tiny) d = tiny
    c = 1 + aa / c
    if (Math.abs(c) < tiny) c = tiny
    d = 1 / d
    h *= d * c
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1))
    d = 1 + aa * d
    if (Math.abs(d) < tiny) d = tiny
    c = 1 + aa / c
    if (Math.abs(c) < tiny) c = tiny
    d = 1 / d
    const del = d * c
    h *= del
    if (Math.abs(del - 1) < 1e-14) break
  }
  return h
}

/** P(X ≤ x) for X ~ Beta(a, b). */
export function betaCdf(x: number, a: number, b: number): number {
  if (x <= 0) return 0
  if (x >= 1) return 1
  const lnFront = lnGamma(a + b) - lnGamma(a) - lnGamma(b) + a * Math.log(x) + b * Math.log(1 - x)
  if (x < (a + 1) / (a + b + 2)) return (Math.exp(lnFront) * continuedFraction(x, a, b)) / a
  return 1 - (Math.exp(lnFront) * continuedFraction(1 - x, b, a)) / b
}

/**
 * The p-quantile of Beta(a, b), to ~1e-12: Newton's method on the CDF (the density is its
 * derivative) from the normal approximation, kept inside a bisection bracket, so it converges
 * in a handful of CDF evaluations instead of 60 (the ranking takes two per region).
 */
export function betaQuantile(p: number, a: number, b: number): number {
  if (p <= 0) return 0
  if (p >= 1) return 1
  const lnB = lnGamma(a) + lnGamma(b) - lnGamma(a + b)
  const pdf = (x: number) => Math.exp((a - 1) * Math.log(x) + (b - 1) * Math.log(1 - x) - lnB)
  const mean = a / (a + b)
  const sd = Math.sqrt((a * b) / ((a + b) ** 2 * (a + b + 1)))
  // Acklam-free start: ±1.645 sd covers the 5%/95% points the index asks for; others start at the mean.
  const z = p === 0.05 ? -1.6448536269514722 : p === 0.95 ? 1.6448536269514722 : 0
  let lo = 0
  let hi = 1
  let x = Math.min(1 - 1e-9, Math.max(1e-9, mean + z * sd))
  for (let i = 0; i < 100; i++) {
    const f = betaCdf(x, a, b) - p
    if (f < 0) lo = x
    else hi = x
    if (Math.abs(f) < 1e-13 || hi - lo < 1e-13) break
    const d = pdf(x)
    let next = d > 0 && Number.isFinite(d) ? x - f / d : (lo + hi) / 2
    if (!(next > lo && next < hi)) next = (lo + hi) / 2
    if (Math.abs(next - x) < 1e-14) {
      x = next
      break
    }
    x = next
  }
  return x
}
