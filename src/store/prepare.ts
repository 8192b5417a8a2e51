/**
 * Turning a mention into what the store writes: column values, content hash, canonical URL and
 * full-text tokens. Pure and CPU-bound, so bulk imports can run it on a worker thread while the
 * main thread writes to SQLite.
 */
import { contentHash, stableJson, type MentionInput } from '../core/mention.js'
import { canonicalUrl } from '../core/url.js'
import { indexTokens } from './fts-tokens.js'

/**
 * A mention ready to write, as one flat array: imports post thousands of these between threads
 * per batch, and V8 copies a flat array of strings and numbers ~3x faster than nested objects.
 * Positions 0–17 are the store's insert parameters in order (`P.*` names them; the store adds
 * fetched_at, created_at and updated_at), then the two full-text columns.
 */
export type PreparedMention = unknown[]

/** Positions in a PreparedMention. */
export const P = {
  source: 0,
  platformId: 1,
  url: 2,
  canonicalUrl: 3,
  title: 4,
  text: 5,
  authorId: 6,
  authorName: 7,
  authorFollowers: 8,
  authorVerified: 9,
  publishedAt: 10,
  publishedRaw: 11,
  reposts: 12,
  comments: 13,
  likes: 14,
  extraJson: 15,
  rawJson: 16,
  contentHash: 17,
  /** Number of column values (the store adds fetched_at, created_at and updated_at). */
  columns: 18,
  titleTokens: 18,
  textTokens: 19,
} as const

export function prepareMention(m: MentionInput): PreparedMention {
  const canon = m.url === null ? null : canonicalUrl(m.url)
  const hash = contentHash(m, canon)
  return [
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
    m.reposts,
    m.comments,
    m.likes,
    m.extra ? stableJson(m.extra) : null,
    m.raw === null || m.raw === undefined ? null : JSON.stringify(m.raw),
    hash,
    indexTokens(m.title),
    indexTokens(m.text),
  ]
}
