/**
 * The real CLI (bin/run.js → dist/) in child processes: help, init, doctor, config errors,
 * regions, db maintenance and error output. One temp workspace is shared by the whole file.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { createRequire } from 'node:module'
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { parse as parseYaml } from 'yaml'
import type BetterSqlite3 from 'better-sqlite3'
import { REPO_ROOT, ensureBuilt, parseJson, runCli, tmpDir, type CliResult } from '../helpers/cli.js'
import { BAD_CONFIG } from '../helpers/fixtures.js'
import { LATEST_VERSION, MIGRATIONS } from '../../src/store/migrations.js'

const ALL_MIGRATIONS = MIGRATIONS.map((m) => ({ version: m.version, name: m.name }))

const Database = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3

let ws: { dir: string; cleanup: () => void }
/** Runs the CLI in the shared temp dir. */
const cli = (...args: string[]): Promise<CliResult> => runCli(args, { cwd: ws.dir })
const p = (...parts: string[]): string => path.join(ws.dir, ...parts)

beforeAll(() => {
  ensureBuilt()
  ws = tmpDir()
})
afterAll(() => ws?.cleanup())

/** stderr lines without the trailing empty one. */
const lines = (s: string): string[] => s.split('\n').filter((l, i, a) => !(l === '' && i === a.length - 1))

/** Asserts the error format: `yuqing: …` first, `  hint: …` last, no stack trace. */
function expectOneError(r: CliResult, message: RegExp | string): void {
  const l = lines(r.stderr)
  expect(l.length, r.stderr).toBeGreaterThanOrEqual(2)
  expect(l[0]!.startsWith('yuqing: '), r.stderr).toBe(true)
  if (typeof message === 'string') expect(l[0]).toContain(message)
  else expect(l[0]).toMatch(message)
  expect(l[l.length - 1]).toMatch(/^ {2}hint: \S/)
  expect(r.stderr).not.toMatch(/^\s+at /m)
  expect(l.filter((x) => x.startsWith('yuqing:'))).toHaveLength(1)
}

describe('yuqing --help', () => {
  it('exits 0 and lists the topics and commands', async () => {
    const r = await cli('--help')
    expect(r.code).toBe(0)
    const section = (name: string): string[] => {
      const after = r.stdout.split(/^(?=[A-Z]+\s*$)/m).find((s) => s.startsWith(name))
      expect(after, `no ${name} section in:\n${r.stdout}`).toBeDefined()
      return [...after!.matchAll(/^ {2}(\S+)/gm)].map((m) => m[1]!)
    }
    expect(section('TOPICS')).toEqual(expect.arrayContaining(['db', 'regions']))
    expect(section('COMMANDS')).toEqual(expect.arrayContaining(['init', 'doctor', 'import', 'export']))
  })
})

