/**
 * Alert delivery channels: WeCom (企业微信) and DingTalk robots (Markdown; DingTalk signed with
 * its secret), Feishu (text; signed), a generic JSON webhook, and email over SMTP (email.ts).
 *
 * A failed delivery throws DeliveryError with a one-line reason that never contains the webhook
 * URL (it carries the access token), a secret or a password. Redirects are not followed.
 */
import { createHmac } from 'node:crypto'
import type { Config } from '../config/schema.js'
import { errorMessage } from '../core/errors.js'
import type { AlertMessage } from './message.js'

export type ChannelSpec = Config['alerts']['channels'][number]

export class DeliveryError extends Error {}

/** The name a channel is known by in the database and the CLI: its `name`, else `<type>-<n>`. */
export function channelNames(channels: readonly ChannelSpec[]): string[] {
  const n: Record<string, number> = {}
  return channels.map((c) => c.name ?? `${c.type}-${(n[c.type] = (n[c.type] ?? 0) + 1)}`)
}

/** DingTalk: sign = base64(HMAC-SHA256(key = secret, `${timestamp}\n${secret}`)), timestamp in ms. */
export function dingtalkSign(secret: string, timestampMs: number): string {
  return createHmac('sha256', secret).update(`${timestampMs}\n${secret}`).digest('base64')
}

/** Feishu: sign = base64(HMAC-SHA256(key = `${timestamp}\n${secret}`, empty message)), timestamp in s. */
export function feishuSign(secret: string, timestampS: number): string {
  return createHmac('sha256', `${timestampS}\n${secret}`).update('').digest('base64')
}

export interface DeliverDeps {
  now: () => Date
  /** Reads a secret file (the SMTP password), relative paths against the workspace. */
  readSecret: (file: string) => string
  timeoutMs?: number
}

async function post(url: string, body: unknown, headers: Record<string, string>, timeoutMs: number): Promise<{ status: number; json: unknown }> {
  let res: Response
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
      body: JSON.stringify(body),
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    })
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } }
    throw new DeliveryError(e.name === 'TimeoutError' ? `no answer within ${timeoutMs / 1000} s` : `cannot connect (${e.cause?.code ?? errorMessage(err).slice(0, 80)})`)
  }
  const text = await res.text().catch(() => '')
  if (res.status >= 300 && res.status < 400) throw new DeliveryError(`HTTP ${res.status} redirect (not followed)`)
  if (res.status < 200 || res.status >= 300) throw new DeliveryError(`HTTP ${res.status}${text ? `: ${text.slice(0, 120).replace(/\s+/g, ' ')}` : ''}`)
  let json: unknown = null
  try {
    json = text ? JSON.parse(text) : null
  } catch {
    /* not JSON: fine for a generic webhook */
  }
  return { status: res.status, json }
}

/** A robot's JSON answer code: WeCom/DingTalk errcode, Feishu code or StatusCode; 0 is success. */
function robotOk(json: unknown, what: string): void {
  const j = (json ?? {}) as { errcode?: number; errmsg?: string; code?: number; msg?: string; StatusCode?: number; StatusMessage?: string }
  const code = j.errcode ?? j.code ?? j.StatusCode
  if (code === undefined) throw new DeliveryError(`${what} answered without a result code`)
  if (code !== 0) throw new DeliveryError(`${what} refused it: ${code} ${(j.errmsg ?? j.msg ?? j.StatusMessage ?? '').slice(0, 120)}`)
}

/** Sends one message on one channel; throws DeliveryError on failure. */
export async function deliver(c: ChannelSpec, m: AlertMessage, deps: DeliverDeps): Promise<void> {
  const timeout = deps.timeoutMs ?? 10_000
  switch (c.type) {
    case 'wecom': {
      const r = await post(c.webhook, { msgtype: 'markdown', markdown: { content: m.markdown } }, {}, timeout)
      return robotOk(r.json, 'WeCom')
    }
    case 'dingtalk': {
      let url = c.webhook
      if (c.secret) {
        const ts = deps.now().getTime()
        url += `${url.includes('?') ? '&' : '?'}timestamp=${ts}&sign=${encodeURIComponent(dingtalkSign(c.secret, ts))}`
      }
      const r = await post(url, { msgtype: 'markdown', markdown: { title: m.subject, text: m.markdown } }, {}, timeout)
      return robotOk(r.json, 'DingTalk')
    }
    case 'feishu': {
      const ts = Math.floor(deps.now().getTime() / 1000)
      const sign = c.secret ? { timestamp: String(ts), sign: feishuSign(c.secret, ts) } : {}
      const r = await post(c.webhook, { ...sign, msg_type: 'text', content: { text: m.text } }, {}, timeout)
      return robotOk(r.json, 'Feishu')
    }
    case 'webhook': {
      await post(c.url, m.json, c.headers, timeout)
      return
    }
    case 'email': {
      const { sendEmail } = await import('./email.js')
      return sendEmail(c, m, { password: c.passwordFile ? deps.readSecret(c.passwordFile) : undefined, timeoutMs: timeout })
    }
  }
}
