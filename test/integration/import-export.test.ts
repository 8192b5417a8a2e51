/**
 * `yuqing import` / `yuqing export` through the real CLI on temp-file databases: counts and
 * line numbers, CSV and JSONL, exact round trips, filters, and a kill -9 in the middle.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readFileSync, writeFileSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import path from 'node:path'
import { ensureBuilt, killWhen, parseJson, runCli, tmpDir } from '../helpers/cli.js'
import { writeJsonl } from '../helpers/generate.js'
import { WEIBO_POST } from '../helpers/fixtures.js'
import { SqliteStore } from '../../src/store/sqlite.js'
import { importFile } from '../../src/services/import.js'

let ws: { dir: string; cleanup: () => void }
beforeAll(() => {
  ensureBuilt()
  ws = tmpDir()
})
afterAll(() => ws.cleanup())
const f = (name: string) => path.join(ws.dir, name)

const GOOD_1 = { ...WEIBO_POST, platformId: '5001', url: 'https://m.weibo.cn/detail/5001', ipLocation: '广东' }
const GOOD_2 = {
  source: 'news',
  url: 'https://news.example.cn/a/1.html',
  title: '宝安新增三所学校',
  text: '深圳市宝安区今年新增三所公办学校，"学位"紧张有望缓解,\n记者 王五',
  publishedAt: '2026-11-24T10:00:00Z',
}

describe('import', () => {
  it('reports inserted, rejected with line numbers and reasons, exits 3, and keeps unknown fields', async () => {
    writeFileSync(
      f('a.jsonl'),
      [JSON.stringify(GOOD_1), '', 'not json', JSON.stringify({ ...GOOD_1, platformId: '5002', publishedAt: '2026-11-25' }), JSON.stringify(GOOD_2), JSON.stringify({ source: 'Weibo!', text: 'x', platformId: '1', publishedAt: '2026-11-25T08:30:00+08:00' }), JSON.stringify({ ...GOOD_1, platformId: '5003', likes: -1 })].join('\n') + '\n',
    )
    const r = await runCli(['import', f('a.jsonl'), '--db', f('a.db'), '--json'])
    expect(r.code).toBe(3)
    const s = parseJson(r)
    expect(s).toMatchObject({ inserted: 2, updated: 0, unchanged: 0, rejected: 4 })
    expect(s.errors.map((e: { line: number }) => e.line)).toEqual([3, 4, 6, 7])
    expect(s.errors[0].reason).toMatch(/invalid JSON/)
    expect(s.errors[1].reason).toMatch(/publishedAt must be ISO 8601 with an offset/)
    expect(s.errors[2].reason).toMatch(/source must be a lower-case id/)
    expect(s.errors[3].reason).toMatch(/likes must be a whole number/)
    expect(r.stderr).toMatch(/^yuqing: 4 of 6 rows were rejected/m)

    const again = parseJson(await runCli(['import', f('a.jsonl'), '--db', f('a.db'), '--json']))
    expect(again).toMatchObject({ inserted: 0, updated: 0, unchanged: 2, rejected: 4 })

    const check = await runCli(['db', 'check', '--db', f('a.db')])
    expect(check.code).toBe(0)
    const exported = await runCli(['export', '--db', f('a.db')])
    const rows = exported.stdout.trim().split('\n').map((l) => JSON.parse(l))
    expect(rows.find((x) => x.platformId === '5001')).toEqual({ ...GOOD_1, title: null })
  })

  it('imports CSV with a BOM, quoted commas and newlines, unknown columns, and bad rows', async () => {
    const csv =
      '\uFEFFsource,platformId,url,title,text,authorId,authorName,authorFollowers,authorVerified,publishedAt,reposts,comments,likes,province\n' +
      'weibo,7001,,,"宝安, 沙井：""古墟""开放了\n第二行",u9,张三,10,true,2026-11-20T09:00:00+08:00,1,2,3,广东\n' +
      'weibo,7002,,,缺少时间,u9,张三,10,maybe,,1,2,3,广东\n' +
      'news,,https://x.example/1,标题,正文,,,,,2026-11-21T00:00:00Z,,,,\n'
    writeFileSync(f('b.csv'), csv)
    const r = await runCli(['import', f('b.csv'), '--db', f('b.db'), '--json'])
    const s = parseJson(r)
    expect(s).toMatchObject({ inserted: 2, rejected: 1 })
    expect(s.errors[0].line).toBe(4)
    expect(s.errors[0].reason).toMatch(/authorVerified must be true or false/)
    expect(s.errors[0].reason).toMatch(/publishedAt is required/)
    const store = SqliteStore.open(f('b.db'), { readonly: true })
    const row = store.db.prepare("select text, author_verified, extra_json from mentions where platform_id = '7001'").get()
    store.close()
    expect(row).toEqual({ text: '宝安, 沙井："古墟"开放了\n第二行', author_verified: 1, extra_json: '{"province":"广东"}' })
  })

  it('round-trips exactly: export → import into a new database → export gives the same bytes (JSONL and CSV)', async () => {
    await writeJsonl(f('gen.jsonl'), { rows: 3000, seed: 3 })
    writeFileSync(f('gen.jsonl'), readFileSync(f('gen.jsonl'), 'utf8') + JSON.stringify(GOOD_2) + '\n')
    expect((await runCli(['import', f('gen.jsonl'), '--db', f('r1.db')])).code).toBe(0)
    for (const format of ['jsonl', 'csv']) {
      const e1 = await runCli(['export', '--db', f('r1.db'), '--format', format, '-o', f(`e1.${format}`), '--json'])
      expect(parseJson(e1)).toMatchObject({ rows: 3001 })
      const imp = parseJson(await runCli(['import', f(`e1.${format}`), '--db', f(`r2-${format}.db`), '--json']))
      expect(imp).toMatchObject({ inserted: 3001, rejected: 0 })
      expect(parseJson(await runCli(['import', f(`e1.${format}`), '--db', f('r1.db'), '--json']))).toMatchObject({ unchanged: format === 'jsonl' ? 3001 : expect.any(Number) })
      await runCli(['export', '--db', f(`r2-${format}.db`), '--format', format, '-o', f(`e2.${format}`)])
      expect(readFileSync(f(`e2.${format}`), 'utf8')).toBe(readFileSync(f(`e1.${format}`), 'utf8'))
    }
    // The JSONL export carries the imported rows' fields exactly.
    const original = readFileSync(f('gen.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l))
    const exported = new Map(readFileSync(f('e1.jsonl'), 'utf8').trim().split('\n').map((l) => { const o = JSON.parse(l); return [o.url, o] }))
    for (const o of original.slice(0, 200)) {
      const e = exported.get(o.url)!
      for (const [k, v] of Object.entries(o)) if (v !== null) expect(e[k]).toEqual(v)
    }
  })

  it('filters exports by source and by local dates (Asia/Shanghai)', async () => {
    const rows = [
      { ...GOOD_1, platformId: 'd1', url: null, publishedAt: '2026-11-24T23:59:00+08:00' },
      { ...GOOD_1, platformId: 'd2', url: null, publishedAt: '2026-11-25T00:00:00+08:00' },
      { ...GOOD_1, platformId: 'd3', url: null, publishedAt: '2026-11-25T23:59:59+08:00' },
      { ...GOOD_1, platformId: 'd4', url: null, publishedAt: '2026-11-25T16:00:00Z' },
      { ...GOOD_2 },
    ]
    writeFileSync(f('d.jsonl'), rows.map((x) => JSON.stringify(x)).join('\n'))
    await runCli(['import', f('d.jsonl'), '--db', f('d.db')])
    const ids = async (args: string[]) =>
      (await runCli(['export', '--db', f('d.db'), ...args])).stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l).platformId ?? 'news')
    expect(await ids(['--from', '2026-11-25', '--to', '2026-11-25'])).toEqual(['d2', 'd3'])
    expect(await ids(['--source', 'news'])).toEqual(['news'])
    expect(await ids(['--from', '2026-11-25T16:00:00Z'])).toEqual(['d4'])
    const bad = await runCli(['export', '--db', f('d.db'), '--from', 'yesterday'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/--from "yesterday" is not a date/)
  })

  it('reads .jsonl.gz and stdin, and parses identically on the worker thread and in-thread', async () => {
    await writeJsonl(f('z.jsonl'), { rows: 1200, seed: 5 })
    writeFileSync(f('z.jsonl.gz'), gzipSync(readFileSync(f('z.jsonl'))))
    expect(parseJson(await runCli(['import', f('z.jsonl.gz'), '--db', f('z1.db'), '--json']))).toMatchObject({ inserted: 1200 })
    expect(parseJson(await runCli(['import', '-', '--format', 'jsonl', '--db', f('z2.db'), '--json'], { input: readFileSync(f('z.jsonl')) }))).toMatchObject({ inserted: 1200 })
    const s3 = SqliteStore.open(f('z3.db'))
    const sum = await importFile(s3, f('z.jsonl'), { threads: false, batchSize: 100 })
    expect(sum).toMatchObject({ inserted: 1200, rejected: 0 })
    s3.close()
    const e = await Promise.all(['z1.db', 'z2.db', 'z3.db'].map((d) => runCli(['export', '--db', f(d)])))
    expect(e[1]!.stdout).toBe(e[0]!.stdout)
    expect(e[2]!.stdout).toBe(e[0]!.stdout)
    const broken = await runCli(['import', f('z.jsonl'), '--db', f('z1.db'), '--format', 'xml'])
    expect(broken.code).toBe(2)
  })
})

describe('a damaged input', () => {
  it('keeps the rows read before the damage (truncated .gz), on the worker thread and in-thread', async () => {
    await writeJsonl(f('t.jsonl'), { rows: 20_000, seed: 5 })
    const gz = gzipSync(readFileSync(f('t.jsonl')))
    writeFileSync(f('t.jsonl.gz'), gz.subarray(0, Math.floor(gz.length * 0.9)))
    for (const threads of [true, false]) {
      const s = SqliteStore.open(f(`t-${threads}.db`))
      try {
        await expect(importFile(s, f('t.jsonl.gz'), { threads })).rejects.toThrow(/not valid gzip.*|rows before the damage/)
        const stored = s.countMentions()
        expect(stored).toBeGreaterThan(10_000)
        expect(stored).toBeLessThan(20_000)
        expect(s.check()).toEqual({ ok: true, problems: [] })
      } finally {
        s.close()
      }
    }
  })
})

describe('rows the database refuses', () => {
  it('are reported with their line and the input row (--rejects), on the worker thread and in-thread', async () => {
    for (const threads of [true, false]) {
      const db = f(`refuse-${threads}.db`)
      const s = SqliteStore.open(db)
      try {
        writeFileSync(f('r0.jsonl'), [JSON.stringify({ ...GOOD_1, platformId: '9001', url: 'https://x.cn/1' }), JSON.stringify({ ...GOOD_1, platformId: '9002', url: 'https://x.cn/2' })].join('\n') + '\n')
        await importFile(s, f('r0.jsonl'), { threads })
        // Line 2 claims mention 9001's platform id with mention 9002's URL: two identities, two rows.
        const conflict = { ...GOOD_1, platformId: '9001', url: 'https://x.cn/2', likes: 99 }
        writeFileSync(f('r1.jsonl'), [JSON.stringify({ ...GOOD_1, platformId: '9003', url: 'https://x.cn/3' }), JSON.stringify(conflict)].join('\n') + '\n')
        const sum = await importFile(s, f('r1.jsonl'), { threads, rejectsFile: f(`r1-${threads}.rejects.jsonl`) })
        expect(sum).toMatchObject({ inserted: 1, rejected: 1 })
        expect(sum.errors).toEqual([{ line: 2, reason: expect.stringMatching(/platformId matches mention \d+ but url matches mention \d+/) }])
        const rejected = readFileSync(f(`r1-${threads}.rejects.jsonl`), 'utf8').trim().split('\n').map((l) => JSON.parse(l))
        expect(rejected).toEqual([{ line: 2, reason: sum.errors[0]!.reason, row: conflict }])
      } finally {
        s.close()
      }
    }
  })
})

describe('kill -9 in the middle of an import', () => {
  it('leaves a consistent database; the same import again completes with no duplicates', async () => {
    const rows = 150_000
    await writeJsonl(f('k.jsonl'), { rows, seed: 11 })
    const db = f('k.db')
    // Wait until some batches are committed, then kill without warning.
    const seen = await killWhen(['import', f('k.jsonl'), '--db', db, '--batch-size', '2000'], db, (st) => st.countMentions(), 4000)
    expect(seen).toBeGreaterThanOrEqual(4000)

    const check1 = await runCli(['db', 'check', '--db', db])
    expect(check1.code, check1.stderr).toBe(0)
    const s = SqliteStore.open(db, { readonly: true })
    const partial = s.countMentions()
    s.close()
    expect(partial).toBeLessThan(rows)
    expect(partial % 2000).toBe(0) // whole batches only

    const again = parseJson(await runCli(['import', f('k.jsonl'), '--db', db, '--json'], { timeoutMs: 120_000 }))
    expect(again).toMatchObject({ inserted: rows - partial, unchanged: partial, updated: 0, rejected: 0 })
    const check2 = await runCli(['db', 'check', '--db', db])
    expect(check2.code, check2.stderr).toBe(0)
    const s2 = SqliteStore.open(db, { readonly: true })
    expect(s2.countMentions()).toBe(rows)
    expect(s2.db.prepare('select count(*) as n from (select source, platform_id from mentions where platform_id is not null group by 1, 2 having count(*) > 1)').get()).toEqual({ n: 0 })
    expect(s2.db.prepare('select count(*) as n from (select canonical_url from mentions group by 1 having count(*) > 1)').get()).toEqual({ n: 0 })
    s2.close()
  }, 240_000)
})
