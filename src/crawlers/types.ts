/**
 * Contracts for the crawlers. A crawler yields batches of mentions (one result page each) and
 * never writes to the store itself; the crawl service filters them for relevance and persists
 * them with `upsertMentions`, so a crawled mention and an imported one go through the same path.
 */
import type { MentionInput } from '../core/mention.js'
import type { Clock } from '../core/clock.js'
import type { Logger } from '../core/logger.js'

/** Crawl source ids, as in the `sources` section of the config. */
export const SOURCE_IDS = ['weibo', 'weibo-search', 'news'] as const
export type SourceId = (typeof SOURCE_IDS)[number]

export interface CrawlQuery {
  /** Keywords to search for (region names, aliases, extra keywords). */
  keywords: string[]
  /** Region codes the query was built for. */
  regions: string[]
  /** The window: items published before this are old (paging stops when a page holds only those). */
  since?: Date
  /** Result pages per keyword (default: the source's config). */
  maxPages?: number
}

export interface CrawlContext {
  clock: Clock
  log: Logger
  signal: AbortSignal
  /** Whether an item with this URL is already stored (news articles are not fetched twice). */
  isStored?: (url: string) => boolean
}

/** What one step of a crawl produced: usually one result page. */
export interface CrawlBatch {
  mentions: MentionInput[]
  /** Where the crawl is (for crawl_runs.cursor_json). */
  cursor: Record<string, unknown>
  /** Result pages this batch read. */
  pages: number
  /** Requests of this batch that failed for good (long texts, comments, the page itself). */
  errors: number
  /** Why items were skipped or a page failed, one line each. */
  notes: string[]
}

export interface Crawler {
  readonly source: SourceId
  crawl(query: CrawlQuery, ctx: CrawlContext): AsyncIterable<CrawlBatch>
  /**
   * For a crawler that sees less of an item than another source of the same platform (s.weibo.com
   * vs the m.weibo.cn API): what to store when the item is already stored. Without it, what the
   * crawler saw replaces what was stored.
   */
  reconcile?(stored: MentionInput, seen: MentionInput): MentionInput
}
