/**
 * Full-text tokens for Chinese and mixed text: overlapping character bigrams.
 *
 * Why bigrams (see README "Full-text search: why bigrams"): FTS5's trigram tokenizer cannot
 * match 2-character words such as 宝安, and jieba-segmented indexes miss matches whenever the
 * query is segmented differently from the text (宝安区 indexed as one word, 宝安 queried).
 * Overlapping bigrams match every substring of two or more CJK characters exactly, need no
 * dictionary, and cost little to compute at ingest.
 *
 * Scheme, applied identically to stored text and to queries:
 * - NFKC (full-width to half-width), lower-case, zero-width characters removed;
 * - a run of CJK characters (Han, kana, hangul) c1..cn becomes the bigrams c1c2, c2c3, …,
 *   c(n-1)cn, followed by the final character cn alone (so every character starts a token,
 *   which makes a 1-character prefix query complete); a 1-character run is that character;
 * - a run of letters and digits becomes one lower-case word;
 * - everything else separates tokens.
 * The result is space-joined and indexed by FTS5's `ascii` tokenizer (split on ASCII
 * separators, every non-ASCII byte part of a token), which keeps each token whole.
 *
 * The index stores no positions (`detail=none`: less than half the ingest cost and size of
 * `detail=full`), so a term of several tokens is found in two steps: the index returns the rows
 * holding all its tokens (compileTerm().fts), and termMatches() keeps those in which the tokens
 * are adjacent, exactly as a positional phrase query would.
 */
import { NFKC_SAFE, normaliseText } from '../core/text.js'

export { NFKC_SAFE }

const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u

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

// Letter-or-digit answers for non-ASCII BMP code points, filled on first use (0 unknown, 1 yes, 2 no).
const wordBmp = new Uint8Array(0x10000)

function isWordChar(cp: number): boolean {
  if (cp < 0x80) return (cp >= 0x61 && cp <= 0x7a) || (cp >= 0x30 && cp <= 0x39) || (cp >= 0x41 && cp <= 0x5a)
  if (cp > 0xffff) return LETTER_OR_DIGIT.test(String.fromCodePoint(cp))
  let v = wordBmp[cp]!
  if (v === 0) wordBmp[cp] = v = LETTER_OR_DIGIT.test(String.fromCharCode(cp)) ? 1 : 2
  return v === 1
}

/** Normalises text the way both the index and queries see it (letters are lower-cased per word). */
export const normaliseForIndex = normaliseText

// Output buffer of indexTokens: tokens are written as UTF-16 code units and decoded once, so a
// row leaves one flat string behind instead of ~150 short-lived pieces (GC was a third of the
// import parse stage).
let out = new Uint16Array(8192)
let outLen = 0
const utf16 = new TextDecoder('utf-16le')

function put(s: string, from: number, to: number): void {
  for (let k = from; k < to; k++) out[outLen++] = s.charCodeAt(k)
}

function putWord(s: string, from: number, to: number): void {
  let ascii = true
  for (let k = from; k < to; k++)
    if (s.charCodeAt(k) >= 0x80) {
      ascii = false
      break
    }
  if (ascii) {
    if (outLen > 0) out[outLen++] = 32
    for (let k = from; k < to; k++) {
      const c = s.charCodeAt(k)
      out[outLen++] = c >= 65 && c <= 90 ? c + 32 : c
    }
    return
  }
  // Lower-case first, then split (the scheme's order): lower-casing may yield characters that are
  // not letters or digits (İ → i + U+0307), and those separate tokens.
  const lower = s.slice(from, to).toLowerCase()
  let inToken = false
  for (let k = 0; k < lower.length; ) {
    const cp = lower.codePointAt(k)!
    const w = cp > 0xffff ? 2 : 1
    if (isWordChar(cp)) {
      if (!inToken && outLen > 0) out[outLen++] = 32
      inToken = true
      put(lower, k, k + w)
    } else inToken = false
    k += w
  }
}

/**
 * Index form of a text: space-joined tokens for the FTS5 `ascii` tokenizer, written straight
 * into a buffer in one pass (this runs for every stored mention).
 */
