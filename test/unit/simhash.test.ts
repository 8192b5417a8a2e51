/** Near-duplicate fingerprints and the clustering index (src/nlp/simhash.ts; docs/simhash.md). */
import { beforeAll, describe, expect, it } from 'vitest'
import { jiebaModule } from '../../src/nlp/jieba.js'
import { tokenize } from '../../src/nlp/text.js'
import {
  MIN_SIMHASH_CHARS,
  NEAR_DUPLICATE_THRESHOLD as K,
  NearDuplicateIndex,
  cleanTokens,
  exactHash64,
  featureHash64,
  fingerprintText,
  fromHex,
  hamming,
  simhash64,
  toHex,
  type Fingerprint,
} from '../../src/nlp/simhash.js'
import { prng } from '../helpers/generate.js'
import { constructPairs } from '../../scripts/measure-simhash.js'

let cut: (s: string) => string[]
beforeAll(() => {
  const j = jiebaModule()
  cut = (s) => j.cut(s)
})
const fp = (s: string): Fingerprint | null => fingerprintText(cut(s))
const dist = (a: string, b: string): number => {
  const x = fp(a)
  const y = fp(b)
  if (x === null || y === null) throw new Error(`no fingerprint: ${x === null ? a : b}`)
  return hamming(x, y)
}
const rand64 = (r: () => number): bigint => (BigInt(Math.floor(r() * 2 ** 32)) << 32n) | BigInt(Math.floor(r() * 2 ** 32))
const flip = (h: bigint, n: number, r: () => number): bigint => {
  for (let i = 0; i < n; i++) h ^= 1n << BigInt(Math.floor(r() * 64))
  return h
}

// ---------------------------------------------------------------------------------------------
// Material: one Weibo post, one news article, and stories built from the same templates.

const POST =
  '宝安区西乡街道宝安大道和创业路路口今天早上发生一起交通事故，一辆泥头车和一辆小轿车相撞，已有交警到场处置，现场有很多人围观，希望没有人受伤。大家出门注意安全！'
const TITLE = '宝安区召开安全生产工作会议'
const PARAS = [
  '11月25日上午，宝安区安全生产工作会议在区政府召开，区长王建国出席会议并讲话，副区长李明主持会议。',
  '会议通报了宝安区今年以来安全生产形势，全区共排查隐患3250处，已整改3116处，整改率达95.9%。',
  '王建国强调，要聚焦电子厂、物流仓库等重点企业，深入开展隐患排查整治，坚决遏制重特大事故发生。',
  '会议要求，区应急管理局要会同各街道加强执法检查，对违法违规行为依法从严查处，形成有力震慑。',
  '会上，西乡街道、区住房和建设局等单位作了交流发言，分享了安全生产工作的经验做法。',
  '会议强调，要加强应急值守，严格落实领导带班和24小时值班制度，确保信息畅通、反应迅速。',
  '据悉，宝安区将在12月20日前完成对全区580家重点企业的全覆盖检查。',
]
const article = (title: string, paras: string[]) => [title, ...paras].join('\n')
const NEWS = article(TITLE, PARAS)

/** Near-duplicates of POST and NEWS, one of each kind the measurement constructs. */
const NEAR: Array<[string, string, string]> = [
  ['repost 转发微博', POST, `转发微博//@深圳小王子:${POST}`],
  ['repost chain with comments', POST, `说得对//@吃瓜群众007:太吓人了[怒]//@宝安热心市民:${POST}`],
  ['two reposts of one chain', `顶//@南山阿强:求扩散//@宝安热心市民:${POST}`, `转发微博//@一只大胖橘:${POST}`],
  ['emoji, hashtag, URL, mention added', POST, `@深圳宝安发布 ${POST}[赞][赞] #深圳身边事# http://t.cn/A6xYz12b`],
  ['copy-paste, half-width punctuation and a word changed', POST, '【转】' + POST.replace(/，/g, ',').replace('发生', '出现')],
  ['news: another site header and footer', NEWS, article(TITLE, ['来源：南方日报 2026-11-25 08:30', '本报讯（记者 张三）', ...PARAS, '责任编辑：李四', '【纠错】 【责任编辑：王五】'])],
  ['news: title changed', NEWS, article('宝安区部署2026年安全生产重点工作', PARAS)],
  ['news: a paragraph dropped', NEWS, article(TITLE, PARAS.filter((_, i) => i !== 4))],
  ['news: paragraphs reordered', NEWS, article(TITLE, [PARAS[0]!, PARAS[2]!, PARAS[1]!, ...PARAS.slice(3)])],
  ['news: full-width forms', NEWS, NEWS.replace(/[0-9%]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)).replace(/，/g, ',')],
  ['news: a few characters changed', NEWS, NEWS.replace('开展', '进行').replace('依法', '依规').replace('區', '区').replace('发生', '發生')],
]

