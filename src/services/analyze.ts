/**
 * `yuqing analyze` (ad-hoc texts) and `yuqing reanalyze` (stored mentions, in place).
 *
 * reanalyze walks the mentions in id order, in batches: each batch is analysed, then written
 * (analyses + mention_regions) in one transaction. A mention counts as done when its analysis
 * carries the current pipeline version (sentiment model + pipeline), so a killed run resumes
 * where it stopped, and a new model re-scores everything once. Memory is bounded: one batch, and
 * a near-duplicate index of the most recent fingerprints (a sliding window).
 */
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { UsageError, errorMessage } from '../core/errors.js'
import type { LoadedConfig } from '../config/load.js'
import type { Gazetteer } from '../gazetteer/index.js'
import type { Analysis, AnalysisInput, Analyzer, Explanation } from '../nlp/analyze.js'
import type { SqliteStore, StoredAnalysis } from '../store/sqlite.js'
import { parseBound } from '../core/time.js'
import { resolveModelFile } from './sentiment.js'

type Ctx = LoadedConfig & { gazetteer(): Gazetteer; store(): SqliteStore }

/** The analyzer for this config: watched regions' aliases and exclusions, topics, model, user dictionary. */
export async function createAnalyzer(ctx: Pick<LoadedConfig, 'config' | 'baseDir' | 'regions'> & { gazetteer(): Gazetteer }, modelFlag?: string): Promise<Analyzer> {
  const { Analyzer } = await import('../nlp/analyze.js')
  const userDict = ctx.config.nlp.userDict
  return new Analyzer({
    gazetteer: ctx.gazetteer(),
    regions: ctx.regions.map((r) => ({ code: r.code, aliases: r.aliases, excludeKeywords: r.excludeKeywords, keywords: r.keywords })),
    topics: ctx.config.topics,
    sentimentModel: resolveModelFile(ctx, modelFlag),
    userDictFiles: userDict ? [path.resolve(ctx.baseDir, userDict)] : [],
  })
}

export interface AnalyzeRequest {
  texts?: string[]
  /** A file with one text per line. */
  file?: string
  explain?: boolean
  model?: string
}

export interface AnalyzedText extends Analysis {
  text: string
  modelVersion: string
  explain?: Explanation
}

export async function analyzeTexts(ctx: Ctx, req: AnalyzeRequest): Promise<AnalyzedText[]> {
  let texts = req.texts?.filter((t) => t.trim()) ?? []
  if (req.file) {
    if (!existsSync(req.file)) throw new UsageError(`cannot read ${req.file}: no such file`, 'check the path of --file')
    texts = texts.concat(readFileSync(req.file, 'utf8').split(/\r?\n/).filter((l) => l.trim()))
  }
  if (texts.length === 0) throw new UsageError('nothing to analyse', 'pass a text in quotes, or --file FILE with one text per line')
  const analyzer = await createAnalyzer(ctx, req.model)
  return texts.map((text) => {
    const a = analyzer.analyzeOne({ text })
    return { text, ...a, modelVersion: analyzer.version, ...(req.explain ? { explain: analyzer.explain({ text }) } : {}) }
  })
}

/** Location evidence kept with an imported or crawled mention (extra fields of the interchange schema). */
export function locationOf(extraJson: string | null): Pick<AnalysisInput, 'location' | 'ipLocation'> {
  if (!extraJson || !/location|region_?name|ip/i.test(extraJson)) return {}
  try {
    const e = JSON.parse(extraJson) as Record<string, unknown>
    const str = (...keys: string[]) => {
      for (const k of keys) if (typeof e[k] === 'string' && e[k]) return e[k] as string
      return null
    }
    return { location: str('location', 'locationTag', 'poi'), ipLocation: str('ipLocation', 'ip_location', 'regionName', 'region_name') }
  } catch {
    return {}
  }
}

export interface ReanalyzeRequest {
  /** Only mentions published on or after (YYYY-MM-DD in the report time zone, or ISO 8601). */
  since?: string
  model?: string
  batchSize?: number
  onProgress?: (done: number, total: number) => void
  /** Checked between batches: stop after the current batch commits. */
  shouldStop?: () => boolean
}

export interface ReanalyzeResult {
  version: string
  analyzed: number
  withRegions: number
  clusters: number
  remaining: number
  seconds: number
  stopped: boolean
}

/** Fingerprints kept for near-duplicate clustering: the most recent this many mentions. */
export const CLUSTER_WINDOW = 200_000

export async function reanalyze(ctx: Ctx, req: ReanalyzeRequest = {}): Promise<ReanalyzeResult> {
  const t0 = performance.now()
  let from: Date | undefined
  if (req.since) {
    from = parseBound(req.since, ctx.config.report.timezone, false) ?? undefined
    if (!from) throw new UsageError(`--since ${JSON.stringify(req.since)} is not a date`, 'use YYYY-MM-DD (a local day) or ISO 8601 with offset')
  }
  const batchSize = req.batchSize ?? 2000
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 100_000) throw new UsageError(`--batch-size must be 1–100000, got ${batchSize}`)
  const store = ctx.store()
  const analyzer = await createAnalyzer(ctx, req.model)
  const { Clusterer } = await import('./clusters.js')
  const clusters = new Clusterer(CLUSTER_WINDOW, store.recentFingerprints(CLUSTER_WINDOW))
  const total = store.countToAnalyze(analyzer.version, from)
  let afterId = 0
  let analyzed = 0
  let withRegions = 0
  let stopped = false
  req.onProgress?.(0, total)
  for (;;) {
    if (req.shouldStop?.()) {
      stopped = true
      break
    }
    const batch = store.mentionsToAnalyze({ afterId, version: analyzer.version, limit: batchSize, from })
    if (batch.length === 0) break
    const rows: StoredAnalysis[] = []
    for (const m of batch) {
      let a: Analysis
      try {
        a = analyzer.analyzeOne({ title: m.title, text: m.text, ...locationOf(m.extraJson) })
      } catch (err) {
        throw new Error(`analysing mention ${m.id} failed: ${errorMessage(err)}`)
      }
      if (a.regions.length) withRegions++
      rows.push({ mentionId: m.id, version: analyzer.version, sentiment: a.sentiment, keywords: a.keywords, topics: a.topics, simhash: a.simhash, clusterId: clusters.assign(m.id, a.simhash), regions: a.regions })
    }
    store.saveAnalyses(rows)
    analyzed += batch.length
    afterId = batch[batch.length - 1]!.id
    req.onProgress?.(analyzed, total)
  }
  return {
    version: analyzer.version,
    analyzed,
    withRegions,
    clusters: clusters.formed,
    remaining: store.countToAnalyze(analyzer.version, from),
    seconds: Math.round((performance.now() - t0) / 100) / 10,
    stopped,
  }
}
