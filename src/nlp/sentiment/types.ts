/** Public types of the sentiment model. */

export type SentimentLabel = 'pos' | 'neu' | 'neg'

export const LABELS: readonly SentimentLabel[] = ['pos', 'neu', 'neg']

export interface SentimentScore {
  /** P(pos) − P(neg), in [−1, 1]. */
  score: number
  label: SentimentLabel
  /** Probability of `label` (calibrated), in [1/3, 1] for a 3-class model. */
  confidence: number
}

export interface SentimentModel {
  /** e.g. 'zh-v1'; stored in analyses.model_version. */
  readonly version: string
  score(text: string): SentimentScore
  /** Signed contributions of the terms to the polarity (positive = towards pos), largest |weight| first. */
  explain(text: string, top?: number): Array<{ term: string; weight: number }>
}

/** One labelled text. */
export interface LabelledText {
  label: SentimentLabel
  text: string
}
