/**
 * Region attribution: which formal county-level units a text is about, with evidence and a
 * confidence. Precision comes first: a wrong district in a ranking is worse than a missed
 * mention, so anything that needs context and has none is left out.
 *
 * The text is scanned once, leftmost-longest, against every place name of the gazetteer (a
 * character trie): prefecture-qualified unit names (深圳市南山区, 深圳南山), full names, former
 * names, short names (宝安), 街道/乡镇 names and their stems (沙井), prefecture and province
 * names, and a list of ordinary words that contain place names (寿比南山, 迎着朝阳, 长安汽车),
 * which are consumed so their place part is not read. Then:
 *
 * 1. Attributed on their own: a qualified name; a full name no other unit shares (宝安区) —
 *    2-character names (萧县) only when jieba also cut them as a word, and common nouns that are
 *    unit names (城区, 郊区, 东区) never; a unique former name; a 街道/乡镇 name found in one unit
 *    only; an office's own alias from the config; a Weibo location tag naming a unit (深圳·宝安区,
 *    weak: where the poster was).
 * 2. Context: the prefectures and provinces named in the text, those of the units attributed in
 *    step 1, the location tag, and the IP 属地 province (ipLocation).
 * 3. Attributed only with context that picks exactly one unit: a shared full name (南山区 is
 *    440305 only with 深圳 context, 230404 only with 鹤岗), a shared street name, a short name
 *    (宝安, 海淀), a street stem (沙井, which needs the prefecture). Short names and shared full
 *    names of the same prefecture support each other (宝安和南山 → both Shenzhen units).
 * 4. An organisation named after a place (宝安集团, 宝安中学) is read as its short name: it
 *    counts only with context, so 中国宝安集团 alone is not attributed, 深圳宝安国际机场 is.
 * 5. `excludeKeywords` of a watched region drop that region's attribution.
 */
import type { Gazetteer, Region } from '../gazetteer/index.js'
import { streetStem } from './userdict.js'

export interface RegionAttribution {
  code: string
  name: string
  /** What matched, e.g. `宝安区`, `南山区 + 深圳`, `位置 深圳·宝安区`. */
  evidence: string
  confidence: number
}

export interface AttributionInput {
  /** Normalised text (see text.ts normaliseText). */
  text: string
  /** Token start offsets from the tokenizer, and the tokens (for word boundaries). */
  tokens?: readonly string[]
  starts?: readonly number[]
  /** Weibo location tag, e.g. `深圳·宝安区`. */
  location?: string | null
  /** IP 属地 / region_name, e.g. `广东` or `发布于 广东`. */
  ipLocation?: string | null
  /**
   * Texts that give context but no attribution of their own: the @accounts a post addresses
   * (@深圳宝安 makes 西乡大道 Shenzhen's 西乡, but is not itself what the post is about).
   */
  context?: readonly string[]
}

/** An office's own names for a region (config `regions[].aliases` / `excludeKeywords`). */
export interface RegionRule {
  code: string
  aliases?: readonly string[]
  excludeKeywords?: readonly string[]
}

/** Confidence by kind of evidence. */
export const CONFIDENCE = {
  alias: 0.95,
  qualified: 0.95,
  full: 0.9,
  former: 0.85,
  street: 0.85,
  fullByPrefecture: 0.85,
  streetByPrefecture: 0.8,
  shortByPrefecture: 0.75,
  fullByProvince: 0.7,
  shortByProvince: 0.65,
  mutual: 0.6,
  stemByContext: 0.6,
  location: 0.6,
} as const

/** Unit names that are also common nouns: attributed only when qualified (阳泉市城区). */
const COMMON_NOUN_NAMES = new Set(['城区', '郊区', '矿区', '东区', '西区', '新县', '南县', '古县', '义县', '兴县', '临县', '应县', '房县', '随县', '道县', '高县', '新区'])

/**
 * Ordinary words and landmarks that contain a place name without being about it. Only needed
 * where context could otherwise make the place part count (a short name or stem next to a real
 * place of the same prefecture); bare short names need context anyway.
 */
