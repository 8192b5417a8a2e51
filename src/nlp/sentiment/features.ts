/**
 * Feature extraction for the sentiment model: hashed character n-grams of a normalised text,
 * plus small groups of sentiment-specific features:
 *
 * - negation scope: a character after a negator (不 没 无 非 未 别 莫 勿 毋 甭) up to the next
 *   punctuation mark, at most `negationScope` characters, also fires a "negated" unigram (¬好);
 *   a second negator in the scope cancels it (不是不好); 非常, 无论, 别人 … are not negations;
 * - degree adverbs (很 太 超 非常 特别 …): the next two characters also fire an "intensified"
 *   unigram (↑好);
 * - Weibo emoticons such as [哈哈] [怒] [泪]: the whole bracketed token is one feature;
 * - optional: the last `tail` characters fire "final clause" unigrams and bigrams (…好), and text
 *   after a contrast (但 却 不过 可是 然而) up to the end of the sentence fires "after contrast"
 *   unigrams and bigrams (但…好): reviews tend to end with, and turn to, their verdict.
 *
 * Normalisation (one pass, into a reusable code buffer): full-width ASCII to half-width,
 * upper to lower case, digits to 0, Chinese punctuation to its ASCII twin, runs of whitespace to
 * one space, a character repeated more than three times kept three times (哈哈哈哈哈 → 哈哈哈),
 * URLs dropped and @names replaced by "@".
 *
 * Features are binary (each distinct feature once per text) and hashed into 2^hashBits slots.
 * The extractor writes slot ids into an Int32Array (and, when asked, where each feature came
 * from, for explanations); nothing is allocated per text, which is what makes scoring fast.
 */

export interface FeatureOptions {
  /** Slots = 2^hashBits. */
  hashBits: number
  /** Longest character n-gram (1–4). */
  maxN: number
  /** Characters after a negator that are marked as negated (0 disables negation features). */
  negationScope: number
  /** Degree-adverb features. */
  degree: boolean
  /** Whole-token features for [表情] emoticons. */
  emoticons: boolean
  /** Final-clause features over the last `tail` characters (0 = off). */
  tail?: number
  /** After-contrast features. */
  contrast?: boolean
  /** A text's features are weighted 1 / count^normPower (0.5: L2-normalised; 1: the mean). */
  normPower?: number
}

/** The weight of each feature of a text with n features. */
export function featureWeight(n: number, normPower: number): number {
  if (n <= 0) return 0
  return normPower === 0.5 ? 1 / Math.sqrt(n) : normPower === 1 ? 1 / n : Math.pow(n, -normPower)
}

export const DEFAULT_FEATURES: FeatureOptions = { hashBits: 20, maxN: 3, negationScope: 4, degree: true, emoticons: true, tail: 0, contrast: false, normPower: 0.5 }

/** Feature kinds, recorded per feature for explanations. */
export const enum Kind {
  Gram = 0,
  Negated = 1,
  Degree = 2,
  Emoticon = 3,
  Tail = 4,
  Contrast = 5,
}

const SPACE = 0x20

// Character classes (bit flags), indexed by normalised code unit.
const NEG = 1
const DEG = 2
const SCOPE_END = 4
const CONTRAST = 8
const SENTENCE_END = 16

function pair(s: string): number {
  return (s.charCodeAt(0) << 16) | s.charCodeAt(1)
}
/** Negator + next character pairs that are not negations (非常 = very, 无论 = whatever, 别人 = others …). */
const NOT_NEGATION = new Set(['非常', '无论', '别人', '别的', '不过', '无数', '未来', '莫名', '毋庸', '不少', '没准'].map(pair))
const DEGREE_2 = new Set(['非常', '十分', '特别', '相当', '格外', '极其', '超级', '尤其', '实在', '比较', '有点', '太过'].map(pair))
/** Two-character contrasts whose first character is not itself one (不过 可是 然而 只是 就是). */
const CONTRAST_2 = new Set(['不过', '可是', '然而', '只是', '就是'].map(pair))