describe('init', () => {
  it('creates yuqing.yaml, yuqing.schema.json, a migrated data/yuqing.db and reports/', async () => {
    const r = await cli('init', 'ws')
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toContain('watching 宝安区 440306')
    const yaml = readFileSync(p('ws', 'yuqing.yaml'), 'utf8')
    expect(yaml).toBe(readFileSync(path.join(REPO_ROOT, 'config', 'yuqing.template.yaml'), 'utf8'))
    expect(readFileSync(p('ws', 'yuqing.schema.json'), 'utf8')).toBe(readFileSync(path.join(REPO_ROOT, 'config', 'yuqing.schema.json'), 'utf8'))
    expect(statSync(p('ws', 'reports')).isDirectory()).toBe(true)
    const dbFile = p('ws', 'data', 'yuqing.db')
    expect(readFileSync(dbFile).subarray(0, 16).toString('latin1')).toBe('SQLite format 3\0')
    const db = new Database(dbFile, { readonly: true, fileMustExist: true })
    try {
      expect(db.prepare('select version, name from schema_migrations order by version').all()).toEqual(ALL_MIGRATIONS)
      const tables = (db.prepare("select name from sqlite_schema where type = 'table'").all() as Array<{ name: string }>).map((t) => t.name)
      expect(tables).toEqual(expect.arrayContaining(['mentions', 'mention_regions', 'analyses', 'alerts', 'mentions_fts']))
    } finally {
      db.close()
    }
  })

  it('refuses to overwrite an existing workspace (exit 2, hint about --force); --force does', async () => {
    const before = readFileSync(p('ws', 'yuqing.yaml'), 'utf8')
    writeFileSync(p('ws', 'yuqing.yaml'), before + '# local edit\n')
    const r = await cli('init', 'ws')
    expect(r.code).toBe(2)
    expectOneError(r, `${p('ws', 'yuqing.yaml')} already exists`)
    expect(r.stderr).toMatch(/hint: .*--force/)
    expect(r.stdout).toBe('')
    expect(readFileSync(p('ws', 'yuqing.yaml'), 'utf8')).toBe(before + '# local edit\n')

    // --force rewrites the config but keeps the database and its rows.
    const d = new Database(p('ws', 'data', 'yuqing.db'))
    d.prepare("insert into job_runs (job, task, trigger, started_at, status) values ('marker', 'backup', 'manual', '2026-11-25T00:00:00.000Z', 'ok')").run()
    d.close()
    const f = await cli('init', 'ws', '--force')
    expect(f.code, f.stderr).toBe(0)
    expect(readFileSync(p('ws', 'yuqing.yaml'), 'utf8')).toBe(before)
    const d2 = new Database(p('ws', 'data', 'yuqing.db'), { readonly: true })
    try {
      expect(d2.prepare('select job from job_runs').all()).toEqual([{ job: 'marker' }])
    } finally {
      d2.close()
    }
  })

  it('--region 南山区 is ambiguous (exit 2, nothing written); --region 深圳市南山区 writes code "440305"', async () => {
    const [amb, ok] = await Promise.all([cli('init', 'ws-amb', '--region', '南山区'), cli('init', 'ws-ns', '--region', '深圳市南山区', '--json')])
    expect(amb.code).toBe(2)
    expectOneError(amb, 'ambiguous')
    expect(amb.stderr).toContain('440305')
    expect(amb.stderr).toContain('230404')
    expect(existsSync(p('ws-amb'))).toBe(false)

    expect(ok.code, ok.stderr).toBe(0)
    expect(parseJson(ok).region).toEqual({ code: '440305', name: '南山区' })
    const text = readFileSync(p('ws-ns', 'yuqing.yaml'), 'utf8')
    expect(text).toContain('  - code: "440305"')
    const doc = parseYaml(text) as { regions: Array<{ code: unknown; name: unknown }> }
    expect(doc.regions).toHaveLength(1)
    expect(doc.regions[0]!.code).toBe('440305')
    expect(doc.regions[0]!.name).toBe('南山区')
  })
})

describe('doctor', () => {
  it('passes on a fresh workspace, with --config before the command', async () => {
    const [human, json] = await Promise.all([
      cli('--config', 'ws/yuqing.yaml', 'doctor'),
      cli('--config', 'ws/yuqing.yaml', 'doctor', '--json'),
    ])
    expect(human.code, human.stdout + human.stderr).toBe(0)
    expect(human.stdout).toMatch(/^✔ config +.*yuqing\.yaml is valid; watching 宝安区 440306$/m)
    expect(json.code, json.stderr).toBe(0)
    const report = parseJson<{ ok: boolean; checks: Array<{ name: string; status: string; detail: string }> }>(json)
    expect(report.ok).toBe(true)
    const status = Object.fromEntries(report.checks.map((c) => [c.name, c.status]))
    for (const name of ['node', 'sqlite', 'nodejieba', 'gazetteer', 'config', 'database']) expect(status[name], name).toBe('ok')
    expect(report.checks.find((c) => c.name === 'database')!.detail).toContain(p('ws', 'data', 'yuqing.db'))
  })
})

const BAD_PATHS = ['sources.weibo.rateLimit.concurrency', 'regions[0].name', 'sources.weibo.ratelimit']