export const COLLISIONS = [
  '寿比南山', '南山必胜客', '悠然见南山', '终南山', '迎着朝阳', '朝阳下', '初升的朝阳', '朝阳产业', '朝阳行业', '像朝阳',
  '世界和平', '和平年代', '和平精英', '热爱和平', '长安汽车', '长安街', '长安城', '长安十二时辰', '梦回长安', '普陀山',
  '白云山', '蓝天白云', '白云朵朵', '鼓楼', '江北岸', '河东狮吼', '三十年河东', '市中心', '城区', '郊区', '开发区',
  '新区', '高新区', '光明正大', '光明日报', '前途光明', '一片光明', '福田汽车', '宝安保险', '龙华寺', '龙华烈士陵园',
  // Seen in crawled posts with a poster's IP 属地 as context: 消防通道 from 湖南 read as 通道县, 城中村 from 广西 as 城中区.
  '消防通道', '安全通道', '绿色通道', '应急通道', '人行通道', '地下通道', '通道口', '城中村',
] as const

interface Entry {
  qualified?: number
  full?: number[]
  former?: number[]
  short?: number[]
  street?: number[]
  stem?: number[]
  alias?: number[]
  pref?: string[]
  prov?: string[]
  block?: true
  /** Cached `strength(entry)`, set on first match (entries do not change after construction). */
  rank?: number
}

const PAIR_BITS = 20
const pairSlot = (a: number, b: number) => (Math.imul(a, 0x9e3779b1) ^ Math.imul(b, 0x85ebca6b)) >>> (32 - PAIR_BITS)

interface Node {
  next?: Map<number, Node>
  entry?: Entry
}

interface Match {
  surface: string
  start: number
  end: number
  entry: Entry
  rank: number
}

type ListKey = 'full' | 'former' | 'short' | 'street' | 'stem' | 'alias' | 'pref' | 'prov'

export class RegionAttributor {
  private readonly root = new Map<number, Node>()
  /** Filter on the first two characters of every name (all names have 2 or more): most positions of a text start none. */
  private readonly pairs = new Uint8Array(1 << PAIR_BITS)
  private readonly units: Region[]
  private readonly prefByName = new Map<string, string>()
  private readonly provByName = new Map<string, string>()
  private readonly excludes = new Map<number, string[]>()
  private readonly byName = new Map<string, number[]>()
  /** Per unit: its prefecture (4-digit) and province (2-digit) code prefixes. */
  private readonly prefOf: string[]
  private readonly provOf: string[]
  private readonly run: AttributionRun

  constructor(gaz: Gazetteer, rules: readonly RegionRule[] = []) {
    this.units = gaz.all().filter((r) => r.formal)
    const idxByCode = new Map(this.units.map((u, i) => [u.code, i]))
    const seenRef = new Set<string>()
    for (const r of gaz.all()) {
      for (const [ref, key, map] of [
        [r.prefecture, 'pref', this.prefByName],
        [r.province, 'prov', this.provByName],
      ] as const) {
        if (seenRef.has(ref.code)) continue
        seenRef.add(ref.code)
        const code = key === 'pref' ? ref.code.slice(0, 4) : ref.code.slice(0, 2)
        for (const n of [ref.name, ref.shortName]) {
          if (!n || n.includes('直辖') || [...n].length < 2) continue
          this.add(n, key, code)
          map.set(n, code)
        }
      }
    }
    this.units.forEach((u, i) => {
      for (const n of new Set([u.name, u.shortName])) this.byName.set(n, [...(this.byName.get(n) ?? []), i])
      const twoChar = [...u.name].length <= 2
      if (COMMON_NOUN_NAMES.has(u.name)) this.add(u.name, 'short', i)
      else this.add(u.name, 'full', i)
      if (u.shortName !== u.name && [...u.shortName].length >= 2) this.add(u.shortName, 'short', i)
      for (const f of u.formerNames) this.add(f, 'former', i)
      for (const a of u.aliases) this.add(a, 'former', i)
      for (const s of u.streets) {
        const stem = streetStem(s)
        // NBS lists a few 乡级 units under generic names (街道, 农场): not place names.
        if (stem || [...s].length >= 4) this.add(s, 'street', i)
        if (stem) this.add(stem, 'stem', i)
      }
      for (const p of [u.prefecture.name, u.prefecture.shortName]) {
        if (!p || p.includes('直辖')) continue
        this.entry(p + u.name).qualified = i
        if (!twoChar && u.shortName !== u.name && [...u.shortName].length >= 2) this.entry(p + u.shortName).qualified ??= i
      }
    })
    this.prefOf = this.units.map((u) => u.code.slice(0, 4))
    this.provOf = this.units.map((u) => u.code.slice(0, 2))
    this.run = new AttributionRun(this.prefOf, this.provOf)
    for (const c of COLLISIONS) this.entry(c).block = true
    for (const rule of rules) {
      const i = idxByCode.get(rule.code)
      if (i === undefined) continue
      for (const a of rule.aliases ?? []) {
        const e = this.entry(a)
        delete e.block
        ;(e.alias ??= []).push(i)
      }
      if (rule.excludeKeywords?.length) this.excludes.set(i, [...rule.excludeKeywords])
    }
  }

