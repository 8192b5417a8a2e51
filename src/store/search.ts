/**
 * `yuqing search`: boolean full-text queries over mentions with filters, on the store's
 * connection. Prepared statements with parameters only (cached by SQL text).
 *
 * The bigram index (fts-tokens.ts) stores no positions, so a term of several tokens is found in
 * two steps: FTS5 returns the rows holding all its tokens, adjacencyFilterSql() keeps those in
 * which they are adjacent. An expression is run as:
 * - one FTS5 MATCH when every term is decided by the index alone (one token each) and the
 *   expression has FTS5 form (AND / OR / `x NOT y`): exact;
 * - otherwise a MATCH that finds a superset of the rows (the required terms' tokens) and, in
 *   SQL, the exact boolean condition: each term as "its tokens in the index" (a MATCH subquery,
 *   skipped where the outer MATCH already implies it) and its adjacency filter;
 * - an expression with nothing required (`-广告`) scans the mentions the filters leave.
 */
import type BetterSqlite3 from 'better-sqlite3'
import { dayList } from '../core/time.js'
import { adjacencyFilterSql, HAN_ONLY, termIsExact, type CompiledTerm } from './fts-tokens.js'
import { mentionFilterClauses, publishedRangeSql } from './sqlite.js'

type Database = BetterSqlite3.Database
type Statement = BetterSqlite3.Statement

export type SearchExpr =
  | { type: 'term'; term: CompiledTerm }
  | { type: 'and'; children: SearchExpr[] }
  | { type: 'or'; children: SearchExpr[] }
  | { type: 'not'; child: SearchExpr }

export interface SearchFilter {
  /** Inclusive lower bound on published_at. */
  from?: Date
  /** Exclusive upper bound on published_at. */
  to?: Date
  /** Any of these region codes (mention_regions). */
  regions?: string[]
  sources?: string[]
  sentiment?: 'pos' | 'neu' | 'neg'
  /** Any of these topics (analyses.topics_json). */
  topics?: string[]
  /** Exact author name. */
  author?: string
}

export interface SearchOptions {
  limit: number
  sort: 'time' | 'heat'
  /** Count matches up to this many (default 10 000); beyond it the total is unknown. */
  countCap?: number
}

export interface SearchRowRaw {
  id: number
  source: string
  publishedAt: string
  title: string | null
  text: string
  author: string | null
  url: string | null
  sentiment: 'pos' | 'neu' | 'neg' | null
  sentimentScore: number | null
  reposts: number | null
  comments: number | null
  likes: number | null
  engagement: number
  regionsJson: string
}

export interface SearchResultRaw {
  rows: SearchRowRaw[]
  /** Matching mentions in all, or null when more than countCap match. */
  total: number | null
  /** More rows match than were returned. */
  more: boolean
}

const SUB = 'm.id in (select rowid from mentions_fts where mentions_fts match ?)'
/** A region filter with at most this many mentions drives the search from the region's index. */
const REGION_ROWS = 20_000
const HEAT = '(coalesce(m.reposts, 0) + coalesce(m.comments, 0) + coalesce(m.likes, 0))'

interface Sql {
  sql: string
  params: unknown[]
}

/** The exact FTS5 expression of `e`, or null when the index alone cannot decide it. */
export function exactFts(e: SearchExpr): string | null {
  switch (e.type) {
    case 'term':
      return termIsExact(e.term) ? e.term.fts : null
    case 'or': {
      const parts = e.children.map(exactFts)
      return parts.every((p) => p !== null) ? `(${parts.join(' OR ')})` : null
    }
    case 'not':
      return null // FTS5 has only the binary `x NOT y`
    case 'and': {
      const pos = e.children.filter((c) => c.type !== 'not').map(exactFts)
      const neg = e.children.flatMap((c) => (c.type === 'not' ? [exactFts(c.child)] : []))
      if (!pos.length || pos.some((p) => p === null) || neg.some((p) => p === null)) return null
      return `(${pos.join(' AND ')}${neg.length ? ` NOT (${neg.join(' OR ')})` : ''})`
    }
  }
}

