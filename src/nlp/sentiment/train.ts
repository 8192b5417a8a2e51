/**
 * Training: L2-regularised logistic regression (AdaGrad SGD) for each head over hashed
 * features, Platt calibration on a held-out split, then a final fit on all the data.
 *
 * Deterministic: the split is a hash of the text (`splitOf`), the shuffles use a seeded PRNG.
 */
import { DEFAULT_FEATURES, FeatureExtractor, featureWeight, type FeatureOptions } from './features.js'
import { evaluateModel, type EvalReport } from './evaluate.js'
import { HashedSentimentModel, type Calibration, type ModelParams } from './model.js'
import type { LabelledText } from './types.js'
import { prng } from '../../core/random.js'

export interface HeadTrainOptions {
  epochs: number
  /** AdaGrad base learning rate. */
  lr: number
  /** L2 strength, applied to the active features of each example. */
  l2: number
  /** NB-LR: scale each feature by its naive-Bayes log-count ratio (smoothing α) before the fit; 0 = off. */
  nbAlpha?: number
  /** Feature weighting of the model (set from its FeatureOptions). */
  normPower?: number
  /** Average the weights of this many fits: with NB scaling, the first is fitted without it (a blend); later ones use other seeds. */
  bag?: number
}

/** Trains `bag` fits of one head and averages them (a linear ensemble is one linear model). */
export function trainHeadBagged(X: Csr, rows: Int32Array, y: Uint8Array, sw: Float32Array, w: Float32Array, stride: number, offset: number, opts: HeadTrainOptions, seed: number): number {
  const bag = Math.max(1, opts.bag ?? 1)
  if (bag === 1) return trainHead(X, rows, y, sw, w, stride, offset, opts, seed)
  const tmp = new Float32Array(w.length)
  let bias = 0
  for (let b = 0; b < bag; b++) {
    tmp.fill(0)
    const o = b === 0 && opts.nbAlpha ? { ...opts, nbAlpha: 0 } : opts
    bias += trainHead(X, rows, y, sw, tmp, stride, offset, o, seed + 1000 * b)
    for (let j = offset; j < w.length; j += stride) w[j] += tmp[j]! / bag
  }
  return bias / bag
}

export interface TrainOptions {
  version: string
  features?: FeatureOptions
  polarity?: Partial<HeadTrainOptions>
  neutral?: Partial<HeadTrainOptions>
  /** Seed for the shuffles. */
  seed?: number
  /** Share of rows held out for calibration and the held-out report (default 0.2); 0 = none. */
  holdout?: number
  provenance?: Record<string, unknown>
  /** Logs progress. */
  log?: (msg: string) => void
}

export interface TrainExample extends LabelledText {
  /** Sample weight (default 1). */
  weight?: number
  /** Whether this row may train the neutral head (default: true when any row is neu). */
  neutralEligible?: boolean
  /** Sample weight in the neutral head (default: `weight`). */
  neutralWeight?: number
}

/** Chosen by measurement (models/sentiment/VALIDATION.md): NB-scaled LR blended with plain LR and a second NB-LR seed. */
export const DEFAULT_POLARITY: HeadTrainOptions = { epochs: 8, lr: 0.2, l2: 1e-6, nbAlpha: 1, bag: 3 }
export const DEFAULT_NEUTRAL: HeadTrainOptions = { epochs: 8, lr: 0.2, l2: 1e-6, nbAlpha: 1, bag: 3 }

/** FNV-1a of the text without whitespace, lower-cased: near-identical texts share a bucket. */
export function textHash(text: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i)
    if (c <= 0x20 || c === 0x3000) continue
    if (c >= 0x41 && c <= 0x5a) c += 32
    h = Math.imul(h ^ c, 0x01000193)
  }
  return h >>> 0
}

/** Deterministic split: 'test' for `share` of texts (by text hash), else 'train'. */
export function splitOf(text: string, share = 0.2): 'train' | 'test' {
  return (textHash(text) % 10000) / 10000 < share ? 'test' : 'train'
}

/** Compressed sparse rows of feature slot ids. */
export interface Csr {
  offsets: Int32Array
  ids: Int32Array
}

