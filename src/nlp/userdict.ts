/**
 * The words jieba must never split: place names from the gazetteer (units, short names, former
 * names, 街道/乡镇 and their stems, prefectures, provinces) and the office's own words from the
 * config (region aliases and keywords, topic terms). Pure; jieba.ts writes them to a file.
 */
import type { Gazetteer } from '../gazetteer/index.js'

/** Suffixes of 乡级 names; the stem before them is a place word too (西乡街道 → 西乡). */
export const STREET_SUFFIXES = ['街道办事处', '街道', '办事处', '苏木', '地区', '镇', '乡'] as const

/** The stem of a 乡级 name, or undefined when fewer than 2 characters would remain. */
export function streetStem(name: string): string | undefined {
  for (const suf of STREET_SUFFIXES) {
    if (name.endsWith(suf)) {
      const stem = name.slice(0, -suf.length)
      return [...stem].length >= 2 ? stem : undefined
    }
  }
  return undefined
}

const VALID_WORD = /^[^\s]{2,30}$/u

/** Sorted, de-duplicated dictionary words. */
export function userDictWords(gaz: Gazetteer, extra: Iterable<string> = []): string[] {
  const words = new Set<string>()
  const add = (w: string | undefined) => {
    if (w && VALID_WORD.test(w)) words.add(w)
  }
  const refs = new Set<string>()
  for (const r of gaz.all()) {
    add(r.name)
    add(r.shortName)
    r.formerNames.forEach(add)
    r.aliases.forEach(add)
    for (const s of r.streets) {
      add(s)
      add(streetStem(s))
    }
    for (const ref of [r.prefecture, r.province]) {
      if (refs.has(ref.code)) continue
      refs.add(ref.code)
      if (!ref.name.includes('直辖')) add(ref.name)
      add(ref.shortName)
    }
  }
  for (const w of extra) add(w.trim())
  return [...words].sort()
}