  private entry(surface: string): Entry {
    if (surface.length >= 2) this.pairs[pairSlot(surface.charCodeAt(0), surface.charCodeAt(1))] = 1
    let map = this.root
    let node: Node | undefined
    for (let k = 0; k < surface.length; k++) {
      const c = surface.charCodeAt(k)
      node = map.get(c)
      if (!node) map.set(c, (node = {}))
      if (k < surface.length - 1) map = node.next ??= new Map()
    }
    return (node!.entry ??= {})
  }

  private add(surface: string, key: ListKey, value: number | string): void {
    const e = this.entry(surface)
    const list = ((e as Record<string, unknown>)[key] ??= []) as Array<number | string>
    if (!list.includes(value)) list.push(value)
  }

  /**
   * Place-name matches in `text`: the longest match at every position, then a non-overlapping
   * choice that prefers stronger kinds (qualified, full names, streets, ordinary-word blocks)
   * over weaker ones (prefecture and province names, short names, stems), then longer, then
   * earlier. Plain leftmost-longest would read 南山区和龙华区 as 南山区 + 和龙 (和龙市) and lose 龙华区.
   */
  private scan(text: string): Match[] {
    const all: Match[] = []
    const pairs = this.pairs
    for (let i = 0; i + 1 < text.length; i++) {
      if (pairs[pairSlot(text.charCodeAt(i), text.charCodeAt(i + 1))] === 0) continue
      let map: Map<number, Node> | undefined = this.root
      let best: Entry | undefined
      let bestEnd = -1
      for (let j = i; j < text.length && map; j++) {
        const node: Node | undefined = map.get(text.charCodeAt(j))
        if (!node) break
        if (node.entry) {
          best = node.entry
          bestEnd = j + 1
        }
        map = node.next
      }
      if (best) all.push({ surface: text.slice(i, bestEnd), start: i, end: bestEnd, entry: best, rank: best.rank ??= strength(best) })
    }
    if (all.length < 2) return all
    all.sort(byStrength)
    const chosen: Match[] = []
    for (const m of all) {
      let free = true
      for (const c of chosen)
        if (c.start < m.end && m.start < c.end) {
          free = false
          break
        }
      if (free) chosen.push(m)
    }
    return chosen.sort(byStart)
  }