export function featurise(texts: readonly string[], fx: FeatureExtractor, extra?: (text: string, add: (h: number) => void) => void): Csr {
  const offsets = new Int32Array(texts.length + 1)
  let ids = new Int32Array(Math.max(1024, texts.length * 128))
  let at = 0
  const mask = fx.size - 1
  for (let i = 0; i < texts.length; i++) {
    const n = fx.extract(texts[i]!)
    let need = at + n
    if (extra) need += 512
    if (need > ids.length) {
      const b = new Int32Array(Math.max(need, ids.length * 2))
      b.set(ids.subarray(0, at))
      ids = b
    }
    ids.set(fx.ids.subarray(0, n), at)
    at += n
    if (extra) {
      const seen = new Set<number>(fx.ids.subarray(0, n))
      extra(texts[i]!, (h) => {
        const id = h & mask
        if (seen.has(id)) return
        seen.add(id)
        if (at === ids.length) {
          const b = new Int32Array(ids.length * 2)
          b.set(ids)
          ids = b
        }
        ids[at++] = id
      })
    }
    offsets[i + 1] = at
  }
  return { offsets, ids: ids.slice(0, at) }
}

function shuffle(a: Int32Array, rnd: () => number): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1))
    const t = a[i]!
    a[i] = a[j]!
    a[j] = t
  }
}

/**
 * Trains one logistic head on rows `rows` of X with 0/1 targets `y[row]` and sample weights
 * `sw[row]`, writing the weights into w[slot·stride + offset]. Returns the bias.
 */
export function trainHead(
  X: Csr,
  rows: Int32Array,
  y: Uint8Array,
  sw: Float32Array,
  w: Float32Array,
  stride: number,
  offset: number,
  opts: HeadTrainOptions,
  seed: number,
): number {
  const size = w.length / stride
  const G = new Float32Array(size)
  let bias = 0
  let Gb = 0
  const order = rows.slice()
  const rnd = prng(seed)
  const { offsets, ids } = X
  const { lr, l2 } = opts
  const normPower = opts.normPower ?? 0.5
  const scale = opts.nbAlpha ? nbRatios(X, rows, y, sw, size, opts.nbAlpha) : null
  // Start the bias at the (weighted) prior log-odds.
  let pos = 0
  let tot = 0
  for (const r of rows) {
    pos += y[r]! * sw[r]!
    tot += sw[r]!
  }
  if (tot > 0 && pos > 0 && pos < tot) bias = Math.log(pos / (tot - pos))
  for (let e = 0; e < opts.epochs; e++) {
    shuffle(order, rnd)
    for (let k = 0; k < order.length; k++) {
      const r = order[k]!
      const a = offsets[r]!
      const b = offsets[r + 1]!
      if (b === a) continue
      const v = featureWeight(b - a, normPower)
      let z = bias
      if (scale) for (let i = a; i < b; i++) z += w[ids[i]! * stride + offset]! * v * scale[ids[i]!]!
      else for (let i = a; i < b; i++) z += w[ids[i]! * stride + offset]! * v
      const p = 1 / (1 + Math.exp(-z))
      const g = (p - y[r]!) * sw[r]!
      for (let i = a; i < b; i++) {
        const s = ids[i]!
        const j = s * stride + offset
        const grad = g * v * (scale ? scale[s]! : 1) + l2 * w[j]!
        G[s] += grad * grad
        w[j] -= (lr * grad) / (Math.sqrt(G[s]!) + 1e-8)
      }
      Gb += g * g
      bias -= (lr * g) / (Math.sqrt(Gb) + 1e-8)
    }
  }
  // Fold the NB scale into the weights: scoring stays Σ w[slot] / √n.
  if (scale) for (let s = 0; s < size; s++) w[s * stride + offset] *= scale[s]!
  return bias
}

/** |NB log-count ratios| |log((p_j+α)/(‖p‖+α) / ((q_j+α)/(‖q‖+α)))| of binary features over the rows (sample-weighted counts). */
function nbRatios(X: Csr, rows: Int32Array, y: Uint8Array, sw: Float32Array, size: number, alpha: number): Float32Array {
  const p = new Float32Array(size)
  const q = new Float32Array(size)
  let np = 0
  let nq = 0
  for (const r of rows) {
    const t = y[r] ? p : q
    const wr = sw[r]!
    for (let i = X.offsets[r]!; i < X.offsets[r + 1]!; i++) t[X.ids[i]!] += wr
  }
  for (let s = 0; s < size; s++) {
    np += p[s]!
    nq += q[s]!
  }
  const out = new Float32Array(size)
  for (let s = 0; s < size; s++) out[s] = Math.abs(Math.log((p[s]! + alpha) / (np + alpha) / ((q[s]! + alpha) / (nq + alpha))))
  return out
}