/** An FTS5 expression matching every row `e` matches (and maybe more), or null when none narrows. */
export function supersetFts(e: SearchExpr): string | null {
  switch (e.type) {
    case 'term':
      return e.term.fts
    case 'not':
      return null
    case 'and': {
      const parts = e.children.map(supersetFts).filter((p): p is string => p !== null)
      return parts.length ? (parts.length === 1 ? parts[0]! : `(${parts.join(' AND ')})`) : null
    }
    case 'or': {
      const parts = e.children.map(supersetFts)
      return parts.every((p) => p !== null) ? `(${parts.join(' OR ')})` : null
    }
  }
}

/**
 * The exact SQL condition for `e` over mentions `m` found by the outer MATCH supersetFts(root).
 * `implied`: that MATCH already guarantees the index part of `e` (true for the root and the
 * required terms of an AND at the root): only the adjacency of its tokens is left to check. A
 * part not implied (an OR's branches, a NOT) is decided on the candidate row's text
 * (textCondition): an index subquery for it would read every row of the whole index holding
 * the part's tokens (宝安区 OR 南山区: ~150 ms on 5M mentions) to decide the few candidates.
 */
/**
 * The exact SQL condition for `e` over any mentions `m` (nothing narrows them: `-广告`): each
 * part through the term index (a MATCH subquery, read once) and its adjacency filter.
 */
function indexCondition(e: SearchExpr): Sql {
  if (e.type === 'term') {
    const adj = adjacencyFilterSql([e.term], 'm.title', 'm.text')
    return adj ? { sql: `(${SUB} and ${adj.sql})`, params: [e.term.fts, ...adj.params] } : { sql: SUB, params: [e.term.fts] }
  }
  const fts = exactFts(e)
  if (fts !== null) return { sql: SUB, params: [fts] }
  if (e.type === 'not') {
    const c = indexCondition(e.child)
    return { sql: `not (${c.sql})`, params: c.params }
  }
  const parts = e.children.map(indexCondition)
  return { sql: `(${parts.map((p) => p.sql).join(e.type === 'and' ? ' and ' : ' or ')})`, params: parts.flatMap((p) => p.params) }
}

export function condition(e: SearchExpr, implied: boolean): Sql {
  if (e.type === 'term' && implied) return adjacencyFilterSql([e.term], 'm.title', 'm.text') ?? { sql: '1', params: [] }
  if (!implied || e.type === 'term' || e.type === 'not') return textCondition(e)
  const parts = e.children.map((c) => condition(c, implied && e.type === 'and' && c.type !== 'not')).filter((p) => !(e.type === 'and' && p.sql === '1'))
  if (!parts.length) return { sql: '1', params: [] }
  return { sql: `(${parts.map((p) => p.sql).join(e.type === 'and' ? ' and ' : ' or ')})`, params: parts.flatMap((p) => p.params) }
}

function filterSql(f: SearchFilter): Sql {
  const { clauses, params } = mentionFilterClauses(f)
  if (f.sentiment) {
    clauses.push('a.sentiment_label = ?')
    params.push(f.sentiment)
  }
  if (f.topics?.length) {
    clauses.push(`exists (select 1 from json_each(case when json_valid(a.topics_json) then a.topics_json else '[]' end) j where j.value in (${f.topics.map(() => '?').join(', ')}))`)
    params.push(...f.topics)
  }
  if (f.author !== undefined) {
    clauses.push('m.author_name = ?')
    params.push(f.author)
  }
  return { sql: clauses.join(' and '), params }
}

/**
 * `e` decided on the text alone, without the term index (for a few candidate rows): a Han term
 * by instr() on the raw columns, with yq_text_has (the normalised text) when that misses; any
 * other term by yq_text_has (the index's tokens of the text).
 */
