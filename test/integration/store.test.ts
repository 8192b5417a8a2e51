/**
 * The SQLite store on real temp-file databases: migrations, idempotent upserts by both
 * identities, the bigram full-text index, check/vacuum/backup.
 */
import { afterEach, describe, expect, it } from 'vitest'
import path from 'node:path'
import { SqliteStore, publishedRangeSql } from '../../src/store/sqlite.js'
import { P, prepareMention } from '../../src/store/prepare.js'
import { validateInterchange, type MentionInput } from '../../src/core/mention.js'
import { LATEST_VERSION, MIGRATIONS } from '../../src/store/migrations.js'
import { createRequire } from 'node:module'
import { createHash } from 'node:crypto'
import { tmpDir } from '../helpers/cli.js'
import { WEIBO_POST } from '../helpers/fixtures.js'

function mention(over: Record<string, unknown> = {}): MentionInput {
  const v = validateInterchange({
    ...WEIBO_POST,
    ...over,
  })
  if (!v.ok) throw new Error(v.reason)
  return v.mention
}

const cleanups: Array<() => void> = []
afterEach(() => cleanups.splice(0).forEach((f) => f()))
function openTemp(): SqliteStore {
  const t = tmpDir()
  const s = SqliteStore.open(path.join(t.dir, 'y.db'))
  cleanups.push(() => {
    s.close()
    t.cleanup()
  })
  return s
}

describe('migrations', () => {
  it('opens a new database from several processes at once (the switch to WAL is retried while locked)', async () => {
    const { spawn } = await import('node:child_process')
    const { ensureBuilt, REPO_ROOT } = await import('../helpers/cli.js')
    ensureBuilt()
    const t = tmpDir()
    cleanups.push(t.cleanup)
    const script = `import { SqliteStore } from ${JSON.stringify(path.join(REPO_ROOT, 'dist/store/sqlite.js'))}
try { SqliteStore.open(process.argv[1]).close(); console.log('ok') } catch (e) { console.log(e.message) }`
    const open = (file: string) =>
      new Promise<string>((resolve) => {
        const c = spawn(process.execPath, ['--input-type=module', '-e', script, file], { stdio: ['ignore', 'pipe', 'inherit'] })
        let out = ''
        c.stdout.on('data', (d) => (out += d))
        c.on('close', () => resolve(out.trim()))
      })
    const results: string[] = []
    for (let round = 0; round < 12; round++) results.push(...(await Promise.all([0, 1, 2].map(() => open(path.join(t.dir, `r${round}.db`))))))
    expect(results.filter((r) => r !== 'ok')).toEqual([])
    const s = SqliteStore.open(path.join(t.dir, 'r0.db'), { readonly: true })
    expect(s.status().version).toBe(LATEST_VERSION)
    s.close()
  })

  it('creates every table once, records the version, and is idempotent', () => {
    const s = openTemp()
    const tables = (s.db.prepare("select name from sqlite_schema where type in ('table') order by name").all() as Array<{ name: string }>).map((r) => r.name)
    for (const t of ['mentions', 'mention_regions', 'analyses', 'crawl_runs', 'job_runs', 'alerts', 'mentions_fts', 'schema_migrations']) expect(tables).toContain(t)
    expect(s.status()).toMatchObject({ version: LATEST_VERSION, pending: [] })
    expect(s.migrate()).toEqual([])
    expect(s.db.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(s.db.pragma('foreign_keys', { simple: true })).toBe(1)
  })

  it('upgrades a version-1 database: the full-text index is rebuilt in the new form and finds the old rows', () => {
    const t = tmpDir()
    cleanups.push(t.cleanup)
    const file = path.join(t.dir, 'v1.db')
    const Database = createRequire(import.meta.url)('better-sqlite3') as typeof import('better-sqlite3')
    const raw = new Database(file)
    const v1 = MIGRATIONS[0]!
    raw.exec(v1.sql)
    raw.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at TEXT NOT NULL)')
    raw.prepare('insert into schema_migrations values (1, ?, ?, ?)').run(v1.name, createHash('sha256').update(v1.sql).digest('hex').slice(0, 16), '2026-11-01T00:00:00Z')
    const now = '2026-11-01T00:00:00.000Z'
    const ins = raw.prepare(`insert into mentions (source, platform_id, text, published_at, fetched_at, content_hash, created_at, updated_at) values ('weibo', ?, ?, ?, ?, 'h', ?, ?)`)
    const texts = ['宝安区西乡街道地铁站今天很拥堵', '南山区科技园', '福永的5G基站']
    texts.forEach((text, i) => {
      const id = Number(ins.run(String(i + 1), text, now, now, now, now).lastInsertRowid)
      raw.prepare('insert into mentions_fts (rowid, title, text) values (?, ?, ?)').run(id, '', text)
    })
    raw.close()
    const s = SqliteStore.open(file)
    cleanups.unshift(() => s.close())
    expect(s.status()).toMatchObject({ version: LATEST_VERSION, pending: [] })
    expect((s.db.prepare("select sql from sqlite_schema where name = 'mentions_fts'").get() as { sql: string }).sql).toMatch(/detail = none/)
    const indexes = s.db.prepare("select name from sqlite_schema where type = 'index' and tbl_name = 'mentions' and sql is not null order by name").pluck().all()
    expect(indexes).toEqual(['mentions_author_name', 'mentions_canonical_url', 'mentions_published_day', 'mentions_source_platform_id'])
    expect(s.searchIds('西乡街道')).toHaveLength(1)
    expect(s.searchIds('5g')).toHaveLength(1)
    expect(s.searchIds('区')).toHaveLength(2)
    expect(s.check()).toEqual({ ok: true, problems: [] })
  })

  it('refuses a database written by a newer yuqing', () => {
    const t = tmpDir()
    cleanups.push(t.cleanup)
    const file = path.join(t.dir, 'new.db')
    const s = SqliteStore.open(file)
    s.db.prepare("insert into schema_migrations values (999, 'future', 'x', '2030-01-01')").run()
    s.close()
    expect(() => SqliteStore.open(file)).toThrow(/schema version 999, newer than this yuqing/)
  })
})

