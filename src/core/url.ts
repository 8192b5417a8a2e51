/**
 * URL canonicalisation, so that the same article reached by different links is one mention.
 * Pure.
 */
const TRACKING = /^(utm_[a-z]+|spm|fbclid|gclid|_hsenc|_hsmi|mc_cid|mc_eid|share_token|sharesource|from_share)$/i

/**
 * Canonical form of an http(s) URL: lower-case scheme and host, no default port, no fragment,
 * no tracking parameters, remaining query parameters sorted. Returns the input unchanged when it
 * is not a parsable http(s) URL.
 */
export function canonicalUrl(input: string): string {
  let u: URL
  try {
    u = new URL(input.trim())
  } catch {
    return input.trim()
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return input.trim()
  u.hash = ''
  const kept = [...u.searchParams.entries()].filter(([k]) => !TRACKING.test(k))
  kept.sort(([a, av], [b, bv]) => (a === b ? (av < bv ? -1 : av > bv ? 1 : 0) : a < b ? -1 : 1))
  u.search = ''
  for (const [k, v] of kept) u.searchParams.append(k, v)
  return u.toString()
}