/** Different stories: the same templates re-filled, the same topic by other people. */
const APART: Array<[string, string, string]> = [
  ['same sentence, other district and street', '宝安区西乡街道发生一起交通事故，一辆泥头车和一辆小轿车相撞，已有交警到场处置', '龙岗区横岗街道发生一起交通事故，一辆泥头车和一辆小轿车相撞，已有交警到场处置'],
  ['same post template, other place and time', POST, POST.replace('宝安区西乡街道宝安大道和创业路', '南山区粤海街道深南大道和科技园路').replace('今天早上', '昨晚')],
  ['same event, another person', POST, '刚路过宝安大道创业路交叉口，泥头车把小轿车撞了，地上一大滩玻璃，交警在拍照，堵了很久，大家绕行吧'],
  [
    'news from the same template, another district',
    NEWS,
    article(
      '龙岗区召开安全生产工作会议',
      PARAS.map((p) =>
        p
          .replace(/宝安区/g, '龙岗区')
          .replace(/王建国/g, '陈志强')
          .replace('李明', '黄海燕')
          .replace('11月25日', '12月3日')
          .replace('3250', '4120')
          .replace('3116', '3877')
          .replace('95.9', '94.1')
          .replace('西乡街道', '横岗街道')
          .replace('12月20日', '1月15日')
          .replace('580', '730'),
      ),
    ),
  ],
  ['short: same words, other district', '宝安地铁又堵了', '南山地铁又堵了'],
  ['short: other reaction', '太好了，支持宝安', '太难了，支持宝安'],
]

describe('fingerprints', () => {
  it('gives identical texts distance 0, and the same value on every call', () => {
    expect(dist(POST, POST)).toBe(0)
    expect(dist(NEWS, NEWS)).toBe(0)
    const a = fp(POST)
    fp(NEWS) // scratch state from another text must not leak
    expect(fp(POST)).toBe(a)
  })

  it.each(NEAR)('folds %s (distance ≤ k)', (_, a, b) => {
    expect(dist(a, b)).toBeLessThanOrEqual(K)
  })

  it.each(APART)('keeps apart %s (distance > k)', (_, a, b) => {
    expect(dist(a, b)).toBeGreaterThan(K)
  })

  it('folds short texts only when they clean to the same tokens', () => {
    expect(dist('宝安地铁又堵了', '转发微博//@吃瓜群众007:宝安地铁又堵了！！[怒]')).toBe(0)
    expect(dist('宝安地铁又堵了', '@深圳地铁 宝安地铁又堵了 http://t.cn/A6abcd')).toBe(0)
    expect(dist('宝安地铁又堵了', '宝安地铁今天又堵了')).toBeGreaterThan(K)
    // an exact hash, not a SimHash, below MIN_SIMHASH_CHARS cleaned characters
    const short = cleanTokens(cut('宝安地铁又堵了'))
    expect(short.join('').length).toBeLessThan(MIN_SIMHASH_CHARS)
    expect(fp('宝安地铁又堵了')).toBe(exactHash64(short))
  })

  it('has no fingerprint for texts with no content left', () => {
    for (const s of ['转发微博', '[赞][赞][赞]', '//@深圳小王子:', 'http://t.cn/A6xYz12b', '？？？！！', ''])
      expect(fingerprintText(cut(s)), s).toBeNull()
  })

  it('keeps #hashtags# when the text without them is short', () => {
    expect(fp('#宝安区暴雨# 好大的雨')).not.toBe(fp('#龙岗区暴雨# 好大的雨'))
    const long = '今天下午宝安区突降暴雨，西乡街道多条道路积水严重，车辆行驶缓慢，请大家注意出行安全'
    expect(dist(long, `#深圳身边事# ${long} #宝安#`)).toBe(0)
  })
})

