/**
 * The bigram tokenizer and search-term compiler (src/store/fts-tokens.ts), and the search they
 * give through the store: the index keeps no positions, so adjacency is checked on candidates,
 * and the result must equal plain substring search.
 */
import { describe, expect, it } from 'vitest'
import { NFKC_SAFE, compileTerm, indexTokens, normaliseForIndex, termMatches, tokensHoldTerm } from '../../src/store/fts-tokens.js'
import { SqliteStore } from '../../src/store/sqlite.js'
import { prng } from '../helpers/generate.js'

describe('indexTokens', () => {
  it('turns CJK runs into overlapping bigrams plus the run-final character', () => {
    expect(indexTokens('宝安区')).toBe('宝安 安区 区')
    expect(indexTokens('宝')).toBe('宝')
    expect(indexTokens('宝安，南山')).toBe('宝安 安 南山 山')
  })
  it('keeps letters and digits as one lower-case word, full-width as half-width', () => {
    expect(indexTokens('iPhone15发布')).toBe('iphone15 发布 布')
    expect(indexTokens('ＡＢＣ新闻')).toBe('abc 新闻 闻')
    expect(indexTokens('地铁11号线')).toBe('地铁 铁 11 号线 线')
    expect(indexTokens('İ2')).toBe('i 2') // İ lower-cases to i + U+0307, which is not a letter
  })
  it('drops zero-width characters and keeps astral CJK whole', () => {
    expect(indexTokens('宝\u200b安')).toBe('宝安 安')
    expect(indexTokens('𠮷野家')).toBe('𠮷野 野家 家')
  })
  it('skips NFKC only where NFKC would not change the tokens (every character of the fast set)', () => {
    const bad: string[] = []
    for (let cp = 0; cp < 0x10000; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue
      const ch = String.fromCharCode(cp)
      if (!NFKC_SAFE.test(ch)) continue
      for (const ctx of [`宝${ch}安`, `a${ch}b`, `${ch}`, `1${ch}`]) {
        const slow = indexTokens(ctx.normalize('NFKC') + '\u00e9').replace(/ ?é$/, '')
        const fast = indexTokens(ctx)
        if (fast !== slow) bad.push(`U+${cp.toString(16)} in ${JSON.stringify(ctx)}: ${fast} vs ${slow}`)
      }
    }
    expect(bad).toEqual([])
  })
  it('normalises full-width letters and compatibility ideographs', () => {
    expect(normaliseForIndex('ｉＰｈｏｎｅ')).toBe('iPhone')
    expect(normaliseForIndex('\uf900')).toBe('\u8c48')
  })
})

describe('compileTerm', () => {
  it('answers a 2-character word with one index token and no adjacency check', () => {
    expect(compileTerm('宝安')).toMatchObject({ fts: '"宝安"', tokens: ['宝安'], prefix: false })
  })
  it('needs every bigram of a longer word, adjacent', () => {
    const t = compileTerm('宝安区')!
    expect(t.fts).toBe('("宝安" AND "安区")')
    expect(tokensHoldTerm(indexTokens('深圳市宝安区'), t)).toBe(true)
    expect(tokensHoldTerm(indexTokens('宝安，安区'), t)).toBe(false)
  })
  it('checks a CJK-only term by substring, with the same answers as the token check', () => {
    const rnd = prng(9)
    const pick = (a: string[]) => a[Math.floor(rnd() * a.length)]!
    const alphabet = ['宝', '安', '区', '，', ' ', 'a', '\u200b', '１']
    for (let i = 0; i < 3000; i++) {
      const text = Array.from({ length: Math.floor(rnd() * 12) }, () => pick(alphabet)).join('')
      const term = compileTerm(Array.from({ length: 3 + Math.floor(rnd() * 3) }, () => pick(['宝', '安', '区'])).join(''))!
      expect(term.chars).toBeDefined()
      expect(termMatches(null, text, term), `${term.chars} in ${JSON.stringify(text)}`).toBe(tokensHoldTerm(indexTokens(text), term))
    }
    expect(compileTerm('3号')!.chars).toBeUndefined()
    expect(compileTerm('宝安 区')!.chars).toBeUndefined()
  })
  it('matches a final single character as a prefix (3号 in 3号线)', () => {
    const t = compileTerm('3号')!
    expect(t).toMatchObject({ tokens: ['3', '号'], prefix: true })
    expect(tokensHoldTerm(indexTokens('地铁3号线'), t)).toBe(true)
    expect(tokensHoldTerm(indexTokens('地铁13号线'), t)).toBe(false)
    expect(compileTerm('宝')).toEqual({ fts: '"宝" *', tokens: ['宝'], prefix: true })
  })
  it('returns null for punctuation only and never emits FTS5 syntax from user input', () => {
    expect(compileTerm('，。！')).toBeNull()
    expect(compileTerm('"*()')).toBeNull()
    expect(compileTerm('宝安"OR"南山')!.fts).toMatch(/^\("宝安" AND "安" AND "or" AND "南山"\)$/)
  })
})

