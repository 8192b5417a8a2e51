/**
 * NLP pipeline throughput on Weibo-length texts, one core (this thread): the full pipeline
 * (normalise, segment, sentiment, regions, topics, keywords, SimHash) against raw jieba `cut` on
 * the same texts with the same dictionaries. Targets: ≥ 20,000 texts/s, and ≥ 50% of raw `cut`.
 */
// The compiled code (dist/, built by `npm run bench`), as the CLI runs it: under tsx the sources
// carry esbuild's keep-names wrappers on every closure, which cost ~10% in region attribution.
import { loadGazetteer } from '../dist/gazetteer/index.js'
import { Analyzer } from '../dist/nlp/analyze.js'
import { generateRows } from '../test/helpers/generate.js'

export interface NlpBench {
  texts: number
  meanChars: number
  loadMs: number
  pipelineTextsPerSecond: number
  cutTextsPerSecond: number
  ratio: number
}

function rate(n: number, ms: number): number {
  return Math.round(n / (ms / 1000))
}

export function benchNlp(n = 20_000): NlpBench {
  const texts: string[] = []
  for (const r of generateRows({ rows: n, seed: 7 })) if (r.source === 'weibo') texts.push(String(r.text))
  const meanChars = Math.round(texts.reduce((s, t) => s + t.length, 0) / texts.length)
  const t0 = performance.now()
  const analyzer = new Analyzer({ gazetteer: loadGazetteer() })
  const loadMs = Math.round(performance.now() - t0)
  const cut = analyzer.segment // jieba's cut with the analyzer's dictionaries
  // Warm up both paths, then measure each twice and keep the better run (less noise from the other core).
  for (let i = 0; i < 2000; i++) {
    analyzer.analyzeOne({ text: texts[i % texts.length]! })
  }
  const best = (f: () => void) => {
    let ms = Infinity
    for (let rep = 0; rep < 2; rep++) {
      const t = performance.now()
      f()
      ms = Math.min(ms, performance.now() - t)
    }
    return ms
  }
  const pipeMs = best(() => {
    for (const t of texts) analyzer.analyzeOne({ text: t })
  })
  const cutMs = best(() => {
    for (const t of texts) cut(t)
  })
  return {
    texts: texts.length,
    meanChars,
    loadMs,
    pipelineTextsPerSecond: rate(texts.length, pipeMs),
    cutTextsPerSecond: rate(texts.length, cutMs),
    ratio: Math.round((cutMs / pipeMs) * 100) / 100,
  }
}