describe('a config with problems', () => {
  beforeAll(() => {
    mkdirSync(p('bad'))
    writeFileSync(p('bad', 'bad.yaml'), BAD_CONFIG)
  })

  it('doctor --json shows the config check failed and exits 1', async () => {
    const r = await cli('--config', 'bad/bad.yaml', 'doctor', '--json')
    expect(r.code).toBe(1)
    const report = parseJson<{ ok: boolean; checks: Array<{ name: string; status: string; detail: string }> }>(r)
    expect(report.ok).toBe(false)
    const config = report.checks.find((c) => c.name === 'config')!
    expect(config.status).toBe('fail')
    for (const path of BAD_PATHS) expect(config.detail).toContain(path)
    expect(report.checks.find((c) => c.name === 'node')!.status).toBe('ok')
  })

  it('db stats exits 2 and prints one stderr line per problem, each with its dotted path', async () => {
    const r = await cli('--config', 'bad/bad.yaml', 'db', 'stats')
    expect(r.code).toBe(2)
    expect(r.stdout).toBe('')
    const l = lines(r.stderr)
    expect(l[0]).toBe(`yuqing: 3 problems in the configuration in ${p('bad', 'bad.yaml')}:`)
    expect(l[l.length - 1]).toMatch(/^ {2}hint: /)
    const problems = l.slice(1, -1)
    expect(problems).toHaveLength(3)
    for (const line of problems) expect(line).toMatch(/^ {2}\S+: .+ \(line \d+\)$/)
    expect(problems.map((x) => x.trim().split(': ')[0]).sort()).toEqual([...BAD_PATHS].sort())
    expect(problems.find((x) => x.includes('rateLimit.concurrency'))).toMatch(/\(line 8\)$/)
    expect(problems.find((x) => x.includes('regions[0].name'))).toMatch(/\(line 2\)$/)
    expect(problems.find((x) => x.includes('ratelimit:'))).toContain('did you mean "rateLimit"?')
    // Nothing was opened or created for a config that does not load.
    expect(existsSync(p('bad', 'data'))).toBe(false)
  })

  it('--json puts the issues on stdout as one JSON error', async () => {
    const r = await cli('--config', 'bad/bad.yaml', 'db', 'stats', '--json')
    expect(r.code).toBe(2)
    const out = parseJson<{ error: { code: string; issues: Array<{ path: string }> } }>(r)
    expect(out.error.code).toBe('config')
    expect(out.error.issues.map((i) => i.path).sort()).toEqual([...BAD_PATHS].sort())
  })

  it('a missing --config file exits 2', async () => {
    const r = await cli('--config', 'nope.yaml', 'db', 'status')
    expect(r.code).toBe(2)
    expectOneError(r, `config file not found: ${p('nope.yaml')} (from --config)`)
  })
})

describe('regions', () => {
  it('search, show, and an unknown code', async () => {
    const [search, show, missing] = await Promise.all([cli('regions', 'search', '南山', '--json'), cli('regions', 'show', '440306', '--json'), cli('regions', 'show', '999999')])

    expect(search.code, search.stderr).toBe(0)
    const res = parseJson<{ query: string; results: Array<{ code: string; name: string; prefecture: string; ambiguous: boolean }> }>(search)
    expect(res.query).toBe('南山')
    const nanshan = res.results.filter((x) => x.name === '南山区').map(({ code, prefecture, ambiguous }) => ({ code, prefecture, ambiguous }))
    expect(nanshan).toEqual(
      expect.arrayContaining([
        { code: '440305', prefecture: '深圳市', ambiguous: true },
        { code: '230404', prefecture: '鹤岗市', ambiguous: true },
      ]),
    )
    expect(nanshan).toHaveLength(2)

    expect(show.code, show.stderr).toBe(0)
    const r = parseJson<{ code: string; name: string; prefecture: string; province: string; streets: string[]; ambiguous: boolean }>(show)
    expect(r).toMatchObject({ code: '440306', name: '宝安区', prefecture: '深圳市', province: '广东省', ambiguous: false })
    expect(r.streets).toContain('新安街道')

    expect(missing.code).toBe(2)
    expect(missing.stdout).toBe('')
    expectOneError(missing, 'no region with code "999999"')
    expect(lines(missing.stderr)).toHaveLength(2)
  })
})