describe('upsert', () => {
  it('inserts, then reports the same row unchanged and a changed row updated', () => {
    const s = openTemp()
    const a = s.upsertMentions([mention()])
    expect(a).toMatchObject({ inserted: 1, updated: 0, unchanged: 0, rejected: 0 })
    expect(s.upsertMentions([mention()])).toMatchObject({ inserted: 0, unchanged: 1 })
    const u = s.upsertMentions([mention({ likes: 11 })])
    expect(u).toMatchObject({ updated: 1 })
    expect(u.outcomes[0]!.id).toBe(a.outcomes[0]!.id)
    expect(s.countMentions()).toBe(1)
    const row = s.db.prepare('select likes, published_at, published_raw from mentions').get()
    expect(row).toEqual({ likes: 11, published_at: '2026-11-25T00:30:00.000Z', published_raw: '2026-11-25T08:30:00+08:00' })
  })

  it('identifies a mention by canonical URL when there is no platform id (tracking params, fragment, host case)', () => {
    const s = openTemp()
    const base = { source: 'news', platformId: null, title: '宝安新增三所学校', text: '深圳市宝安区今年新增三所公办学校。' }
    s.upsertMentions([mention({ ...base, url: 'https://News.Example.cn/a/1.html?b=2&a=1' })])
    const again = s.upsertMentions([mention({ ...base, url: 'https://news.example.cn/a/1.html?a=1&utm_source=wx&b=2#top' })])
    expect(again.unchanged + again.updated).toBe(1)
    expect(s.countMentions()).toBe(1)
  })

  it('rejects a row whose platform id and URL point at two different mentions, keeping the batch', () => {
    const s = openTemp()
    s.upsertMentions([mention(), mention({ platformId: '2', url: 'https://m.weibo.cn/detail/2' })])
    const r = s.upsertMentions([mention({ url: 'https://m.weibo.cn/detail/2', text: 'changed' }), mention({ platformId: '3', url: null })])
    expect(r.rejected).toBe(1)
    expect(r.outcomes[0]!.reason).toMatch(/platformId matches mention \d+ but url matches mention \d+/)
    expect(r.inserted).toBe(1)
    expect(s.countMentions()).toBe(3)
  })
})

