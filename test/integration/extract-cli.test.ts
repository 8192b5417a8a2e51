/**
 * `yuqing extract URL|FILE` through the real CLI: a GBK article page from the sample server, a
 * real saved page from ../shared (skipped with the reason when absent), and bad input.
 */
import { existsSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSampleServer, type SampleServer } from '../../src/sample/server.js'
import { REPO_ROOT, ensureBuilt, parseJson, runCli } from '../helpers/cli.js'

const PEOPLE = path.join(REPO_ROOT, '..', 'shared', 'fixtures', 'news', 'people-1.html')
const HAVE_SHARED = existsSync(PEOPLE)
if (!HAVE_SHARED) console.warn('extract-cli: ../shared/fixtures/news absent; the real-page case is skipped')

let server: SampleServer
beforeAll(async () => {
  ensureBuilt()
  server = await startSampleServer({ now: new Date('2026-11-26T02:00:00Z') })
})
afterAll(() => server.close())

describe('yuqing extract', () => {
  it('prints exactly url, title, publishedAt (+08:00), author, source and body for a GBK page', async () => {
    const a = server.world.articles.find((x) => x.encoding === 'gbk')!
    const r = await runCli(['extract', `${server.url}/news/${a.id}.html`, '--json'])
    expect(r.code, r.stderr).toBe(0)
    const out = parseJson(r)
    expect(Object.keys(out)).toEqual(['url', 'title', 'publishedAt', 'author', 'source', 'body'])
    expect(out).toMatchObject({ url: `${server.url}/news/${a.id}.html`, title: a.title, author: a.author, source: a.source, body: a.paragraphs.join('\n') })
    const local = new Date(Math.floor(a.publishedAt.getTime() / 60_000) * 60_000 + 8 * 3_600_000).toISOString().slice(0, 19)
    expect(out.publishedAt).toBe(`${local}+08:00`)
  })

  it.skipIf(!HAVE_SHARED)(`reads a real people.com.cn page whose meta says gb2312 but whose bytes are UTF-8${HAVE_SHARED ? '' : ' (skipped: ../shared/fixtures/news absent)'}`, async () => {
    const r = await runCli(['extract', PEOPLE, '--json'])
    expect(r.code, r.stderr).toBe(0)
    expect(parseJson(r)).toMatchObject({ url: null, title: '女儿出嫁，郑板桥画了几笔兰花当嫁妆', publishedAt: '2019-06-15T08:18:00+08:00' })
  })

  it('exits 2 on a missing file or a non-http scheme, 1 on a page that is not there', async () => {
    const missing = await runCli(['extract', '/no/such/page.html'])
    expect(missing.code).toBe(2)
    expect(missing.stderr).toMatch(/no such file/)
    const scheme = await runCli(['extract', 'file:///etc/passwd'])
    expect(scheme.code).toBe(2)
    expect(scheme.stderr).toMatch(/only http\(s\) URLs and files/)
    const gone = await runCli(['extract', `${server.url}/news/404.html`])
    expect(gone.code).toBe(1)
    expect(gone.stderr).toMatch(/client-error \(HTTP 404\)/)
  })
})