export function indexTokens(text: string | null | undefined): string {
  if (!text) return ''
  const s = normaliseForIndex(text)
  // Worst case: every character starts a bigram of two surrogate pairs plus a space; lower-casing
  // a word can double its length.
  if (out.length < s.length * 6 + 16) out = new Uint16Array(s.length * 8 + 16)
  outLen = 0
  let prev = -1 // start of the previous character of the current CJK run
  let prevW = 0
  let runLen = 0
  let wordStart = -1
  for (let i = 0; i < s.length; ) {
    let cp = s.charCodeAt(i)
    let w = 1
    if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < s.length) {
      cp = s.codePointAt(i)!
      w = cp > 0xffff ? 2 : 1
    }
    if (isCjk(cp)) {
      if (wordStart >= 0) {
        putWord(s, wordStart, i)
        wordStart = -1
      }
      if (runLen > 0) {
        if (outLen > 0) out[outLen++] = 32
        put(s, prev, prev + prevW)
        put(s, i, i + w)
      }
      prev = i
      prevW = w
      runLen++
    } else {
      if (runLen > 0) {
        if (outLen > 0) out[outLen++] = 32
        put(s, prev, prev + prevW)
        runLen = 0
      }
      if (isWordChar(cp)) {
        if (wordStart < 0) wordStart = i
      } else if (wordStart >= 0) {
        putWord(s, wordStart, i)
        wordStart = -1
      }
    }
    i += w
  }
  if (runLen > 0) {
    if (outLen > 0) out[outLen++] = 32
    put(s, prev, prev + prevW)
  }
  if (wordStart >= 0) putWord(s, wordStart, s.length)
  return outLen === 0 ? '' : utf16.decode(new Uint8Array(out.buffer, 0, outLen * 2))
}

/** The tokens of a text, as a list. */
export function tokenList(text: string | null | undefined): string[] {
  const s = indexTokens(text)
  return s.length === 0 ? [] : s.split(' ')
}

/** A search term (a word or a quoted phrase) compiled against the index. */
export interface CompiledTerm {
  /** FTS5 query fragment: every token of the term (the last as a prefix when `prefix`). */
  fts: string
  /** The term's tokens in order. */
  tokens: string[]
  /** The last token is a single CJK character that may continue in the text (3号 in 3号线). */
  prefix: boolean
  /**
   * For a term of CJK characters only, the term itself (normalised): its tokens are adjacent
   * exactly when a column's normalised text contains it, which is much cheaper to check.
   */
  chars?: string
}

/**
 * Compiles one search term. A row matches the term when one of its columns holds the term's
 * tokens adjacent and in order: the index narrows (compileTerm().fts), termMatches() decides.
 * Returns null when the term holds nothing searchable (only punctuation).
 */
export function compileTerm(term: string): CompiledTerm | null {
  const tokens = tokenList(term)
  if (tokens.length === 0) return null
  // The last token is a run's final character when it is one CJK character and the token
  // before is a bigram ending in it (a bigram is always followed by the next bigram or by its
  // run's final character). Mirror the index: a CJK run followed by another run ends there in
  // the text too, so its final character stays in the term; the term's own last run may
  // continue in the text, so its final character is dropped; and a last run of one character
  // matches as a prefix (3号 in 3号线).
  let last = tokens[tokens.length - 1]!
  const single = isCjk(last.codePointAt(0)!) && last.length === String.fromCodePoint(last.codePointAt(0)!).length
  const before = tokens[tokens.length - 2]
  const tail = single && before !== undefined && isCjk(before.codePointAt(0)!) && before.length > last.length && before.endsWith(last)
  if (tail) tokens.pop()
  const prefix = single && !tail
  last = tokens[tokens.length - 1]!
  const uniq = Array.from(new Set(tokens))
  const fts = uniq.map((t) => (prefix && t === last ? `"${t}" *` : `"${t}"`)).join(' AND ')
  const norm = normaliseForIndex(term).trim()
  const pureCjk = !prefix && Array.from(norm).every((c) => isCjk(c.codePointAt(0)!))
  return { fts: uniq.length > 1 ? `(${fts})` : fts, tokens, prefix, ...(pureCjk ? { chars: norm } : {}) }
}

/** True when a single index lookup decides the term (no adjacency to check). */
export function termIsExact(t: CompiledTerm): boolean {
  return t.tokens.length === 1
}

/**
 * Whether a column's index form (indexTokens output) holds the term's tokens adjacent and in
 * order, the last one as a prefix when the term says so.
 */
