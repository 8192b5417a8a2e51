/**
 * Precision and recall of region attribution on a labelled set (test/data/region-attribution.jsonl):
 * per (text, region) pair, over the whole set and per category. Pure.
 */
export interface LabelledRegionCase {
  id: string
  text: string
  location?: string
  ipLocation?: string
  expect: string[]
  category: string
}

export interface RegionEvalCounts {
  cases: number
  truePositives: number
  falsePositives: number
  falseNegatives: number
  precision: number
  recall: number
}

export interface RegionEval extends RegionEvalCounts {
  byCategory: Record<string, RegionEvalCounts>
  /** Cases with a wrong or missing code, for inspection. */
  errors: Array<{ id: string; category: string; text: string; expect: string[]; got: string[] }>
}

function ratio(a: number, b: number): number {
  return b === 0 ? 1 : Math.round((a / b) * 10000) / 10000
}

export function evaluateRegions(cases: readonly LabelledRegionCase[], attribute: (c: LabelledRegionCase) => string[]): RegionEval {
  const blank = (): RegionEvalCounts => ({ cases: 0, truePositives: 0, falsePositives: 0, falseNegatives: 0, precision: 1, recall: 1 })
  const total = blank()
  const byCategory: Record<string, RegionEvalCounts> = {}
  const errors: RegionEval['errors'] = []
  for (const c of cases) {
    const got = [...new Set(attribute(c))].sort()
    const want = new Set(c.expect)
    const cat = (byCategory[c.category] ??= blank())
    let tp = 0
    for (const g of got) if (want.has(g)) tp++
    const fp = got.length - tp
    const fn = want.size - tp
    for (const k of [total, cat]) {
      k.cases++
      k.truePositives += tp
      k.falsePositives += fp
      k.falseNegatives += fn
    }
    if (fp || fn) errors.push({ id: c.id, category: c.category, text: c.text, expect: [...c.expect].sort(), got })
  }
  for (const k of [total, ...Object.values(byCategory)]) {
    k.precision = ratio(k.truePositives, k.truePositives + k.falsePositives)
    k.recall = ratio(k.truePositives, k.truePositives + k.falseNegatives)
  }
  return { ...total, byCategory, errors }
}
