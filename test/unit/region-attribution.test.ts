/**
 * Region attribution against our labelled set (test/data/region-attribution.jsonl, written by
 * hand to the policy in src/nlp/regions.ts): precision ≥ 0.97, recall ≥ 0.90, and an ambiguous
 * name without context is never attributed. Plus the rules one by one.
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { loadGazetteer } from '../../src/gazetteer/index.js'
import { useJieba } from '../../src/nlp/jieba.js'
import { RegionAttributor } from '../../src/nlp/regions.js'
import { evaluateRegions, type LabelledRegionCase } from '../../src/nlp/regions-eval.js'
import { tokenize } from '../../src/nlp/text.js'
import { userDictWords } from '../../src/nlp/userdict.js'
import { REPO_ROOT } from '../helpers/cli.js'

const gaz = loadGazetteer()
let attributor: RegionAttributor
let cut: (s: string) => string[]
beforeAll(() => {
  cut = useJieba(userDictWords(gaz)).cut
  attributor = new RegionAttributor(gaz, [{ code: '440306', excludeKeywords: ['宝安保险代理'] }])
})

function codes(text: string, ctx: { location?: string; ipLocation?: string } = {}): string[] {
  const tk = tokenize(text, cut)
  return attributor.attribute({ text: tk.placeText, context: tk.mentions, tokens: tk.tokens, starts: tk.starts, ...ctx }).map((r) => r.code).sort()
}

describe('region attribution rules', () => {
  it.each([
    ['宝安区城管局30分钟内回应了市民投诉', ['440306']],
    ['深圳市南山区科技园', ['440305']],
    ['鹤岗市南山区下雪了', ['230404']],
    ['南山区今天下雨', []],
    ['广东南山区的天气', ['440305']],
    ['南山区和福田区的地铁', ['440304', '440305']],
    ['海淀的学区房太贵了', []],
    ['北京海淀的学区房', ['110108']],
    ['宝安和南山的房价', ['440305', '440306']],
    ['西乡街道发布停水通知', ['440306']],
    ['新安街道发布停水通知', []],
    ['深圳沙井古墟', ['440306']],
    ['沙井古墟', []],
    ['中国宝安集团发布年报', []],
    ['深圳宝安国际机场航班延误', ['440306']],
    ['迎着朝阳跑步', []],
    ['市区和县城的差距', []],
    ['深圳市', []],
  ])('%s → %j', (text, want) => {
    expect(codes(text)).toEqual(want)
  })

  it('takes a location tag as (weak) evidence and as context', () => {
    const tk = tokenize('今天天气真好', cut)
    const r = attributor.attribute({ text: tk.text, location: '深圳·宝安区' })
    expect(r.map((x) => x.code)).toEqual(['440306'])
    expect(r[0]!.confidence).toBeLessThan(0.7)
    expect(codes('南山区下雨了', { location: '深圳' })).toEqual(['440305'])
    expect(codes('南山区下雨了', { ipLocation: '黑龙江' })).toEqual(['230404'])
    // Ordinary words holding a short name are not the place, even with the province as context.
    expect(codes('新安街道城中村消防通道被占用，存在安全隐患', { ipLocation: '湖南' })).toEqual([])
    expect(codes('城中村改造什么时候开始', { ipLocation: '广西' })).toEqual([])
    expect(codes('湖南通道县的侗寨很美', { ipLocation: '湖南' })).toEqual(['431230'])
  })

  it('stores evidence and confidence with each attribution', () => {
    const tk = tokenize('深圳的南山区和宝安区', cut)
    const r = attributor.attribute({ text: tk.text, tokens: tk.tokens, starts: tk.starts })
    expect(r).toEqual([
      { code: '440306', name: '宝安区', evidence: '宝安区', confidence: 0.9 },
      { code: '440305', name: '南山区', evidence: '南山区 + 深圳', confidence: 0.85 },
    ])
  })

  it('does not read @accounts or URLs as places', () => {
    expect(codes('这事 @深圳宝安发布 管不管？')).toEqual([])
    expect(codes('@深圳宝安 西乡大道的红绿灯坏了')).toEqual(['440306']) // the account is context for 西乡
    expect(codes('#深圳宝安# 今天的晚霞')).toEqual(['440306'])
  })

  it("drops a watched region's attribution when its excludeKeywords appear", () => {
    expect(codes('宝安区宝安保险代理公司开业')).toEqual([])
  })
})

const DATA = path.join(REPO_ROOT, 'test', 'data', 'region-attribution.jsonl')
const readCases = (): LabelledRegionCase[] => readFileSync(DATA, 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as LabelledRegionCase)

describe('labelled set (test/data/region-attribution.jsonl)', () => {
  let cases: LabelledRegionCase[] = []
  beforeAll(() => {
    cases = readCases()
  })
  it('has at least 300 cases in every category the policy names', () => {
    expect(cases.length).toBeGreaterThanOrEqual(300)
    const cats = new Set(cases.map((c) => c.category))
    for (const c of ['full-unique', 'ambiguous-with-context', 'ambiguous-no-context', 'short-with-context', 'short-no-context', 'street-unique', 'location-tag', 'collision', 'organisation', 'multi-region', 'none'])
      expect(cats).toContain(c)
  })

  it('precision ≥ 0.97 and recall ≥ 0.90; ambiguous names without context never attributed', () => {
    const res = evaluateRegions(cases, (c) => codes(c.text, { location: c.location, ipLocation: c.ipLocation }))
    const lines = Object.entries(res.byCategory).map(([k, v]) => `  ${k.padEnd(24)} n=${String(v.cases).padStart(3)}  P ${v.precision.toFixed(3)}  R ${v.recall.toFixed(3)}`)
    console.log(`region attribution: ${res.cases} cases, precision ${res.precision.toFixed(3)}, recall ${res.recall.toFixed(3)}\n${lines.join('\n')}`)
    for (const e of res.errors) console.log(`  ✗ ${e.id} [${e.category}] want ${e.expect.join(',') || '—'} got ${e.got.join(',') || '—'}: ${e.text}`)
    expect(res.precision).toBeGreaterThanOrEqual(0.97)
    expect(res.recall).toBeGreaterThanOrEqual(0.9)
    expect(res.byCategory['ambiguous-no-context']?.falsePositives).toBe(0)
    expect(res.byCategory['short-no-context']?.falsePositives).toBe(0)
  })
})
