/**
 * Evaluation metrics: accuracy, macro-F1, per-class precision/recall/F1, the confusion matrix.
 *
 * Binary rule: when the gold labels are only pos/neg, a neu prediction counts as whichever of
 * pos/neg the model finds more likely (the sign of the score, P(pos) − P(neg); 0 counts as pos),
 * so accuracy is comparable with binary baselines.
 */
import type { LabelledText, SentimentLabel, SentimentModel, SentimentScore } from './types.js'

export interface ClassMetrics {
  precision: number
  recall: number
  f1: number
  /** Gold rows of this class. */
  support: number
}

export interface EvalReport {
  n: number
  accuracy: number
  macroF1: number
  perClass: Partial<Record<SentimentLabel, ClassMetrics>>
  /** confusion[gold][predicted] = count. */
  confusion: Partial<Record<SentimentLabel, Partial<Record<SentimentLabel, number>>>>
  textsPerSecond: number
}

/** The label counted for a prediction: on binary gold data a neu prediction becomes pos or neg. */
export function countedLabel(s: SentimentScore, binary: boolean): SentimentLabel {
  if (!binary || s.label !== 'neu') return s.label
  return s.score >= 0 ? 'pos' : 'neg'
}

/** Whether gold labels are pos/neg only. */
export function isBinary(gold: readonly SentimentLabel[]): boolean {
  return !gold.includes('neu')
}

const round = (x: number, d = 4): number => Math.round(x * 10 ** d) / 10 ** d

/** Metrics of predictions against gold labels (already mapped with `countedLabel`). */
export function metrics(gold: readonly SentimentLabel[], pred: readonly SentimentLabel[], binary = isBinary(gold)): Omit<EvalReport, 'textsPerSecond'> {
  if (gold.length !== pred.length) throw new Error('gold and predicted labels differ in length')
  const classes: SentimentLabel[] = binary ? ['pos', 'neg'] : ['pos', 'neu', 'neg']
  const confusion: Record<string, Record<string, number>> = {}
  for (const g of classes) confusion[g] = Object.fromEntries(classes.map((p) => [p, 0]))
  let correct = 0
  for (let i = 0; i < gold.length; i++) {
    const g = gold[i]!
    const p = pred[i]!
    if (!confusion[g] || confusion[g]![p] === undefined) throw new Error(`label ${g}→${p} outside ${classes.join('/')}`)
    confusion[g]![p]!++
    if (g === p) correct++
  }
  const perClass: Partial<Record<SentimentLabel, ClassMetrics>> = {}
  let f1sum = 0
  for (const c of classes) {
    const tp = confusion[c]![c]!
    const predicted = classes.reduce((s, g) => s + confusion[g]![c]!, 0)
    const support = classes.reduce((s, p) => s + confusion[c]![p]!, 0)
    const precision = predicted ? tp / predicted : 0
    const recall = support ? tp / support : 0
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0
    f1sum += f1
    perClass[c] = { precision: round(precision), recall: round(recall), f1: round(f1), support }
  }
  return {
    n: gold.length,
    accuracy: round(gold.length ? correct / gold.length : 0),
    macroF1: round(f1sum / classes.length),
    perClass,
    confusion: confusion as EvalReport['confusion'],
  }
}

/** Scores every row with the model and measures it; texts/s counts scoring time only. */
export function evaluateModel(model: SentimentModel, rows: readonly LabelledText[]): EvalReport {
  const gold = rows.map((r) => r.label)
  const binary = isBinary(gold)
  const scores: SentimentScore[] = new Array(rows.length)
  const t0 = process.hrtime.bigint()
  for (let i = 0; i < rows.length; i++) scores[i] = model.score(rows[i]!.text)
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9
  const pred = scores.map((s) => countedLabel(s, binary))
  return { ...metrics(gold, pred, binary), textsPerSecond: Math.round(rows.length / Math.max(seconds, 1e-9)) }
}