/**
 * Fits Platt scaling p = σ(a·z + b) to logits z and 0/1 targets by Newton's method, with Platt's
 * smoothed targets ((N₊+1)/(N₊+2) and 1/(N₋+2)) so that separable data cannot drive a to infinity.
 */
export function fitPlatt(z: Float64Array, y: Uint8Array): Calibration {
  let a = 1
  let b = 0
  const n = z.length
  if (n < 10) return { a, b }
  let np = 0
  for (let i = 0; i < n; i++) np += y[i]!
  const hi = (np + 1) / (np + 2)
  const lo = 1 / (n - np + 2)
  for (let it = 0; it < 50; it++) {
    let ga = 0
    let gb = 0
    let haa = 1e-6
    let hab = 0
    let hbb = 1e-6
    for (let i = 0; i < n; i++) {
      const p = 1 / (1 + Math.exp(-(a * z[i]! + b)))
      const d = p - (y[i] ? hi : lo)
      const h = p * (1 - p)
      ga += d * z[i]!
      gb += d
      haa += h * z[i]! * z[i]!
      hab += h * z[i]!
      hbb += h
    }
    const det = haa * hbb - hab * hab
    if (!(Math.abs(det) > 1e-12)) break
    const da = (hbb * ga - hab * gb) / det
    const db = (haa * gb - hab * ga) / det
    a -= da
    b -= db
    if (Math.abs(da) + Math.abs(db) < 1e-9) break
  }
  if (!Number.isFinite(a) || !Number.isFinite(b) || a <= 0) return { a: 1, b: 0 }
  return { a, b }
}

export interface TrainResult {
  params: ModelParams
  model: HashedSentimentModel
  /** Rows used to fit (all of them in the final model). */
  rows: number
  counts: { pos: number; neu: number; neg: number }
  /** The held-out report of the model trained on the other rows (null when holdout is 0 or too few rows). */
  heldOut: EvalReport | null
  heldOutRows: number
  seconds: number
}

export interface Fit {
  normPower: number
  weights: Float32Array
  polBias: number
  neuBias: number | null
}

export function fitHeads(
  X: Csr,
  ex: readonly TrainExample[],
  rows: Int32Array,
  size: number,
  hasNeutral: boolean,
  o: { seed: number; normPower: number; pol: HeadTrainOptions; neu: HeadTrainOptions },
): Fit {
  const weights = new Float32Array(2 * size)
  const n = ex.length
  const sw = new Float32Array(n)
  const swNeu = new Float32Array(n)
  const yPol = new Uint8Array(n)
  const yNeu = new Uint8Array(n)
  const polRows: number[] = []
  const neuRows: number[] = []
  for (const r of rows) {
    const e = ex[r]!
    sw[r] = e.weight ?? 1
    swNeu[r] = e.neutralWeight ?? sw[r]!
    if (e.label !== 'neu') {
      polRows.push(r)
      yPol[r] = e.label === 'pos' ? 1 : 0
    }
    if (hasNeutral && e.neutralEligible !== false) {
      neuRows.push(r)
      yNeu[r] = e.label === 'neu' ? 1 : 0
    }
  }
  const polBias = trainHeadBagged(X, Int32Array.from(polRows), yPol, sw, weights, 2, 0, { ...o.pol, normPower: o.normPower }, o.seed)
  const neuBias = hasNeutral && neuRows.length ? trainHeadBagged(X, Int32Array.from(neuRows), yNeu, swNeu, weights, 2, 1, { ...o.neu, normPower: o.normPower }, o.seed + 1) : null
  return { normPower: o.normPower, weights, polBias, neuBias }
}

/** Raw logits of the rows under a fit. */
export function rawLogits(X: Csr, f: Fit, r: number): [number, number] {
  const a = X.offsets[r]!
  const b = X.offsets[r + 1]!
  let sp = 0
  let sn = 0
  for (let i = a; i < b; i++) {
    sp += f.weights[X.ids[i]! * 2]!
    sn += f.weights[X.ids[i]! * 2 + 1]!
  }
  const v = featureWeight(b - a, f.normPower)
  return [f.polBias + sp * v, (f.neuBias ?? 0) + sn * v]
}

