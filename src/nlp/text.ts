/**
 * Text preparation for analysis: normalisation (NFKC, zero-width characters) and Weibo-aware
 * tokenisation around a segmenter. Pure: the segmenter (jieba's `cut`) is passed in.
 *
 * Weibo markup becomes single tokens instead of being split by jieba:
 *   [哈哈] [怒]       emoji alt text, kept as `[哈哈]`
 *   #深圳身边事#       a hashtag: the `#…#` token, then the words inside it
 *   @深圳宝安发布      a mention: `@深圳宝安发布`
 *   http://t.cn/…     URLs are dropped (counted)
 */
import { normaliseText } from '../core/text.js'

export { normaliseText }

export interface Tokenized {
  /** The normalised text every analysis step reads (NFKC, no zero-width characters). */
  text: string
  /** Tokens in order; whitespace dropped. Markup tokens as described above. */
  tokens: string[]
  /**
   * Per token, its start offset in `text` (tokens from jieba keep every character, so offsets
   * are exact; a hashtag's inner words follow its `#…#` token with their own offsets).
   */
  starts: number[]
  /**
   * `text` with @mentions and URLs blanked out (same length, so offsets hold): what region
   * attribution reads. @深圳宝安发布 names an account, not a place the text is about.
   */
  placeText: string
  hashtags: string[]
  mentions: string[]
  emoji: string[]
  urls: number
}

const MARKUP = /(https?:\/\/[\x21-\x7e]+)|(#[^#\n\r]{1,40}#)|(@[\p{L}\p{N}_-]{1,30})|(\[[\p{L}\p{N}]{1,8}\])/gu
const SPACE = /^\s+$/

/** Splits text into tokens; `cut` segments plain Chinese text (jieba's precise mode). */
export function tokenize(raw: string, cut: (s: string) => string[]): Tokenized {
  const text = normaliseText(raw)
  const out: Tokenized = { text, placeText: text, tokens: [], starts: [], hashtags: [], mentions: [], emoji: [], urls: 0 }
  let blanks: Array<[number, number]> | undefined
  const plain = (from: number, to: number) => {
    if (to <= from) return
    let at = from
    for (const t of cut(text.slice(from, to))) {
      if (!SPACE.test(t)) {
        out.tokens.push(t)
        out.starts.push(at)
      }
      at += t.length
    }
  }
  let last = 0
  MARKUP.lastIndex = 0
  for (let m = MARKUP.exec(text); m; m = MARKUP.exec(text)) {
    plain(last, m.index)
    const s = m[0]
    if (m[1] || m[3]) (blanks ??= []).push([m.index, m.index + s.length])
    if (m[1]) out.urls++
    else {
      out.tokens.push(s)
      out.starts.push(m.index)
      if (m[2]) {
        out.hashtags.push(s)
        plain(m.index + 1, m.index + s.length - 1)
      } else if (m[3]) out.mentions.push(s)
      else out.emoji.push(s)
    }
    last = m.index + s.length
  }
  plain(last, text.length)
  if (blanks) {
    let t = ''
    let at = 0
    for (const [a, b] of blanks) {
      t += text.slice(at, a) + ' '.repeat(b - a)
      at = b
    }
    out.placeText = t + text.slice(at)
  }
  return out
}
