/**
 * Per-text TF-IDF keywords (src/nlp/keywords.ts) with a small IDF table, so every weight can be
 * checked by hand: candidates, case folding, ranking, rounding, and that one call's counts never
 * leak into the next (the extractor caches per-token facts across calls).
 */
import { describe, expect, it } from 'vitest'
import { KeywordExtractor, mergeKeywords } from '../../src/nlp/keywords.js'

const IDF = new Map<string, number>([
  ['地铁', 6],
  ['积水', 9],
  ['宝安', 8],
  ['iphone', 7],
  ['城管', 10],
])
const idf = { get: (w: string) => IDF.get(w), median: 5 }

describe('KeywordExtractor', () => {
  it('scores term frequency × IDF over the candidate tokens, best first, weights to 3 decimals', () => {
    const kw = new KeywordExtractor(idf, ['的'])
    // Candidates: 地铁 ×2, 积水, 新词 (median IDF) → n = 4.
    const got = kw.extract(['地铁', '的', '积水', '地铁', '新词', '。'], 5)
    expect(got).toEqual([
      { word: '地铁', weight: 3 }, // 2/4 × 6
      { word: '积水', weight: 2.25 }, // 1/4 × 9
      { word: '新词', weight: 1.25 }, // 1/4 × median 5
    ])
    expect(kw.extract(['积水', '城管', '宝安'], 5).map((k) => k.weight)).toEqual([3.333, 3, 2.667])
  })

  it('drops stop words, domain stop words, one-character tokens, markup and tokens without a letter', () => {
    const kw = new KeywordExtractor(idf, ['我们'])
    const tokens = ['我们', '转发微博', '网页链接', '好', '@深圳宝安发布', '#深圳身边事#', '[怒]', '2024', '!!', '积水']
    expect(kw.extract(tokens, 5)).toEqual([{ word: '积水', weight: 9 }])
    expect(kw.candidate('积水')).toBe(true)
    expect(kw.candidate('[赞]')).toBe(false)
    expect(kw.extract(['的', '好', '2024'], 5)).toEqual([])
  })

  it('folds case, so iPhone and iphone are one word', () => {
    const kw = new KeywordExtractor(idf, [])
    expect(kw.extract(['iPhone', 'iphone', 'IPHONE', '积水'], 5)).toEqual([
      { word: 'iphone', weight: 5.25 }, // 3/4 × 7
      { word: '积水', weight: 2.25 },
    ])
  })

  it('keeps the top N, breaking ties by word', () => {
    const kw = new KeywordExtractor({ get: () => 1, median: 1 }, [])
    expect(kw.extract(['丙丙', '甲甲', '乙乙', '甲甲'], 2).map((k) => k.word)).toEqual(['甲甲', '丙丙'])
  })

  it('counts each call on its own, however often a word was seen before', () => {
    const kw = new KeywordExtractor(idf, [])
    for (let i = 0; i < 50; i++) kw.extract(['地铁', '地铁', '积水'], 5)
    expect(kw.extract(['积水', '地铁'], 5)).toEqual([
      { word: '积水', weight: 4.5 },
      { word: '地铁', weight: 3 },
    ])
  })
})

describe('mergeKeywords', () => {
  it('sums weights across mentions and leaves out excluded words (a region’s own names)', () => {
    const lists = [
      [{ word: '宝安', weight: 2 }, { word: '地铁', weight: 1.5 }],
      [{ word: '地铁', weight: 1 }, { word: '积水', weight: 2 }],
    ]
    expect(mergeKeywords(lists, 10, new Set(['宝安']))).toEqual([
      { word: '地铁', weight: 2.5 },
      { word: '积水', weight: 2 },
    ])
  })
})
