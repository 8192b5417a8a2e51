/**
 * `yuqing search` through the real CLI on a temp database built with `yuqing import`, with
 * analyses (sentiment, topics, regions) then set by hand so the filters are deterministic.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { ensureBuilt, parseJson, runCli, tmpDir } from '../helpers/cli.js'
import { SqliteStore } from '../../src/store/sqlite.js'

let ws: { dir: string; cleanup: () => void }
let db: string
const ids: Record<string, number> = {}

const HOSTILE = '宝安 \u001b[31m红色\u001b[0m 广告 <script>alert(1)</script> 【伪】\u202e反转\r\n第二行'
const ROWS = [
  { key: 'p1', source: 'weibo', platformId: 'p1', text: '宝安区城管局30分钟内回应了市民投诉，效率很高', authorName: '张三', publishedAt: '2026-11-20T09:00:00+08:00', likes: 5, label: 'pos', topics: ['城管'], region: '440306' },
  { key: 'p2', source: 'weibo', platformId: 'p2', text: '南山区地铁3号线故障，乘客滞留', authorName: '李四', publishedAt: '2026-11-21T10:30:00+08:00', reposts: 100, label: 'neg', topics: ['交通'], region: '440305' },
  { key: 'p3', source: 'news', url: 'https://news.example.cn/a/1.html', title: '宝安新增三所学校', text: '深圳市宝安区今年新增三所公办学校，学位紧张有望缓解', publishedAt: '2026-11-22T00:30:00+08:00', likes: 0, label: 'pos', topics: ['教育'], region: '440306' },
  { key: 'p4', source: 'weibo', platformId: 'p4', text: HOSTILE, authorName: '王五\u001b[2J', publishedAt: '2026-11-23T10:00:00+08:00', label: 'neu', topics: [], region: '440306' },
  { key: 'p5', source: 'weibo', platformId: 'p5', text: '今天早上地铁故障了，3号线停运半小时，' + '乘客很着急。'.repeat(20) + '最后才恢复', authorName: '赵六', publishedAt: '2026-11-24T08:00:00+08:00', comments: 3, label: 'neg', topics: ['交通'], region: '440305' },
  { key: 'p6', source: 'news', url: 'https://news.example.cn/a/2.html', title: 'Shenzhen Metro', text: 'The METRO line 3 reopened in Shenzhen', publishedAt: '2026-11-19T12:00:00+08:00', label: 'neu', topics: [], region: '440300' },
]

beforeAll(async () => {
  ensureBuilt()
  ws = tmpDir()
  db = path.join(ws.dir, 's.db')
  const file = path.join(ws.dir, 'm.jsonl')
  writeFileSync(file, ROWS.map(({ key, label, topics, region, ...m }) => JSON.stringify(m)).join('\n') + '\n')
  const r = await runCli(['import', file, '--db', db, '--json'], { timeoutMs: 60_000 })
  expect(r.code, r.stderr).toBe(0)
  expect(parseJson(r)).toMatchObject({ inserted: ROWS.length })
  const store = SqliteStore.open(db)
  for (const row of ROWS) {
    const id = row.platformId
      ? store.db.prepare('select id from mentions where platform_id = ?').pluck().get(row.platformId)
      : store.db.prepare('select id from mentions where url = ?').pluck().get(row.url)
    ids[row.key] = id as number
  }
  store.saveAnalyses(
    ROWS.map((row) => ({
      mentionId: ids[row.key]!,
      version: 'test',
      sentiment: { score: row.label === 'pos' ? 0.8 : row.label === 'neg' ? -0.8 : 0, label: row.label as 'pos' | 'neu' | 'neg', confidence: 1 },
      keywords: [],
      topics: row.topics,
      simhash: null,
      clusterId: null,
      regions: [{ code: row.region, evidence: 'test', confidence: 1 }],
    })),
  )
  store.close()
}, 90_000)
afterAll(() => ws?.cleanup())

async function search(...args: string[]) {
  const r = await runCli(['search', ...args, '--db', db, '--json'])
  expect(r.code, r.stderr).toBe(0)
  return parseJson(r)
}
const keysOf = (res: { results: Array<{ id: number }> }) => res.results.map((x) => Object.keys(ids).find((k) => ids[k] === x.id))

describe('yuqing search', () => {
  it('AND, OR, NOT / -term, phrases, parentheses, and exclusions only', async () => {
    const [one, and, or, not, minus, words, phrase, mixed, group, neg, word] = await Promise.all([
      search('宝安'),
      search('宝安 城管'),
      search('学校 OR 地铁'),
      search('宝安 NOT 广告'),
      search('宝安 -广告'),
      search('地铁 故障'),
      search('"地铁故障"'),
      search('"3号线故障"'),
      search('(宝安 OR 南山) 投诉'),
      // A query that starts with '-' follows `--` (else it reads as a flag).
      runCli(['search', '--source', 'weibo', '--db', db, '--json', '--', '-宝安']).then(parseJson),
      search('metro'),
    ])
    expect(keysOf(one)).toEqual(['p4', 'p3', 'p1'])
    expect(one).toMatchObject({ total: 3, more: false, sort: 'time', limit: 20 })
    expect(keysOf(and)).toEqual(['p1'])
    expect(keysOf(or)).toEqual(['p5', 'p3', 'p2'])
    expect(keysOf(not)).toEqual(['p3', 'p1'])
    expect(keysOf(minus)).toEqual(['p3', 'p1'])
    expect(keysOf(words)).toEqual(['p5', 'p2'])
    expect(keysOf(phrase)).toEqual(['p5']) // adjacency: p2 has 地铁3号线故障
    expect(keysOf(mixed)).toEqual(['p2'])
    expect(keysOf(group)).toEqual(['p1'])
    expect(keysOf(neg)).toEqual(['p5', 'p2'])
    expect(keysOf(word)).toEqual(['p6'])
    // Phrases under NOT and OR: the index narrows, SQL checks adjacency per term.
    const [notPhrase, orPhrase] = await Promise.all([search('地铁 -"地铁故障"'), search('"地铁故障" OR 学校')])
    expect(keysOf(notPhrase)).toEqual(['p2'])
    expect(keysOf(orPhrase)).toEqual(['p5', 'p3'])
    expect(word.results[0].snippet).toBe('The 【METRO】 line 3 reopened in Shenzhen')
    expect(word.results[0].titleHighlights).toEqual([[9, 14]])
  })

  it('filters: local-day dates, region, source, sentiment, topic, author', async () => {
    const [day, until, region, source, sentiment, topic, author, none] = await Promise.all([
      search('宝安', '--from', '2026-11-22', '--to', '2026-11-22'),
      search('宝安', '--to', '2026-11-21'),
      search('地铁 OR 宝安', '--region', '440305'),
      search('宝安', '--source', 'news'),
      search('宝安', '--sentiment', 'pos'),
      search('地铁 OR 宝安', '--topic', '教育'),
      search('宝安', '--author', '张三'),
      search('宝安', '--author', '张'),
    ])
    // p3 is 2026-11-22 00:30 in Shanghai, 2026-11-21 16:30 UTC: it belongs to the local day 22nd.
    expect(keysOf(day)).toEqual(['p3'])
    expect(day.results[0]).toMatchObject({ publishedAt: '2026-11-21T16:30:00.000Z', publishedLocal: '2026-11-22T00:30:00+08:00', source: 'news', title: '宝安新增三所学校', url: 'https://news.example.cn/a/1.html', sentiment: 'pos', regions: ['440306'] })
    expect(keysOf(until)).toEqual(['p1'])
    expect(keysOf(region)).toEqual(['p5', 'p2'])
    expect(keysOf(source)).toEqual(['p3'])
    expect(keysOf(sentiment)).toEqual(['p3', 'p1'])
    expect(keysOf(topic)).toEqual(['p3'])
    expect(keysOf(author)).toEqual(['p1'])
    expect(keysOf(none)).toEqual([])
    expect(none).toMatchObject({ total: 0, more: false })
  })

  it('takes the words of an unquoted query as one query (yuqing search 宝安 城管)', async () => {
    const [split, quoted] = await Promise.all([search('宝安', '城管'), search('宝安 城管')])
    expect(split.query).toBe('宝安 城管')
    expect(keysOf(split)).toEqual(keysOf(quoted))
    expect(keysOf(split)).toEqual(['p1'])
  })

  it('sorts by heat, limits with a total and more', async () => {
    const [heat, limited] = await Promise.all([search('地铁 OR 宝安', '--sort', 'heat'), search('宝安', '--limit', '1')])
    expect(keysOf(heat)).toEqual(['p2', 'p1', 'p5', 'p4', 'p3'])
    expect(heat.results[0].engagement).toEqual({ reposts: 100, comments: null, likes: null, total: 100 })
    expect(keysOf(limited)).toEqual(['p4'])
    expect(limited).toMatchObject({ total: 3, more: true })
  })

  it('snippets: about 80 characters around the first hit, hits in 【】 and as offsets', async () => {
    const [a, b] = await Promise.all([search('宝安 城管'), search('恢复 OR "3号线"')])
    const h = a.results[0]
    expect(h.snippet).toBe('【宝安】区【城管】局30分钟内回应了市民投诉，效率很高')
    expect(h.highlights).toEqual([
      [0, 2],
      [3, 5],
    ])
    for (const [s, e] of h.highlights) expect(['宝安', '城管']).toContain(h.snippetText.slice(s, e))
    const p5 = b.results[0]
    expect(p5.snippetText.length).toBeLessThanOrEqual(84)
    expect(p5.snippetText.startsWith('今天早上')).toBe(true)
    expect(p5.snippetText.endsWith('…')).toBe(true)
    expect(p5.snippet).toContain('【3号线】')
    // 恢复 is past the snippet: not marked.
    expect(p5.snippet).not.toContain('【恢复】')
  })

  it('hostile text does not break JSON or the terminal output', async () => {
    const j = await search('红色 广告')
    expect(keysOf(j)).toEqual(['p4'])
    const h = j.results[0]
    expect(h.author).toBe('王五\u001b[2J') // JSON keeps the data as stored
    expect(h.snippetText).not.toMatch(/[\u0000-\u001f\u202e]/)
    expect(h.snippet).toContain('【红色】')
    expect(h.snippet).toContain('【广告】')
    for (const [s, e] of h.highlights) expect(['红色', '广告']).toContain(h.snippetText.slice(s, e))

    const t = await runCli(['search', '红色 广告', '--db', db])
    expect(t.code, t.stderr).toBe(0)
    expect(t.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u202e]/) // only newlines; no escapes (not a TTY: no colour either)
    expect(t.stdout).toContain('1 条结果')
    expect(t.stdout).toContain('<script>alert(1)</script>')
  })

  it('a bad query exits 2 with a one-line message and a hint', async () => {
    for (const q of ['"宝安', 'NOT', '宝安 OR', '!!!']) {
      const r = await runCli(['search', q, '--db', db])
      expect(r.code, `${q}: ${r.stderr}`).toBe(2)
      const lines = r.stderr.trim().split('\n')
      expect(lines).toHaveLength(2)
      expect(lines[0]).toMatch(/^yuqing: bad search query: \S/)
      expect(lines[1]).toMatch(/^ {2}hint: \S/)
      expect(r.stdout).toBe('')
    }
    const j = await runCli(['search', '"宝安', '--db', db, '--json'])
    expect(j.code).toBe(2)
    expect(parseJson(j).error).toMatchObject({ code: 'usage', message: 'bad search query: the quote at character 1 is never closed' })
  })
})
