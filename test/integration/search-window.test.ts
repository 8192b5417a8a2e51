/**
 * Newest-first search reads a recent window first (store/search.ts `windowed`); its page must be
 * exactly the newest matches of all, whatever order the ids are in. 400 mentions over 60 days,
 * stored in a shuffled order (as an out-of-order import would), checked against a sort of all.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { validateInterchange, type MentionInput } from '../../src/core/mention.js'
import { compileTerm } from '../../src/store/fts-tokens.js'
import { SearchStore, type SearchExpr } from '../../src/store/search.js'
import { SqliteStore } from '../../src/store/sqlite.js'

let dir: string
let store: SqliteStore
const all: Array<{ id: number; at: string; text: string }> = []
const DAY = 86_400_000
const END = Date.parse('2026-12-02T16:00:00Z')

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'yuqing-search-window-'))
  store = SqliteStore.open(path.join(dir, 's.db'))
  // A fixed pseudo-random order: times spread over 60 days, a few on the newest day.
  const items: MentionInput[] = []
  for (let i = 0; i < 400; i++) {
    const k = (i * 7919) % 400
    const at = new Date(END - ((k * 3_600_000 * 3.6) % (60 * DAY)) - 1000).toISOString()
    const text = `${k % 3 === 0 ? '地铁' : '公交'}第${k}条${k % 5 === 0 ? '拥堵' : ''}`
    const v = validateInterchange({ source: 'weibo', platformId: `w${i}`, text, publishedAt: at })
    if (!v.ok) throw new Error(v.reason)
    items.push(v.mention)
  }
  const sum = store.upsertMentions(items)
  items.forEach((m, i) => all.push({ id: sum.outcomes[i]!.id!, at: m.publishedAt.toISOString(), text: m.text }))
  // Every third mention is about 宝安区: a small region drives the search from its index.
  store.saveAnalyses(
    all.map((x, i) => ({
      mentionId: x.id,
      version: 'test',
      sentiment: { score: 0, label: 'neu' as const, confidence: 1 },
      keywords: [],
      topics: [],
      simhash: null,
      clusterId: null,
      regions: i % 3 === 0 ? [{ code: '440306', evidence: 'test', confidence: 1 }] : [],
    })),
  )
})
afterAll(() => {
  store?.close()
  rmSync(dir, { recursive: true, force: true })
})

const term = (s: string): SearchExpr => ({ type: 'term', term: compileTerm(s)! })
const newest = (pred: (x: (typeof all)[number]) => boolean, n: number) =>
  all
    .filter(pred)
    .sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : b.id - a.id))
    .slice(0, n)
    .map((x) => x.id)

describe('newest-first search through a recent window', () => {
  it('gives exactly the newest matches for limits that fit in 1, 7, 31 days or need the whole index', () => {
    const s = new SearchStore(store.db)
    for (const limit of [1, 3, 10, 40, 120, 500]) {
      const r = s.search(term('地铁'), {}, { limit, sort: 'time' })
      expect(r.rows.map((x) => x.id), `limit ${limit}`).toEqual(newest((x) => x.text.includes('地铁'), limit))
      expect(r.more).toBe(all.filter((x) => x.text.includes('地铁')).length > limit)
    }
    const and: SearchExpr = { type: 'and', children: [term('地铁'), term('拥堵')] }
    expect(s.search(and, {}, { limit: 5, sort: 'time' }).rows.map((x) => x.id)).toEqual(newest((x) => x.text.includes('地铁') && x.text.includes('拥堵'), 5))
  })

  it('a region filter gives the newest matches of that region (batches from the region index)', () => {
    const s = new SearchStore(store.db)
    const inRegion = new Set(all.filter((_, i) => i % 3 === 0).map((x) => x.id))
    for (const limit of [1, 5, 30, 300]) {
      const r = s.search(term('地铁'), { regions: ['440306'] }, { limit, sort: 'time' })
      expect(r.rows.map((x) => x.id), `limit ${limit}`).toEqual(newest((x) => inRegion.has(x.id) && x.text.includes('地铁'), limit))
    }
    const not: SearchExpr = { type: 'and', children: [term('地铁'), { type: 'not', child: term('拥堵') }] }
    expect(s.search(not, { regions: ['440306'] }, { limit: 7, sort: 'time' }).rows.map((x) => x.id)).toEqual(
      newest((x) => inRegion.has(x.id) && x.text.includes('地铁') && !x.text.includes('拥堵'), 7),
    )
    const from = new Date(END - 30 * DAY)
    const r = s.search(term('公交'), { regions: ['440306'], from }, { limit: 4, sort: 'time' })
    const pred = (x: (typeof all)[number]) => inRegion.has(x.id) && x.text.includes('公交') && x.at >= from.toISOString()
    expect(r.rows.map((x) => x.id)).toEqual(newest(pred, 4))
    expect(r.total).toBe(all.filter(pred).length)
  })

  it('with --from and --to bounds, and counts the total when the index holds few candidates', () => {
    const s = new SearchStore(store.db)
    const from = new Date(END - 20 * DAY)
    const to = new Date(END - 5 * DAY)
    const r = s.search(term('地铁'), { from, to }, { limit: 4, sort: 'time' })
    const inRange = (x: (typeof all)[number]) => x.text.includes('地铁') && x.at >= from.toISOString() && x.at < to.toISOString()
    expect(r.rows.map((x) => x.id)).toEqual(newest(inRange, 4))
    expect(r.total).toBe(all.filter(inRange).length)
    expect(s.search(term('公交'), {}, { limit: 2, sort: 'time' }).total).toBe(all.filter((x) => x.text.includes('公交')).length)
  })
})
