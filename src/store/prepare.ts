/**
 * Turning a mention into what the store writes: column values, content hash, canonical URL and
 * full-text tokens. Pure and CPU-bound, so bulk imports can run it on a worker thread while the
 * main thread writes to SQLite.
 */
import { contentHash, stableJson, type MentionInput } from '../core/mention.js'
import { canonicalUrl } from '../core/url.js'
import { indexTokens } from './fts-tokens.js'

/** A mention ready to write. Structured-clonable (crosses worker threads). */
export interface PreparedMention {
  source: string
  platformId: string | null
  canonicalUrl: string | null
  hash: string
  /**
   * Column values in the order the store's insert expects: source, platform_id, url,
   * canonical_url, title, text, author_id, author_name, author_followers, author_verified,
   * published_at, published_raw, (fetched_at: filled by the store), reposts, comments, likes,
   * extra_json, raw_json, content_hash.
   */
  cols: unknown[]
  titleTokens: string
  textTokens: string
}

/** Index of fetched_at in `cols`. */
export const FETCHED_AT_COL = 12

export function prepareMention(m: MentionInput): PreparedMention {
  const canon = m.url === null ? null : canonicalUrl(m.url)
  const hash = contentHash(m)
  return {
    source: m.source,
    platformId: m.platformId,
    canonicalUrl: canon,
    hash,
    cols: [
      m.source,
      m.platformId,
      m.url,
      canon,
      m.title,
      m.text,
      m.authorId,
      m.authorName,
      m.authorFollowers,
      m.authorVerified === null ? null : m.authorVerified ? 1 : 0,
      m.publishedAt.toISOString(),
      m.publishedRaw,
      null,
      m.reposts,
      m.comments,
      m.likes,
      m.extra ? stableJson(m.extra) : null,
      m.raw === null || m.raw === undefined ? null : JSON.stringify(m.raw),
      hash,
    ],
    titleTokens: indexTokens(m.title),
    textTokens: indexTokens(m.text),
  }
}