/** Folds one UTF-16 code unit: width, case, digits, punctuation, whitespace. */
function foldSlow(c: number): number {
  if (c < 0x80) {
    if (c >= 0x41 && c <= 0x5a) return c + 32
    if (c >= 0x30 && c <= 0x39) return 0x30
    if (c <= SPACE || c === 0x7f) return SPACE
    return c
  }
  if (c >= 0xff01 && c <= 0xff5e) return foldSlow(c - 0xfee0)
  switch (c) {
    case 0x3000: // ideographic space
    case 0xa0:
    case 0x200b:
    case 0x200c:
    case 0x200d:
    case 0xfeff:
    case 0x2028:
    case 0x2029:
      return SPACE
    case 0x3002: // 。
    case 0xff61:
    case 0x2026: // …
      return 0x2e
    case 0x3001: // 、
      return 0x2c
    case 0x3010: // 【
    case 0x3014:
      return 0x5b
    case 0x3011: // 】
    case 0x3015:
      return 0x5d
    case 0x201c: // “ ”
    case 0x201d:
      return 0x22
    case 0x2018:
    case 0x2019:
      return 0x27
  }
  return c
}

/** Common emoji and the Weibo alt text with the same meaning (the corpora have the alt text). */
const EMOJI_ALT = new Map<number, string>(
  (
    [
      ['👍', '[赞]'], ['👏', '[鼓掌]'], ['❤', '[心]'], ['💕', '[心]'], ['💖', '[心]'], ['😍', '[色]'], ['🥰', '[爱你]'],
      ['😂', '[笑cry]'], ['🤣', '[笑cry]'], ['😄', '[哈哈]'], ['😁', '[哈哈]'], ['😀', '[哈哈]'], ['😆', '[哈哈]'], ['😊', '[微笑]'], ['☺', '[微笑]'],
      ['🙂', '[微笑]'], ['😭', '[泪]'], ['😢', '[泪]'], ['😿', '[泪]'], ['😡', '[怒]'], ['😠', '[怒]'], ['🤬', '[怒]'], ['💢', '[怒]'], ['😤', '[哼]'],
      ['🙄', '[白眼]'], ['😓', '[汗]'], ['😰', '[汗]'], ['😔', '[失望]'], ['😞', '[失望]'], ['☹', '[失望]'], ['💔', '[伤心]'], ['🤮', '[吐]'],
      ['🙏', '[祈祷]'], ['🌹', '[鲜花]'], ['💪', '[加油]'], ['👎', '[弱]'], ['😒', '[鄙视]'], ['🤔', '[思考]'], ['😱', '[吃惊]'], ['🎉', '[庆祝]'],
    ] as const
  ).map(([e, alt]) => [e.codePointAt(0)!, alt]),
)

const FOLD = new Uint16Array(65536)
const CLS = new Uint8Array(65536)
for (let c = 0; c < 65536; c++) FOLD[c] = foldSlow(c)
for (const ch of '不没无非未别莫勿毋甭') CLS[ch.charCodeAt(0)]! |= NEG
for (const ch of '很太超极最挺蛮巨贼真') CLS[ch.charCodeAt(0)]! |= DEG
for (const ch of ' ,.!?;:()[]~"\'') CLS[ch.charCodeAt(0)]! |= SCOPE_END
for (const ch of '.!?;') CLS[ch.charCodeAt(0)]! |= SENTENCE_END
for (const ch of '但却') CLS[ch.charCodeAt(0)]! |= CONTRAST

function mix(h: number): number {
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h
}

/** Seeds that keep the feature families apart in the hash space. */
const S_UNI = 0x3c6ef372
const S_BI = 0x1b873593
const S_TRI = 0x68e31da4
const S_QUAD = 0x5bd1e995
const S_NEG = 0x27d4eb2f
const S_DEG = 0x165667b1
const S_EMO = 0x7f4a7c15
const S_TAIL1 = 0x2f6b1a3d
const S_TAIL2 = 0x4a7c15f3
const S_CON1 = 0x61c88647
const S_CON2 = 0x0d2b79f5

/** Reusable extractor: one per model. Not re-entrant (JavaScript is single-threaded, so fine). */
export class FeatureExtractor {
  readonly opts: Required<FeatureOptions>
  readonly size: number
  private readonly mask: number
  /** Normalised code units of the current text. */
  codes: Uint16Array
  /** Length of `codes` in use. */
  len = 0
  /** Slot ids of the current text's distinct features. */
  ids: Int32Array
  /** With `track`: start (in `codes`), length and kind of each feature. */
  starts: Int32Array
  lens: Uint8Array
  kinds: Uint8Array
  /** Number of features in `ids`. */
  count = 0
  private track = false
  private stamp: Uint8Array
  private gen = 0

  constructor(opts: FeatureOptions) {
    if (!(opts.hashBits >= 10 && opts.hashBits <= 26) || !(opts.maxN >= 1 && opts.maxN <= 4)) throw new Error(`bad feature options ${JSON.stringify(opts)}`)
    this.opts = { tail: 0, contrast: false, normPower: 0.5, ...opts }
    this.size = 1 << opts.hashBits
    this.mask = this.size - 1
    this.stamp = new Uint8Array(this.size)
    this.codes = new Uint16Array(1024)
    const cap = 4096
    this.ids = new Int32Array(cap)
    this.starts = new Int32Array(cap)
    this.lens = new Uint8Array(cap)
    this.kinds = new Uint8Array(cap)
  }

