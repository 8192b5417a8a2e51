/**
 * The sentiment model: the shipped model on obvious Weibo-style texts, negation, emoticons,
 * explanations; metrics on a hand-made confusion; the binary rule for neu predictions; train →
 * save → load → score; model-file and CSV errors; a sample of the dev corpora when present.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import {
  DEFAULT_MODEL_FILE,
  HashedSentimentModel,
  SentimentModelError,
  clearSentimentModelCache,
  evaluateModel,
  loadSentimentModel,
  metrics,
  normaliseText,
  parseModelFile,
  serialiseModel,
  splitOf,
  trainModel,
  type SentimentLabel,
  type SentimentModel,
  type SentimentScore,
} from '../../src/nlp/sentiment/index.js'
import { parseLabelledCsv } from '../../src/services/sentiment.js'
import { UsageError } from '../../src/core/errors.js'
import { REPO_ROOT, tmpDir } from '../helpers/cli.js'

const CORPORA = path.resolve(REPO_ROOT, '../shared/corpora')

let model: HashedSentimentModel
beforeAll(() => {
  model = loadSentimentModel()
})

describe('the shipped model', () => {
  it('is zh-v1, read from models/sentiment/zh-v1.json and cached', () => {
    expect(model.version).toBe('zh-v1')
    expect(DEFAULT_MODEL_FILE).toBe(path.join(REPO_ROOT, 'models', 'sentiment', 'zh-v1.json'))
    expect(loadSentimentModel()).toBe(model)
    expect(loadSentimentModel(DEFAULT_MODEL_FILE)).toBe(model)
  })

  it.each([
    '今天天气真好，心情超级棒！[哈哈]',
    '这家店服务很好，菜也好吃，下次还来',
    '太开心了，终于考上研究生了！感谢爸妈',
    '为家乡点赞，越来越美了[赞][赞]',
    '物流很快，质量很好，非常满意',
  ])('calls %s positive', (text) => {
    const s = model.score(text)
    expect(s.label, JSON.stringify(s)).toBe('pos')
    expect(s.score).toBeGreaterThan(0.3)
  })

  it.each([
    '气死我了，什么垃圾服务[怒]',
    '太失望了，再也不会买了',
    '难过，哭了一晚上[泪][泪]',
    '这物业真是太恶心了，投诉了三次都没人管',
    '质量太差，退货',
  ])('calls %s negative', (text) => {
    const s = model.score(text)
    expect(s.label, JSON.stringify(s)).toBe('neg')
    expect(s.score).toBeLessThan(-0.3)
  })

  it.each(['区政府今天上午召开常务会议，研究部署下半年重点工作。', '明天上午9点起，地铁2号线部分站点调整运营时间。', '通常与甲基红终点碱度结合使用。'])(
    'calls %s neutral',
    (text) => {
      const s = model.score(text)
      expect(s.label, JSON.stringify(s)).toBe('neu')
      expect(Math.abs(s.score)).toBeLessThan(0.6)
    },
  )

  it('flips with negation: 很好/不好, 满意/不满意, 喜欢/不喜欢, 不错', () => {
    expect(model.score('服务很好').label).toBe('pos')
    expect(model.score('服务不好').label).toBe('neg')
    expect(model.score('很满意').score).toBeGreaterThan(0)
    expect(model.score('很不满意').score).toBeLessThan(0)
    expect(model.score('我喜欢这个').score).toBeGreaterThan(model.score('我不喜欢这个').score)
    expect(model.score('我不喜欢这个').score).toBeLessThan(0)
    // 不错 ("not bad") is praise
    expect(model.score('味道不错').label).toBe('pos')
  })

  it('reads Weibo emoticons', () => {
    expect(model.score('[哈哈]').label).toBe('pos')
    expect(model.score('[怒]').label).toBe('neg')
    expect(model.score('[泪]').label).toBe('neg')
    const plain = model.score('今天去了趟超市').score
    expect(model.score('今天去了趟超市[哈哈][哈哈]').score).toBeGreaterThan(plain)
    expect(model.score('今天去了趟超市[怒][怒]').score).toBeLessThan(plain)
  })

  it('keeps score in [-1, 1], confidence in (0, 1], and label = the most probable class', () => {
    for (const t of ['好', '不', '哈哈哈哈哈哈哈哈哈哈', '。。。', 'http://t.cn/abc', '@某人 转发微博', '🙂', 'a'.repeat(5000), '差'.repeat(3000)]) {
      const s = model.score(t)
      expect(s.score).toBeGreaterThanOrEqual(-1)
      expect(s.score).toBeLessThanOrEqual(1)
      expect(s.confidence).toBeGreaterThan(0)
      expect(s.confidence).toBeLessThanOrEqual(1)
      const p = model.probabilities(t)
      if (p) {
        expect(p[0] + p[1] + p[2]).toBeCloseTo(1, 9)
        expect(s.confidence).toBeCloseTo(Math.max(...p), 12)
        expect(s.score).toBeCloseTo(p[0] - p[2], 12)
        expect(s.label).toBe((['pos', 'neu', 'neg'] as const)[p.indexOf(Math.max(...p))])
      }
    }
  })

  it('says neu with confidence 1 for a text without features (empty, spaces, a URL)', () => {
    for (const t of ['', '   ', '\n\t', 'http://t.cn/A6abcd']) expect(model.score(t)).toEqual({ score: 0, label: 'neu', confidence: 1 })
  })

  it('is deterministic and independent of the previous text', () => {
    const a = model.score('服务态度差，等了一个小时')
    model.score('今天很开心[哈哈]')
    expect(model.score('服务态度差，等了一个小时')).toEqual(a)
  })

  it('explains: signed terms, largest |weight| first, at most `top`', () => {
    const e = model.explain('服务态度很差，气死我了[怒]', 5)
    expect(e.length).toBeGreaterThan(0)
    expect(e.length).toBeLessThanOrEqual(5)
    for (let i = 1; i < e.length; i++) expect(Math.abs(e[i - 1]!.weight)).toBeGreaterThanOrEqual(Math.abs(e[i]!.weight))
    expect(e[0]!.weight).toBeLessThan(0)
    expect(e.map((x) => x.term).some((t) => /差|怒|气死/.test(t))).toBe(true)
    const pos = model.explain('太开心了[哈哈]', 3)
    expect(pos[0]!.weight).toBeGreaterThan(0)
    // negation scope is visible
    expect(model.explain('一点都不好', 20).some((x) => x.term === '¬好' && x.weight < 0)).toBe(true)
    expect(model.explain('', 5)).toEqual([])
    expect(model.explain('很好', 0)).toEqual([])
  })

  it('scores ~100-character texts fast (well above 20,000 texts/s even on a busy machine)', () => {
    const base = '今天去区政府办事，工作人员态度很好，办事效率也高，点赞！不过停车位太少了，希望能改进一下。[赞]#城市服务# '
    const texts = Array.from({ length: 10_000 }, (_, i) => (base + i).repeat(2).slice(0, 100))
    for (const t of texts.slice(0, 500)) model.score(t) // warm up
    const t0 = performance.now()
    let sink = 0
    for (const t of texts) sink += model.score(t).score
    const rate = texts.length / ((performance.now() - t0) / 1000)
    expect(Number.isFinite(sink)).toBe(true)
    expect(rate).toBeGreaterThan(20_000)
  })
})

describe('normalisation', () => {
  it('folds width, case, digits and punctuation; collapses repeats and spaces; drops URLs and @names', () => {
    expect(normaliseText('ＡＢＣ１２３！')).toBe('abc000!')
    expect(normaliseText('哈哈哈哈哈哈')).toBe('哈哈哈')
    expect(normaliseText('好  好')).toBe('好 好')
    expect(normaliseText('看 http://t.cn/zOgSROS 这个')).toBe('看 这个')
    expect(normaliseText('@薛蛮子 我在')).toBe('@ 我在')
    expect(normaliseText('回复@yoyo_小魔女:别人')).toBe('回复@:别人')
    expect(normaliseText('好。真好…')).toBe('好.真好.')
  })
})

describe('metrics', () => {
  it('computes accuracy, macro-F1, per-class precision/recall and the confusion of a known 3-class case', () => {
    // gold pos ×4: pred pos, pos, neu, neg; gold neu ×3: neu, neu, pos; gold neg ×3: neg, neg, neg
    const gold: SentimentLabel[] = ['pos', 'pos', 'pos', 'pos', 'neu', 'neu', 'neu', 'neg', 'neg', 'neg']
    const pred: SentimentLabel[] = ['pos', 'pos', 'neu', 'neg', 'neu', 'neu', 'pos', 'neg', 'neg', 'neg']
    const m = metrics(gold, pred)
    expect(m.n).toBe(10)
    expect(m.accuracy).toBe(0.7)
    expect(m.confusion).toEqual({
      pos: { pos: 2, neu: 1, neg: 1 },
      neu: { pos: 1, neu: 2, neg: 0 },
      neg: { pos: 0, neu: 0, neg: 3 },
    })
    // pos: P 2/3, R 2/4; neu: P 2/3, R 2/3; neg: P 3/4, R 1
    expect(m.perClass.pos).toEqual({ precision: 0.6667, recall: 0.5, f1: 0.5714, support: 4 })
    expect(m.perClass.neu).toEqual({ precision: 0.6667, recall: 0.6667, f1: 0.6667, support: 3 })
    expect(m.perClass.neg).toEqual({ precision: 0.75, recall: 1, f1: 0.8571, support: 3 })
    expect(m.macroF1).toBeCloseTo((4 / 7 + 2 / 3 + 6 / 7) / 3, 4)
  })

  it('gives 0 precision to a class never predicted', () => {
    const m = metrics(['pos', 'neg'], ['pos', 'pos'])
    expect(m.perClass.neg).toEqual({ precision: 0, recall: 0, f1: 0, support: 1 })
    expect(m.accuracy).toBe(0.5)
  })

  /** A model that returns fixed scores per text. */
  const stub = (answers: Record<string, SentimentScore>): SentimentModel => ({
    version: 'stub',
    score: (t) => answers[t]!,
    explain: () => [],
  })
  const answers: Record<string, SentimentScore> = {
    a: { score: 0.8, label: 'pos', confidence: 0.9 },
    b: { score: 0.1, label: 'neu', confidence: 0.6 }, // neu, leaning pos
    c: { score: -0.2, label: 'neu', confidence: 0.5 }, // neu, leaning neg
    d: { score: -0.9, label: 'neg', confidence: 0.95 },
  }

  it('counts a neu prediction as the likelier of pos/neg on a pos/neg file', () => {
    const r = evaluateModel(stub(answers), [
      { label: 'pos', text: 'a' },
      { label: 'pos', text: 'b' }, // neu leaning pos → pos (right)
      { label: 'neg', text: 'c' }, // neu leaning neg → neg (right)
      { label: 'neg', text: 'd' },
      { label: 'neg', text: 'b' }, // neu leaning pos → pos (wrong)
    ])
    expect(r.confusion).toEqual({ pos: { pos: 2, neg: 0 }, neg: { pos: 1, neg: 2 } })
    expect(r.accuracy).toBe(0.8)
    expect(Object.keys(r.perClass)).toEqual(['pos', 'neg'])
    expect(r.perClass.pos).toEqual({ precision: 0.6667, recall: 1, f1: 0.8, support: 2 })
    expect(r.textsPerSecond).toBeGreaterThan(0)
  })

  it('keeps neu predictions as neu on a pos/neu/neg file', () => {
    const r = evaluateModel(stub(answers), [
      { label: 'pos', text: 'a' },
      { label: 'pos', text: 'b' },
      { label: 'neu', text: 'c' },
      { label: 'neg', text: 'd' },
    ])
    expect(r.confusion).toEqual({ pos: { pos: 1, neu: 1, neg: 0 }, neu: { pos: 0, neu: 1, neg: 0 }, neg: { pos: 0, neu: 0, neg: 1 } })
    expect(r.accuracy).toBe(0.75)
  })
})