  /** Units the text is about, highest confidence first. */
  attribute(input: AttributionInput): RegionAttribution[] {
    const { text } = input
    const matches = this.scan(text)
    if (matches.length === 0 && !input.location && !input.ipLocation && !input.context?.length) return []
    const run = this.run
    run.reset()
    const { prefCtx, provCtx } = run

    // Step 1: evidence that stands alone; and context.
    const pending: Match[] = []
    for (const m of matches) {
      const e = m.entry
      if (e.block) continue
      if (e.pref)
        for (const p of e.pref) {
          prefCtx.note(p, m.surface)
          run.namePref(p)
        }
      if (e.prov) for (const p of e.prov) provCtx.note(p, m.surface)
      if (e.alias) {
        for (const i of e.alias) run.give(i, CONFIDENCE.alias, m.surface)
        for (const i of e.alias) run.noteUnit(i, m.surface)
        continue
      }
      if (e.qualified !== undefined) {
        run.give(e.qualified, CONFIDENCE.qualified, m.surface)
        run.noteUnit(e.qualified, m.surface)
        continue
      }
      const full = e.full
      if (full?.length === 1) {
        const short2 = codePoints(m.surface) <= 2
        if (!short2 || (isBoundary(input, m.start) && isBoundary(input, m.end))) {
          run.give(full[0]!, CONFIDENCE.full, m.surface)
          run.noteUnit(full[0]!, m.surface)
          continue
        }
      }
      if (!full && e.former?.length === 1) {
        run.give(e.former[0]!, CONFIDENCE.former, m.surface)
        run.noteUnit(e.former[0]!, m.surface)
        continue
      }
      if (!full && !e.former && e.street?.length === 1) {
        run.give(e.street[0]!, CONFIDENCE.street, m.surface)
        run.noteUnit(e.street[0]!, m.surface)
        continue
      }
      if (full || e.former || e.short || e.street || e.stem) pending.push(m)
    }
    this.location(input, run)
    for (const c of input.context ?? []) {
      for (const m of this.scan(c)) {
        const e = m.entry
        if (e.pref)
          for (const p of e.pref) {
            prefCtx.note(p, c)
            run.namePref(p)
          }
        if (e.prov) for (const p of e.prov) provCtx.note(p, c)
        const unit = e.qualified ?? (e.full?.length === 1 ? e.full[0] : undefined)
        if (unit !== undefined) {
          run.noteUnit(unit, c)
          run.namePref(this.prefOf[unit]!)
        }
      }
    }
    const ip = this.province(input.ipLocation)
    if (ip) provCtx.note(ip, 'IP属地')

    // Step 3: names that need context.
    const unresolved: Match[] = []
    for (const m of pending) {
      const e = m.entry
      const named = e.full && e.former ? [...e.full, ...e.former] : (e.full ?? e.former)
      const hit =
        this.pick(run, named, m.surface, 'pref', CONFIDENCE.fullByPrefecture) ??
        this.pick(run, e.street, m.surface, 'pref', CONFIDENCE.streetByPrefecture) ??
        this.pick(run, e.short, m.surface, 'pref', CONFIDENCE.shortByPrefecture) ??
        this.pick(run, named, m.surface, 'prov', CONFIDENCE.fullByProvince) ??
        this.pick(run, e.short, m.surface, 'prov', CONFIDENCE.shortByProvince)
      if (hit) {
        run.give(hit.unit, hit.confidence, `${m.surface} + ${hit.via}`)
        continue
      }
      if (e.stem) {
        // A bare stem (沙井) counts only next to its prefecture's own name or its county.
        const own = e.stem.filter((i) => run.has(i) || run.namedPref.includes(this.prefOf[i]!))
        if (own.length === 1) {
          const i = own[0]!
          run.give(i, CONFIDENCE.stemByContext, `${m.surface} + ${run.has(i) ? this.units[i]!.name : this.units[i]!.prefecture.shortName}`)
          continue
        }
      }
      if (named?.length || e.short || e.street) unresolved.push(m)
    }
    // Short names and shared full names of the same prefecture support each other.
    if (unresolved.length > 1) this.mutual(run, unresolved)

    const out: RegionAttribution[] = []
    for (let k = 0; k < run.units.length; k++) {
      const i = run.units[k]!
      const words = this.excludes.get(i)
      if (words?.some((w) => text.includes(w))) continue
      const u = this.units[i]!
      out.push({ code: u.code, name: u.name, evidence: run.evidence[k]!.join('; '), confidence: run.confidence[k]! })
    }
    return out.sort((a, b) => b.confidence - a.confidence || (a.code < b.code ? -1 : 1))
  }

