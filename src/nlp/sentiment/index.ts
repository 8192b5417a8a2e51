/**
 * Chinese sentiment: a hashed character n-gram logistic model with negation, degree-adverb and
 * emoticon features, trained by `npm run train:sentiment` (see models/sentiment/VALIDATION.md).
 *
 *   const m = loadSentimentModel()          // the shipped model, cached
 *   m.score('服务太差了，再也不来了')          // { score: -0.9…, label: 'neg', confidence: 0.9… }
 *   m.explain('服务太差了', 5)                // [{ term: '差', weight: -0.8 }, …]
 */
export type { SentimentLabel, SentimentScore, SentimentModel, LabelledText } from './types.js'
export { LABELS } from './types.js'
export { loadSentimentModel, readSentimentModel, clearSentimentModelCache, DEFAULT_MODEL_FILE, SentimentModelError } from './load.js'
export { HashedSentimentModel, serialiseModel, parseModelFile } from './model.js'
export { DEFAULT_FEATURES, FeatureExtractor, normaliseText, type FeatureOptions } from './features.js'
export { evaluateModel, metrics, countedLabel, isBinary, type EvalReport, type ClassMetrics } from './evaluate.js'
export { trainModel, splitOf, textHash, type TrainOptions, type TrainExample, type TrainResult } from './train.js'
