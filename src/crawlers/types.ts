/**
 * Contracts for the crawlers (implemented by the crawler issue). A crawler yields mentions and
 * never writes to the store itself; the crawl service persists them with `upsertMentions`, so a
 * crawled mention and an imported one go through the same path.
 */
import type { MentionInput } from '../core/mention.js'
import type { Clock } from '../core/clock.js'
import type { Logger } from '../core/logger.js'

/** Crawl source ids, as in the `sources` section of the config. */
export type SourceId = 'weibo' | 'weibo-search' | 'news'

export interface CrawlQuery {
  /** Keywords to search for (region names, aliases, extra keywords). */
  keywords: string[]
  /** Region codes the query was built for (evidence for region attribution). */
  regions: string[]
  /** Only items published at or after this instant. */
  since?: Date
}

export interface CrawlContext {
  clock: Clock
  log: Logger
  signal: AbortSignal
}

export interface Crawler {
  readonly source: SourceId
  crawl(query: CrawlQuery, ctx: CrawlContext): AsyncIterable<MentionInput>
}