/** A small synthetic corpus: template sentences with clear polarity. */
function synthetic(withNeutral: boolean): Array<{ label: SentimentLabel; text: string }> {
  const things = ['手机', '酒店', '快递', '饭菜', '衣服', '电脑', '书', '服务', '房间', '耳机', '鞋子', '水果']
  const good = ['很好', '非常棒', '超级满意', '太喜欢了', '质量很好', '值得推荐', '好用', '漂亮']
  const bad = ['很差', '太烂了', '非常失望', '垃圾', '质量很差', '不推荐', '难用', '坑人']
  const neutral = ['今天到了', '放在桌上', '是上周买的', '在三楼', '明天再说', '编号是0012']
  const rows: Array<{ label: SentimentLabel; text: string }> = []
  things.forEach((t, i) => {
    good.forEach((g, j) => rows.push({ label: 'pos', text: `这个${t}${g}${'，'.repeat(j % 2)}${i}号` }))
    bad.forEach((b, j) => rows.push({ label: 'neg', text: `这个${t}${b}${'！'.repeat(j % 2)}${i}号` }))
    if (withNeutral) neutral.forEach((n) => rows.push({ label: 'neu', text: `这个${t}${n}，${i}号` }))
  })
  return rows
}

describe('training', () => {
  let ws: { dir: string; cleanup: () => void }
  beforeAll(() => {
    ws = tmpDir()
  })
  afterAll(() => ws?.cleanup())

  it('trains, saves, loads and scores the same (a round trip)', () => {
    const res = trainModel(synthetic(true), { version: 'office-v1', provenance: { note: 'test' } })
    expect(res.counts).toEqual({ pos: 96, neu: 72, neg: 96 })
    expect(res.heldOut).not.toBeNull()
    expect(res.heldOut!.accuracy).toBeGreaterThan(0.8)
    const m = res.model
    expect(m.score('这个台灯非常棒').label).toBe('pos')
    expect(m.score('这个台灯太烂了').label).toBe('neg')
    expect(m.score('这个台灯放在桌上').label).toBe('neu')

    const file = path.join(ws.dir, 'office-v1.json')
    writeFileSync(file, serialiseModel(res.params))
    const text = readFileSync(file, 'utf8')
    expect(JSON.parse(text).provenance).toEqual({ note: 'test' })
    const loaded = loadSentimentModel(file)
    expect(loaded.version).toBe('office-v1')
    for (const t of ['这个台灯非常棒', '这个台灯太烂了', '这个台灯放在桌上', '随便写点什么', '']) expect(loaded.score(t)).toEqual(m.score(t))
    expect(loaded.explain('这个台灯非常棒', 3)).toEqual(m.explain('这个台灯非常棒', 3))
  })

  it('makes a binary model from pos/neg data: it never says neu for a text with features', () => {
    const res = trainModel(synthetic(false), { version: 'bin' })
    expect(res.params.neutral).toBeNull()
    const again = new HashedSentimentModel(parseModelFile(JSON.parse(serialiseModel(res.params))))
    for (const t of ['这个台灯放在桌上', '好', '随便写点什么']) expect(again.score(t).label).not.toBe('neu')
    expect(again.score('这个台灯质量很差').label).toBe('neg')
  })

  it('is deterministic', () => {
    const a = trainModel(synthetic(true), { version: 'x' })
    const b = trainModel(synthetic(true), { version: 'x' })
    expect(serialiseModel(a.params)).toBe(serialiseModel(b.params))
  })

  it('refuses data without both polarities', () => {
    expect(() => trainModel([{ label: 'pos', text: '好' }], { version: 'x' })).toThrow(/both pos and neg/)
  })

  it('splits 80/20 by the text, ignoring whitespace and case', () => {
    const texts = Array.from({ length: 5000 }, (_, i) => `文本${i}号`)
    const share = texts.filter((t) => splitOf(t) === 'test').length / texts.length
    expect(share).toBeGreaterThan(0.17)
    expect(share).toBeLessThan(0.23)
    expect(splitOf('Hello 世界')).toBe(splitOf('hello世界'))
  })
})