describe('time ranges (the UTC-day index)', () => {
  // Around two UTC midnights, including the Asia/Shanghai day boundary (16:00Z).
  const times = ['2026-11-24T15:59:59.999Z', '2026-11-24T16:00:00.000Z', '2026-11-24T23:59:59.999Z', '2026-11-25T00:00:00.000Z', '2026-11-25T15:59:59.999Z', '2026-11-25T16:00:00.000Z', '2026-11-26T00:00:00.000Z']
  function stored(): SqliteStore {
    const s = openTemp()
    // Stored newest first, so ids run against publication order.
    s.upsertMentions(times.map((t, i) => mention({ platformId: `t${i}`, url: null, publishedAt: t })).reverse())
    return s
  }
  const cases: Array<[string | undefined, string | undefined]> = [
    ['2026-11-24T16:00:00.000Z', '2026-11-25T16:00:00.000Z'], // one Shanghai day
    ['2026-11-25T00:00:00.000Z', '2026-11-26T00:00:00.000Z'], // one UTC day
    ['2026-11-24T23:59:59.999Z', undefined],
    [undefined, '2026-11-25T00:00:00.000Z'],
    ['2026-11-25T15:59:59.999Z', '2026-11-25T16:00:00.000Z'],
    ['2026-11-27T00:00:00.000Z', undefined],
  ]
  it.each(cases)('from %s to %s (exclusive) returns exactly the mentions in the range', (from, to) => {
    const s = stored()
    const r = publishedRangeSql(from ? new Date(from) : undefined, to ? new Date(to) : undefined, 'm')
    const got = s.db.prepare(`select published_at from mentions m where ${r.sql} order by published_at`).pluck().all(...r.params)
    expect(got).toEqual(times.filter((t) => (!from || t >= from) && (!to || t < to)))
  })
  it('answers a range from the day index and exports in publication order', () => {
    const s = stored()
    const r = publishedRangeSql(new Date('2026-11-24T16:00:00Z'), new Date('2026-11-25T16:00:00Z'), 'm')
    const plan = s.db.prepare(`explain query plan select id from mentions m where ${r.sql}`).all(...r.params) as Array<{ detail: string }>
    expect(plan.map((p) => p.detail).join(' ')).toMatch(/USING INDEX mentions_published_day/)
    const exported = [...s.exportMentions()].map((m) => m.platformId)
    expect(exported).toEqual(times.map((_, i) => `t${i}`))
  })
})

describe('bulk writer (imports)', () => {
  const prepared = (n: number, from = 0) => Array.from({ length: n }, (_, i) => prepareMention(mention({ platformId: String(7_000_000 + from + i), url: null, text: `宝安区第${from + i}条` })))
  const committed = (file: string) => {
    const other = SqliteStore.open(file, { readonly: true })
    try {
      return other.countMentions()
    } finally {
      other.close()
    }
  }

  it('commits every commitRows rows, never splitting a batch, and finish() commits the rest', () => {
    const s = openTemp()
    const w = s.bulkWriter({ commitRows: 10, commitMs: 60_000 })
    w.write(prepared(4, 0))
    w.write(prepared(4, 4))
    expect(committed(s.path)).toBe(0) // 8 rows open
    w.write(prepared(4, 8)) // 12 would exceed 10: the 8 commit first
    expect(committed(s.path)).toBe(8)
    w.finish()
    expect(committed(s.path)).toBe(12)
    expect(s.searchIds('宝安区第1条')).toHaveLength(1)
  })

  it('commits after commitMs when no further batch comes, releasing the write lock', async () => {
    const s = openTemp()
    const w = s.bulkWriter({ commitRows: 1000, commitMs: 50 })
    w.write(prepared(3))
    expect(committed(s.path)).toBe(0)
    await new Promise((r) => setTimeout(r, 200))
    expect(committed(s.path)).toBe(3)
    const other = SqliteStore.open(s.path, { busyTimeoutMs: 0 })
    try {
      expect(other.upsertMentions([mention({ platformId: '42', url: null })])).toMatchObject({ inserted: 1 })
    } finally {
      other.close()
    }
    w.write(prepared(2, 3))
    w.finish()
    expect(committed(s.path)).toBe(6)
  })

  it('abort() rolls back what is not committed and restores the session pragmas', () => {
    const s = openTemp()
    const cache = s.db.pragma('cache_size', { simple: true })
    const ckpt = s.db.pragma('wal_autocheckpoint', { simple: true })
    const w = s.bulkWriter({ commitRows: 5, commitMs: 60_000 })
    expect(s.db.pragma('wal_autocheckpoint', { simple: true })).toBe(100_000)
    w.write(prepared(5, 0))
    w.write(prepared(3, 5))
    w.abort()
    expect(s.countMentions()).toBe(5)
    expect(s.db.inTransaction).toBe(false)
    expect(s.db.pragma('cache_size', { simple: true })).toBe(cache)
    expect(s.db.pragma('wal_autocheckpoint', { simple: true })).toBe(ckpt)
    expect(s.check()).toEqual({ ok: true, problems: [] })
  })

  it('reports a row the database refuses by its index and stores the others', () => {
    const s = openTemp()
    const rows = prepared(3)
    rows[1]![P.reposts] = -1 // violates CHECK (reposts >= 0)
    const w = s.bulkWriter()
    const res = w.write(rows)
    w.finish()
    expect(res).toMatchObject({ inserted: 2, rejected: 1 })
    expect(res.refused).toEqual([{ index: 1, reason: expect.stringMatching(/CHECK constraint failed/) }])
    expect(s.countMentions()).toBe(2)
  })
})