describe('db', () => {
  const MENTIONS = [
    { source: 'weibo', platformId: '1', text: '宝安区新安街道今天交通拥堵', publishedAt: '2026-11-20T08:00:00+08:00' },
    { source: 'weibo', platformId: '2', text: '西乡街道 公园 开放', publishedAt: '2026-11-21T09:00:00+08:00' },
    { source: 'news', url: 'https://example.com/a', title: '宝安新闻', text: '宝安区 地铁 新线', publishedAt: '2026-11-22T10:00:00Z' },
  ]
  const db = (...args: string[]) => cli('--db', 'dbs/main.db', ...args)
  const mentionCount = (file: string): number => {
    const d = new Database(file, { readonly: true, fileMustExist: true })
    try {
      return (d.prepare('select count(*) as n from mentions').get() as { n: number }).n
    } finally {
      d.close()
    }
  }

  beforeAll(() => {
    mkdirSync(p('dbs'))
    writeFileSync(p('dbs', 'm.jsonl'), MENTIONS.map((m) => JSON.stringify(m)).join('\n') + '\n')
  })

  it('status on a new file: version 0, every migration pending, no tables created', async () => {
    const r = await db('db', 'status', '--json')
    expect(r.code, r.stderr).toBe(0)
    const st = parseJson(r)
    expect(st).toMatchObject({ path: p('dbs', 'main.db'), version: 0, latest: LATEST_VERSION, applied: [] })
    expect(st.pending).toEqual(ALL_MIGRATIONS)
    if (existsSync(p('dbs', 'main.db'))) {
      const d = new Database(p('dbs', 'main.db'), { readonly: true, fileMustExist: true })
      try {
        expect(d.prepare('select name from sqlite_schema').all()).toEqual([])
      } finally {
        d.close()
      }
    }
  })

  it('migrate applies every migration, then nothing; status shows none pending', async () => {
    const m1 = await db('db', 'migrate', '--json')
    expect(m1.code, m1.stderr).toBe(0)
    expect(parseJson(m1)).toEqual({ path: p('dbs', 'main.db'), applied: ALL_MIGRATIONS.map((m) => m.version), version: LATEST_VERSION })
    const [m2, st] = await Promise.all([db('db', 'migrate', '--json'), db('db', 'status', '--json')])
    expect(parseJson(m2)).toEqual({ path: p('dbs', 'main.db'), applied: [], version: LATEST_VERSION })
    const s = parseJson(st)
    expect(s).toMatchObject({ version: LATEST_VERSION, latest: LATEST_VERSION, pending: [] })
    expect(s.applied).toHaveLength(ALL_MIGRATIONS.length)
    expect(s.applied[0]).toMatchObject({ version: 1, name: 'init', modified: false })
    expect(Date.parse(s.applied[0].appliedAt)).not.toBeNaN()
    const human = await db('db', 'status')
    expect(human.stdout).toContain('pending: none')
  })

  it('stats counts what an import stored', async () => {
    const imp = await db('import', 'dbs/m.jsonl', '--json')
    expect(imp.code, imp.stderr).toBe(0)
    expect(parseJson(imp)).toMatchObject({ inserted: 3, rejected: 0 })
    const r = await db('db', 'stats', '--json')
    expect(r.code, r.stderr).toBe(0)
    const st = parseJson(r)
    expect(st.path).toBe(p('dbs', 'main.db'))
    // The import analysed what it stored: all three texts name 宝安区 or its 西乡街道.
    expect(st.tables).toEqual({ mentions: 3, mention_regions: 3, analyses: 3, crawl_runs: 0, job_runs: 0, alerts: 0 })
    expect(st.bySource).toEqual([
      { source: 'weibo', mentions: 2, first: '2026-11-20T00:00:00.000Z', last: '2026-11-21T01:00:00.000Z' },
      { source: 'news', mentions: 1, first: '2026-11-22T10:00:00.000Z', last: '2026-11-22T10:00:00.000Z' },
    ])
    expect(st.sizeBytes).toBeGreaterThan(0)
  })

  it('check passes on a good database', async () => {
    const r = await db('db', 'check')
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/^ok: .*main\.db passed integrity_check, foreign_key_check, fts integrity, fts row count, unique mentions$/m)
  })

  it('backup makes a copy that passes check and has the same mentions; an existing target needs --force', async () => {
    const b = await db('db', 'backup', 'dbs/backup/b.db', '--json')
    expect(b.code, b.stderr).toBe(0)
    const res = parseJson(b)
    expect(res.path).toBe(p('dbs', 'backup', 'b.db'))
    expect(res.bytes).toBe(statSync(p('dbs', 'backup', 'b.db')).size)
    const [check, stats, again] = await Promise.all([
      cli('--db', 'dbs/backup/b.db', 'db', 'check'),
      cli('--db', 'dbs/backup/b.db', 'db', 'stats', '--json'),
      db('db', 'backup', 'dbs/backup/b.db'),
    ])
    expect(check.code, check.stderr).toBe(0)
    expect(parseJson(stats).tables.mentions).toBe(3)
    expect(mentionCount(p('dbs', 'backup', 'b.db'))).toBe(3)
    expect(again.code).toBe(2)
    expectOneError(again, `backup target exists: ${p('dbs', 'backup', 'b.db')}`)
    expect(again.stderr).toMatch(/hint: .*--force/)
    const forced = await db('db', 'backup', 'dbs/backup/b.db', '--force')
    expect(forced.code, forced.stderr).toBe(0)
    expect(forced.stdout).toMatch(/^backed up to .*b\.db \(/)
  })

  it('check exits 1 naming a dangling foreign key', async () => {
    copyFileSync(p('dbs', 'backup', 'b.db'), p('dbs', 'fk.db'))
    const d = new Database(p('dbs', 'fk.db'))
    d.pragma('foreign_keys = OFF')
    d.prepare("insert into analyses (mention_id, model_version, analyzed_at) values (999, 'test', '2026-11-25T00:00:00.000Z')").run()
    d.close()
    const r = await cli('--db', 'dbs/fk.db', 'db', 'check')
    expect(r.code).toBe(1)
    expect(r.stdout).toBe('')
    expectOneError(r, `database check failed for ${p('dbs', 'fk.db')}`)
    expect(r.stderr).toContain('foreign_key_check: analyses row 999 points to a missing mentions')
  })

  it('check exits 1 on a drifted full-text index; vacuum rebuilds it and check passes again', async () => {
    copyFileSync(p('dbs', 'backup', 'b.db'), p('dbs', 'fts.db'))
    const d = new Database(p('dbs', 'fts.db'))
    d.prepare('delete from mentions_fts where rowid = (select min(id) from mentions)').run()
    d.close()
    const bad = await cli('--db', 'dbs/fts.db', 'db', 'check')
    expect(bad.code).toBe(1)
    expectOneError(bad, 'database check failed')
    expect(bad.stderr).toContain('full-text index has 2 rows for 3 mentions')

    const v = await cli('--db', 'dbs/fts.db', 'db', 'vacuum', '--json')
    expect(v.code, v.stderr).toBe(0)
    expect(parseJson(v).ftsRebuilt).toBe(true)
    const good = await cli('--db', 'dbs/fts.db', 'db', 'check')
    expect(good.code, good.stderr).toBe(0)
  })

  it('vacuum works on a good database and keeps it good', async () => {
    const v = await db('db', 'vacuum', '--json')
    expect(v.code, v.stderr).toBe(0)
    const res = parseJson(v)
    expect(res.ftsRebuilt).toBe(false)
    expect(res.beforeBytes).toBeGreaterThan(0)
    expect(res.afterBytes).toBeGreaterThan(0)
    const check = await db('db', 'check')
    expect(check.code, check.stderr).toBe(0)
    expect(mentionCount(p('dbs', 'main.db'))).toBe(3)
  })
})

describe('errors', () => {
  it('a file that is not a database: exit 1, one clear line, no stack unless --verbose', async () => {
    writeFileSync(p('x.db'), 'hello\n')
    const [r, v] = await Promise.all([cli('--db', 'x.db', 'db', 'stats'), cli('--db', 'x.db', 'db', 'stats', '--verbose')])
    expect(r.code).toBe(1)
    expect(r.stdout).toBe('')
    expectOneError(r, `cannot open database ${p('x.db')}: file is not a database`)
    expect(lines(r.stderr)).toHaveLength(2)
    expect(readFileSync(p('x.db'), 'utf8')).toBe('hello\n')

    expect(v.code).toBe(1)
    expect(lines(v.stderr)[0]).toBe(lines(r.stderr)[0])
    expect(v.stderr).toMatch(/^\s+at /m)
  })

  it('an unknown flag exits 2', async () => {
    const r = await cli('db', 'stats', '--bogus')
    expect(r.code).toBe(2)
    expectOneError(r, '--bogus')
    expect(r.stdout).toBe('')
  })

  it('an unknown command exits 2 in the same error format', async () => {
    const r = await cli('frobnicate')
    expect(r.code).toBe(2)
    expectOneError(r, 'frobnicate')
  })
})
