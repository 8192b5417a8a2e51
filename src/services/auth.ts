/**
 * Operator credentials: a Weibo cookie pasted from a logged-in browser, stored in the
 * workspace with mode 0600 (folder 0700), never printed, logged or put in --json output.
 * `status` asks m.weibo.cn `/api/config` whether the cookie is logged in. We never log in by
 * ourselves and never solve captchas: when the cookie dies, the operator pastes a new one.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { AppError, UsageError } from '../core/errors.js'
import { SourceClient, SourceStopped, RequestFailed } from '../crawlers/client.js'
import { apiHeaders, weiboEndpoints } from '../crawlers/weibo/endpoints.js'
import { parseLoginState } from '../crawlers/weibo/parse.js'
import type { SourceId } from '../crawlers/types.js'
import type { AppContext } from './context.js'

/**
 * Where a source's cookie lives: `sources.<source>.credentialsFile`, else `secrets/weibo.cookie`
 * in the workspace (weibo and weibo-search share the Weibo login).
 */
export function cookiePath(ctx: Pick<AppContext, 'config' | 'baseDir'>, source: SourceId = 'weibo'): string {
  const configured = ctx.config.sources[source].credentialsFile
  return configured ? path.resolve(ctx.baseDir, configured) : path.join(ctx.baseDir, 'secrets', `${source.startsWith('weibo') ? 'weibo' : source}.cookie`)
}

/** The stored cookie of a source, one line; null when none is stored. A configured file that is missing is an error. */
export function readCookie(ctx: Pick<AppContext, 'config' | 'baseDir'>, source: SourceId): string | null {
  const file = cookiePath(ctx, source)
  if (!existsSync(file)) {
    if (ctx.config.sources[source].credentialsFile) throw new AppError(`sources.${source}.credentialsFile: ${file} does not exist`, { hint: 'store a cookie with `yuqing auth weibo --cookie-file FILE`, or remove credentialsFile' })
    return null
  }
  const cookie = readFileSync(file, 'utf8').replace(/[\r\n]+/g, '').trim()
  return cookie || null
}

/** Cleans a pasted cookie: one line, `name=value` pairs; a `Cookie:` prefix and line breaks removed. */
export function cleanCookie(raw: string): string {
  const s = raw.replace(/^\s*cookie\s*:\s*/i, '').replace(/[\r\n]+/g, '').trim().replace(/;\s*$/, '')
  if (!s) throw new UsageError('the cookie is empty', 'copy the Cookie header of a logged-in m.weibo.cn request from the browser developer tools')
  const pairs = s.split(/;\s*/)
  if (!pairs.every((p) => /^[^=\s;]+=[^;]*$/.test(p))) throw new UsageError('that does not look like a cookie (expected name=value; name=value …)', 'copy the value of the Cookie request header, not the whole request')
  return pairs.join('; ')
}

export interface StoredCookie {
  source: 'weibo'
  file: string
  /** Names of the cookies stored (values never shown). */
  names: string[]
  hasSub: boolean
}

/** Stores the cookie atomically with mode 0600. */
export function storeCookie(ctx: Pick<AppContext, 'config' | 'baseDir'>, raw: string): StoredCookie {
  const cookie = cleanCookie(raw)
  const file = cookiePath(ctx)
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 })
  const tmp = `${file}.${process.pid}.tmp`
  writeFileSync(tmp, cookie + '\n', { mode: 0o600 })
  chmodSync(tmp, 0o600)
  renameSync(tmp, file)
  const names = cookie.split('; ').map((p) => p.slice(0, p.indexOf('=')))
  return { source: 'weibo', file, names, hasSub: names.includes('SUB') }
}

/** Reads a cookie from a file, refusing what is obviously not one. */
export function readCookieFile(file: string): string {
  if (!existsSync(file)) throw new UsageError(`--cookie-file ${file} does not exist`)
  const raw = readFileSync(file, 'utf8')
  if (raw.length > 16_384) throw new UsageError(`--cookie-file ${file} is ${raw.length} bytes: too long for a cookie`)
  return raw
}

export interface CredentialStatus {
  source: 'weibo'
  file: string
  present: boolean
  /** The file's permission bits, e.g. 600; a file others can read is a problem. */
  mode: string | null
  /** Whether /api/config says logged in; null when not checked or the check failed. */
  login: boolean | null
  uid: string | null
  detail: string
}

export async function credentialStatus(ctx: AppContext): Promise<CredentialStatus[]> {
  const file = cookiePath(ctx)
  const base = { source: 'weibo' as const, file }
  if (!existsSync(file)) return [{ ...base, present: false, mode: null, login: null, uid: null, detail: 'no cookie stored; `yuqing auth weibo --cookie-file FILE` stores one' }]
  const mode = (statSync(file).mode & 0o777).toString(8)
  const cookie = readCookie(ctx, 'weibo')
  if (!cookie) return [{ ...base, present: true, mode, login: null, uid: null, detail: 'the cookie file is empty' }]
  const ep = weiboEndpoints(ctx.config.sources.weibo.baseUrls.api)
  const client = new SourceClient({ source: 'weibo', politeness: { ...ctx.config.sources.weibo.rateLimit, maxRetries: 1, minIntervalMs: 0, jitterMs: 0 }, clock: ctx.clock, log: ctx.log, headers: { cookie } })
  const loose = mode !== '600' && mode !== '400' ? `; the file is readable by others (mode ${mode}): chmod 600 ${file}` : ''
  try {
    const r = await client.get(ep.config(), 'json', apiHeaders({ base: ep.base }))
    const s = r.verdict === 'ok' ? parseLoginState(r.json) : { login: false, uid: null }
    return [{ ...base, present: true, mode, login: s.login, uid: s.uid, detail: (s.login ? 'logged in' : 'the cookie is not logged in (expired or wrong domain): store a fresh one') + loose }]
  } catch (err) {
    if (err instanceof SourceStopped || err instanceof RequestFailed) {
      const login = err instanceof SourceStopped && err.reason === 'needs-cookie' ? false : null
      return [{ ...base, present: true, mode, login, uid: null, detail: `check failed: ${err.message}${loose}` }]
    }
    throw new AppError(`checking the Weibo cookie failed: ${(err as Error).message}`)
  }
}