export function textCondition(e: SearchExpr): Sql {
  switch (e.type) {
    case 'term': {
      const spec = JSON.stringify(e.term)
      const t = e.term
      if (t.chars !== undefined && HAN_ONLY.test(t.chars))
        return { sql: "(instr(m.text, ?) > 0 or instr(coalesce(m.title, ''), ?) > 0 or yq_text_has(m.title, m.text, ?))", params: [t.chars, t.chars, spec] }
      return { sql: 'yq_text_has(m.title, m.text, ?)', params: [spec] }
    }
    case 'not': {
      const c = textCondition(e.child)
      return { sql: `not ${c.sql}`, params: c.params }
    }
    default: {
      const parts = e.children.map(textCondition)
      return { sql: `(${parts.map((p) => p.sql).join(e.type === 'and' ? ' and ' : ' or ')})`, params: parts.flatMap((p) => p.params) }
    }
  }
}

export class SearchStore {
  private readonly db: Database
  private readonly stmts = new Map<string, Statement>()

  constructor(db: Database) {
    this.db = db
  }

  private stmt(sql: string): Statement {
    let s = this.stmts.get(sql)
    if (!s) {
      if (this.stmts.size >= 64) this.stmts.clear()
      s = this.db.prepare(sql)
      this.stmts.set(sql, s)
    }
    return s
  }

  /**
   * The FROM … WHERE … of a search (shared by the page and the count). `window`: only rows with
   * id ≥ minId published at or after `since` (see `search`), for an FTS-driven search.
   */
  private fromWhere(e: SearchExpr, f: SearchFilter, window?: { minId: number; since: string }): Sql {
    const where: string[] = []
    const params: unknown[] = []
    let from: string
    const exact = exactFts(e)
    const superset = exact ?? supersetFts(e)
    if (superset !== null) {
      from = 'mentions_fts f join mentions m on m.id = f.rowid left join analyses a on a.mention_id = m.id'
      where.push('mentions_fts match ?')
      params.push(superset)
      if (window) {
        where.push('f.rowid >= ?', 'm.published_at >= ?')
        params.push(window.minId, window.since)
      }
      if (exact === null) {
        const c = condition(e, true)
        if (c.sql !== '1') {
          where.push(c.sql)
          params.push(...c.params)
        }
      }
    } else {
      from = 'mentions m left join analyses a on a.mention_id = m.id'
      const c = indexCondition(e)
      where.push(c.sql)
      params.push(...c.params)
    }
    const fs = filterSql(f)
    if (fs.sql) {
      where.push(fs.sql)
      params.push(...fs.params)
    }
    return { sql: `from ${from} where ${where.join(' and ')}`, params }
  }

  /**
   * Newest first without sorting every match: a 2-character term can match 6% of millions of
   * rows. Look in a recent window first (1, then 7 UTC days ending at the newest day, or at
   * --to; a longer window costs more to bound than searching whole): the window's rows all have an id ≥ the smallest id published in it (the day index
   * answers that), and FTS5 skips to that rowid, so only the matches stored since are read. When
   * the window holds more than `limit` matches they are the newest of all (every row outside is
   * older), so the page is exact; else widen, and finally search without a window. Fast when
   * ids follow publishing time (crawled data); data imported out of order only widens the reads.
   */
  private windowed(e: SearchExpr, f: SearchFilter, o: SearchOptions): { rows: SearchRowRaw[]; fw: Sql | null } | null {
    if (exactFts(e) === null && supersetFts(e) === null) return null
    const top = f.to ? new Date(f.to.getTime() - 1).toISOString().slice(0, 10) : (this.stmt('select max(substr(published_at, 1, 10)) from mentions').pluck().get() as string | null)
    if (!top) return null
    for (const days of [1, 7]) {
      let low = new Date(Date.parse(`${top}T00:00:00Z`) - (days - 1) * 86_400_000)
      // The --from bound is inside this window: the window is the whole filter, and exact.
      const whole = f.from !== undefined && f.from >= low
      if (whole) low = f.from!
      // Each day's smallest id is its first entry in the day index (day, rowid): one seek a day,
      // where min(id) over the day range reads every entry of the week (~20 ms on 5M).
      const windowDays = dayList(low.toISOString().slice(0, 10), top)
      const minId = this.stmt('select min((select id from mentions where substr(published_at, 1, 10) = d.value order by id limit 1)) from json_each(?) d').pluck().get(JSON.stringify(windowDays)) as number | null
      if (minId === null) {
        if (whole) return { rows: [], fw: null }
        continue
      }
      const fw = this.fromWhere(e, f, { minId, since: low.toISOString() })
      const rows = this.page(fw, 'm.published_at desc, m.id desc', o.limit + 1)
      if (whole) return { rows, fw }
      if (rows.length > o.limit) return { rows, fw: null }
    }
    return null
  }

