/**
 * Killing `yuqing crawl` mid-run (SIGKILL: no handler runs) loses nothing already stored, leaves
 * a database that passes `db check`, and the next run finishes the job: every expected post
 * once, comments only with their post, the killed run marked aborted.
 */
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { postsAbout } from '../../src/sample/data.js'
import { startSampleServer, type SampleServer } from '../../src/sample/server.js'
import { SqliteStore } from '../../src/store/sqlite.js'
import { ensureBuilt, killWhen, parseJson, runCli, tmpDir } from '../helpers/cli.js'
import { sampleConfig, weiboAt } from '../helpers/fixtures.js'

let ws: { dir: string; cleanup: () => void }
let server: SampleServer

beforeAll(async () => {
  ensureBuilt()
  ws = tmpDir()
  // Slow answers, so that the kill lands in the middle of the crawl.
  server = await startSampleServer({ now: new Date(Date.now() - 60_000), latencyMs: 40 })
})
afterAll(async () => {
  await server.close()
  ws.cleanup()
})

describe('yuqing crawl killed with SIGKILL', () => {
  it('keeps every page it stored, and the next run completes the window without duplicates', async () => {
    const cfg = sampleConfig(ws.dir, 'k', `sources:\n${weiboAt(server.url)}  news: { enabled: false }\n`)
    const db = path.join(ws.dir, 'k.db')
    const args = ['crawl', 'weibo', '--config', cfg, '--since', '4d']
    const posts = (s: SqliteStore) => (s.db.prepare(`select count(*) n from mentions where platform_id not like 'c%'`).get() as { n: number }).n
    const seen = await killWhen(args, db, posts, 8, 60_000)
    expect(seen).toBeGreaterThanOrEqual(8)

    const expected = postsAbout(server.world, '宝安')
    let s = SqliteStore.open(db, { readonly: true })
    const partial = posts(s)
    const orphans = () =>
      s.db
        .prepare(`select c.platform_id from mentions c where c.platform_id like 'c%' and not exists (select 1 from mentions p where p.platform_id = json_extract(c.extra_json, '$.postMid'))`)
        .all()
    try {
      expect(partial).toBeLessThan(expected.length) // killed mid-way, not after the end
      expect(orphans()).toEqual([]) // a page's posts and comments were committed together
      expect(s.crawlRuns({ source: 'weibo' })[0]).toMatchObject({ status: 'running' })
    } finally {
      s.close()
    }
    const check = await runCli(['db', 'check', '--db', db])
    expect(check.code, check.stdout + check.stderr).toBe(0)

    const again = await runCli([...args, '--json'], { timeoutMs: 120_000 })
    expect(again.code, again.stderr).toBe(0)
    const w = parseJson(again).sources[0]
    expect(w).toMatchObject({ status: 'ok', errors: 0 })
    expect(w.inserted).toBeGreaterThan(0)
    s = SqliteStore.open(db, { readonly: true })
    try {
      const rows = s.db.prepare(`select platform_id from mentions where platform_id not like 'c%'`).all() as Array<{ platform_id: string }>
      expect(rows.map((r) => r.platform_id).sort()).toEqual(expected.map((p) => p.mid).sort())
      expect(orphans()).toEqual([])
      const runs = s.crawlRuns({ source: 'weibo' })
      expect(runs.map((r) => r.status)).toEqual(['ok', 'aborted'])
    } finally {
      s.close()
    }
  }, 180_000)
})
