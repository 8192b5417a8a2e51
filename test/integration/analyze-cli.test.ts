/**
 * `yuqing analyze` and `yuqing reanalyze` through the real CLI: the example sentence,
 * errors, and reanalyze killed with SIGKILL and run again (resumes, nothing analysed twice,
 * database consistent).
 */
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SqliteStore } from '../../src/store/sqlite.js'
import { ensureBuilt, killWhen, parseJson, runCli, tmpDir } from '../helpers/cli.js'
import { writeJsonl } from '../helpers/generate.js'

let ws: { dir: string; cleanup: () => void }
beforeAll(() => {
  ensureBuilt()
  ws = tmpDir()
})
afterAll(() => ws.cleanup())
const f = (name: string) => path.join(ws.dir, name)

describe('yuqing analyze', () => {
  it('names 440306, topic 城管 and a positive label for the issue example', async () => {
    const r = await runCli(['analyze', '宝安区城管局30分钟内回应了市民投诉，效率很高👍', '--json'])
    expect(r.code, r.stderr).toBe(0)
    const a = parseJson(r)
    expect(a.regions.map((g: { code: string }) => g.code)).toEqual(['440306'])
    expect(a.regions[0]).toMatchObject({ name: '宝安区', evidence: '宝安区' })
    expect(a.topics).toContain('城管')
    expect(a.sentiment.label).toBe('pos')
    expect(a.sentiment.score).toBeGreaterThan(0)
    expect(a.simhash).toMatch(/^[0-9a-f]{16}$/)
    expect(a.keywords.length).toBeGreaterThan(0)
  })

  it('--explain lists signed sentiment terms and topic terms', async () => {
    const r = await runCli(['analyze', '南山区这破路修了半年还没修好[怒]，深圳交通真让人失望', '--json', '--explain'])
    expect(r.code, r.stderr).toBe(0)
    const a = parseJson(r)
    expect(a.sentiment.label).toBe('neg')
    expect(a.explain.sentimentTerms.some((t: { weight: number }) => t.weight < 0)).toBe(true)
    expect(a.explain.tokens).toContain('[怒]')
    expect(a.regions.map((g: { code: string }) => g.code)).toEqual(['440305'])
  })

  it('exits 2 with one line when there is nothing to analyse', async () => {
    const r = await runCli(['analyze'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/nothing to analyse/)
  })
})

describe('yuqing import analyses what it stores', () => {
  it('runs the pipeline on new rows by default; --no-analyze leaves them for reanalyze', async () => {
    await writeJsonl(f('i.jsonl'), { rows: 300, seed: 9 })
    const r = await runCli(['import', f('i.jsonl'), '--db', f('i.db'), '--json'])
    expect(r.code, r.stderr).toBe(0)
    expect(parseJson(r).analysis).toMatchObject({ analyzed: 300 })
    const s = SqliteStore.open(f('i.db'), { readonly: true })
    expect((s.db.prepare('select count(*) as n from analyses').get() as { n: number }).n).toBe(300)
    s.close()
    const again = await runCli(['import', f('i.jsonl'), '--db', f('i.db'), '--json'])
    expect(parseJson(again).analysis).toBeUndefined() // nothing new, nothing to analyse
  })
})

describe('yuqing reanalyze', () => {
  it('analyses every stored mention; killed with SIGKILL and run again, it resumes and completes', async () => {
    const rows = 6000
    await writeJsonl(f('r.jsonl'), { rows, seed: 5 })
    const db = f('r.db')
    const imp = await runCli(['import', f('r.jsonl'), '--db', db, '--json', '--no-analyze'])
    expect(imp.code, imp.stderr).toBe(0)

    const analysed = (st: SqliteStore) => (st.db.prepare('select count(*) as n from analyses').get() as { n: number }).n
    const seen = await killWhen(['reanalyze', '--db', db, '--batch-size', '200'], db, analysed, 600)
    expect(seen).toBeGreaterThanOrEqual(600)

    const s1 = SqliteStore.open(db, { readonly: true })
    const partial = (s1.db.prepare('select count(*) as n from analyses').get() as { n: number }).n
    s1.close()
    expect(partial).toBeLessThan(rows)
    expect(partial % 200).toBe(0) // whole batches only

    const again = await runCli(['reanalyze', '--db', db, '--json'])
    expect(again.code, again.stderr).toBe(0)
    const res = parseJson(again)
    expect(res.analyzed).toBe(rows - partial) // resumed: the committed batches were not redone
    expect(res.remaining).toBe(0)
    const check = await runCli(['db', 'check', '--db', db])
    expect(check.code, check.stderr).toBe(0)

    const s2 = SqliteStore.open(db, { readonly: true })
    const q = (sql: string) => (s2.db.prepare(sql).get() as { n: number }).n
    expect(q('select count(*) as n from analyses')).toBe(rows)
    // The generated posts name Shenzhen districts (宝安区, 南山区 …) in most texts.
    expect(q("select count(distinct mention_id) as n from mention_regions where region_code = '440306'")).toBeGreaterThan(rows / 10)
    // Repeated template texts fold into clusters.
    expect(q('select count(*) as n from analyses where cluster_id <> mention_id')).toBeGreaterThan(0)
    s2.close()

    const none = await runCli(['reanalyze', '--db', db, '--json'])
    expect(parseJson(none)).toMatchObject({ analyzed: 0, remaining: 0 })
  })
})