  /**
   * Newest first within a small region (or a few): its mentions from the region index, the query
   * checked on their text (`textCondition`), no term index. Probing the index per mention costs
   * more than reading the text when the region holds up to REGION_ROWS mentions.
   */
  private regionDriven(e: SearchExpr, f: SearchFilter, o: SearchOptions): { rows: SearchRowRaw[]; fw: Sql } | null {
    if (!f.regions?.length) return null
    const inList = f.regions.map(() => '?').join(', ')
    const size = this.stmt(`select count(*) from (select 1 from mention_regions where region_code in (${inList}) limit ?)`).pluck().get(...f.regions, REGION_ROWS + 1) as number
    if (size > REGION_ROWS) return null
    const c = textCondition(e)
    const { regions, ...rest } = f
    const fs = filterSql(rest)
    const fw: Sql = {
      sql: `from (select distinct mention_id from mention_regions where region_code in (${inList})) r cross join mentions m on m.id = r.mention_id
        left join analyses a on a.mention_id = m.id where ${c.sql}${fs.sql ? ` and ${fs.sql}` : ''}`,
      params: [...regions, ...c.params, ...fs.params],
    }
    return { rows: this.page(fw, 'm.published_at desc, m.id desc', o.limit + 1), fw }
  }

  /** Rows of the index the expression's MATCH returns, counted up to cap + 1 (index only, no joins). */
  private candidates(e: SearchExpr, cap: number): number {
    const match = exactFts(e) ?? supersetFts(e)
    if (match === null) return Infinity
    return this.stmt('select count(*) from (select 1 from mentions_fts where mentions_fts match ? limit ?)').pluck().get(match, cap + 1) as number
  }

  private page(fw: Sql, order: string, n: number): SearchRowRaw[] {
    return this.stmt(
      `select m.id, m.source, m.published_at as publishedAt, m.title, m.text, m.author_name as author, m.url,
          a.sentiment_label as sentiment, a.sentiment_score as sentimentScore, m.reposts, m.comments, m.likes, ${HEAT} as engagement,
          (select json_group_array(region_code) from (select region_code from mention_regions where mention_id = m.id order by confidence desc, region_code)) as regionsJson
        ${fw.sql} order by ${order} limit ?`,
    ).all(...fw.params, n) as SearchRowRaw[]
  }

  search(e: SearchExpr, f: SearchFilter, o: SearchOptions): SearchResultRaw {
    const fw = this.fromWhere(e, f)
    const order = o.sort === 'heat' ? `${HEAT} desc, m.published_at desc, m.id desc` : 'm.published_at desc, m.id desc'
    const byRegion = o.sort === 'time' ? this.regionDriven(e, f, o) : null
    const win = o.sort === 'time' && !byRegion ? this.windowed(e, f, o) : null
    const rows = byRegion?.rows ?? (win ? win.rows : this.page(fw, order, o.limit + 1))
    const more = rows.length > o.limit
    if (more) rows.length = o.limit
    let total: number | null = rows.length
    const cap = o.countCap ?? 10_000
    // A page from a recent window that is not the whole filter: counting every match would read
    // them all (the cost the window avoids) unless the index holds few candidates at all.
    if (more && win && !win.fw && this.candidates(e, cap) > cap) total = null
    else if (more) {
      const counted = byRegion?.fw ?? win?.fw ?? fw
      const n = (this.stmt(`select count(*) as n from (select 1 ${counted.sql} limit ?)`).get(...counted.params, cap + 1) as { n: number }).n
      total = n > cap ? null : n
    }
    return { rows, total, more }
  }
}