/**
 * Trains a model. With a held-out share (default 20%, by text hash): fits on the rest, fits the
 * calibration on the held-out rows and reports on them; then fits again on all rows and keeps
 * that calibration. Without enough rows for a held-out split, the calibration is the identity.
 */
export function trainModel(examples: readonly TrainExample[], opts: TrainOptions): TrainResult {
  const t0 = Date.now()
  const log = opts.log ?? (() => {})
  const features = opts.features ?? DEFAULT_FEATURES
  const fx = new FeatureExtractor(features)
  const size = fx.size
  const o = {
    seed: opts.seed ?? 1,
    normPower: features.normPower ?? 0.5,
    pol: { ...DEFAULT_POLARITY, ...opts.polarity },
    neu: { ...DEFAULT_NEUTRAL, ...opts.neutral },
  }
  const counts = { pos: 0, neu: 0, neg: 0 }
  for (const e of examples) counts[e.label]++
  if (counts.pos === 0 || counts.neg === 0) throw new Error('training needs both pos and neg rows')
  const hasNeutral = counts.neu > 0
  log(`featurising ${examples.length} texts`)
  const X = featurise(
    examples.map((e) => e.text),
    fx,
  )
  const holdout = opts.holdout ?? 0.2
  const all = Int32Array.from(examples.keys())
  let heldOut: EvalReport | null = null
  let calPol: Calibration = { a: 1, b: 0 }
  let calNeu: Calibration = { a: 1, b: 0 }
  let heldOutRows = 0
  if (holdout > 0) {
    const trainRows: number[] = []
    const testRows: number[] = []
    examples.forEach((e, i) => (splitOf(e.text, holdout) === 'test' ? testRows : trainRows).push(i))
    const testPol = testRows.filter((r) => examples[r]!.label !== 'neu')
    // Enough held-out rows of both polarities to calibrate and report.
    if (testPol.length >= 10 && testPol.some((r) => examples[r]!.label === 'pos') && testPol.some((r) => examples[r]!.label === 'neg')) {
      heldOutRows = testRows.length
      log(`fitting on ${trainRows.length} rows, calibrating on ${testRows.length} held-out rows`)
      const f = fitHeads(X, examples, Int32Array.from(trainRows), size, hasNeutral, o)
      const zp = new Float64Array(testPol.length)
      const yp = new Uint8Array(testPol.length)
      testPol.forEach((r, i) => {
        zp[i] = rawLogits(X, f, r)[0]
        yp[i] = examples[r]!.label === 'pos' ? 1 : 0
      })
      calPol = fitPlatt(zp, yp)
      if (hasNeutral) {
        const testNeu = testRows.filter((r) => examples[r]!.neutralEligible !== false)
        const zn = new Float64Array(testNeu.length)
        const yn = new Uint8Array(testNeu.length)
        testNeu.forEach((r, i) => {
          zn[i] = rawLogits(X, f, r)[1]
          yn[i] = examples[r]!.label === 'neu' ? 1 : 0
        })
        if (yn.includes(1) && yn.includes(0)) calNeu = fitPlatt(zn, yn)
      }
      const m = new HashedSentimentModel({
        version: opts.version,
        features,
        polarity: { bias: f.polBias, calibration: calPol },
        neutral: f.neuBias === null ? null : { bias: f.neuBias, calibration: calNeu },
        weights: f.weights,
      })
      heldOut = evaluateModel(
        m,
        testRows.map((r) => examples[r]!),
      )
    }
  }
  log(`fitting on all ${examples.length} rows`)
  const f = fitHeads(X, examples, all, size, hasNeutral, o)
  const params: ModelParams = {
    version: opts.version,
    features,
    polarity: { bias: f.polBias, calibration: calPol },
    neutral: f.neuBias === null ? null : { bias: f.neuBias, calibration: calNeu },
    weights: f.weights,
    provenance: opts.provenance,
  }
  return { params, model: new HashedSentimentModel(params), rows: examples.length, counts, heldOut, heldOutRows, seconds: (Date.now() - t0) / 1000 }
}
