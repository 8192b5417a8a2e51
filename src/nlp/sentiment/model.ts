/**
 * The hashed linear sentiment model: two logistic heads over the same hashed features.
 *
 * - polarity: P(pos | the text is polar), trained on every pos/neg row;
 * - neutral: P(neu), trained on corpora that label neutral texts (absent for a binary model).
 *
 * P(pos) = (1 − P(neu))·P(pos | polar), P(neg) = (1 − P(neu))·(1 − P(pos | polar)).
 * Each head's logit is Platt-scaled (a·z + b) with parameters fitted on held-out data, so the
 * probabilities are calibrated. score = P(pos) − P(neg); label = the most probable class;
 * confidence = its probability.
 *
 * A text's features are binary and L2-normalised: logit = bias + Σ w[slot] / √(feature count).
 * Weights live in one Float32Array, interleaved per slot (polarity, neutral), so scoring a text
 * is one pass over the characters and one or two array reads per feature.
 *
 * File format (JSON, see `serialiseModel`): a readable header (feature options, heads,
 * provenance) and the weights as int8, deflated and base64-encoded, with one scale per head.
 */
import { createHash } from 'node:crypto'
import { deflateRawSync, inflateRawSync } from 'node:zlib'
import { FeatureExtractor, featureWeight, type FeatureOptions } from './features.js'
import type { SentimentLabel, SentimentModel, SentimentScore } from './types.js'

export const MODEL_FORMAT = 'yuqing-sentiment'
export const MODEL_FORMAT_VERSION = 1

export interface Calibration {
  a: number
  b: number
}

export interface HeadParams {
  bias: number
  calibration: Calibration
}

export interface ModelParams {
  version: string
  features: FeatureOptions
  polarity: HeadParams
  /** null: a binary model that never says neu. */
  neutral: HeadParams | null
  /** Interleaved (polarity, neutral) per slot; length 2 · 2^hashBits. */
  weights: Float32Array
  /** Free-form provenance (corpora, sizes, command, date, figures). */
  provenance?: Record<string, unknown>
}

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z))

/** Calibrated [P(pos), P(neu), P(neg)] from the raw head logits (neutral null: a binary model). */
export function probabilitiesOf(polarity: number, neutral: number | null, polCal: Calibration, neuCal?: Calibration): [number, number, number] {
  const pp = sigmoid(polCal.a * polarity + polCal.b)
  const pn = neutral === null || !neuCal ? 0 : sigmoid(neuCal.a * neutral + neuCal.b)
  return [(1 - pn) * pp, pn, (1 - pn) * (1 - pp)]
}

/** The label is the most probable class (pos wins a pos/neg tie); score = P(pos) − P(neg). */
export function decide([pos, neu, neg]: [number, number, number]): SentimentScore {
  let label: SentimentLabel = pos >= neg ? 'pos' : 'neg'
  let confidence = pos >= neg ? pos : neg
  if (neu > confidence) {
    label = 'neu'
    confidence = neu
  }
  return { score: pos - neg, label, confidence }
}

export class HashedSentimentModel implements SentimentModel {
  readonly version: string
  /** The parameters without the float weights (the model keeps only their int8 form). */
  readonly params: Omit<ModelParams, 'weights'>
  private readonly fx: FeatureExtractor
  /** int8 weights, interleaved (polarity, neutral) per slot: the model as stored in its file. */
  private readonly q: Int8Array
  private readonly s0: number
  private readonly s1: number
  private readonly pol: HeadParams
  private readonly neu: HeadParams | null
  private readonly normPower: number

  constructor(params: ModelParams) {
    const { weights: _w, ...rest } = params
    this.params = rest
    this.version = params.version
    this.fx = new FeatureExtractor(params.features)
    this.normPower = this.fx.opts.normPower
    if (params.weights.length !== 2 * this.fx.size) throw new Error(`weights have ${params.weights.length} values; expected ${2 * this.fx.size}`)
    const { q, scales } = quantise(params.weights)
    this.q = q
    this.s0 = scales[0]
    this.s1 = scales[1]
    this.pol = params.polarity
    this.neu = params.neutral
  }