  /** Normalises `text` into `codes`. */
  private normalise(text: string): void {
    const n = text.length
    if (this.codes.length < n * 3 + 8) this.codes = new Uint16Array(n * 3 + 8) // emoji alt text may be 2.5× its emoji
    const out = this.codes
    let len = 0
    let p1 = SPACE // leading spaces are dropped
    let p2 = -1
    let p3 = -1
    for (let i = 0; i < n; i++) {
      let c = text.charCodeAt(i)
      if (c === 0x68 && text.charCodeAt(i + 1) === 0x74 && (text.startsWith('http://', i) || text.startsWith('https://', i))) {
        // URL: drop up to the next space or non-ASCII character.
        let j = i + 4
        while (j < n) {
          const d = text.charCodeAt(j)
          if (d <= SPACE || d >= 0x80) break
          j++
        }
        i = j - 1
        c = SPACE
      } else if (c === 0x40 || c === 0xff20) {
        // @name: keep "@", drop the name (up to a space, colon or punctuation, at most 30 units).
        let j = i + 1
        const end = Math.min(n, i + 31)
        while (j < end) {
          const d = FOLD[text.charCodeAt(j)]!
          if (d === SPACE || d === 0x3a || d === 0x2c || d === 0x2e || d === 0x2f || d === 0x40 || d === 0x21 || d === 0x3f || d === 0x29 || d === 0x5b) break
          j++
        }
        i = j - 1
        c = 0x40
      } else if (c === 0xfe0f) continue // emoji variation selector
      else if ((c >= 0xd800 && c <= 0xdbff) || EMOJI_ALT.has(c)) {
        // Emoji: the common ones become their Weibo alt text (👍 → [赞]), which the corpora teach.
        const lo = text.charCodeAt(i + 1)
        const cp = c >= 0xd800 && lo >= 0xdc00 && lo <= 0xdfff ? ((c - 0xd800) << 10) + (lo - 0xdc00) + 0x10000 : c
        const alt = EMOJI_ALT.get(cp)
        if (alt !== undefined) {
          if (cp > 0xffff) i++
          for (let k = 0; k < alt.length; k++) {
            out[len++] = alt.charCodeAt(k)
            p3 = p2
            p2 = p1
            p1 = alt.charCodeAt(k)
          }
          continue
        }
      } else c = FOLD[c]!
      if (c === p1 && (c === SPACE || (c === p2 && c === p3))) continue // one space; a 4th repeat and beyond
      out[len++] = c
      p3 = p2
      p2 = p1
      p1 = c
    }
    if (len > 0 && out[len - 1] === SPACE) len--
    this.len = len
  }

  private grow(): void {
    const cap = this.ids.length * 2
    const ids = new Int32Array(cap)
    ids.set(this.ids)
    this.ids = ids
    const starts = new Int32Array(cap)
    starts.set(this.starts)
    this.starts = starts
    const lens = new Uint8Array(cap)
    lens.set(this.lens)
    this.lens = lens
    const kinds = new Uint8Array(cap)
    kinds.set(this.kinds)
    this.kinds = kinds
  }

  /** Adds a feature unless the text already has it. */
  private add(h: number, start: number, length: number, kind: number): void {
    const id = h & this.mask
    if (this.stamp[id] === this.gen) return
    this.stamp[id] = this.gen
    if (this.count === this.ids.length) this.grow()
    const k = this.count++
    this.ids[k] = id
    if (this.track) {
      this.starts[k] = start
      this.lens[k] = length
      this.kinds[k] = kind
    }
  }