describe('model files', () => {
  let ws: { dir: string; cleanup: () => void }
  beforeAll(() => {
    ws = tmpDir()
    clearSentimentModelCache()
  })
  afterAll(() => ws?.cleanup())

  const errorOf = (file: string): SentimentModelError => {
    try {
      loadSentimentModel(file)
    } catch (err) {
      if (err instanceof SentimentModelError) return err
      throw err
    }
    throw new Error(`expected an error for ${file}`)
  }

  it('missing → one-line error, exit 2, with a hint', () => {
    const e = errorOf(path.join(ws.dir, 'nope.json'))
    expect(e.message).toMatch(/nope\.json: not found/)
    expect(e.message).not.toContain('\n')
    expect(e.exitCode).toBe(2)
    expect(e.hint).toBeTruthy()
  })

  it.each([
    ['not JSON', '{"format": "yuqing-sentiment", ', /not JSON/],
    ['another format', '{"format": "something-else"}', /not a yuqing-sentiment file/],
    ['a future format version', '{"format": "yuqing-sentiment", "formatVersion": 99}', /format version 99/],
  ])('%s → malformed, exit 2', (_name, text, re) => {
    const f = path.join(ws.dir, `bad-${Math.random().toString(36).slice(2)}.json`)
    writeFileSync(f, text)
    const e = errorOf(f)
    expect(e.message).toMatch(/is malformed/)
    expect(e.message).toMatch(re)
    expect(e.message).not.toContain('\n')
    expect(e.exitCode).toBe(2)
  })

  it('damaged weights → malformed', () => {
    const json = JSON.parse(readFileSync(DEFAULT_MODEL_FILE, 'utf8'))
    json.weights.data = json.weights.data.slice(0, 1000)
    const f = path.join(ws.dir, 'truncated.json')
    writeFileSync(f, JSON.stringify(json))
    expect(errorOf(f).message).toMatch(/malformed: the weights/)
    const json2 = JSON.parse(readFileSync(DEFAULT_MODEL_FILE, 'utf8'))
    json2.weights.sha256 = '0'.repeat(64)
    writeFileSync(f, JSON.stringify(json2))
    clearSentimentModelCache()
    expect(errorOf(f).message).toMatch(/checksum/)
  })

  it('the shipped file carries its provenance', () => {
    const json = JSON.parse(readFileSync(DEFAULT_MODEL_FILE, 'utf8'))
    expect(json.format).toBe('yuqing-sentiment')
    expect(json.labels).toEqual(['pos', 'neu', 'neg'])
    expect(json.provenance.trainedBy).toBe('npm run train:sentiment')
    expect(Object.keys(json.provenance.corpora)).toEqual(expect.arrayContaining(['weibo2018.dev.csv', 'smp2020_ewect.dev.csv']))
    expect(json.provenance.figures.split['weibo2018'].accuracy).toBeGreaterThan(0.8)
  })
})

