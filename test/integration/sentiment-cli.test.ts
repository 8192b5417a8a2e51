/**
 * `yuqing sentiment eval` and `yuqing sentiment train` through the built CLI: metrics as text and
 * JSON, train → eval with --model and with nlp.sentimentModel, and one-line errors with exit 2.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { ensureBuilt, parseJson, runCli, tmpDir, type CliResult } from '../helpers/cli.js'

let ws: { dir: string; cleanup: () => void }
const cli = (...args: string[]): Promise<CliResult> => runCli(args, { cwd: ws.dir })
const p = (...parts: string[]): string => path.join(ws.dir, ...parts)
const write = (name: string, text: string): string => {
  writeFileSync(p(name), text)
  return p(name)
}

/** stderr lines without the trailing empty one. */
const lines = (s: string): string[] => s.split('\n').filter((l, i, a) => !(l === '' && i === a.length - 1))

/** Asserts exit 2 and the error format: one `yuqing: …` line, then `  hint: …`, no stack trace. */
function expectUsageError(r: CliResult, message: RegExp): void {
  expect(r.code, r.stderr).toBe(2)
  const l = lines(r.stderr)
  expect(l, r.stderr).toHaveLength(2)
  expect(l[0]).toMatch(/^yuqing: /)
  expect(l[0]).toMatch(message)
  expect(l[1]).toMatch(/^ {2}hint: \S/)
}

const BINARY = `label,text
pos,今天天气真好，心情超级棒！[哈哈]
pos,这家店服务很好，菜也好吃，下次还来
pos,物流很快，质量很好，非常满意
pos,为家乡点赞，越来越美了[赞]
neg,气死我了，什么垃圾服务[怒]
neg,太失望了，再也不会买了
neg,难过，哭了一晚上[泪]
neg,"质量太差，退货,退款"
`
const THREE = `label,text
pos,太开心了，终于考上研究生了！
neu,区政府今天上午召开常务会议，研究部署下半年重点工作。
neu,明天上午9点起，地铁2号线部分站点调整运营时间。
neg,这物业真是太恶心了，投诉了三次都没人管
`

/** Synthetic training data: template sentences of clear polarity, and neutral ones. */
function trainingCsv(): string {
  const things = ['手机', '酒店', '快递', '饭菜', '衣服', '电脑', '书', '服务', '房间', '耳机', '鞋子', '水果', '椅子', '相机', '外卖', '门票', '课程', '游戏', '电影', '车']
  const good = ['很好', '非常棒', '超级满意', '太喜欢了', '质量很好', '值得推荐']
  const bad = ['很差', '太烂了', '非常失望', '垃圾', '质量很差', '不推荐']
  const neutral = ['今天到了', '放在桌上', '是上周买的', '在三楼']
  const rows = ['label,text']
  things.forEach((t, i) => {
    for (const g of good) rows.push(`pos,这个${t}${g}${i}`)
    for (const b of bad) rows.push(`neg,这个${t}${b}${i}`)
    for (const n of neutral) rows.push(`neu,这个${t}${n}${i}`)
  })
  return rows.join('\n') + '\n'
}

beforeAll(() => {
  ensureBuilt()
  ws = tmpDir()
})
afterAll(() => ws?.cleanup())

describe('sentiment eval', () => {
  it('--json prints n, accuracy, macroF1, perClass, confusion and texts/s', async () => {
    const r = await cli('sentiment', 'eval', '--input', write('binary.csv', BINARY), '--json')
    expect(r.code, r.stderr).toBe(0)
    const j = parseJson(r)
    expect(Object.keys(j).sort()).toEqual(['accuracy', 'confusion', 'macroF1', 'n', 'perClass', 'textsPerSecond'])
    expect(j.n).toBe(8)
    expect(j.accuracy).toBe(1)
    expect(j.macroF1).toBe(1)
    expect(j.confusion).toEqual({ pos: { pos: 4, neg: 0 }, neg: { pos: 0, neg: 4 } })
    expect(j.perClass.pos).toEqual({ precision: 1, recall: 1, f1: 1, support: 4 })
    expect(j.textsPerSecond).toBeGreaterThan(0)
  })

  it('reports all three classes for a pos/neu/neg file, and a readable table without --json', async () => {
    const f = write('three.csv', THREE)
    const j = parseJson(await cli('sentiment', 'eval', '--input', f, '--json'))
    expect(Object.keys(j.confusion)).toEqual(['pos', 'neu', 'neg'])
    expect(j.perClass.neu.support).toBe(2)
    expect(j.n).toBe(4)
    const r = await cli('sentiment', 'eval', '-i', f)
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/^model zh-v1 \(/)
    expect(r.stdout).toMatch(/accuracy \d\.\d{3} {3}macro-F1 \d\.\d{3}/)
    expect(r.stdout).toContain('confusion (rows: gold, columns: predicted)')
    expect(r.stdout).toMatch(/neu/)
  })
})