  /** Raw (uncalibrated) logits of both heads, and the feature count. */
  logits(text: string): { polarity: number; neutral: number; features: number } {
    const n = this.fx.extract(text)
    const ids = this.fx.ids
    const q = this.q
    let sp = 0
    let sn = 0
    for (let k = 0; k < n; k++) {
      const j = ids[k]! << 1
      sp += q[j]!
      sn += q[j + 1]!
    }
    const v = featureWeight(n, this.normPower)
    return { polarity: this.pol.bias + sp * this.s0 * v, neutral: this.neu ? this.neu.bias + sn * this.s1 * v : -Infinity, features: n }
  }

  /** Calibrated probabilities [P(pos), P(neu), P(neg)]; null for a text without features. */
  probabilities(text: string): [number, number, number] | null {
    const l = this.logits(text)
    if (l.features === 0) return null
    return probabilitiesOf(l.polarity, this.neu ? l.neutral : null, this.pol.calibration, this.neu?.calibration)
  }

  score(text: string): SentimentScore {
    const l = this.logits(text)
    if (l.features === 0) return { score: 0, label: 'neu', confidence: 1 }
    return decide(probabilitiesOf(l.polarity, this.neu ? l.neutral : null, this.pol.calibration, this.neu?.calibration))
  }

  explain(text: string, top = 10): Array<{ term: string; weight: number }> {
    const n = this.fx.extract(text, true)
    if (n === 0) return []
    const v = this.pol.calibration.a * this.s0 * featureWeight(n, this.normPower)
    const byTerm = new Map<string, number>()
    for (let k = 0; k < n; k++) {
      const c = this.q[this.fx.ids[k]! << 1]! * v
      if (c === 0) continue
      const t = this.fx.term(k)
      byTerm.set(t, (byTerm.get(t) ?? 0) + c)
    }
    return [...byTerm]
      .map(([term, weight]) => ({ term, weight: Math.round(weight * 1000) / 1000 }))
      .filter((x) => x.weight !== 0)
      .sort((x, y) => Math.abs(y.weight) - Math.abs(x.weight) || (x.term < y.term ? -1 : 1))
      .slice(0, Math.max(0, top))
  }
}

// ---------------------------------------------------------------------------------------------
// File format

export interface ModelFile {
  format: typeof MODEL_FORMAT
  formatVersion: number
  version: string
  description?: string
  labels: SentimentLabel[]
  features: FeatureOptions
  heads: { polarity: HeadParams; neutral: HeadParams | null }
  provenance?: Record<string, unknown>
  weights: {
    encoding: 'int8-deflate-base64'
    layout: 'interleaved-polarity-neutral'
    scales: [number, number]
    sha256: string
    data: string
  }
}

/** int8 weights with one scale per head (max |w| → 127). */
export function quantise(w: Float32Array): { q: Int8Array; scales: [number, number] } {
  const scales: [number, number] = [1, 1]
  for (let h = 0; h < 2; h++) {
    let max = 0
    for (let j = h; j < w.length; j += 2) max = Math.max(max, Math.abs(w[j]!))
    if (max > 0) scales[h] = max / 127
  }
  const q = new Int8Array(w.length)
  for (let j = 0; j < w.length; j++) q[j] = Math.max(-127, Math.min(127, Math.round(w[j]! / scales[j & 1]!)))
  return { q, scales }
}

/** Quantises to int8 (one scale per head), deflates and base64-encodes. */
export function serialiseModel(p: ModelParams, description?: string): string {
  const { q, scales } = quantise(p.weights)
  const raw = Buffer.from(q.buffer, q.byteOffset, q.byteLength)
  const file: ModelFile = {
    format: MODEL_FORMAT,
    formatVersion: MODEL_FORMAT_VERSION,
    version: p.version,
    description,
    labels: p.neutral ? ['pos', 'neu', 'neg'] : ['pos', 'neg'],
    features: p.features,
    heads: { polarity: p.polarity, neutral: p.neutral },
    provenance: p.provenance,
    weights: {
      encoding: 'int8-deflate-base64',
      layout: 'interleaved-polarity-neutral',
      scales,
      sha256: createHash('sha256').update(raw).digest('hex'),
      data: deflateRawSync(raw, { level: 9 }).toString('base64'),
    },
  }
  // Header readable in a diff; the weights are one long line at the end.
  const { weights, ...header } = file
  const head = JSON.stringify(header, null, 2).replace(/\n}$/, '')
  const { data, ...wmeta } = weights
  return `${head},\n  "weights": ${JSON.stringify(wmeta).replace(/}$/, '')},"data":"${data}"}\n}\n`
}

