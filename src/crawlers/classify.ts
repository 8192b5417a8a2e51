/**
 * Every response gets a verdict before anything parses it, because sites push back in ways
 * that look like data: an `ok:0` "这里还没有内容" page is the end of results, not a ban; a
 * 200 page of HTML where JSON was expected is the visitor system asking for a cookie; an
 * `ok:-100` is risk control (captcha) or a login wall depending on its URL. Pure.
 *
 * Verdicts and what the client does with them (see client.ts):
 *   ok             parse it
 *   end            no more results (stop paging this query)
 *   throttled      418, 429, 414, 403: back off (Retry-After honoured) and retry
 *   needs-cookie   432, 401, a login/visitor redirect, HTML for JSON, ok:-100 with a passport URL,
 *                  error 21301: stop the source and tell the operator; never log in by itself
 *   captcha        ok:-100 with a captcha URL: stop the source; never solve it
 *   server-error   5xx, no answer, timeout: retry with backoff
 *   client-error   404, 400, …: this request is wrong; skip it
 *   parse-error    the body is not what the site sends (the site changed, or it was cut off):
 *                  quarantine the raw response and say where
 */
import type { HttpResponse } from './http.js'

export type Verdict = 'ok' | 'end' | 'throttled' | 'needs-cookie' | 'captcha' | 'server-error' | 'client-error' | 'parse-error'

export interface Classified {
  verdict: Verdict
  /** One line for logs and `sources test`: what was seen. */
  detail: string
  /** From Retry-After, when the site sent one. */
  retryAfterMs: number | null
  /** The parsed body of a JSON API answer. */
  json?: unknown
}

/** Retry-After: delta-seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(v: string | undefined, now: Date): number | null {
  if (!v) return null
  const s = v.trim()
  if (/^\d+$/.test(s)) return Number(s) * 1000
  const t = Date.parse(s)
  return Number.isNaN(t) ? null : Math.max(0, t - now.getTime())
}

/** Hosts and paths of login walls and visitor systems (Weibo's passport, Sina's login). */
const LOGIN_URL = /(^|\.)(passport\.weibo\.(com|cn)|login\.sina\.com\.cn|passport\.sina\.cn)$|\/(visitor|signin|login|sso)(\/|$|\?)/i

export function isLoginUrl(url: string): boolean {
  try {
    const u = new URL(url)
    return LOGIN_URL.test(u.hostname) || LOGIN_URL.test(u.pathname)
  } catch {
    return false
  }
}

/** Verdicts from the HTTP layer alone (status, redirects); null when the body decides. */
function byStatus(res: HttpResponse, now: Date): Classified | null {
  const retryAfterMs = parseRetryAfter(res.headers['retry-after'], now)
  const s = res.status
  if (res.redirects.length && /captcha|antispider|verify/i.test(res.url)) return { verdict: 'captcha', detail: `redirected to a verification page (${res.url.slice(0, 80)})`, retryAfterMs: null }
  if (res.redirects.length && isLoginUrl(res.url)) return { verdict: 'needs-cookie', detail: `redirected to a login page (${new URL(res.url).host})`, retryAfterMs: null }
  if (s === 418 || s === 429 || s === 414 || s === 403) return { verdict: 'throttled', detail: `HTTP ${s}${retryAfterMs !== null ? `, Retry-After ${Math.round(retryAfterMs / 1000)} s` : ''}`, retryAfterMs }
  if (s === 432 || s === 401) return { verdict: 'needs-cookie', detail: `HTTP ${s}: the site wants a (fresh) cookie`, retryAfterMs: null }
  if (s >= 500) return { verdict: 'server-error', detail: `HTTP ${s}`, retryAfterMs }
  if (s >= 400) return { verdict: 'client-error', detail: `HTTP ${s}`, retryAfterMs: null }
  if (s >= 300) return { verdict: 'client-error', detail: `HTTP ${s} without a usable Location`, retryAfterMs: null }
  return null
}

function looksLikeHtml(res: HttpResponse): boolean {
  const ct = res.headers['content-type'] ?? ''
  if (/html/i.test(ct)) return true
  const head = res.body.subarray(0, 64).toString('utf8').trimStart().toLowerCase()
  return head.startsWith('<!doctype') || head.startsWith('<html') || head.startsWith('<')
}

/** A Weibo-style JSON API answer (`{ok, data, msg, url}`). */
export function classifyWeiboJson(res: HttpResponse, now: Date): Classified {
  const st = byStatus(res, now)
  if (st) return st
  if (res.body.length === 0) return { verdict: 'parse-error', detail: `empty body (HTTP ${res.status})`, retryAfterMs: null }
  if (looksLikeHtml(res)) return { verdict: 'needs-cookie', detail: 'HTML where JSON was expected (visitor system or login page)', retryAfterMs: null }
  let json: unknown
  try {
    json = JSON.parse(res.body.toString('utf8'))
  } catch {
    return { verdict: 'parse-error', detail: res.truncated ? `truncated JSON (${res.body.length} bytes)` : `malformed JSON (${res.body.length} bytes)`, retryAfterMs: null }
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return { verdict: 'parse-error', detail: 'JSON is not an object', retryAfterMs: null }
  const o = json as Record<string, unknown>
  const ok = Number(o.ok)
  const url = typeof o.url === 'string' ? o.url : ''
  const code = Number(o.error_code ?? o.errno)
  if (code === 21301 || o.error === 'relogin!') return { verdict: 'needs-cookie', detail: 'relogin! (error 21301): the cookie expired', retryAfterMs: null, json }
  if (ok === 1) return { verdict: 'ok', detail: 'ok', retryAfterMs: null, json }
  if (ok === 0) return { verdict: 'end', detail: `ok:0${o.msg ? ` ${String(o.msg)}` : ''}`, retryAfterMs: null, json }
  if (ok === -100) {
    if (/captcha|verify|geetest/i.test(url)) return { verdict: 'captcha', detail: `ok:-100 captcha: ${url}`, retryAfterMs: null, json }
    return { verdict: 'needs-cookie', detail: `ok:-100 login required${url ? `: ${url}` : ''}`, retryAfterMs: null, json }
  }
  return { verdict: 'parse-error', detail: `unexpected ok=${JSON.stringify(o.ok)}`, retryAfterMs: null, json }
}

/** An HTML page or feed (news sites, search engines, s.weibo.com). */
export function classifyPage(res: HttpResponse, now: Date): Classified {
  const st = byStatus(res, now)
  if (st) return st
  if (res.body.length === 0) return { verdict: 'parse-error', detail: `empty body (HTTP ${res.status})`, retryAfterMs: null }
  if (res.truncated) return { verdict: 'parse-error', detail: `truncated body (${res.body.length} bytes)`, retryAfterMs: null }
  return { verdict: 'ok', detail: 'ok', retryAfterMs: null }
}