describe('labelled CSV', () => {
  const err = (text: string): UsageError => {
    try {
      parseLabelledCsv(text, 'x.csv')
    } catch (e) {
      if (e instanceof UsageError) return e
      throw e
    }
    throw new Error('expected a UsageError')
  }

  it('reads label,text with quoting, a BOM and upper-case labels', () => {
    expect(parseLabelledCsv('\ufefflabel,text\nPOS,"好,很好"\nneg,"说""差"""\nneu,今天\n')).toEqual([
      { label: 'pos', text: '好,很好' },
      { label: 'neg', text: '说"差"' },
      { label: 'neu', text: '今天' },
    ])
  })

  it('names what to fix: header, label (with its line), empty text, no rows', () => {
    expect(err('').message).toBe('x.csv is empty')
    expect(err('polarity,content\npos,好\n').message).toMatch(/header must be `label,text`; got `polarity,content`/)
    expect(err('label,text\npos,好\npositive,好\n').message).toBe('x.csv line 3: unknown label "positive"')
    expect(err('label,text\npos,   \n').message).toMatch(/line 2: the text is empty/)
    expect(err('label,text\n').message).toMatch(/header but no rows/)
    expect(err('label,text\npos,"unclosed\n').message).toMatch(/not valid CSV/)
  })
})