describe('full-text search (bigram index)', () => {
  function seeded(): SqliteStore {
    const s = openTemp()
    s.upsertMentions([
      mention({ platformId: '1', url: null, text: '宝安区西乡街道地铁站今天很拥堵' }),
      mention({ platformId: '2', url: null, text: '南山区科技园iPhone15发布会', title: 'ＡＢＣ新闻' }),
      mention({ platformId: '3', url: null, text: '宝 安 两个字分开写' }),
      mention({ platformId: '4', url: null, text: '福永的5G基站建设' }),
    ])
    return s
  }
  const ids = (s: SqliteStore, q: string) => s.searchIds(q).map((id) => (s.db.prepare('select platform_id from mentions where id = ?').get(id) as { platform_id: string }).platform_id).sort()

  it('matches 2-character words that FTS5 trigram cannot (宝安 inside 宝安区)', () => {
    const s = seeded()
    expect(ids(s, '宝安')).toEqual(['1'])
    expect(ids(s, '宝安区')).toEqual(['1'])
    expect(ids(s, '西乡街道地铁')).toEqual(['1'])
  })
  it('requires the characters to be adjacent (宝 安 apart is not 宝安)', () => {
    const s = seeded()
    expect(ids(s, '宝安')).not.toContain('3')
    expect(ids(s, '安宝')).toEqual([])
  })
  it('matches single characters, Latin words case-insensitively, full-width as half-width, and AND of terms', () => {
    const s = seeded()
    expect(ids(s, '堵')).toEqual(['1'])
    expect(ids(s, 'iphone15')).toEqual(['2'])
    expect(ids(s, 'abc')).toEqual(['2'])
    expect(ids(s, '5g 福永')).toEqual(['4'])
    expect(ids(s, '宝安 南山')).toEqual([])
    expect(ids(s, '"科技园iPhone15"')).toEqual(['2'])
  })
  it('survives FTS5 syntax in user input', () => {
    const s = seeded()
    for (const q of ['"', 'AND', 'OR NOT', '宝安*', '(宝安', 'a:b', '-宝安', '^', '宝安"区']) expect(() => s.searchIds(q)).not.toThrow()
    expect(ids(s, '宝安*')).toEqual(['1'])
  })
  it('re-indexes an updated mention and drops a deleted one', () => {
    const s = seeded()
    s.upsertMentions([mention({ platformId: '1', url: null, text: '龙华区暴雨' })])
    expect(ids(s, '宝安')).toEqual([])
    expect(ids(s, '暴雨')).toEqual(['1'])
    s.db.prepare("delete from mentions where platform_id = '4'").run()
    expect(ids(s, '福永')).toEqual([])
    expect(s.check()).toEqual({ ok: true, problems: [] })
  })
})

describe('maintenance', () => {
  it('check finds a dangling foreign key and a drifted FTS index; vacuum repairs the index', () => {
    const s = openTemp()
    s.upsertMentions([mention()])
    expect(s.check().ok).toBe(true)
    s.db.pragma('foreign_keys = OFF')
    s.db.prepare("insert into analyses (mention_id, model_version, analyzed_at) values (999, 'x', '2026-01-01')").run()
    s.db.prepare('delete from mentions_fts').run()
    const res = s.check()
    expect(res.ok).toBe(false)
    expect(res.problems.join('\n')).toMatch(/foreign_key_check: analyses/)
    expect(res.problems.join('\n')).toMatch(/full-text index has 0 rows for 1 mentions/)
    s.db.prepare('delete from analyses').run()
    s.db.pragma('foreign_keys = ON')
    expect(s.vacuum().ftsRebuilt).toBe(true)
    expect(s.check()).toEqual({ ok: true, problems: [] })
    expect(s.searchIds('西乡').length).toBe(1)
  })

  it('backup produces a consistent copy with the same rows', async () => {
    const s = openTemp()
    s.upsertMentions([mention(), mention({ platformId: '2', url: null })])
    const t = tmpDir()
    cleanups.push(t.cleanup)
    const res = await s.backup(path.join(t.dir, 'b.db'))
    const copy = SqliteStore.open(res.path, { readonly: true })
    expect(copy.countMentions()).toBe(2)
    expect(copy.check().ok).toBe(true)
    copy.close()
  })
})
