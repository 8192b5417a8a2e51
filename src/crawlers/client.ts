/**
 * Politeness and resilience for one source's requests:
 *
 * - a gate per host (p-queue): at most `concurrency` requests in flight, request starts at
 *   least `minIntervalMs` + random(0..`jitterMs`) apart, a rest of `restMs` after every
 *   `restEvery` requests;
 * - every response classified (classify.ts); throttled answers and server errors retried
 *   with exponential backoff and jitter, Retry-After honoured, the whole host paused while
 *   it waits; a Retry-After beyond `maxBackoffMs` is not waited out: the source stops;
 * - needs-cookie and captcha stop the source at once (never auto-login, never solve a captcha);
 * - a response the parser cannot read is saved under the quarantine folder, and the error
 *   says where;
 * - a circuit breaker: after `breakerThreshold` consecutive failed requests the source is
 *   paused for the rest of the run, so the other sources go on.
 */
import { createHash } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import PQueue from 'p-queue'
import type { Clock } from '../core/clock.js'
import type { Logger } from '../core/logger.js'
import { classifyPage, classifyWeiboJson, type Classified, type Verdict } from './classify.js'
import { HttpError, httpGet, wait, type HttpRequest, type HttpResponse } from './http.js'

export interface Politeness {
  concurrency: number
  minIntervalMs: number
  jitterMs: number
  restEvery: number
  restMs: number
  maxRetries: number
  timeoutMs: number
}

/** Why a source stopped for this run. */
export type StopReason = 'needs-cookie' | 'captcha' | 'throttled' | 'breaker'

/** The source cannot go on in this run (login wall, captcha, long ban, too many failures). */
export class SourceStopped extends Error {
  constructor(
    readonly source: string,
    readonly reason: StopReason,
    message: string,
  ) {
    super(message)
    this.name = 'SourceStopped'
  }
}

/** One request failed for good (after retries), or its body could not be read. The source goes on. */
export class RequestFailed extends Error {
  constructor(
    readonly verdict: Verdict | 'network',
    message: string,
    readonly url: string,
    /** Where the raw response was saved, for parse errors. */
    readonly quarantined?: string,
  ) {
    super(message)
    this.name = 'RequestFailed'
  }
}

export interface ClientStats {
  requests: number
  retries: number
  failures: number
  /** Total time spent waiting for politeness, backoff and rests, ms. */
  waitedMs: number
  /** When the current wait ends (for the live display); null when not waiting. */
  waitingUntil: number | null
  /** Verdict counts. */
  verdicts: Partial<Record<Verdict | 'network', number>>
}

export interface SourceClientOptions {
  source: string
  politeness: Politeness
  clock: Clock
  log: Logger
  /** Random numbers in [0, 1) for jitter (seeded in tests). */
  random?: () => number
  /** Folder for unreadable responses (the workspace's `quarantine/`). */
  quarantineDir?: string
  /** Headers sent with every request (User-Agent, Cookie, …). Never logged. */
  headers?: Record<string, string>
  /** Consecutive failed requests that pause the source. Default 5. */
  breakerThreshold?: number
  /** First backoff step, ms (doubles per retry). Default: max(minIntervalMs, 1000). */
  backoffBaseMs?: number
  /** The longest single wait accepted; a longer Retry-After stops the source. Default 10 min. */
  maxBackoffMs?: number
  signal?: AbortSignal
  /** How a GET is made: plain HTTP by default; the browser adapter's `fetch` for browser sources. */
  fetch?: (req: HttpRequest) => Promise<HttpResponse>
}

export type Expect = 'json' | 'page'

/** A per-host gate: concurrency, spacing with jitter, rests, and host-wide pauses. */
class HostGate {
  private readonly queue: PQueue
  private nextStart = 0
  private pausedUntil = 0
  private count = 0

  constructor(
    private readonly p: Politeness,
    private readonly random: () => number,
    private readonly stats: ClientStats,
  ) {
    this.queue = new PQueue({ concurrency: p.concurrency })
  }