/** Validates and decodes a parsed model file. Throws Error with a short reason when malformed. */
export function parseModelFile(json: unknown): ModelParams {
  const f = json as Partial<ModelFile> | null
  if (!f || typeof f !== 'object' || f.format !== MODEL_FORMAT) throw new Error(`not a ${MODEL_FORMAT} file (no "format": "${MODEL_FORMAT}")`)
  if (f.formatVersion !== MODEL_FORMAT_VERSION) throw new Error(`format version ${String(f.formatVersion)} is not supported (this yuqing reads ${MODEL_FORMAT_VERSION})`)
  if (typeof f.version !== 'string' || !f.version) throw new Error('"version" is missing')
  const fo = f.features
  if (!fo || typeof fo.hashBits !== 'number' || typeof fo.maxN !== 'number' || typeof fo.negationScope !== 'number' || typeof fo.degree !== 'boolean' || typeof fo.emoticons !== 'boolean')
    throw new Error('"features" is missing or incomplete')
  if (!(fo.hashBits >= 10 && fo.hashBits <= 26 && fo.maxN >= 1 && fo.maxN <= 4)) throw new Error('"features" is out of range')
  if ((fo.tail !== undefined && typeof fo.tail !== 'number') || (fo.contrast !== undefined && typeof fo.contrast !== 'boolean') || (fo.normPower !== undefined && !(fo.normPower >= 0 && fo.normPower <= 1)))
    throw new Error('"features" is malformed')
  const head = (h: unknown, name: string): HeadParams => {
    const x = h as HeadParams | null
    if (!x || !Number.isFinite(x.bias) || !x.calibration || !Number.isFinite(x.calibration.a) || !Number.isFinite(x.calibration.b)) throw new Error(`head "${name}" is malformed`)
    return { bias: x.bias, calibration: { a: x.calibration.a, b: x.calibration.b } }
  }
  if (!f.heads) throw new Error('"heads" is missing')
  const polarity = head(f.heads.polarity, 'polarity')
  const neutral = f.heads.neutral === null || f.heads.neutral === undefined ? null : head(f.heads.neutral, 'neutral')
  const wt = f.weights
  if (!wt || wt.encoding !== 'int8-deflate-base64' || typeof wt.data !== 'string' || !Array.isArray(wt.scales) || wt.scales.length !== 2)
    throw new Error('"weights" is missing or not int8-deflate-base64')
  let raw: Buffer
  try {
    raw = inflateRawSync(Buffer.from(wt.data, 'base64'))
  } catch {
    throw new Error('the weights do not decompress')
  }
  const size = 2 * (1 << fo.hashBits)
  if (raw.length !== size) throw new Error(`the weights have ${raw.length} values; expected ${size}`)
  if (typeof wt.sha256 === 'string' && createHash('sha256').update(raw).digest('hex') !== wt.sha256) throw new Error('the weights do not match their checksum')
  const q = new Int8Array(raw.buffer, raw.byteOffset, raw.length)
  const weights = new Float32Array(size)
  const [s0, s1] = wt.scales as [number, number]
  for (let j = 0; j < size; j += 2) {
    weights[j] = q[j]! * s0
    weights[j + 1] = q[j + 1]! * s1
  }
  return {
    version: f.version,
    features: { hashBits: fo.hashBits, maxN: fo.maxN, negationScope: fo.negationScope, degree: fo.degree, emoticons: fo.emoticons, tail: fo.tail ?? 0, contrast: fo.contrast ?? false, normPower: fo.normPower ?? 0.5 },
    polarity,
    neutral,
    weights,
    provenance: f.provenance,
  }
}