describe('the constructed pairs (scripts/measure-simhash.ts, another seed)', () => {
  it('folds every near-duplicate kind and keeps the hard negatives apart at the chosen threshold', () => {
    const pairs = constructPairs(100, 7)
    const share = new Map<string, { positive: boolean; n: number; folded: number }>()
    let pos = 0
    let posFolded = 0
    let neg = 0
    let negFolded = 0
    for (const p of pairs) {
      if (p.kind.group === 'extra') continue // informational kinds (a digest, a long comment)
      const x = fingerprintText(p.a)
      const y = fingerprintText(p.b)
      const folded = x !== null && y !== null && hamming(x, y) <= K
      const s = share.get(p.kind.name) ?? { positive: p.kind.positive, n: 0, folded: 0 }
      s.n++
      if (folded) s.folded++
      share.set(p.kind.name, s)
      if (p.kind.positive) {
        pos++
        if (folded) posFolded++
      } else {
        neg++
        if (folded) negFolded++
      }
    }
    for (const [name, s] of share) {
      const rate = s.folded / s.n
      if (s.positive) expect(rate, name).toBeGreaterThanOrEqual(/^repost/.test(name) ? 1 : 0.7)
      else expect(rate, name).toBeLessThanOrEqual(0.03)
    }
    expect(posFolded / pos).toBeGreaterThan(0.9) // measured 0.94 (docs/simhash.md)
    expect(negFolded / neg).toBeLessThan(0.01) // measured 0.001
  })
})

describe("the pipeline's tokens (src/nlp/text.ts tokenize: markup as single tokens, no whitespace)", () => {
  const tk = (s: string) => tokenize(s, cut)
  const withSource = (s: string) => {
    const t = tk(s)
    return fingerprintText(t.tokens, { text: t.text, starts: t.starts })
  }
  it('cleans to the same words as the raw cut', () => {
    const s = '说得对//@深圳小王子: 转发微博 @深圳宝安发布 看看[赞][赞] #深圳身边事# http://t.cn/A6xYz12b 宝安区西乡街道发生交通事故'
    const want = cleanTokens(cut(s)).join(' ')
    const t = tk(s)
    expect(cleanTokens(t.tokens, {}, { text: t.text, starts: t.starts }).join(' ')).toBe(want)
    expect(cleanTokens(t.tokens).join(' ')).toBe(want)
  })
  it('does not let an @name token swallow the words after it', () => {
    const t = tk('@深圳宝安发布 看看这个事故')
    expect(cleanTokens(t.tokens).join(' ')).toBe('看看 事故')
  })
  it('counts a hashtag once, or drops it with its words', () => {
    const t = tk('#宝安区暴雨# 宝安区突降暴雨')
    expect(cleanTokens(t.tokens, { dropHashtags: false }).join(' ')).toBe('宝安区 暴雨 宝安区 突降 暴雨')
    expect(cleanTokens(t.tokens, { dropHashtags: true }).join(' ')).toBe('宝安区 突降 暴雨')
    expect(cleanTokens(t.tokens, { dropHashtags: true }, { text: t.text, starts: t.starts }).join(' ')).toBe('宝安区 突降 暴雨')
  })
  it.each(NEAR)('folds %s', (_, a, b) => {
    expect(hamming(withSource(a)!, withSource(b)!)).toBeLessThanOrEqual(K)
  })
  it.each(APART)('keeps apart %s', (_, a, b) => {
    expect(hamming(withSource(a)!, withSource(b)!)).toBeGreaterThan(K)
  })
})

describe('cleanTokens', () => {
  const clean = (s: string) => cleanTokens(cut(s)).join(' ')
  it('drops Weibo markup and keeps the words', () => {
    expect(clean('说得对//@深圳小王子: 转发微博 //@宝安发布:太好了[赞][赞] http://t.cn/A6xYz12b 西乡街道发生交通事故')).toBe('太好了 西乡 街道 发生 交通事故')
    expect(clean('回复@李四_2019:你说得对 @深圳宝安发布 看看')).toBe('说得对 看看')
    expect(clean('展开全文c 网页链接 查看图片')).toBe('')
  })
  it('uses the longest segment of a //@ repost chain', () => {
    expect(clean('顶//@某某:宝安区西乡街道创业路发生交通事故，交警已经到场//@另一人:关注')).toBe('宝安区 西乡 街道 创业 路 发生 交通事故 交警 到场')
  })
  it('drops news bylines, source lines, dates and page furniture', () => {
    expect(clean('来源：人民网-文化频道 2019年06月15日08:18 责任编辑：张三 【纠错】 分享到： 会议强调安全')).toBe('会议 强调 安全')
    expect(clean('（原标题：宝安区召开会议）本报记者 王小明 通讯员 李四 报道')).toBe('报道')
  })
  it('folds full-width forms and case, rejoins letters and digits, drops function words and floods', () => {
    expect(clean('ＩＰｈｏｎｅ１５ Pro 的 价格 是 5999 元')).toBe('iphone15 pro 价格 5999 元')
    expect(clean('哈哈哈哈哈哈哈哈哈哈笑死我了啊啊啊啊')).toBe('笑 死')
  })
})

