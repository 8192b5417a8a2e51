/**
 * Trains, validates and writes the shipped sentiment model (npm run train:sentiment).
 *
 *   npm run train:sentiment                      # validate, leave-one-out, speed, then write models/sentiment/zh-v1.json
 *   npm run train:sentiment -- --no-write        # figures only
 *   npm run train:sentiment -- --max-n 2 --no-loo --no-write   # a variant
 *
 * Data: ../shared/corpora/*.dev.csv (read in place, never copied into the repository).
 * 1. Pool the corpora (exact duplicate texts across corpora kept once; a text with two labels dropped).
 * 2. Split 80/20 by a hash of the text; fit on the 80 %, calibrate on the 20 %, report per corpus
 *    (binary corpora with the binary rule; smp2020 as pos/neg and as 3-class).
 * 3. Leave one corpus out entirely: fit without it, test on its 20 % (and on all its rows).
 * 4. Speed: score() on ~100-character Weibo texts, alone and after jieba segmentation.
 * 5. Fit on all the dev data, keep the calibration of step 2, write the model with its provenance.
 */
import { existsSync, readdirSync, writeFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { readLabelledCsv } from '../src/services/sentiment.js'
import { DEFAULT_FEATURES, FeatureExtractor, type FeatureOptions } from '../src/nlp/sentiment/features.js'
import { countedLabel, metrics } from '../src/nlp/sentiment/evaluate.js'
import { HashedSentimentModel, decide, parseModelFile, probabilitiesOf, serialiseModel } from '../src/nlp/sentiment/model.js'
import { DEFAULT_NEUTRAL, DEFAULT_POLARITY, featurise, fitHeads, fitPlatt, rawLogits, splitOf, textHash, type Csr, type Fit, type TrainExample } from '../src/nlp/sentiment/train.js'
import type { SentimentLabel, SentimentScore } from '../src/nlp/sentiment/types.js'
import type { Calibration } from '../src/nlp/sentiment/model.js'

const ROOT = fileURLToPath(new URL('../', import.meta.url))

const { values: a } = parseArgs({
  options: {
    corpora: { type: 'string', default: path.resolve(ROOT, '../shared/corpora') },
    out: { type: 'string', default: path.join(ROOT, 'models/sentiment/zh-v1.json') },
    version: { type: 'string', default: 'zh-v1' },
    'hash-bits': { type: 'string' },
    'max-n': { type: 'string' },
    'neg-scope': { type: 'string' },
    'no-degree': { type: 'boolean', default: false },
    'no-emoticons': { type: 'boolean', default: false },
    tail: { type: 'string' },
    contrast: { type: 'boolean', default: false },
    norm: { type: 'string' },
    epochs: { type: 'string' },
    'neu-epochs': { type: 'string' },
    lr: { type: 'string' },
    l2: { type: 'string' },
    'neu-l2': { type: 'string' },
    nb: { type: 'string' },
    bag: { type: 'string' },
    'neu-polar': { type: 'string', default: '0.01' },
    'neu-polar-corpora': { type: 'string', default: 'online_shopping_10_cats,chnsenticorp_htl_all' },
    weighting: { type: 'string', default: 'sqrt' },
    words: { type: 'boolean', default: false },
    'leave-out': { type: 'string', default: 'chnsenticorp_htl_all,nlpcc2014_task2_cn,weibo2018' },
    'no-loo': { type: 'boolean', default: false },
    'no-write': { type: 'boolean', default: false },
    'no-speed': { type: 'boolean', default: false },
    json: { type: 'string' },
  },
})

const log = (m: string) => process.stderr.write(`[train-sentiment] ${m}\n`)
const num = (s: string | undefined, d: number) => (s === undefined ? d : Number(s))

const features: FeatureOptions = {
  hashBits: num(a['hash-bits'], DEFAULT_FEATURES.hashBits),
  maxN: num(a['max-n'], DEFAULT_FEATURES.maxN),
  negationScope: num(a['neg-scope'], DEFAULT_FEATURES.negationScope),
  degree: !a['no-degree'],
  emoticons: !a['no-emoticons'],
  tail: num(a.tail, DEFAULT_FEATURES.tail ?? 0),
  contrast: a.contrast || DEFAULT_FEATURES.contrast === true,
  normPower: num(a.norm, DEFAULT_FEATURES.normPower ?? 0.5),
}
const pol = { ...DEFAULT_POLARITY, epochs: num(a.epochs, DEFAULT_POLARITY.epochs), lr: num(a.lr, DEFAULT_POLARITY.lr), l2: num(a.l2, DEFAULT_POLARITY.l2), nbAlpha: num(a.nb, DEFAULT_POLARITY.nbAlpha ?? 0), bag: num(a.bag, DEFAULT_POLARITY.bag ?? 1) }
const neu = { ...DEFAULT_NEUTRAL, epochs: num(a['neu-epochs'], num(a.epochs, DEFAULT_NEUTRAL.epochs)), lr: num(a.lr, DEFAULT_NEUTRAL.lr), l2: num(a['neu-l2'], num(a.l2, DEFAULT_NEUTRAL.l2)), nbAlpha: num(a.nb, DEFAULT_NEUTRAL.nbAlpha ?? 0), bag: num(a.bag, DEFAULT_NEUTRAL.bag ?? 1) }
const SEED = 20260101

// ---------------------------------------------------------------------------------------------
// 1. Corpora

if (!existsSync(a.corpora!)) {
  process.stderr.write(`train-sentiment: no corpora at ${a.corpora} (expected ../shared/corpora/*.dev.csv); give --corpora DIR\n`)
  process.exit(2)
}
const files = readdirSync(a.corpora!)
  .filter((f) => f.endsWith('.dev.csv'))
  .sort()
if (!files.length) {
  process.stderr.write(`train-sentiment: no *.dev.csv files in ${a.corpora}\n`)
  process.exit(2)
}

interface Row extends TrainExample {
  corpus: string
  /** The corpus labels neutral texts. */
  hasNeu: boolean
  split: 'train' | 'test'
}
const rows: Row[] = []
const byText = new Map<string, number>()
const conflicted = new Set<string>()
const sizes: Record<string, { rows: number; pos: number; neu: number; neg: number; duplicatesDropped: number }> = {}
for (const f of files) {
  const corpus = f.replace(/\.dev\.csv$/, '')
  const data = readLabelledCsv(path.join(a.corpora!, f))
  const hasNeu = data.some((r) => r.label === 'neu')
  const s = (sizes[corpus] = { rows: 0, pos: 0, neu: 0, neg: 0, duplicatesDropped: 0 })
  for (const r of data) {
    const key = r.text.trim()
    const seen = byText.get(key)
    if (seen !== undefined) {
      s.duplicatesDropped++
      if (rows[seen]!.label !== r.label) conflicted.add(key)
      continue
    }
    byText.set(key, rows.length)
    rows.push({ ...r, corpus, hasNeu, split: splitOf(r.text), neutralEligible: hasNeu })
    s.rows++
    s[r.label]++
  }
}
// Texts with two labels across corpora: dropped entirely.
const kept = rows.filter((r) => !conflicted.has(r.text.trim()))
log(`${kept.length} rows from ${files.length} corpora (${rows.length - kept.length} with conflicting labels dropped)`)
const corpora = Object.keys(sizes)

// Optional corpus weighting: each corpus's total weight ∝ √rows instead of rows.
if (a.weighting === 'sqrt') {
  const total = kept.length
  const norm = corpora.reduce((s, c) => s + Math.sqrt(sizes[c]!.rows), 0)
  for (const r of kept) r.weight = (Math.sqrt(sizes[r.corpus]!.rows) / norm) * (total / sizes[r.corpus]!.rows)
} else if (a.weighting !== 'none') throw new Error(`--weighting none|sqrt`)

// The neutral head learns from the corpora that label neutral texts, and optionally from the
// polar rows of other corpora as "not neutral" examples (weight × --neu-polar).
const neuPolar = num(a['neu-polar'], 0)
if (neuPolar > 0) {
  const only = a['neu-polar-corpora']?.split(',')
  for (const r of kept) {
    if (r.hasNeu || (only && !only.includes(r.corpus))) continue
    r.neutralEligible = true
    r.neutralWeight = (r.weight ?? 1) * neuPolar
  }
}

// ---------------------------------------------------------------------------------------------
// Features

let extra: ((text: string, add: (h: number) => void) => void) | undefined
if (a.words) {
  const { jiebaModule } = await import('../src/nlp/jieba.js')
  const jieba = jiebaModule()
  extra = (text, add) => {
    for (const w of jieba.cut(text)) {
      if (w.length < 2) continue
      let h = 0x2545f491
      for (let i = 0; i < w.length; i++) h = Math.imul(h ^ w.charCodeAt(i), 0x01000193)
      add(h ^ (h >>> 15))
    }
  }
}
const fx = new FeatureExtractor(features)
let t = Date.now()
const X: Csr = featurise(
  kept.map((r) => r.text),
  fx,
  extra,
)
log(`features: ${JSON.stringify(features)}${a.words ? ' + jieba words' : ''}; ${(X.ids.length / kept.length).toFixed(0)} per text; ${((Date.now() - t) / 1000).toFixed(1)} s`)
const size = fx.size
const hp = { seed: SEED, normPower: features.normPower!, pol, neu }

// ---------------------------------------------------------------------------------------------
// Evaluation helpers (on feature rows, so variants with extra features are measured the same way)

function predict(f: Fit, calPol: Calibration, calNeu: Calibration, r: number): SentimentScore {
  const [zp, zn] = rawLogits(X, f, r)
  if (X.offsets[r + 1] === X.offsets[r]) return { score: 0, label: 'neu', confidence: 1 }
  return decide(probabilitiesOf(zp, f.neuBias === null ? null : zn, calPol, calNeu))
}

function calibrate(f: Fit, testRows: number[]): { calPol: Calibration; calNeu: Calibration } {
  const tp = testRows.filter((r) => kept[r]!.label !== 'neu')
  const zp = Float64Array.from(tp, (r) => rawLogits(X, f, r)[0])
  const yp = Uint8Array.from(tp, (r) => (kept[r]!.label === 'pos' ? 1 : 0))
  const tn = testRows.filter((r) => kept[r]!.hasNeu)
  const zn = Float64Array.from(tn, (r) => rawLogits(X, f, r)[1])
  const yn = Uint8Array.from(tn, (r) => (kept[r]!.label === 'neu' ? 1 : 0))
  return { calPol: fitPlatt(zp, yp), calNeu: tn.length ? fitPlatt(zn, yn) : { a: 1, b: 0 } }
}

interface Figures {
  n: number
  accuracy: number
  macroF1: number
}
function figures(
  rowsIdx: number[],
  score: (r: number) => SentimentScore,
  mode: 'binary' | '3class',
): Figures & { recall?: { pos: number; neg: number }; neuShare?: number; perClass?: unknown; confusion?: unknown } {
  const idx = mode === 'binary' ? rowsIdx.filter((r) => kept[r]!.label !== 'neu') : rowsIdx
  const gold = idx.map((r) => kept[r]!.label)
  const pred = idx.map((r) => countedLabel(score(r), mode === 'binary'))
  const m = metrics(gold, pred, mode === 'binary')
  if (mode === '3class') return { n: m.n, accuracy: m.accuracy, macroF1: m.macroF1, perClass: m.perClass, confusion: m.confusion }
  // Share of polar rows the model calls neu (before the binary rule).
  const neuShare = +(idx.filter((r) => score(r).label === 'neu').length / Math.max(1, idx.length)).toFixed(4)
  return { n: m.n, accuracy: m.accuracy, macroF1: m.macroF1, recall: { pos: m.perClass.pos!.recall, neg: m.perClass.neg!.recall }, neuShare }
}

/** Expected calibration error of P(label) over 10 bins, 3-class rows. */
function ece(rowsIdx: number[], probs: (r: number) => [number, number, number]): { ece: number; meanPneu: number; neuRate: number } {
  const bins = Array.from({ length: 10 }, () => ({ n: 0, conf: 0, acc: 0 }))
  let pneu = 0
  let neuN = 0
  for (const r of rowsIdx) {
    const p = probs(r)
    pneu += p[1]
    if (kept[r]!.label === 'neu') neuN++
    const s = decide(p)
    const b = bins[Math.min(9, Math.floor(s.confidence * 10))]!
    b.n++
    b.conf += s.confidence
    b.acc += s.label === kept[r]!.label ? 1 : 0
  }
  const e = bins.reduce((s, b) => s + (b.n ? Math.abs(b.acc - b.conf) : 0), 0) / rowsIdx.length
  return { ece: +e.toFixed(4), meanPneu: +(pneu / rowsIdx.length).toFixed(4), neuRate: +(neuN / rowsIdx.length).toFixed(4) }
}

const idxOf = (pred: (r: Row) => boolean): number[] => kept.flatMap((r, i) => (pred(r) ? [i] : []))
const trainIdx = idxOf((r) => r.split === 'train')
const testIdx = idxOf((r) => r.split === 'test')
const SMP = corpora.find((c) => c.startsWith('smp2020'))

// ---------------------------------------------------------------------------------------------
// 2. Validation on the 80/20 split

t = Date.now()
const f80 = fitHeads(X, kept, Int32Array.from(trainIdx), size, true, hp)
// The shipped calibration is fitted on the whole 20 %. The figures below are cross-fitted so that
// no row is scored with a calibration fitted on itself: each half of the 20 % (by another bit of
// the text hash) uses the calibration fitted on the other half.
const { calPol, calNeu } = calibrate(f80, testIdx)
log(`80 % fit in ${((Date.now() - t) / 1000).toFixed(1)} s; calibration polarity ${JSON.stringify(calPol)}, neutral ${JSON.stringify(calNeu)}`)
const half = (r: number) => (textHash(kept[r]!.text) >>> 20) & 1
const calHalf = [calibrate(f80, testIdx.filter((r) => half(r) === 1)), calibrate(f80, testIdx.filter((r) => half(r) === 0))]
const score80 = (r: number) => {
  const c = calHalf[half(r)]!
  return predict(f80, c.calPol, c.calNeu, r)
}
const split: Record<string, unknown> = {}
for (const c of corpora) split[c] = figures(idxOf((r) => r.corpus === c && r.split === 'test'), score80, 'binary')
let smp3: ReturnType<typeof figures> | undefined
let calib: ReturnType<typeof ece> | undefined
if (SMP) {
  const smpTest = idxOf((r) => r.corpus === SMP && r.split === 'test')
  smp3 = figures(smpTest, score80, '3class')
  calib = ece(smpTest, (r) => {
    const [zp, zn] = rawLogits(X, f80, r)
    const c = calHalf[half(r)]!
    return probabilitiesOf(zp, zn, c.calPol, c.calNeu)
  })
}
// The same figures through the real model path (int8 weights, score() from the text).
let quantised: Record<string, unknown> | undefined
if (!a.words) {
  const m = new HashedSentimentModel(
    parseModelFile(
      JSON.parse(
        serialiseModel({ version: 'split', features, polarity: { bias: f80.polBias, calibration: calPol }, neutral: { bias: f80.neuBias!, calibration: calNeu }, weights: f80.weights }),
      ),
    ),
  )
  const sc = (r: number) => m.score(kept[r]!.text)
  quantised = {}
  for (const c of corpora) quantised[c] = figures(idxOf((r) => r.corpus === c && r.split === 'test'), sc, 'binary').accuracy
  if (SMP) quantised[`${SMP} 3-class macroF1`] = figures(idxOf((r) => r.corpus === SMP && r.split === 'test'), sc, '3class').macroF1
}

// ---------------------------------------------------------------------------------------------
// 3. Leave one corpus out

const loo: Record<string, unknown> = {}
if (!a['no-loo']) {
  for (const c of a['leave-out']!.split(',').filter(Boolean)) {
    if (!sizes[c]) throw new Error(`--leave-out: no corpus ${c}`)
    t = Date.now()
    const tr = idxOf((r) => r.corpus !== c && r.split === 'train')
    const te = idxOf((r) => r.corpus !== c && r.split === 'test')
    const f = fitHeads(X, kept, Int32Array.from(tr), size, true, hp)
    const cal = calibrate(f, te)
    const sc = (r: number) => predict(f, cal.calPol, cal.calNeu, r)
    const inDomain = split[c] as Figures
    const heldOut = figures(idxOf((r) => r.corpus === c && r.split === 'test'), sc, 'binary')
    const allRows = figures(idxOf((r) => r.corpus === c), sc, 'binary')
    loo[c] = {
      inDomain: inDomain.accuracy,
      leftOut: heldOut.accuracy,
      leftOutMacroF1: heldOut.macroF1,
      leftOutRecall: heldOut.recall,
      leftOutAllRows: allRows.accuracy,
      gap: +(inDomain.accuracy - heldOut.accuracy).toFixed(4),
    }
    log(`left out ${c}: ${JSON.stringify(loo[c])} (${((Date.now() - t) / 1000).toFixed(1)} s)`)
  }
}

// ---------------------------------------------------------------------------------------------
// 4. Speed (the 80 % model through the real score() path; model load excluded)

let speed: Record<string, number> | undefined
if (!a['no-speed'] && !a.words) {
  const m = new HashedSentimentModel({ version: 'speed', features, polarity: { bias: f80.polBias, calibration: calPol }, neutral: { bias: f80.neuBias!, calibration: calNeu }, weights: f80.weights })
  // ~100-character Weibo texts: consecutive weibo2018 / smp2020 texts joined and cut at 100.
  const src = kept.filter((r) => r.corpus.startsWith('weibo') || r.corpus.startsWith('smp')).map((r) => r.text)
  const texts: string[] = []
  let buf = ''
  for (const s of src) {
    buf += s
    while (buf.length >= 100) {
      texts.push(buf.slice(0, 100))
      buf = buf.slice(100)
    }
    if (texts.length >= 20_000) break
  }
  let sink = 0
  const run = (): number => {
    const t0 = process.hrtime.bigint()
    for (const x of texts) sink += m.score(x).score
    return texts.length / (Number(process.hrtime.bigint() - t0) / 1e9)
  }
  run() // warm-up
  const scoreRate = Math.max(run(), run(), run())
  const { jiebaModule } = await import('../src/nlp/jieba.js')
  const jieba = jiebaModule()
  jieba.cut('预热') // dictionary load excluded
  const runPipe = (): number => {
    const t0 = process.hrtime.bigint()
    for (const x of texts) {
      sink += jieba.cut(x).length
      sink += m.score(x).score
    }
    return texts.length / (Number(process.hrtime.bigint() - t0) / 1e9)
  }
  runPipe()
  const pipeRate = Math.max(runPipe(), runPipe())
  speed = { textChars: 100, texts: texts.length, scoreTextsPerSecond: Math.round(scoreRate), jiebaCutPlusScoreTextsPerSecond: Math.round(pipeRate) }
  if (sink === 42) log('')
  log(`speed: ${JSON.stringify(speed)}`)
}

// ---------------------------------------------------------------------------------------------
// Report

const round = (x: unknown) => (typeof x === 'number' ? +x.toFixed(4) : x)
const result = {
  features,
  words: a.words,
  polarity: pol,
  neutral: neu,
  weighting: a.weighting,
  split: Object.fromEntries(Object.entries(split).map(([k, v]) => [k, { ...(v as Figures), accuracy: round((v as Figures).accuracy) }])),
  smp2020ThreeClass: smp3 && { n: smp3.n, accuracy: smp3.accuracy, macroF1: smp3.macroF1, perClass: smp3.perClass, confusion: smp3.confusion },
  calibration: calib,
  quantisedAccuracy: quantised,
  leaveOneOut: loo,
  speed,
}
process.stdout.write(JSON.stringify(result, null, 1) + '\n')
if (a.json) writeFileSync(a.json, JSON.stringify(result, null, 2) + '\n')

// ---------------------------------------------------------------------------------------------
// 5. Final fit on all the dev data

if (!a['no-write'] && !a.words) {
  t = Date.now()
  const all = Int32Array.from(kept.keys())
  const fAll = fitHeads(X, kept, all, size, true, hp)
  log(`final fit on ${kept.length} rows in ${((Date.now() - t) / 1000).toFixed(1)} s`)
  const provenance = {
    trainedBy: 'npm run train:sentiment',
    command: `tsx scripts/train-sentiment.ts ${process.argv.slice(2).join(' ')}`.trim(),
    date: new Date().toISOString(),
    trainedOn: 'all rows of the dev corpora below (80 % + 20 %); calibration fitted on the 20 % split with the 80 % model',
    corpora: Object.fromEntries(Object.entries(sizes).map(([c, s]) => [`${c}.dev.csv`, s])),
    conflictingLabelsDropped: rows.length - kept.length,
    rows: kept.length,
    model: {
      type: 'logistic regression, two heads: polarity (all pos/neg rows), neutral (smp2020 rows, plus review rows as not-neutral at --neu-polar weight); NB-scaled features, AdaGrad SGD, L2; 3 fits averaged',
      polarity: pol,
      neutral: neu,
      weighting: a.weighting,
      neutralFromPolar: { weight: neuPolar, corpora: a['neu-polar-corpora'] },
      seed: SEED,
    },
    split: 'text hash (FNV-1a, whitespace removed, lower-cased) % 10000 < 2000 → held out',
    figures: { split: result.split, smp2020ThreeClass: smp3 && { n: smp3.n, accuracy: smp3.accuracy, macroF1: smp3.macroF1 }, calibration: calib, leaveOneOut: loo, speed },
  }
  const text = serialiseModel(
    { version: a.version!, features, polarity: { bias: fAll.polBias, calibration: calPol }, neutral: { bias: fAll.neuBias!, calibration: calNeu }, weights: fAll.weights, provenance },
    'Chinese sentiment (pos/neu/neg): hashed char 1–3-grams + negation scope, degree adverbs, [emoticons]; logistic regression. See models/sentiment/VALIDATION.md.',
  )
  writeFileSync(a.out!, text)
  log(`wrote ${a.out} (${(statSync(a.out!).size / 1e6).toFixed(2)} MB)`)
}
