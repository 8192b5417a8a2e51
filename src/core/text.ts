/** Small pure string helpers. */

/** Levenshtein edit distance over code points (for "did you mean" hints and suggestions). */
export function editDistance(a: string, b: string): number {
  const A = Array.from(a)
  const B = Array.from(b)
  if (A.length === 0) return B.length
  if (B.length === 0) return A.length
  let prev = new Array<number>(B.length + 1)
  let cur = new Array<number>(B.length + 1)
  for (let j = 0; j <= B.length; j++) prev[j] = j
  for (let i = 1; i <= A.length; i++) {
    cur[0] = i
    for (let j = 1; j <= B.length; j++) {
      const cost = A[i - 1] === B[j - 1] ? 0 : 1
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost)
    }
    ;[prev, cur] = [cur, prev]
  }
  return prev[B.length]!
}

const ZERO_WIDTH = /[\u200b-\u200f\u2060-\u2064\ufeff]/g

/**
 * Characters that NFKC leaves alone or maps to another separator, and that never compose with
 * a neighbour: text made only of these skips normalisation (most Chinese text, whose full-width
 * punctuation would otherwise force it). test/unit/fts-tokens.test.ts checks every one of them.
 */
export const NFKC_SAFE = /^[\u0000-\u007f\u2010-\u201f\u2020-\u2027\u2030-\u205e\u3000-\u3037\u303c-\u3098\u309d\u309e\u30a0-\u30fe\u3400-\u4dbf\u4e00-\u9fff\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff5e]*$/

/** NFKC (full-width letters, digits and punctuation to half-width) without zero-width characters; a fast path for text NFKC leaves alone. */
export function normaliseText(text: string): string {
  return NFKC_SAFE.test(text) ? text : text.normalize('NFKC').replace(ZERO_WIDTH, '')
}

/** Control, bidi-override and line-separator characters: terminal escapes and RTL tricks in crawled text. */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/g

/** Crawled text made safe to print on one terminal line: every unsafe character becomes a space. */
export function printable(s: string): string {
  return s.replace(UNSAFE, ' ')
}