describe('bits', () => {
  it('round-trips 16 hex digits', () => {
    const r = prng(3)
    for (let i = 0; i < 1000; i++) {
      const h = rand64(r)
      const s = toHex(h)
      expect(s).toMatch(/^[0-9a-f]{16}$/)
      expect(fromHex(s)).toBe(h)
    }
    expect(toHex(0n)).toBe('0000000000000000')
    expect(toHex(0xffffffffffffffffn)).toBe('ffffffffffffffff')
    expect(() => fromHex('abc')).toThrow()
  })

  it('counts differing bits', () => {
    expect(hamming(0n, 0xffffffffffffffffn)).toBe(64)
    expect(hamming(0x8000000000000001n, 1n)).toBe(1)
    const r = prng(4)
    for (let i = 0; i < 200; i++) {
      const a = rand64(r)
      const b = rand64(r)
      expect(hamming(a, b)).toBe([...(a ^ b).toString(2)].filter((c) => c === '1').length)
    }
  })

  it('computes SimHash as the per-bit weighted majority (reference implementation)', () => {
    const reference = (tokens: string[]): bigint => {
      const v = new Array<number>(64).fill(0)
      for (const t of tokens) {
        const h = featureHash64(t)
        for (let b = 0; b < 64; b++) v[b]! += (h >> BigInt(b)) & 1n ? 1 : -1
      }
      let out = 0n
      for (let b = 0; b < 64; b++) if (v[b]! > 0) out |= 1n << BigInt(b)
      return out
    }
    const r = prng(5)
    const vocab = Array.from({ length: 300 }, (_, i) => `词${i}`)
    for (let n of [1, 2, 3, 7, 40, 333, 5000]) {
      const tokens = Array.from({ length: n }, () => vocab[Math.floor(r() ** 2 * vocab.length)]!)
      expect(simhash64(tokens), String(n)).toBe(reference(tokens))
    }
  })

  it('keeps the majority exact past the bit-sliced counters (long texts)', () => {
    // 2^23 + 1000 features overflow the planes once: the float-counter path
    const n = (1 << 23) + 1000
    const tokens = new Array<string>(n)
    const words = ['宝安', '深圳', '地铁', '交通', '事故']
    const counts = [0, 0, 0, 0, 0]
    for (let i = 0; i < n; i++) {
      const w = i % 7 === 0 ? 4 : i % 3
      tokens[i] = words[w]!
      counts[w]!++
    }
    const v = new Array<number>(64).fill(0)
    words.forEach((w, i) => {
      const h = featureHash64(w)
      for (let b = 0; b < 64; b++) v[b]! += ((h >> BigInt(b)) & 1n ? 1 : -1) * counts[i]!
    })
    let want = 0n
    for (let b = 0; b < 64; b++) if (v[b]! > 0) want |= 1n << BigInt(b)
    expect(simhash64(tokens)).toBe(want)
  })
})