// The dev corpora live outside the repository (../shared/corpora); skip when absent.
const haveCorpora = existsSync(path.join(CORPORA, 'weibo2018.dev.csv'))
if (!haveCorpora) console.log(`[sentiment.test] skipping the corpus sample tests: ${CORPORA} is absent`)

describe.skipIf(!haveCorpora)('a sample of the dev corpora', () => {
  /** The first n rows (the files are in a fixed pseudo-random order). */
  const head = (name: string, n: number) => parseLabelledCsv(readFileSync(path.join(CORPORA, name), 'utf8').split('\n').slice(0, n + 1).join('\n'), name)

  it('the shipped model is right on most of weibo2018 and smp2020 (training rows: a sanity check, not a validation)', () => {
    expect(evaluateModel(model, head('weibo2018.dev.csv', 300)).accuracy).toBeGreaterThan(0.85)
    const smp = evaluateModel(model, head('smp2020_ewect.dev.csv', 400))
    expect(smp.macroF1).toBeGreaterThan(0.8)
    expect(Object.keys(smp.perClass)).toEqual(['pos', 'neu', 'neg'])
  })

  it('training on 2,000 shopping reviews generalises to 400 others', () => {
    const rows = head('online_shopping_10_cats.dev.csv', 2400)
    const res = trainModel(rows.slice(0, 2000), { version: 'sample', holdout: 0 })
    expect(evaluateModel(res.model, rows.slice(2000)).accuracy).toBeGreaterThan(0.82)
  })
})
