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

const ZERO_WIDTH = /[\u200b-\u200f\u2060\ufeff]/g
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u
// Anything outside these cheap ranges is normalised first (full-width forms, compatibility chars).
const NEEDS_NFKC = /[^\u0000-\u007f\u3400-\u4dbf\u4e00-\u9fff\u3000-\u303f]/

/** Han, kana and hangul code points: the characters that form bigrams. */
export function isCjk(cp: number): boolean {
  return (
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x20000 && cp <= 0x323af) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    cp === 0x3007 ||
    (cp >= 0x3040 && cp <= 0x30ff) ||
    (cp >= 0x31f0 && cp <= 0x31ff) ||
    (cp >= 0xac00 && cp <= 0xd7af) ||
    (cp >= 0x1100 && cp <= 0x11ff) ||
    (cp >= 0x3130 && cp <= 0x318f)
  )
}

function isWordChar(cp: number, ch: string): boolean {
  if (cp < 0x80) return (cp >= 0x61 && cp <= 0x7a) || (cp >= 0x30 && cp <= 0x39) || (cp >= 0x41 && cp <= 0x5a)
  return LETTER_OR_DIGIT.test(ch)
}

/** Normalises text the way both the index and queries see it. */
export function normaliseForIndex(text: string): string {
  const t = NEEDS_NFKC.test(text) ? text.normalize('NFKC').replace(ZERO_WIDTH, '') : text
  return t.toLowerCase()
}

/** Splits normalised text into runs: CJK runs and letter/digit words, in order. */
function runs(text: string): Array<{ cjk: boolean; value: string }> {
  const out: Array<{ cjk: boolean; value: string }> = []
  const s = normaliseForIndex(text)
  let start = -1
  let cjkRun = false
  for (let i = 0; i < s.length; ) {
    const cp = s.codePointAt(i)!
    const width = cp > 0xffff ? 2 : 1
    const kind = isCjk(cp) ? 1 : isWordChar(cp, s.slice(i, i + width)) ? 2 : 0
    if (start >= 0 && (kind === 0 || (kind === 1) !== cjkRun)) {
      out.push({ cjk: cjkRun, value: s.slice(start, i) })
      start = -1
    }
    if (kind !== 0 && start < 0) {
      start = i
      cjkRun = kind === 1
    }
    i += width
  }
  if (start >= 0) out.push({ cjk: cjkRun, value: s.slice(start) })
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
  const rs = runs(term)
  if (rs.length === 0) return null
  const first = rs[0]!
  // A single character: any token that starts with it (a bigram, or a run-final unigram).
  if (rs.length === 1 && first.cjk && Array.from(first.value).length === 1) return `"${first.value}" *`
  // Mirror the index: a CJK run followed by another run ends there in the text too, so its
  // run-final unigram sits between them. Tokens hold only letters, digits and CJK: no quoting issues.
  const parts = rs.map((r, i) => (r.cjk ? cjkTokens(r.value, i < rs.length - 1).join(' ') : r.value))
  // A final single CJK character may continue in the text (3号 in 3号线): match it as a prefix.
  const last = rs[rs.length - 1]!
  const prefix = last.cjk && Array.from(last.value).length === 1 ? ' *' : ''
  return `"${parts.join(' ')}"${prefix}`
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
  for (const ch of s) if (isCjk(ch.codePointAt(0)!)) return true
  return false
}
