/**
 * An alert as the channels send it: plain text (Feishu, email), Markdown (WeCom, DingTalk),
 * HTML (email) and JSON (generic webhooks). Crawled text is hostile: it is escaped for every
 * format (Markdown and HTML metacharacters, Feishu's <at> tags), and only http(s) links are kept.
 */
import { isoWithOffset } from '../core/time.js'
import type { AlertRow, EvidenceRow } from '../store/alerts.js'

export interface AlertMessage {
  subject: string
  text: string
  markdown: string
  html: string
  json: Record<string, unknown>
}

const SEVERITY: Record<string, string> = { critical: '严重', warning: '警告', info: '提示' }

/**
 * Inline Markdown metacharacters (links, emphasis, code) backslash-escaped, and HTML brackets
 * replaced (WeCom reads <font> tags). Crawled text is put on one line after a prefix, so
 * line-start syntax (#, >, lists) cannot start.
 */
export function escapeMarkdown(s: string): string {
  return s.replace(/[\\`*_[\]]/g, (c) => `\\${c}`).replace(/</g, '＜').replace(/>/g, '＞')
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)
}

/** Plain text for chat robots: no tags (Feishu reads <at …> in text messages). */
const plain = (s: string) => s.replace(/</g, '＜').replace(/>/g, '＞')

/** Only http(s) URLs are linked. */
export function safeUrl(url: string | null): string | null {
  if (!url) return null
  try {
    const u = new URL(url)
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.toString() : null
  } catch {
    return null
  }
}

const clip = (s: string, n: number) => {
  const t = s.replace(/\s+/g, ' ').trim()
  return [...t].length > n ? `${[...t].slice(0, n).join('')}…` : t
}

export function formatAlert(a: AlertRow, evidence: readonly EvidenceRow[], o: { tz: string; regionName: (code: string) => string; round: number; ackHint?: boolean }): AlertMessage {
  const level = SEVERITY[a.severity] ?? a.severity
  const when = isoWithOffset(new Date(a.created_at), o.tz).replace('T', ' ').slice(0, 16)
  const region = a.region_code ? `${o.regionName(a.region_code)}（${a.region_code}）` : null
  const again = o.round > 1 ? `（第 ${o.round} 次提醒，尚未确认）` : ''
  const items = evidence.slice(0, 3).map((e) => ({ who: clip(e.authorName ?? e.source, 30), what: clip(e.title || e.text, 80), url: safeUrl(e.url) }))
  const ack = o.ackHint === false ? null : `确认：yuqing alerts ack ${a.id}`
  const subject = `【舆情预警·${level}】${clip(a.title, 60)}${again}`

  const text = [
    subject,
    region && `地区：${region}`,
    `时间：${when}`,
    a.detail && `说明：${a.detail}`,
    ...items.map((x, i) => `${i + 1}. ${x.who}：「${x.what}」${x.url ? ` ${x.url}` : ''}`),
    ack,
  ]
    .filter(Boolean)
    .join('\n')
  const markdown = [
    `### ${escapeMarkdown(subject)}`,
    region && `> 地区：${escapeMarkdown(region)}`,
    `> 时间：${escapeMarkdown(when)}`,
    a.detail && `> 说明：${escapeMarkdown(a.detail)}`,
    ...items.map((x, i) => `${i + 1}. ${escapeMarkdown(x.who)}：「${escapeMarkdown(x.what)}」${x.url ? ` [原文](${x.url.replace(/[()]/g, encodeURIComponent)})` : ''}`),
    ack && escapeMarkdown(ack),
  ]
    .filter(Boolean)
    .join('\n\n')
  const html = `<h3>${escapeHtml(subject)}</h3>
<p>${[region && `地区：${escapeHtml(region)}`, `时间：${escapeHtml(when)}`, a.detail && `说明：${escapeHtml(a.detail)}`].filter(Boolean).join('<br>')}</p>
<ol>${items.map((x) => `<li>${escapeHtml(x.who)}：「${escapeHtml(x.what)}」${x.url ? ` <a href="${escapeHtml(x.url)}">原文</a>` : ''}</li>`).join('')}</ol>
${ack ? `<p>${escapeHtml(ack)}</p>` : ''}`
  return {
    subject,
    text: plain(text),
    markdown,
    html,
    json: {
      id: a.id,
      rule: a.rule,
      severity: a.severity,
      title: a.title,
      detail: a.detail,
      region: a.region_code,
      regionName: a.region_code ? o.regionName(a.region_code) : null,
      clusterId: a.cluster_id,
      createdAt: isoWithOffset(new Date(a.created_at), o.tz),
      round: o.round,
      evidence: JSON.parse(a.evidence_json) as number[],
      items,
      text,
    },
  }
}