describe('search equals substring search (random texts through the store)', () => {
  it('finds exactly the mentions whose title or text contains every CJK term', () => {
    const rnd = prng(11)
    const alphabet = ['宝', '安', '区', '南', '山', '西', '乡', '，', ' ', '宝安', '安区']
    const pick = () => alphabet[Math.floor(rnd() * alphabet.length)]!
    const make = (n: number) => Array.from({ length: n }, pick).join('')
    const s = SqliteStore.open(':memory:')
    const docs = Array.from({ length: 400 }, (_, i) => ({ id: String(i + 1), title: rnd() < 0.3 ? make(4) : null, text: make(3 + Math.floor(rnd() * 12)) }))
    s.upsertMentions(
      docs.map((d) => ({
        source: 'weibo',
        platformId: d.id,
        url: null,
        title: d.title,
        text: d.text.trim() || '空',
        authorId: null,
        authorName: null,
        authorFollowers: null,
        authorVerified: null,
        publishedAt: new Date('2026-11-01T00:00:00Z'),
        publishedRaw: null,
        reposts: null,
        comments: null,
        likes: null,
        extra: null,
        raw: null,
      })),
    )
    const cjk = ['宝', '安', '区', '南', '山', '西', '乡']
    let checked = 0
    for (let k = 0; k < 300; k++) {
      const terms = Array.from({ length: 1 + Math.floor(rnd() * 2) }, () =>
        Array.from({ length: 1 + Math.floor(rnd() * 4) }, () => cjk[Math.floor(rnd() * cjk.length)]).join(''),
      )
      const query = terms.join(' ')
      const truth = docs
        .filter((d) => terms.every((t) => (d.title ?? '').includes(t) || (d.text.trim() || '空').includes(t)))
        .map((d) => Number(d.id))
        .sort((a, b) => a - b)
      const got = s
        .searchIds(query, 10_000)
        .map((id) => Number((s.db.prepare('select platform_id from mentions where id = ?').get(id) as { platform_id: string }).platform_id))
        .sort((a, b) => a - b)
      expect(got, query).toEqual(truth)
      if (truth.length) checked++
    }
    expect(checked).toBeGreaterThan(50)
    s.close()
  })

  it('finds a term whose raw text differs from its normal form (zero-width inside, compatibility ideograph)', () => {
    const s = SqliteStore.open(':memory:')
    const base = { source: 'weibo', url: null, title: null, authorId: null, authorName: null, authorFollowers: null, authorVerified: null, publishedAt: new Date('2026-11-01T00:00:00Z'), publishedRaw: null, reposts: null, comments: null, likes: null, extra: null, raw: null }
    s.upsertMentions([
      { ...base, platformId: '1', text: '宝\u200b安区西乡' },
      { ...base, platformId: '2', text: '\uf900山区的路' },
      { ...base, platformId: '3', text: '宝安，区西乡' },
    ])
    const pid = (q: string) => s.searchIds(q).map((id) => (s.db.prepare('select platform_id from mentions where id = ?').get(id) as { platform_id: string }).platform_id)
    expect(pid('宝安区')).toEqual(['1'])
    expect(pid('\u8c48山区')).toEqual(['2'])
    expect(pid('区西乡')).toEqual(['3', '1'])
    s.close()
  })
})

describe('indexTokens against a reference tokenizer', () => {
  // The scheme in its plainest form (runs, then bigrams), as an oracle for the one-pass version.
  const isCjkChar = (c: string) => /[\u4e00-\u9fff\u3400-\u4dbf\u{20000}-\u{323af}\uf900-\ufaff\u3007\u3040-\u30ff\u31f0-\u31ff\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]/u.test(c)
  const isWord = (c: string) => /[\p{L}\p{N}]/u.test(c)
  function reference(text: string): string {
    const chars = Array.from(text.normalize('NFKC').replace(/[\u200b-\u200f\u2060-\u2064\ufeff]/g, '').toLowerCase())
    const out: string[] = []
    let run: string[] = []
    let word = ''
    const endRun = () => {
      for (let i = 0; i + 1 < run.length; i++) out.push(run[i]! + run[i + 1]!)
      if (run.length) out.push(run[run.length - 1]!)
      run = []
    }
    const endWord = () => {
      if (word) out.push(word)
      word = ''
    }
    for (const c of chars) {
      if (isCjkChar(c)) {
        endWord()
        run.push(c)
      } else if (isWord(c)) {
        endRun()
        word += c
      } else {
        endRun()
        endWord()
      }
    }
    endRun()
    endWord()
    return out.join(' ')
  }

  it('gives the same tokens on random mixed text', () => {
    const rnd = prng(3)
    const pieces = ['宝', '安', '区', '𠮷', 'A', 'b', 'Z', '9', 'İ', 'Ä', 'ß', ' ', '，', '!', 'ｉ', '１', '\u200b', 'é', 'e\u0301', '가', 'カ', 'ｶ', '々', '😀', '\uf900']
    for (let i = 0; i < 5000; i++) {
      let s = ''
      const n = Math.floor(rnd() * 20)
      for (let k = 0; k < n; k++) s += pieces[Math.floor(rnd() * pieces.length)]
      expect(indexTokens(s), JSON.stringify(s)).toBe(reference(s))
    }
    expect(indexTokens('x'.repeat(50_000) + ' 宝安'.repeat(20_000)).length).toBe(50_000 + 1 + '宝安 安'.length * 20_000 + 19_999)
  })
})