export function tokensHoldTerm(columnTokens: string, t: CompiledTerm): boolean {
  if (columnTokens.length === 0) return false
  const hay = ' ' + columnTokens + ' '
  const needle = ' ' + t.tokens.join(' ') + (t.prefix ? '' : ' ')
  return hay.includes(needle)
}

/** Whether a stored title/text pair matches a compiled term (see compileTerm). */
export function termMatches(title: string | null, text: string | null, t: CompiledTerm): boolean {
  if (termIsExact(t)) return true
  return textHasTerm(title, text, t)
}

/** Whether title or text holds the term, from the text alone (no index lookup assumed). */
export function textHasTerm(title: string | null, text: string | null, t: CompiledTerm): boolean {
  if (t.chars !== undefined) return (title !== null && normaliseForIndex(title).includes(t.chars)) || (text !== null && normaliseForIndex(text).includes(t.chars))
  return tokensHoldTerm(indexTokens(title), t) || tokensHoldTerm(indexTokens(text), t)
}

/** The SQL function yq_text_has(title, text, termJson): 1 when the columns hold the term, decided on the text alone. */
export function textHasFunction(): (title: unknown, text: unknown, spec: unknown) => 0 | 1 {
  const cache = new Map<string, CompiledTerm>()
  return (title, text, spec) => {
    const key = String(spec)
    let t = cache.get(key)
    if (!t) {
      if (cache.size >= 64) cache.clear()
      t = JSON.parse(key) as CompiledTerm
      cache.set(key, t)
    }
    return textHasTerm(typeof title === 'string' ? title : null, typeof text === 'string' ? text : null, t) ? 1 : 0
  }
}

/**
 * The SQL function yq_terms_hold(title, text, termsJson) that searches register: 1 when every
 * compiled term (CompiledTerm[] as JSON) has its tokens adjacent in the title or the text.
 */
export function termsHoldFunction(): (title: unknown, text: unknown, spec: unknown) => 0 | 1 {
  const cache = new Map<string, CompiledTerm[]>()
  return (title, text, spec) => {
    const key = String(spec)
    let terms = cache.get(key)
    if (!terms) {
      if (cache.size >= 64) cache.clear()
      terms = JSON.parse(key) as CompiledTerm[]
      cache.set(key, terms)
    }
    const ti = typeof title === 'string' ? title : null
    const te = typeof text === 'string' ? text : null
    return terms.every((t) => termMatches(ti, te, t)) ? 1 : 0
  }
}

/** Han ideographs only: no normalisation changes them, so finding them in the raw text is exact. */
/** A term of Han characters only (instr() on the raw text can settle it). */
export const HAN_ONLY = /^[\u3400-\u4dbf\u4e00-\u9fff\u{20000}-\u{323af}]+$/u

/**
 * SQL (a condition over the given title and text column expressions) that keeps the candidate
 * rows in which each term's tokens are adjacent; null when the index alone decides. A term of
 * Han characters is first looked for with SQLite's instr() on the raw columns, which settles the
 * usual case in C; a raw-text miss (normalisation may still make a match) and every other term
 * go to yq_terms_hold.
 */
export function adjacencyFilterSql(terms: CompiledTerm[], title: string, text: string): { sql: string; params: string[] } | null {
  const parts: string[] = []
  const params: string[] = []
  for (const t of terms) {
    if (termIsExact(t)) continue
    const spec = JSON.stringify([t])
    if (t.chars !== undefined && HAN_ONLY.test(t.chars)) {
      parts.push(`(instr(${text}, ?) > 0 OR instr(coalesce(${title}, ''), ?) > 0 OR yq_terms_hold(${title}, ${text}, ?))`)
      params.push(t.chars, t.chars, spec)
    } else {
      parts.push(`yq_terms_hold(${title}, ${text}, ?)`)
      params.push(spec)
    }
  }
  return parts.length ? { sql: parts.join(' AND '), params } : null
}

/** A plain query: terms separated by white space, "quoted phrases" kept together, all required. */
export function compilePlainQuery(query: string): { match: string; terms: CompiledTerm[] } | null {
  const raw = Array.from(query.matchAll(/"([^"]+)"|(\S+)/g), (m) => m[1] ?? m[2] ?? '')
  const terms = raw.map(compileTerm).filter((t): t is CompiledTerm => t !== null)
  if (!terms.length) return null
  return { match: terms.map((t) => t.fts).join(' AND '), terms }
}