  /**
   * The one candidate whose prefecture (or province) the context names, by a surface other than
   * this name itself; undefined when none does or several do (context that fits several: stay silent).
   */
  private pick(run: AttributionRun, cands: readonly number[] | undefined, self: string, by: 'pref' | 'prov', confidence: number): { unit: number; via: string; confidence: number } | undefined {
    if (!cands?.length) return undefined
    const ctx = by === 'pref' ? run.prefCtx : run.provCtx
    const codeOf = by === 'pref' ? this.prefOf : this.provOf
    let hit: { unit: number; via: string; confidence: number } | undefined
    for (const i of cands) {
      const via = ctx.other(codeOf[i]!, self)
      if (via === undefined) continue
      if (hit && hit.unit !== i) return undefined
      hit = { unit: i, via, confidence }
    }
    return hit
  }

  /** Unresolved short names and shared full names of one prefecture support each other (宝安和南山 → both Shenzhen units). */
  private mutual(run: AttributionRun, unresolved: readonly Match[]): void {
    const byPref = new Map<string, Map<string, number[]>>()
    for (const m of unresolved) {
      for (const i of [...(m.entry.full ?? []), ...(m.entry.former ?? []), ...(m.entry.short ?? []), ...(m.entry.street ?? [])]) {
        const p = this.prefOf[i]!
        let bySurface = byPref.get(p)
        if (!bySurface) byPref.set(p, (bySurface = new Map()))
        const list = bySurface.get(m.surface) ?? []
        if (!list.includes(i)) list.push(i)
        bySurface.set(m.surface, list)
      }
    }
    const prefsOf = new Map<string, string[]>()
    for (const [p, bySurface] of byPref) {
      if (bySurface.size < 2) continue
      for (const s of bySurface.keys()) prefsOf.set(s, [...(prefsOf.get(s) ?? []), p])
    }
    for (const bySurface of byPref.values()) {
      if (bySurface.size < 2) continue
      for (const [surface, units] of bySurface) {
        // Only when this surface is supported in one prefecture, by one unit there.
        if (prefsOf.get(surface)!.length !== 1 || units.length !== 1) continue
        const others = [...bySurface.keys()].filter((s) => s !== surface)
        run.give(units[0]!, CONFIDENCE.mutual, `${surface} + ${others[0]}`)
      }
    }
  }

  /** A Weibo location tag: `深圳·宝安区`, `深圳·宝安`, `北京·朝阳区`, `深圳`. */
  private location(input: AttributionInput, run: AttributionRun): void {
    const tag = input.location?.trim()
    if (!tag) return
    const parts = tag.split(/[·•・\s,，|/]+/u).filter(Boolean)
    const source = `位置 ${tag}`
    let pref: string | undefined
    for (const p of parts) {
      pref ??= this.prefByName.get(p)
      const prov = this.provByName.get(p)
      if (prov) run.provCtx.note(prov, source)
    }
    if (pref) {
      run.namePref(pref)
      run.prefCtx.note(pref, source)
      run.provCtx.note(pref.slice(0, 2), source)
    }
    for (const p of parts) {
      const cands = (this.byName.get(p) ?? []).filter((i) => {
        const u = this.units[i]!
        return pref ? u.code.startsWith(pref) : !u.ambiguous && u.name === p
      })
      if (cands.length === 1) {
        run.give(cands[0]!, CONFIDENCE.location, source)
        run.noteUnit(cands[0]!, source)
      }
    }
  }

  /** The province code of an IP 属地 string (`广东`, `发布于 广东`, `IP属地：广东省`). */
  private province(ip: string | null | undefined): string | undefined {
    if (!ip) return undefined
    const s = ip.replace(/^(发布于|IP属地|ip属地|来自)[:：\s]*/u, '').trim()
    return this.provByName.get(s) ?? this.provByName.get(s.replace(/省$/, ''))
  }
}

