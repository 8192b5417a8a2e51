/**
 * URL canonicalisation, so that the same article reached by different links is one mention.
 * Pure.
 */
const TRACKING = /^(utm_[a-z]+|spm|fbclid|gclid|_hsenc|_hsmi|mc_cid|mc_eid|share_token|sharesource|from_share)$/i

/**
 * URLs that WHATWG parsing leaves exactly as written: http(s), a lower-case DNS host ending in
 * a letter label (no IP forms to rewrite), no port, no user info, a path of plain characters
 * without dot segments, and no query or fragment. No punycode labels (the parser validates them).
 * Every part of the pattern is unambiguous, so a near-miss fails in linear time. Most crawled and imported links (Weibo detail
 * pages, article paths) are like this, and skip the URL parser (test/unit/url.test.ts checks
 * that both paths agree).
 */
const PLAIN = /^https?:\/\/(?:(?!xn--)[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)*(?!xn--)[a-z](?:[a-z0-9-]*[a-z0-9])?(?:\/[A-Za-z0-9\-_~!$&'()*+,;=:@.]*)+$/
const PLAIN_SEGMENT_DOTS = /\/\.\.?(?:\/|$)/

/** True when `input` is a URL the parser would return unchanged (see PLAIN). */
export function isPlainHttpUrl(input: string): boolean {
  return input.length < 2000 && PLAIN.test(input) && !PLAIN_SEGMENT_DOTS.test(input)
}

/**
 * Whether a string is an absolute http(s) URL. Returns the reason when it is not.
 */
export function checkHttpUrl(input: string): { ok: true } | { ok: false; reason: string } {
  if (isPlainHttpUrl(input)) return { ok: true }
  let u: URL
  try {
    u = new URL(input)
  } catch {
    return { ok: false, reason: 'not a valid URL' }
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return { ok: false, reason: `must be http(s), got ${u.protocol}` }
  return { ok: true }
}

/**
 * Canonical form of an http(s) URL: lower-case scheme and host, no default port, no fragment,
 * no tracking parameters, remaining query parameters sorted. Returns the input unchanged when it
 * is not a parsable http(s) URL.
 */
export function canonicalUrl(input: string): string {
  const s = input.trim()
  if (isPlainHttpUrl(s)) return s
  let u: URL
  try {
    u = new URL(s)
  } catch {
    return s
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return s
  u.hash = ''
  const kept = [...u.searchParams.entries()].filter(([k]) => !TRACKING.test(k))
  kept.sort(([a, av], [b, bv]) => (a === b ? (av < bv ? -1 : av > bv ? 1 : 0) : a < b ? -1 : 1))
  u.search = ''
  for (const [k, v] of kept) u.searchParams.append(k, v)
  return u.toString()
}