  /**
   * Extracts the features of `text` into `ids[0..count)`; returns `count`. With `track`, also
   * records where each came from (for `term`).
   */
  extract(text: string, track = false): number {
    this.normalise(text)
    this.track = track
    if (++this.gen === 256) {
      this.stamp.fill(0)
      this.gen = 1
    }
    this.count = 0
    const c = this.codes
    const len = this.len
    const { maxN, negationScope: negScope, degree, emoticons, tail, contrast } = this.opts
    const tailFrom = tail > 0 ? Math.max(0, len - tail) : len
    let negLeft = 0 // characters of negation scope left
    let degLeft = 0
    let conLeft = 0
    let prev = -1
    for (let i = 0; i < len; i++) {
      const c0 = c[i]!
      const cls = CLS[c0]!
      // character n-grams ending at i
      if (c0 !== SPACE) this.add(mix(c0 ^ S_UNI), i, 1, Kind.Gram)
      let hb = 0
      if (prev >= 0) {
        hb = mix(((prev << 16) | c0) ^ S_BI)
        if (maxN >= 2) this.add(hb, i - 1, 2, Kind.Gram)
        if (maxN >= 3 && i >= 2) {
          const ht = mix(Math.imul(hb, 0x9e3779b1) ^ c[i - 2]! ^ S_TRI)
          this.add(ht, i - 2, 3, Kind.Gram)
          if (maxN >= 4 && i >= 3) this.add(mix(Math.imul(ht, 0x9e3779b1) ^ c[i - 3]! ^ S_QUAD), i - 3, 4, Kind.Gram)
        }
      }
      // negation and degree scopes
      if (negLeft > 0) {
        if (cls & SCOPE_END) negLeft = 0
        else {
          this.add(mix(c0 ^ S_NEG), i, 1, Kind.Negated)
          negLeft--
        }
      }
      if (degLeft > 0) {
        if (cls & SCOPE_END) degLeft = 0
        else {
          this.add(mix(c0 ^ S_DEG), i, 1, Kind.Degree)
          degLeft--
        }
      }
      if (cls & NEG && negScope > 0) {
        const next = i + 1 < len ? c[i + 1]! : 0
        if (!NOT_NEGATION.has((c0 << 16) | next)) negLeft = negLeft > 0 ? 0 : negScope
      }
      if (degree && (cls & DEG || (prev >= 0 && DEGREE_2.has((prev << 16) | c0)))) degLeft = 2
      // final clause, and the clause after a contrast
      if (i >= tailFrom && c0 !== SPACE) {
        this.add(mix(c0 ^ S_TAIL1), i, 1, Kind.Tail)
        if (prev >= 0 && i > tailFrom) this.add(mix(hb ^ S_TAIL2), i - 1, 2, Kind.Tail)
      }
      if (contrast) {
        if (conLeft > 0) {
          if (cls & SENTENCE_END) conLeft = 0
          else {
            conLeft--
            this.add(mix(c0 ^ S_CON1), i, 1, Kind.Contrast)
            if (prev >= 0 && !(CLS[prev]! & CONTRAST)) this.add(mix(hb ^ S_CON2), i - 1, 2, Kind.Contrast)
          }
        }
        if (cls & CONTRAST || (prev >= 0 && CONTRAST_2.has((prev << 16) | c0))) conLeft = 24
      }
      // [表情]
      if (emoticons && c0 === 0x5b) {
        let j = i + 1
        const end = Math.min(len, i + 9)
        while (j < end && c[j] !== 0x5d && c[j] !== 0x5b && c[j] !== SPACE) j++
        if (j < end && c[j] === 0x5d && j > i + 1) {
          let h: number = S_EMO
          for (let k = i + 1; k < j; k++) h = mix(Math.imul(h, 0x9e3779b1) ^ c[k]!)
          this.add(h, i, j - i + 1, Kind.Emoticon)
        }
      }
      prev = c0
    }
    return this.count
  }

  /** The readable term of feature k of the current text (after `extract(text, true)`). */
  term(k: number): string {
    let s = this.starts[k]!
    let e = s + this.lens[k]!
    // Never show half an emoji: widen to whole surrogate pairs.
    if (s > 0 && this.codes[s]! >= 0xdc00 && this.codes[s]! <= 0xdfff) s--
    if (e < this.len && this.codes[e - 1]! >= 0xd800 && this.codes[e - 1]! <= 0xdbff) e++
    const t = codesToString(this.codes, s, e)
    switch (this.kinds[k]) {
      case Kind.Negated:
        return `¬${t}`
      case Kind.Degree:
        return `↑${t}`
      case Kind.Tail:
        return `…${t}`
      case Kind.Contrast:
        return `但…${t}`
      default:
        return t
    }
  }
}

function codesToString(codes: Uint16Array, from: number, to: number): string {
  let out = ''
  for (let i = from; i < to; i += 4096) out += String.fromCharCode(...codes.subarray(i, Math.min(to, i + 4096)))
  return out
}

/** The normalised text as the model sees it (for debugging and tests). */
export function normaliseText(text: string): string {
  const fx = new FeatureExtractor({ ...DEFAULT_FEATURES, hashBits: 10 })
  fx.extract(text)
  return codesToString(fx.codes, 0, fx.len)
}
