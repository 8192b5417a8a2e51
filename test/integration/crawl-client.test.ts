/**
 * The crawler's HTTP client against the sample sources server on loopback: every fault mode is
 * classified and handled (retry with backoff, stop the source, skip, quarantine), politeness
 * spacing holds, and nothing escapes as an unhandled rejection.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { systemClock } from '../../src/core/clock.js'
import { silentLogger } from '../../src/core/logger.js'
import { RequestFailed, SourceClient, SourceStopped, type Politeness } from '../../src/crawlers/client.js'
import { startSampleServer, type Fault, type SampleServer } from '../../src/sample/server.js'

let server: SampleServer
let tmp: string
const fast: Politeness = { concurrency: 1, minIntervalMs: 0, jitterMs: 0, restEvery: 0, restMs: 0, maxRetries: 2, timeoutMs: 2000 }

function client(over: Partial<Politeness> = {}, extra: { breakerThreshold?: number; headers?: Record<string, string> } = {}) {
  return new SourceClient({ source: 'weibo', politeness: { ...fast, ...over }, clock: systemClock, log: silentLogger, random: () => 0.5, quarantineDir: path.join(tmp, 'quarantine'), backoffBaseMs: 10, ...extra })
}
const search = () => `${server.url}/api/container/getIndex?containerid=${encodeURIComponent('100103type=61&q=宝安')}&page_type=searchall&page=1`
const faults = (...f: Fault[]) => server.setFaults(f)

beforeAll(async () => {
  server = await startSampleServer({ now: new Date('2026-11-26T02:00:00Z') })
  tmp = mkdtempSync(path.join(os.tmpdir(), 'yuqing-client-'))
})
afterEach(() => server.setFaults([]))
afterAll(async () => {
  await server.close()
  rmSync(tmp, { recursive: true, force: true })
})

async function stopped(p: Promise<unknown>): Promise<SourceStopped> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  )
  expect(err).toBeInstanceOf(SourceStopped)
  return err as SourceStopped
}

describe('SourceClient against the sample server', () => {
  it('returns ok pages with their JSON, and ok:0 as the end of results', async () => {
    const c = client()
    const ok = await c.get(search(), 'json')
    expect(ok.verdict).toBe('ok')
    expect((ok.json as { data: { cards: unknown[] } }).data.cards.length).toBeGreaterThan(0)
    faults({ mode: 'end' })
    expect((await c.get(search(), 'json')).verdict).toBe('end')
  })

  it('retries a 429 after its Retry-After and succeeds', async () => {
    faults({ mode: '429', times: 1, retryAfter: 1 })
    const c = client()
    const t0 = Date.now()
    const r = await c.get(search(), 'json')
    expect(r.verdict).toBe('ok')
    expect(Date.now() - t0).toBeGreaterThanOrEqual(950)
    expect(c.stats.retries).toBe(1)
    expect(c.stats.verdicts.throttled).toBe(1)
  })

  it('retries 500s with backoff, and a timeout like a server error', async () => {
    faults({ mode: '500', times: 2 })
    const c = client()
    expect((await c.get(search(), 'json')).verdict).toBe('ok')
    expect(c.stats.retries).toBe(2)
    faults({ mode: 'slow', delayMs: 1500, times: 5 })
    const slow = client({ timeoutMs: 200, maxRetries: 1 })
    const err = await slow.get(search(), 'json').catch((e: unknown) => e)
    expect(err).toBeInstanceOf(RequestFailed)
    expect((err as Error).message).toMatch(/no answer within 200 ms/)
  })

  it('stops the source when 418 persists past the retries', async () => {
    faults({ mode: '418', retryAfter: 0 })
    const c = client({ maxRetries: 2 })
    const e = await stopped(c.get(search(), 'json'))
    expect(e.reason).toBe('throttled')
    expect(c.stats.requests).toBe(3)
    // Stopped for the run: no further requests go out.
    const before = server.requests.length
    await stopped(c.get(search(), 'json'))
    expect(server.requests.length).toBe(before)
  })

  it('stops at once, without retrying, on 432, login walls, HTML for JSON and captchas', async () => {
    for (const [mode, reason] of [
      ['432', 'needs-cookie'],
      ['login', 'needs-cookie'],
      ['html', 'needs-cookie'],
      ['redirect-login', 'needs-cookie'],
      ['captcha', 'captcha'],
    ] as const) {
      faults({ mode, path: '/api/' })
      const c = client()
      const e = await stopped(c.get(search(), 'json'))
      expect(e.reason, mode).toBe(reason)
      expect(c.stats.requests, mode).toBe(1)
      if (reason === 'needs-cookie') expect(e.message).toMatch(/yuqing auth weibo --cookie-file/)
      if (reason === 'captcha') expect(e.message).toMatch(/captcha/)
    }
  })

  it('refuses a redirect to file: and never fetches it', async () => {
    faults({ mode: 'redirect-file' })
    const err = await client().get(search(), 'json').catch((e: unknown) => e)
    expect(err).toBeInstanceOf(RequestFailed)
    expect((err as Error).message).toMatch(/refused a redirect to a non-http URL: file:/)
  })

  it('quarantines truncated, malformed and empty bodies and says where, without the cookie', async () => {
    for (const mode of ['truncated', 'malformed', 'empty'] as const) {
      faults({ mode, times: 1 })
      const err = await client({}, { headers: { cookie: 'SUB=secret-cookie-value' } })
        .get(search(), 'json')
        .catch((e: unknown) => e)
      expect(err, mode).toBeInstanceOf(RequestFailed)
      const f = err as RequestFailed
      expect(f.verdict).toBe('parse-error')
      expect(f.quarantined && existsSync(f.quarantined), mode).toBe(true)
      expect(f.message).toContain(f.quarantined!)
      const meta = readFileSync(`${f.quarantined}.meta.json`, 'utf8')
      expect(meta).not.toContain('secret-cookie-value')
      expect(JSON.parse(meta).url).toBe(search())
    }
    expect(readdirSync(path.join(tmp, 'quarantine', 'weibo')).length).toBe(6)
  })

  it('opens the circuit breaker after consecutive failures', async () => {
    const c = client({}, { breakerThreshold: 3 })
    const missing = `${server.url}/no-such-page`
    for (let i = 0; i < 2; i++) await expect(c.get(missing, 'page')).rejects.toBeInstanceOf(RequestFailed)
    const e = await stopped(c.get(missing, 'page'))
    expect(e.reason).toBe('breaker')
    expect(e.message).toMatch(/3 requests in a row failed/)
  })

  it('spaces requests to one host by the minimum interval', async () => {
    const c = client({ minIntervalMs: 120 })
    const from = server.requests.length
    for (let i = 0; i < 4; i++) await c.get(search(), 'json')
    const times = server.requests.slice(from).map((r) => r.at)
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(110)
    expect(c.stats.waitedMs).toBeGreaterThanOrEqual(300)
  })
})
