/**
 * One HTTP GET as crawlers need it: the body as bytes (pages are decoded later, by their real
 * charset), a timeout, a size cap, and redirects followed by hand so that each hop is checked.
 * A redirect to a non-http(s) scheme (file:, data:, javascript:) is refused, never followed;
 * a redirect to a login or visitor page is returned as is, for the classifier to name.
 *
 * Built on Node's fetch (undici). No cookies are kept here: the caller sends its own header.
 */
import { setTimeout as sleep } from 'node:timers/promises'

export interface HttpRequest {
  url: string
  headers?: Record<string, string>
  /** Per-request timeout (connect + headers + body), ms. */
  timeoutMs: number
  /** Body size cap; a longer body is cut and `truncated` set. Default 10 MiB. */
  maxBytes?: number
  /** Redirects followed before giving up. Default 5. */
  maxRedirects?: number
  /** The run's abort signal (Ctrl-C, job timeout). */
  signal?: AbortSignal
}

export interface HttpResponse {
  /** The URL that answered (after redirects). */
  url: string
  status: number
  /** Lower-case header names. `set-cookie` is never included. */
  headers: Record<string, string>
  body: Buffer
  /** The URLs redirected through, in order (empty when none). */
  redirects: string[]
  /** The body hit `maxBytes` (or the connection ended early) and is incomplete. */
  truncated: boolean
  ms: number
}

export type HttpFailure = 'timeout' | 'network' | 'bad-redirect' | 'too-many-redirects' | 'aborted'

/** A request that got no HTTP answer: timeout, refused or reset connection, a refused redirect. */
export class HttpError extends Error {
  constructor(
    readonly kind: HttpFailure,
    message: string,
    readonly url: string,
  ) {
    super(message)
    this.name = 'HttpError'
  }
}

const DEFAULT_MAX_BYTES = 10 * 1024 * 1024

/** Resolves a URL (a Location header, an href) against a base; null when it is not http(s). */
export function redirectTarget(location: string, base: string): string | null {
  let u: URL
  try {
    u = new URL(location, base)
  } catch {
    return null
  }
  return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null
}

export async function httpGet(req: HttpRequest): Promise<HttpResponse> {
  const started = performance.now()
  const maxRedirects = req.maxRedirects ?? 5
  const redirects: string[] = []
  let url = req.url
  if (redirectTarget(url, url) === null) throw new HttpError('bad-redirect', `not an http(s) URL: ${url}`, url)
  const timeout = AbortSignal.timeout(req.timeoutMs)
  const signal = req.signal ? AbortSignal.any([req.signal, timeout]) : timeout
  for (;;) {
    let res: Response
    try {
      res = await fetch(url, { headers: req.headers, redirect: 'manual', signal })
    } catch (err) {
      throw failure(err, url, req, timeout)
    }
    if (res.status >= 300 && res.status < 400 && res.headers.has('location')) {
      const location = res.headers.get('location')!
      await res.body?.cancel().catch(() => {})
      const next = redirectTarget(location, url)
      if (next === null) throw new HttpError('bad-redirect', `refused a redirect to a non-http URL: ${location.slice(0, 100)}`, url)
      if (redirects.length >= maxRedirects) throw new HttpError('too-many-redirects', `more than ${maxRedirects} redirects from ${req.url}`, url)
      redirects.push(url)
      url = next
      continue
    }
    const headers: Record<string, string> = {}
    res.headers.forEach((v, k) => {
      if (k !== 'set-cookie') headers[k] = v
    })
    let body: Buffer
    let truncated = false
    try {
      ;({ body, truncated } = await readBody(res, req.maxBytes ?? DEFAULT_MAX_BYTES))
    } catch (err) {
      if (signal.aborted) throw failure(err, url, req, timeout)
      // The connection broke mid-body: what arrived is kept, marked incomplete.
      body = Buffer.alloc(0)
      truncated = true
    }
    return { url, status: res.status, headers, body, redirects, truncated, ms: Math.round(performance.now() - started) }
  }
}

async function readBody(res: Response, max: number): Promise<{ body: Buffer; truncated: boolean }> {
  if (!res.body) return { body: Buffer.alloc(0), truncated: false }
  const chunks: Buffer[] = []
  let size = 0
  const reader = res.body.getReader()
  try {
    for (;;) {
      let r: ReadableStreamReadResult<Uint8Array>
      try {
        r = await reader.read()
      } catch (err) {
        if (size > 0 && !(err instanceof DOMException)) return { body: Buffer.concat(chunks), truncated: true }
        throw err
      }
      if (r.done) break
      size += r.value.byteLength
      if (size > max) {
        chunks.push(Buffer.from(r.value.buffer, r.value.byteOffset, r.value.byteLength - (size - max)))
        await reader.cancel().catch(() => {})
        return { body: Buffer.concat(chunks), truncated: true }
      }
      chunks.push(Buffer.from(r.value.buffer, r.value.byteOffset, r.value.byteLength))
    }
  } finally {
    reader.releaseLock()
  }
  const body = Buffer.concat(chunks)
  const declared = Number(res.headers.get('content-length'))
  return { body, truncated: Number.isFinite(declared) && declared > body.length && !res.headers.has('content-encoding') }
}

function failure(err: unknown, url: string, req: HttpRequest, timeout: AbortSignal): HttpError {
  if (timeout.aborted) return new HttpError('timeout', `no answer within ${req.timeoutMs} ms: ${url}`, url)
  if (req.signal?.aborted) return new HttpError('aborted', `aborted: ${url}`, url)
  const cause = (err as { cause?: { code?: string; message?: string } }).cause
  const why = cause?.code ?? cause?.message ?? (err as Error).message
  return new HttpError('network', `${why}: ${url}`, url)
}

/** Waits `ms`, or until the signal aborts (then rejects with its reason). */
export function wait(ms: number, signal?: AbortSignal): Promise<void> {
  return ms <= 0 ? Promise.resolve() : sleep(ms, undefined, { signal })
}
