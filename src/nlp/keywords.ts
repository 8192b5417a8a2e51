/**
 * Keywords. Per mention: TF-IDF over the tokens the pipeline already has (jieba's IDF table, so
 * no second segmentation: nodejieba's own `extract` would cut the text again and cost as much
 * as the rest of the pipeline). For word clouds over many mentions: TF-IDF sums, or TextRank
 * through nodejieba on the joined texts. Domain stop words drop Weibo and news boilerplate; a
 * region's own names are left out of its cloud (宝安 says nothing about 宝安).
 */
import type { Region } from '../gazetteer/index.js'
import { streetStem } from './userdict.js'

export interface Keyword {
  word: string
  weight: number
}

export interface IdfLookup {
  get(word: string): number | undefined
  readonly median: number
}

/** Weibo and news boilerplate, and words too common in 舆情 text to say anything. */
export const DOMAIN_STOP_WORDS = [
  '转发', '微博', '转发微博', '网页链接', '全文', '展开', '收起', '视频', '图片', '评论', '点赞', '原图', '秒拍', '直播',
  '记者', '报道', '消息', '责任编辑', '编辑', '来源', '通讯员', '日电', '获悉', '据悉', '了解', '表示', '介绍', '指出',
  '进行', '相关', '工作', '开展', '有关', '情况', '问题', '今天', '昨天', '明天', '今年', '目前', '现在', '近日', '日前',
  '大家', '我们', '你们', '他们', '自己', '一个', '这个', '那个', '这样', '那样', '什么', '怎么', '为什么', '还是', '就是',
  '真的', '已经', '可以', '没有', '不是', '知道', '觉得', '感觉', '时候', '一下', '一起', '一些', '还有', '但是', '因为',
  '所以', '如果', '然后', '而且', '以及', '通过', '对于', '其中', '之后', '之前', '以上', '以下', '小时', '分钟',
]

/** A region's own names: full, short, former names, aliases, its prefecture's names, its streets and their stems. */
export function regionOwnNames(r: Region, aliases: readonly string[] = []): Set<string> {
  const names = new Set<string>([r.name, r.shortName, ...r.formerNames, ...r.aliases, ...aliases, r.prefecture.name, r.prefecture.shortName])
  for (const s of r.streets) {
    names.add(s)
    const stem = streetStem(s)
    if (stem) names.add(stem)
  }
  names.delete('')
  return names
}

const HAS_LETTER = /\p{L}/u

/** A token's keyword facts, cached per token string (see `KeywordExtractor.info`). */
interface WordInfo {
  word: string
  idf: number
  /** Scratch for one `extract` call: the call that last counted this word, and its count there. */
  call: number
  count: number
}

/** The cache of token facts is cleared when it grows past this many entries (distinct tokens). */
const INFO_CACHE_MAX = 300_000

export class KeywordExtractor {
  private readonly stop: Set<string>
  /** Token → its keyword facts, or null when it cannot be a keyword. One lookup per token instead of a stop-word test, a regex, lower-casing and an IDF lookup. */
  private readonly cache = new Map<string, WordInfo | null>()
  /** Lower-cased word → facts, so 'iPhone' and 'iphone' count as one word. */
  private readonly byWord = new Map<string, WordInfo>()
  private calls = 0

  constructor(
    private readonly idf: IdfLookup,
    stopWords: Iterable<string>,
  ) {
    this.stop = new Set(stopWords)
    for (const w of DOMAIN_STOP_WORDS) this.stop.add(w)
  }

  /** Whether a token can be a keyword: 2+ characters with a letter, no markup, no stop word. */
  candidate(token: string): boolean {
    if (token.length < 2 || this.stop.has(token)) return false
    const c = token.charCodeAt(0)
    if (c === 64 /* @ */ || c === 35 /* # */ || c === 91 /* [ */) return false
    return HAS_LETTER.test(token)
  }

  private info(token: string): WordInfo | null {
    let info = this.cache.get(token)
    if (info !== undefined) return info
    info = null
    if (this.candidate(token)) {
      const word = token.toLowerCase()
      info = this.byWord.get(word) ?? null
      if (!info) this.byWord.set(word, (info = { word, idf: this.idf.get(word) ?? this.idf.median, call: 0, count: 0 }))
    }
    this.cache.set(token, info)
    return info
  }

  /** TF-IDF keywords of one text's tokens, best first. */
  extract(tokens: readonly string[], top = 5): Keyword[] {
    if (this.cache.size >= INFO_CACHE_MAX) {
      this.cache.clear()
      this.byWord.clear()
    }
    const call = ++this.calls
    const words: WordInfo[] = []
    let n = 0
    for (const t of tokens) {
      const w = this.info(t)
      if (w === null) continue
      if (w.call !== call) {
        w.call = call
        w.count = 0
        words.push(w)
      }
      w.count++
      n++
    }
    if (n === 0) return []
    const scored: Keyword[] = words.map((w) => ({ word: w.word, weight: (w.count / n) * w.idf }))
    scored.sort((a, b) => b.weight - a.weight || (a.word < b.word ? -1 : 1))
    if (scored.length > top) scored.length = top
    for (const k of scored) k.weight = Math.round(k.weight * 1000) / 1000
    return scored
  }
}

/** A word cloud from many mentions' keywords: summed weights, minus excluded words (a region's own names). */
export function mergeKeywords(lists: Iterable<readonly Keyword[]>, top = 50, exclude: ReadonlySet<string> = new Set()): Keyword[] {
  const sum = new Map<string, number>()
  for (const list of lists) for (const k of list) if (!exclude.has(k.word)) sum.set(k.word, (sum.get(k.word) ?? 0) + k.weight)
  return [...sum]
    .map(([word, weight]) => ({ word, weight: Math.round(weight * 1000) / 1000 }))
    .sort((a, b) => b.weight - a.weight || (a.word < b.word ? -1 : 1))
    .slice(0, top)
}
