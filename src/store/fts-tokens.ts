/**
 * Full-text tokens for Chinese and mixed text: overlapping character bigrams.
 *
 * Why bigrams (see README "Full-text search: why bigrams"): FTS5's trigram tokenizer cannot
 * match 2-character words such as 宝安, and jieba-segmented indexes miss matches whenever the
 * query is segmented differently from the text (宝安区 indexed as one word, 宝安 queried).
 * Overlapping bigrams match every substring of two or more CJK characters exactly, need no
 * dictionary, and cost nothing to compute at ingest.
 *
 * Scheme, applied identically to stored text and to queries:
 * - NFKC (full-width to half-width), lower-case, zero-width characters removed;
 * - a run of CJK characters (Han, kana, hangul) c1..cn becomes the bigrams c1c2, c2c3, …,
 *   c(n-1)cn, followed by the final character cn alone (so every character starts a token,
 *   which makes a 1-character prefix query complete); a 1-character run is that character;
 * - a run of letters and digits becomes one lower-case word;
 * - everything else separates tokens.
 * The result is space-joined and indexed by FTS5's unicode61 tokenizer, which keeps each token whole.
 */

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}〇]/u
const SEGMENT = /([\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}〇]+)|([\p{L}\p{N}]+)/gu
const ZERO_WIDTH = /[\u200b-\u200f\u2060\ufeff]/g

/** Normalises text the way both the index and queries see it. */
export function normaliseForIndex(text: string): string {
  return text.normalize('NFKC').replace(ZERO_WIDTH, '').toLowerCase()
}

/** Splits normalised text into runs: CJK runs and letter/digit words, in order. */
function runs(text: string): Array<{ cjk: boolean; value: string }> {
  const out: Array<{ cjk: boolean; value: string }> = []
  for (const m of normaliseForIndex(text).matchAll(SEGMENT)) {
    if (m[1]) out.push({ cjk: true, value: m[1] })
    else if (m[2]) out.push({ cjk: false, value: m[2] })
  }
  return out
}

/** Bigram tokens of one CJK run (see the scheme above). */
function cjkTokens(run: string, withTail: boolean): string[] {
  const chars = Array.from(run)
  if (chars.length === 1) return [chars[0]!]
  const out: string[] = []
  for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i]! + chars[i + 1]!)
  if (withTail) out.push(chars[chars.length - 1]!)
  return out
}

/** Index form of a text: space-joined tokens for an FTS5 unicode61 column. */
export function indexTokens(text: string | null | undefined): string {
  if (!text) return ''
  const out: string[] = []
  for (const r of runs(text)) {
    if (r.cjk) out.push(...cjkTokens(r.value, true))
    else out.push(r.value)
  }
  return out.join(' ')
}

/**
 * One search term (a word or a quoted phrase) as an FTS5 query fragment that matches exactly
 * the texts containing it as a substring (CJK) or as whole words (Latin and digits).
 * Returns null when the term holds nothing searchable (only punctuation).
 */
export function termToFts(term: string): string | null {
  const parts: string[] = []
  for (const r of runs(term)) {
    if (r.cjk) {
      const chars = Array.from(r.value)
      // A single character: any token that starts with it (bigram or run-final unigram).
      if (chars.length === 1) parts.push(`"${chars[0]}" *`)
      else parts.push(cjkTokens(r.value, false).join(' '))
    } else {
      parts.push(r.value)
    }
  }
  if (parts.length === 0) return null
  // A lone prefix fragment must stay outside quotes for FTS5; everything else is a phrase.
  if (parts.length === 1 && parts[0]!.endsWith(' *')) return parts[0]!
  return `"${parts.join(' ').replace(/"/g, '').replace(/ \*/g, '')}"`
}

/**
 * A plain query (terms separated by white space, "quoted phrases" kept together) as an FTS5
 * MATCH expression requiring every term. The full AND/OR/NOT language is built on termToFts.
 */
export function plainQueryToFts(query: string): string | null {
  const terms = Array.from(query.matchAll(/"([^"]+)"|(\S+)/g), (m) => m[1] ?? m[2] ?? '')
  const frags = terms.map(termToFts).filter((f): f is string => f !== null)
  return frags.length ? frags.join(' AND ') : null
}

/** True when the string holds at least one CJK character. */
export function hasCjk(s: string): boolean {
  return CJK.test(s)
}
