/**
 * The analysis pipeline: one `Analyzer` per process, one `analyze(texts)` batch function for
 * ingest, reanalyze and `yuqing analyze`. Each text is normalised and segmented once (jieba, with
 * the place-name user dictionary); sentiment, topics, regions, keywords and the SimHash all read
 * that one result.
 */
import type { Gazetteer } from '../gazetteer/index.js'
import { useJieba, jiebaStopWords } from './jieba.js'
import { KeywordExtractor, type Keyword } from './keywords.js'
import { RegionAttributor, type RegionAttribution, type RegionRule } from './regions.js'
import { loadSentimentModel, type SentimentModel, type SentimentScore } from './sentiment/index.js'
import { fingerprintText, toHex } from './simhash.js'
import { tokenize, type Tokenized } from './text.js'
import { DEFAULT_TOPICS } from './topics-default.js'
import { createTopicMatcher, ruleTerms } from './topics.js'
import { userDictWords } from './userdict.js'

/** Bumped when tokens, regions, topics, keywords or fingerprints change meaning (stored with each analysis). */
export const PIPELINE_VERSION = 'p2'

export interface AnalysisInput {
  title?: string | null
  text: string
  /** Weibo location tag (深圳·宝安区). */
  location?: string | null
  /** IP 属地 / region_name (广东). */
  ipLocation?: string | null
}

export interface Analysis {
  sentiment: SentimentScore
  regions: RegionAttribution[]
  topics: string[]
  keywords: Keyword[]
  /** 64-bit SimHash as 16 hex digits; null for texts too short to fingerprint. */
  simhash: string | null
}

export interface Explanation {
  tokens: string[]
  sentimentTerms: Array<{ term: string; weight: number }>
  topicTerms: Array<{ topic: string; terms: string[] }>
}

export interface AnalyzerOptions {
  gazetteer: Gazetteer
  /** Watched regions' aliases and exclusions (config `regions`). */
  regions?: readonly (RegionRule & { keywords?: readonly string[] })[]
  /** Topic rules; default: the built-in taxonomy. */
  topics?: ReadonlyArray<{ name: string; rule: string }>
  /** Sentiment model file; default: the shipped model. */
  sentimentModel?: string
  /** Extra jieba user dictionary files (config `nlp.userDict`). */
  userDictFiles?: readonly string[]
  keywordsPerText?: number
}

export class Analyzer {
  readonly version: string
  /** jieba's precise-mode cut with this analyzer's dictionaries (raw, no markup handling). */
  readonly segment: (s: string) => string[]
  private readonly sentiment: SentimentModel
  private readonly attributor: RegionAttributor
  private readonly topics: ReturnType<typeof createTopicMatcher>
  private readonly keywords: KeywordExtractor
  private readonly top: number

  constructor(opts: AnalyzerOptions) {
    const topics = opts.topics?.length ? opts.topics : DEFAULT_TOPICS
    const extra: string[] = []
    for (const r of opts.regions ?? []) extra.push(...(r.aliases ?? []), ...(r.keywords ?? []))
    for (const t of topics) extra.push(...ruleTerms(t.rule))
    const seg = useJieba(userDictWords(opts.gazetteer, extra), opts.userDictFiles)
    this.segment = seg.cut
    this.sentiment = loadSentimentModel(opts.sentimentModel)
    this.attributor = new RegionAttributor(opts.gazetteer, opts.regions ?? [])
    this.topics = createTopicMatcher([...topics])
    this.keywords = new KeywordExtractor(seg.idf(), jiebaStopWords())
    this.top = opts.keywordsPerText ?? 5
    this.version = `${this.sentiment.version}/${PIPELINE_VERSION}`
  }

  private prepare(input: AnalysisInput): { whole: string; tk: Tokenized } {
    const whole = input.title ? `${input.title}\n${input.text}` : input.text
    return { whole, tk: tokenize(whole, this.segment) }
  }

  analyzeOne(input: AnalysisInput): Analysis {
    const { tk } = this.prepare(input)
    const fp = fingerprintText(tk.tokens, { text: tk.text, starts: tk.starts })
    return {
      sentiment: this.sentiment.score(tk.text),
      regions: this.attributor.attribute({ text: tk.placeText, context: tk.mentions, tokens: tk.tokens, starts: tk.starts, location: input.location, ipLocation: input.ipLocation }),
      topics: this.topics.match(tk.text),
      keywords: this.keywords.extract(tk.tokens, this.top),
      simhash: fp === null ? null : toHex(fp),
    }
  }

  /** The batch function ingest and reanalyze call. */
  analyze(inputs: readonly AnalysisInput[]): Analysis[] {
    return inputs.map((i) => this.analyzeOne(i))
  }

  /** What moved the sentiment score, which terms made each topic, and the tokens. */
  explain(input: AnalysisInput, top = 10): Explanation {
    const { tk } = this.prepare(input)
    return {
      tokens: tk.tokens,
      sentimentTerms: this.sentiment.explain(tk.text, top),
      topicTerms: this.topics.matchDetailed(tk.text),
    }
  }
}