  /** Pauses the host for `ms` from now (backoff, Retry-After). */
  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, performance.now() + ms)
  }

  run<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    return this.queue.add(async () => {
      let due: number | null = null
      for (;;) {
        const now = performance.now()
        const at = Math.max(this.nextStart, this.pausedUntil)
        if (at <= now) break
        due = at
        this.stats.waitingUntil = Date.now() + (at - now)
        await wait(at - now, signal)
        this.stats.waitedMs += performance.now() - now
      }
      this.stats.waitingUntil = null
      this.count++
      // A timer fires up to a millisecond or two late; at 20 ms spacing that would cost ~5% of
      // the configured rate. So the next gap is measured from when this request was due, not
      // from when the timer woke us, crediting at most LATE_CREDIT_MS (and a tenth of the gap):
      // every gap stays within 2 ms of minIntervalMs and the average gap is minIntervalMs.
      // An idle host earns no credit (no bursts after a pause).
      const now = performance.now()
      const credit = due === null ? 0 : Math.min(now - due, LATE_CREDIT_MS, this.p.minIntervalMs / 10)
      const rest = this.p.restEvery > 0 && this.count % this.p.restEvery === 0 ? this.p.restMs : 0
      this.nextStart = now - Math.max(0, credit) + this.p.minIntervalMs + Math.floor(this.random() * (this.p.jitterMs + 1)) + rest
      return fn()
    }) as Promise<T>
  }
}

/** The most of a late timer's delay made up on the next gap, ms (see HostGate.run). */
const LATE_CREDIT_MS = 2

export class SourceClient {
  readonly stats: ClientStats = { requests: 0, retries: 0, failures: 0, waitedMs: 0, waitingUntil: null, verdicts: {} }
  private readonly gates = new Map<string, HostGate>()
  private readonly random: () => number
  private consecutiveFailures = 0
  private stopped: SourceStopped | null = null

  constructor(private readonly o: SourceClientOptions) {
    this.random = o.random ?? Math.random
  }

  /** Set when the source has stopped for this run. */
  get stoppedBy(): SourceStopped | null {
    return this.stopped
  }

  private gate(url: string): HostGate {
    const host = new URL(url).host
    let g = this.gates.get(host)
    if (!g) this.gates.set(host, (g = new HostGate(this.o.politeness, this.random, this.stats)))
    return g
  }

  private stop(reason: StopReason, message: string): never {
    this.stopped ??= new SourceStopped(this.o.source, reason, message)
    throw this.stopped
  }

  private note(v: Verdict | 'network'): void {
    this.stats.verdicts[v] = (this.stats.verdicts[v] ?? 0) + 1
  }

  /** The backoff before retry `attempt` (1-based): base·2^(attempt−1) plus up to 50% jitter, at least Retry-After. */
  private backoff(attempt: number, retryAfterMs: number | null): number {
    const base = this.o.backoffBaseMs ?? Math.max(this.o.politeness.minIntervalMs, 1000)
    const exp = base * 2 ** (attempt - 1)
    return Math.max(retryAfterMs ?? 0, Math.round(exp * (1 + this.random() * 0.5)))
  }