/** Codes (prefecture or province) → the surfaces that name them, in order. Small: linear scans beat maps here. */
class Context {
  readonly codes: string[] = []
  readonly sources: string[][] = []

  note(code: string, source: string): void {
    const k = this.codes.indexOf(code)
    if (k < 0) {
      this.codes.push(code)
      this.sources.push([source])
    } else if (!this.sources[k]!.includes(source)) this.sources[k]!.push(source)
  }

  /** The first surface naming `code` other than `self`. */
  other(code: string, self: string): string | undefined {
    const k = this.codes.indexOf(code)
    if (k < 0) return undefined
    for (const s of this.sources[k]!) if (s !== self) return s
    return undefined
  }

  clear(): void {
    this.codes.length = 0
    this.sources.length = 0
  }
}

/**
 * Scratch state of one `attribute` call, reused across calls (attribution is synchronous). A
 * text names a handful of places, so plain arrays: Map.clear() allocates, and a fresh Map per
 * call was a third of attribution's time in garbage.
 */
class AttributionRun {
  /** Attributed unit indexes, with their best confidence and up to 3 pieces of evidence. */
  readonly units: number[] = []
  readonly confidence: number[] = []
  readonly evidence: string[][] = []
  /** Context: prefecture (4-digit) / province (2-digit) codes named in or around the text. */
  readonly prefCtx = new Context()
  readonly provCtx = new Context()
  /** Prefectures named as such (深圳, 深圳市) or by the location tag. */
  readonly namedPref: string[] = []

  constructor(
    private readonly prefOf: readonly string[],
    private readonly provOf: readonly string[],
  ) {}

  reset(): void {
    this.units.length = 0
    this.confidence.length = 0
    this.evidence.length = 0
    this.prefCtx.clear()
    this.provCtx.clear()
    this.namedPref.length = 0
  }

  has(i: number): boolean {
    return this.units.includes(i)
  }

  give(i: number, confidence: number, evidence: string): void {
    const k = this.units.indexOf(i)
    if (k < 0) {
      this.units.push(i)
      this.confidence.push(confidence)
      this.evidence.push([evidence])
    } else {
      this.confidence[k] = Math.max(this.confidence[k]!, confidence)
      const ev = this.evidence[k]!
      if (!ev.includes(evidence) && ev.length < 3) ev.push(evidence)
    }
  }

  namePref(code: string): void {
    if (!this.namedPref.includes(code)) this.namedPref.push(code)
  }

  noteUnit(i: number, source: string): void {
    this.prefCtx.note(this.prefOf[i]!, source)
    this.provCtx.note(this.provOf[i]!, source)
  }
}

/** Strength of a kind of match, for choosing among overlapping matches. */
function strength(e: Entry): number {
  return e.qualified !== undefined || e.alias ? 4 : e.full || e.former || e.street ? 3 : e.block ? 3 : e.pref || e.prov ? 2 : 1
}

const byStrength = (a: Match, b: Match) => b.rank - a.rank || b.end - b.start - (a.end - a.start) || a.start - b.start
const byStart = (a: Match, b: Match) => a.start - b.start

/** Whether jieba put a token boundary at `pos` (binary search over the token starts). */
function isBoundary(input: AttributionInput, pos: number): boolean {
  const { tokens, starts } = input
  if (!tokens || !starts) return false
  let lo = 0
  let hi = starts.length - 1
  while (lo <= hi) {
    const mid = (lo + hi) >> 1
    const st = starts[mid]!
    if (st === pos || st + tokens[mid]!.length === pos) return true
    if (st < pos) lo = mid + 1
    else hi = mid - 1
  }
  return false
}

/** Number of code points (a name's length in characters; a few rare characters are surrogate pairs). */
function codePoints(s: string): number {
  let n = s.length
  for (let k = 0; k < s.length; k++) {
    const c = s.charCodeAt(k)
    if (c >= 0xd800 && c <= 0xdbff) n--
  }
  return n
}
