/**
 * `yuqing auth weibo` and `yuqing auth status` through the real CLI, against the sample server's
 * /api/config: the cookie is stored with mode 0600 and never printed (text or --json), a
 * logged-in cookie reports so, an expired one exits 1 with a one-line reason.
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSampleServer, type SampleServer } from '../../src/sample/server.js'
import { ensureBuilt, parseJson, runCli, tmpDir } from '../helpers/cli.js'

let ws: { dir: string; cleanup: () => void }
let server: SampleServer
let cfg: string

beforeAll(async () => {
  ensureBuilt()
  ws = tmpDir()
  server = await startSampleServer({ now: new Date() })
  cfg = path.join(ws.dir, 'yuqing.yaml')
  writeFileSync(cfg, `database: { path: a.db }\nsources:\n  weibo:\n    baseUrls: { api: "${server.url}" }\n`)
})
afterAll(async () => {
  await server.close()
  ws.cleanup()
})

describe('yuqing auth', () => {
  it('reports no credential before one is stored', async () => {
    const r = await runCli(['auth', 'status', '--config', cfg, '--json'])
    expect(r.code, r.stderr).toBe(0)
    expect(parseJson(r)).toEqual([expect.objectContaining({ source: 'weibo', present: false, login: null })])
  })

  it('stores a pasted cookie (with a Cookie: prefix and line breaks) with mode 0600 and never prints it', async () => {
    const file = path.join(ws.dir, 'pasted.txt')
    writeFileSync(file, 'Cookie: SUB=_2A25Lsecretvalue;\n SUBP=0033WrSXq; _T_WM=123\n')
    const r = await runCli(['auth', 'weibo', '--config', cfg, '--cookie-file', file, '--json'])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout + r.stderr).not.toContain('secretvalue')
    const res = parseJson(r)
    expect(res).toMatchObject({ source: 'weibo', names: ['SUB', 'SUBP', '_T_WM'], hasSub: true })
    expect(statSync(res.file).mode & 0o777).toBe(0o600)
    expect(statSync(path.dirname(res.file)).mode & 0o777).toBe(0o700)
    expect(readFileSync(res.file, 'utf8')).toBe('SUB=_2A25Lsecretvalue; SUBP=0033WrSXq; _T_WM=123\n')
  })

  it('auth status says a working cookie is logged in, without printing it', async () => {
    const r = await runCli(['auth', 'status', '--config', cfg, '--json'])
    expect(r.code, r.stderr).toBe(0)
    expect(parseJson(r)[0]).toMatchObject({ present: true, login: true, mode: '600', uid: '5000007919' })
    expect(r.stdout + r.stderr).not.toContain('secretvalue')
  })

  it('an expired cookie exits 1 and says to store a fresh one; stdin works too', async () => {
    const set = await runCli(['auth', 'weibo', '--config', cfg], { input: 'SUB=expired' })
    expect(set.code, set.stderr).toBe(0)
    const r = await runCli(['auth', 'status', '--config', cfg])
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(/失效/)
    expect(r.stderr).toMatch(/the stored credential does not work/)
    expect(r.stderr).toMatch(/auth weibo --cookie-file/)
  })

  it('refuses what is not a cookie with exit 2', async () => {
    const r = await runCli(['auth', 'weibo', '--config', cfg], { input: 'GET /api/config HTTP/1.1' })
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/does not look like a cookie/)
  })
})