  /**
   * GETs `url` politely and returns the classified response when it is `ok` or `end`.
   * Throws RequestFailed when this request failed for good (the source may go on), and
   * SourceStopped when the source must stop for this run.
   */
  async get(url: string, expect: Expect, headers: Record<string, string> = {}): Promise<Classified & { res: HttpResponse }> {
    if (this.stopped) throw this.stopped
    const p = this.o.politeness
    const maxBackoff = this.o.maxBackoffMs ?? 600_000
    let last = ''
    for (let attempt = 0; ; attempt++) {
      if (attempt > 0) this.stats.retries++
      this.stats.requests++
      let res: HttpResponse | null = null
      let c: Classified
      try {
        res = await this.gate(url).run(() => (this.o.fetch ?? httpGet)({ url, headers: { ...this.o.headers, ...headers }, timeoutMs: p.timeoutMs, signal: this.o.signal }), this.o.signal)
        c = expect === 'json' ? classifyWeiboJson(res, this.o.clock.now()) : classifyPage(res, this.o.clock.now())
      } catch (err) {
        if (this.o.signal?.aborted) throw err
        if (!(err instanceof HttpError)) throw err
        if (err.kind === 'bad-redirect' || err.kind === 'too-many-redirects') {
          this.note('network')
          throw this.fail(new RequestFailed('network', err.message, url))
        }
        c = { verdict: 'server-error', detail: err.message, retryAfterMs: null }
        this.note('network')
      }
      if (res) this.note(c.verdict)
      last = c.detail
      switch (c.verdict) {
        case 'ok':
        case 'end':
          this.consecutiveFailures = 0
          return { ...c, res: res! }
        case 'needs-cookie':
          this.o.log.warn(`${this.o.source}: ${c.detail}`)
          this.stop('needs-cookie', `${this.o.source}: ${c.detail}; store a fresh cookie with \`yuqing auth ${this.o.source.startsWith('weibo') ? 'weibo' : this.o.source} --cookie-file FILE\``)
        case 'captcha':
          this.o.log.warn(`${this.o.source}: ${c.detail}`)
          this.stop('captcha', `${this.o.source}: risk control asks for a captcha; open the site in a browser with the same cookie and solve it, then run again (${c.detail})`)
        case 'client-error':
          throw this.fail(new RequestFailed('client-error', `${c.detail}: ${url}`, url))
        case 'parse-error': {
          const where = res ? this.quarantine(url, res, c.detail) : undefined
          throw this.fail(new RequestFailed('parse-error', `${this.o.source}: could not read ${url} (${c.detail})${where ? `; saved to ${where}` : ''}`, url, where))
        }
        case 'throttled':
        case 'server-error': {
          if (attempt >= p.maxRetries) {
            if (c.verdict === 'throttled') this.stop('throttled', `${this.o.source}: still throttled after ${p.maxRetries} retries (${last}); slow down sources.${this.o.source}.rateLimit or wait`)
            throw this.fail(new RequestFailed(c.verdict, `${c.detail}${c.detail.includes(url) ? '' : `: ${url}`}${p.maxRetries ? ` (after ${p.maxRetries} retries)` : ''}`, url))
          }
          const ms = this.backoff(attempt + 1, c.retryAfterMs)
          if (ms > maxBackoff) this.stop('throttled', `${this.o.source}: the site asks to wait ${Math.round(ms / 1000)} s (${c.detail}); paused for this run`)
          this.o.log.debug(`${this.o.source}: ${c.detail}; retry ${attempt + 1}/${p.maxRetries} in ${ms} ms`)
          this.gate(url).pause(ms)
          continue
        }
      }
    }
  }

  /** Counts a failed request toward the breaker; opens it at the threshold. */
  private fail(err: RequestFailed): RequestFailed {
    this.stats.failures++
    this.consecutiveFailures++
    if (this.consecutiveFailures >= (this.o.breakerThreshold ?? 5)) {
      this.stop('breaker', `${this.o.source}: ${this.consecutiveFailures} requests in a row failed (last: ${err.message}); paused for this run`)
    }
    return err
  }

  /** Saves an unreadable response (body + what we know, never cookies) and returns the body's path. */
  quarantine(url: string, res: HttpResponse, reason: string): string | undefined {
    const dir = this.o.quarantineDir
    if (!dir) return undefined
    try {
      const at = this.o.clock.now().toISOString().replace(/[:.]/g, '-')
      const id = createHash('sha1').update(url).update(res.body).digest('hex').slice(0, 10)
      const folder = path.join(dir, this.o.source)
      mkdirSync(folder, { recursive: true })
      const ext = /json/i.test(res.headers['content-type'] ?? '') ? 'json' : /xml/i.test(res.headers['content-type'] ?? '') ? 'xml' : 'html'
      const file = path.join(folder, `${at}-${id}.${ext}`)
      writeFileSync(file, res.body)
      const meta = { url, finalUrl: res.url, status: res.status, reason, redirects: res.redirects, headers: res.headers, bytes: res.body.length, truncated: res.truncated, at: this.o.clock.now().toISOString() }
      writeFileSync(`${file}.meta.json`, JSON.stringify(meta, null, 2) + '\n')
      return file
    } catch (err) {
      this.o.log.warn(`could not quarantine a response from ${url}: ${(err as Error).message}`)
      return undefined
    }
  }
}