describe('sentiment train', () => {
  it('trains a model that eval then uses via --model and via nlp.sentimentModel', async () => {
    const input = write('office.csv', trainingCsv())
    const r = await cli('sentiment', 'train', '--input', input, '--out', 'models/office-v1.json', '--json')
    expect(r.code, r.stderr).toBe(0)
    const j = parseJson(r)
    expect(j.version).toBe('office-v1')
    expect(j.rows).toBe(320)
    expect(j.counts).toEqual({ pos: 120, neu: 80, neg: 120 })
    expect(j.labels).toEqual(['pos', 'neu', 'neg'])
    expect(j.heldOut.accuracy).toBeGreaterThan(0.8)
    const out = p('models', 'office-v1.json')
    expect(j.out).toBe(out)
    expect(existsSync(out)).toBe(true)
    expect(JSON.parse(readFileSync(out, 'utf8')).provenance.input).toBe('office.csv')

    const test = write('office-test.csv', 'label,text\npos,这个台灯非常棒\nneg,这个台灯太烂了\nneu,这个台灯放在桌上\n')
    const viaFlag = await cli('sentiment', 'eval', '--input', test, '--model', 'models/office-v1.json')
    expect(viaFlag.code, viaFlag.stderr).toBe(0)
    expect(viaFlag.stdout).toMatch(/^model office-v1 \(/)
    expect(viaFlag.stdout).toContain('accuracy 1.000')

    // nlp.sentimentModel is relative to the config file's directory
    write('yuqing.yaml', 'nlp:\n  sentimentModel: models/office-v1.json\n')
    const viaConfig = await runCli(['--config', p('yuqing.yaml'), 'sentiment', 'eval', '--input', test], { cwd: path.dirname(ws.dir) })
    expect(viaConfig.code, viaConfig.stderr).toBe(0)
    expect(viaConfig.stdout).toMatch(/^model office-v1 \(/)
  })

  it('names a binary model after --model-version and says it has no neutral class', async () => {
    const input = write('binary-train.csv', trainingCsv().split('\n').filter((l) => !l.startsWith('neu,')).join('\n'))
    const r = await cli('sentiment', 'train', '-i', input, '-o', 'bin.json', '--model-version', 'office-bin-2')
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toContain('model version office-bin-2, labels pos/neg')
  })
})

describe('errors: one line, exit 2', () => {
  it('a missing input file', async () => {
    expectUsageError(await cli('sentiment', 'eval', '--input', 'nope.csv'), /cannot read nope\.csv: no such file/)
    expectUsageError(await cli('sentiment', 'train', '--input', 'nope.csv', '--out', 'x.json'), /cannot read nope\.csv/)
  })

  it('a wrong header', async () => {
    expectUsageError(await cli('sentiment', 'eval', '--input', write('h.csv', 'sentiment,content\npos,好\n')), /header must be `label,text`/)
  })

  it('an unknown label, with its line', async () => {
    expectUsageError(await cli('sentiment', 'eval', '--input', write('l.csv', 'label,text\npos,好\n1,不好\n')), /l\.csv line 3: unknown label "1"/)
  })

  it('an empty file, or a header without rows', async () => {
    expectUsageError(await cli('sentiment', 'eval', '--input', write('e.csv', '')), /e\.csv is empty/)
    expectUsageError(await cli('sentiment', 'train', '--input', write('h2.csv', 'label,text\n'), '--out', 'x.json'), /header but no rows/)
  })

  it('training data of one polarity', async () => {
    expectUsageError(await cli('sentiment', 'train', '--input', write('one.csv', 'label,text\npos,好\npos,很好\n'), '--out', 'x.json'), /needs rows labelled pos and neg/)
  })

  it('a missing or malformed model file', async () => {
    const input = write('ok.csv', BINARY)
    expectUsageError(await cli('sentiment', 'eval', '--input', input, '--model', 'missing.json'), /sentiment model .*missing\.json: not found/)
    write('broken.json', '{"format":"yuqing-sentiment","formatVersion":1,"version":"x"}')
    expectUsageError(await cli('sentiment', 'eval', '--input', input, '--model', 'broken.json'), /broken\.json is malformed: "features" is missing/)
    write('bad.yaml', 'nlp:\n  sentimentModel: nowhere.json\n')
    expectUsageError(await cli('--config', p('bad.yaml'), 'sentiment', 'eval', '--input', input), /nowhere\.json: not found/)
  })

  it('a missing --input flag', async () => {
    const r = await cli('sentiment', 'eval')
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/^yuqing: .*input/m)
  })

  it('--json errors are JSON on stdout too', async () => {
    const r = await cli('sentiment', 'eval', '--input', 'nope.csv', '--json')
    expect(r.code).toBe(2)
    expect(parseJson(r).error.code).toBe('usage')
  })
})