describe('NearDuplicateIndex', () => {
  it('clusters a repost chain into one story and keeps different stories apart', () => {
    const idx = new NearDuplicateIndex()
    const stories = [
      [POST, `转发微博//@深圳小王子:${POST}`, `说得对//@吃瓜群众007:太吓人了[怒]//@宝安热心市民:${POST}`, `@深圳宝安发布 ${POST}[赞] #深圳身边事#`],
      [NEWS, article(TITLE, PARAS.filter((_, i) => i !== 4)), article(`【宝安】${TITLE}`, ['来源：深圳新闻网', ...PARAS, '责任编辑：李四'])],
      [APART[0]![2], `转发微博//@南山阿强:${APART[0]![2]}`],
      [APART[1]![2]],
      [APART[2]![2]],
      [APART[3]![2]],
    ]
    let id = 100
    const got: number[][] = stories.map(() => [])
    // interleaved, as a stream
    for (let round = 0; round < 4; round++)
      stories.forEach((texts, s) => {
        if (round < texts.length) got[s]!.push(idx.add(id++, fp(texts[round]!)!))
      })
    for (const clusters of got) expect(new Set(clusters).size).toBe(1)
    expect(new Set(got.map((c) => c[0])).size).toBe(stories.length)
    expect(got[0]![0]).toBe(100) // a story's cluster is its first item's id
  })

  /** The definition, by linear scan: items are (fingerprint, cluster, stamp) in insertion order. */
  class Reference {
    items: Array<{ h: bigint; cluster: number; stamp: number }> = []
    constructor(readonly k: number) {}
    add(id: number, h: bigint, stamp = id): number {
      const j = this.items.find((it) => hamming(it.h, h) <= this.k)
      if (j && j.h === h) {
        j.stamp = Math.max(j.stamp, stamp)
        return j.cluster
      }
      const cluster = j ? j.cluster : id
      this.items.push({ h, cluster, stamp })
      return cluster
    }
    evictBefore(stamp: number): number {
      const before = this.items.length
      this.items = this.items.filter((it) => it.stamp >= stamp)
      return before - this.items.length
    }
  }

  it('finds every item within the threshold (brute force, random fingerprints, every k)', () => {
    const r = prng(11)
    for (let k = 0; k <= 12; k++) {
      const indexes = [new NearDuplicateIndex({ threshold: k })]
      for (const blocks of [2, 3, 4, 6]) {
        try {
          if (blocks !== indexes[0]!.blocks) indexes.push(new NearDuplicateIndex({ threshold: k, blocks }))
        } catch (err) {
          expect(err).toBeInstanceOf(RangeError) // a probe radius would pass 3
        }
      }
      const all: Array<{ h: bigint; cluster: number }> = []
      for (let i = 1; i <= 1500; i++) {
        // fresh values, and near copies of earlier ones at distances around k
        const h = r() < 0.4 || all.length === 0 ? rand64(r) : flip(all[Math.floor(r() * all.length)]!.h, Math.floor(r() * (k + 4)), r)
        const first = all.find((x) => hamming(x.h, h) <= k)
        const want = first ? first.cluster : i
        for (const idx of indexes) expect(idx.add(i, h), `k=${k} blocks=${idx.blocks} item ${i}`).toBe(want)
        all.push({ h, cluster: want })
      }
    }
  })

  it('matches the reference with stamps and eviction', () => {
    const r = prng(12)
    const idx = new NearDuplicateIndex()
    const ref = new Reference(idx.threshold)
    const seen: bigint[] = []
    let day = 0
    for (let i = 1; i <= 20_000; i++) {
      if (i % 1000 === 0) {
        day++
        expect(idx.evictBefore(day - 3)).toBe(ref.evictBefore(day - 3))
        expect(idx.size).toBe(ref.items.length)
      }
      const u = r()
      const h = u < 0.3 || seen.length === 0 ? rand64(r) : u < 0.5 ? seen[seen.length - 1 - Math.floor(r() * Math.min(seen.length, 3000))]! : flip(seen[seen.length - 1 - Math.floor(r() * Math.min(seen.length, 3000))]!, Math.floor(r() * 12), r)
      seen.push(h)
      expect(idx.add(i, h, day), `item ${i}`).toBe(ref.add(i, h, day))
    }
    expect(idx.lookup(seen[seen.length - 1]!)).not.toBeNull()
    expect(idx.evictBefore(Infinity)).toBe(ref.evictBefore(Infinity))
    expect(idx.size).toBe(0)
    expect(idx.lookup(seen[seen.length - 1]!)).toBeNull()
  })

  it('stores identical fingerprints once and keeps the latest stamp', () => {
    const idx = new NearDuplicateIndex()
    const h = 0x0123456789abcdefn
    expect(idx.add(1, h, 10)).toBe(1)
    for (let i = 2; i <= 1000; i++) expect(idx.add(i, h, 10 + i)).toBe(1)
    expect(idx.size).toBe(1)
    expect(idx.evictBefore(500)).toBe(0) // its stamp is now 1010
    expect(idx.add(2000, flip(h, 3, prng(1)), 2000)).toBe(1)
  })

  it('is deterministic and grows past its initial capacity', () => {
    const r0 = prng(20)
    const bases = Array.from({ length: 30_001 }, () => rand64(r0))
    const base = (j: number) => bases[j]!
    const run = () => {
      const r = prng(21)
      const idx = new NearDuplicateIndex()
      const out: number[] = []
      // every fifth item is a near copy (2 bits flipped) of the item before it
      for (let i = 1; i <= 30_000; i++) out.push(idx.add(i, i % 5 === 0 ? flip(base(i - 1), 2, r) : base(i)))
      return { out, size: idx.size, bytes: idx.bytesPerItem() }
    }
    const a = run()
    expect(run()).toEqual(a)
    a.out.forEach((c, i) => expect(c).toBe((i + 1) % 5 === 0 ? i : i + 1))
    expect(a.bytes).toBeLessThan(200)
  })

  it('refuses settings that cannot be probed', () => {
    expect(() => new NearDuplicateIndex({ threshold: -1 })).toThrow(RangeError)
    expect(() => new NearDuplicateIndex({ threshold: 12, blocks: 2 })).toThrow(RangeError)
    expect(new NearDuplicateIndex({ threshold: 8 }).radii).toEqual([2, 2, 2])
  })
})
