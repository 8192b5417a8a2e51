/**
 * Topic tagging (话题): monitoring-scheme rules in the style of commercial 舆情 systems, a
 * parser/compiler for them, and a matcher that tags a text with every topic whose rule holds.
 * Pure: no I/O, no global state besides lazily built lookup tables.
 *
 * ## The rule language
 *
 *     rule    := or
 *     or      := and ( OR and )*
 *     and     := unary ( [AND] unary )*       adjacent operands are ANDed: 宝安 地铁 = 宝安 AND 地铁
 *     unary   := NOT unary | primary
 *     primary := word | phrase | "(" or ")"
 *
 * - Precedence NOT > AND > OR: `a OR b c NOT d` is `a OR (b AND c AND (NOT d))`, and `a NOT b`
 *   is `a AND NOT b`.
 * - word: a run of characters other than white space, parentheses, double quotes and the
 *   operator symbols `& + | !` (地铁, 12345, 110, iPhone, COVID-19, 0755-12345).
 * - phrase: "…" (ASCII or full-width ＂) or “…” (Chinese quotes); may hold spaces and the
 *   operator symbols; no escapes (a phrase cannot contain its own closing quote).
 * - parentheses: ASCII ( ) or full-width （ ）.
 * - operators: the upper-case keywords AND, OR, NOT, and the symbols used by Chinese monitoring
 *   products and search engines (识微/百度 style): `&` or `+` for AND, `|` for OR, `!` for NOT
 *   (also `&&`, `||` and the full-width ＆ ＋ ｜ ！), and `-` for NOT where an operand starts
 *   (`宝安 -广告`, `(地铁|公交)-游戏`). A `-` inside a word is part of it (COVID-19, 0755-12345),
 *   because hyphens occur in real terms; `+` inside a word is an operator (地铁+公交), so write
 *   "C++" or "+86" as phrases. `加油!` ends in the NOT symbol, so quote it too.
 * - and, or, not (any spelling other than upper case) are rejected rather than read as words:
 *   `地铁 or 公交` would otherwise silently require the letters "or". Write "or" for the word.
 *
 * A rule is rejected when it can match a text that contains none of its terms (`NOT 广告`,
 * `地铁 OR NOT 广告`): it would tag almost everything. A leading NOT is fine when the rule
 * also needs something (`NOT 广告 地铁`, `(NOT 广告) 地铁`).
 *
 * ## Matching
 *
 * A term matches when it is a substring of the normalised text (normaliseTopicText): NFKC,
 * zero-width characters removed, lower case, runs of white space as one space. Terms are
 * normalised the same way (phrases also trimmed), so 地铁 matches 地铁11号线, IPHONE matches
 * iPhone, ＰＭ２.５ matches pm2.5 and "iPhone 15" matches "iphone\n15". Unlike the full-text
 * index's normaliseText (src/core/text.ts), NFKC applies to all text, punctuation included
 * (a phrase "加油!" matches 加油！): the index treats punctuation as a separator, a term may not.
 * There are no word boundaries: a Latin or digit term matches inside longer words and numbers
 * (AI in "said", 110 in 2110), so prefer longer terms (拨打110, 12345热线). NOT excludes texts
 * that contain the term anywhere; to exclude one sense of a term only, scope it:
 * `(教育 NOT 受教育) OR 学校`.
 *
 * createTopicMatcher() collects the distinct terms of all topics into one Aho–Corasick
 * automaton over UTF-16 code units, finds the terms present in one pass over the text (folding
 * each character as it goes; see FOLD), and evaluates only the topics that have a present term
 * (no rule matches without one) on that set.
 */

export type RuleNode =
  | { type: 'term'; term: string; raw: string; pos: number }
  | { type: 'and'; kids: RuleNode[] }
  | { type: 'or'; kids: RuleNode[] }
  | { type: 'not'; kid: RuleNode }

/** A rule that does not parse or would tag almost everything; the message is one line. */
export class TopicRuleError extends Error {
  readonly rule: string
  /** 1-based character (code point) position of the problem, when there is one. */
  readonly position: number | null
  /** What is wrong, without the `rule "…": ` prefix. */
  readonly reason: string
  /** The topic whose rule this is, when raised by createTopicMatcher. */
  readonly topic?: string
  /** `reason` is the whole description, naming the position when there is one. */
  constructor(rule: string, reason: string, position: number | null, topic?: string) {
    super(`${topic !== undefined ? `topic ${JSON.stringify(topic)}: ` : ''}rule "${display(rule)}": ${reason}${position === null ? '' : near(rule, position)}`)
    this.name = 'TopicRuleError'
    this.rule = rule
    this.position = position
    this.reason = reason
    if (topic !== undefined) this.topic = topic
  }
}

const SHOW = 60

/** The rule on one line (each line break or tab becomes a space, so positions still count). */
function display(rule: string): string {
  const chars = Array.from(rule.replace(/[\r\n\t\v\f\u2028\u2029]/g, ' '))
  return chars.length <= SHOW ? chars.join('') : chars.slice(0, SHOW - 1).join('') + '…'
}

/** For a rule too long to show whole: the text around the position. */
function near(rule: string, position: number): string {
  const chars = Array.from(rule.replace(/[\r\n\t\v\f\u2028\u2029]/g, ' '))
  if (chars.length <= SHOW) return ''
  const from = Math.max(0, position - 11)
  const to = Math.min(chars.length, position + 9)
  return ` (near "${from > 0 ? '…' : ''}${chars.slice(from, to).join('')}${to < chars.length ? '…' : ''}")`
}

// ---------------------------------------------------------------------------------------------
// Normalisation

const WS = /\s/
/** Zero-width characters, removed after NFKC (the set src/core/text.ts removes). */
const ZERO_WIDTH = /[\u200b-\u200f\u2060-\u2064\ufeff]/g

/** Normalised form of a text for matching (see the module comment): the definition. */
export function normaliseTopicText(text: string): string {
  return text.normalize('NFKC').replace(ZERO_WIDTH, '').toLowerCase().replace(/\s+/g, ' ')
}

/** Normalised form of a term: as a text, and trimmed. */
export function normaliseTerm(term: string): string {
  return normaliseTopicText(term).trim()
}

/**
 * Per-character normalisation for the common case, so that the matcher neither allocates nor
 * runs NFKC over the whole text. Within the blocks below no character composes with another
 * or changes case by context, so NFKC and lower-casing act on each character alone; a
 * character of these blocks folds here to its normalised code unit(s) when those are themselves
 * stable members. Anything else (combining marks, Hangul, Greek, half-width voiced marks,
 * lone surrogates, astral characters outside the emoji and CJK blocks) sends the text down the
 * exact path, normaliseTopicText. test/unit/topics.test.ts checks every BMP character and
 * every astral one admitted against normaliseTopicText, and random mixtures of them.
 *
 * FOLD[c] ≥ 0: the one code unit c becomes; FOLD_SKIP: removed (zero-width); FOLD_MULTI: the
 * several units MULTI.get(c) (… → ..., ℃ → °c); FOLD_PAIR: a high surrogate, inert when the
 * code point is in INERT_ASTRAL; FOLD_EXACT: take the exact path.
 */
const FOLD_EXACT = -1
const FOLD_SKIP = -2
const FOLD_MULTI = -3
const FOLD_PAIR = -4
const FOLD_BLOCKS: Array<[number, number]> = [
  [0x0000, 0x024f], // ASCII, Latin-1, Latin Extended-A/B (precomposed letters)
  [0x2000, 0x206f], // general punctuation, spaces, zero-width characters
  [0x2070, 0x20cf], // super- and subscripts, currency
  [0x2100, 0x23ff], // letterlike (℃), number forms (Ⅻ), arrows, mathematical and technical symbols
  [0x2460, 0x27bf], // enclosed alphanumerics (①), box drawing, shapes, dingbats and BMP emoji (❤ ✅)
  [0x2b00, 0x2bff], // arrows and symbols (⭐)
  [0x3000, 0x3029], // CJK punctuation (not 302a–302f: combining tone marks)
  [0x3030, 0x303f],
  [0x3041, 0x3096], // hiragana (not 3099–309c: voiced sound marks)
  [0x30a0, 0x30ff], // katakana
  [0xfe00, 0xfe0f], // variation selectors (❤️)
  [0xff01, 0xffef], // full-width and half-width forms
]
/** Astral code points that NFKC and lower-casing leave alone and that never compose. */
export const INERT_ASTRAL: ReadonlyArray<[number, number]> = [
  [0x1f000, 0x1f0ff], // mahjong, domino, playing cards
  [0x1f1e6, 0x1f1ff], // regional indicators (flags 🇨🇳)
  [0x1f300, 0x1faff], // emoji and pictographs (👍 😡 🙏, skin tones)
  [0x20000, 0x2a6df], // CJK extension B
  [0x2a700, 0x2ee5d], // CJK extensions C–F, I
  [0x30000, 0x323af], // CJK extensions G, H
]
const inertAstral = (cp: number): boolean => {
  for (const [lo, hi] of INERT_ASTRAL) if (cp >= lo && cp <= hi) return true
  return false
}

let FOLD: Int32Array | undefined
const MULTI = new Map<number, string>()

function foldTable(): Int32Array {
  if (FOLD) return FOLD
  const t = new Int32Array(0x10000).fill(FOLD_EXACT)
  // CJK ideographs: no decomposition, no case.
  for (let c = 0x3400; c <= 0x4dbf; c++) t[c] = c
  for (let c = 0x4e00; c <= 0x9fff; c++) t[c] = c
  const out = new Map<number, string>()
  for (const [lo, hi] of FOLD_BLOCKS) for (let c = lo; c <= hi; c++) out.set(c, normaliseTopicText(String.fromCharCode(c)))
  // Stable: a block member that normalises to itself.
  const stable = (u: number) => (u >= 0x3400 && u <= 0x4dbf) || (u >= 0x4e00 && u <= 0x9fff) || out.get(u) === String.fromCharCode(u) || (u === 0x20 && out.has(u))
  for (const [c, n] of out) {
    if (n.length === 0) t[c] = FOLD_SKIP
    else if (!Array.from(n).every((ch) => ch.length === 1 && stable(ch.charCodeAt(0)))) t[c] = FOLD_EXACT
    else if (n.length === 1) t[c] = n.charCodeAt(0)
    else {
      t[c] = FOLD_MULTI
      MULTI.set(c, n)
    }
  }
  for (let c = 0xd800; c <= 0xdbff; c++) t[c] = FOLD_PAIR
  FOLD = t
  return t
}

/**
 * The matcher's per-character normalisation as a string: normaliseTopicText(text) when the text
 * can take that path, else null. For tests; the matcher folds as it scans.
 */
export function foldTopicText(text: string): string | null {
  const fold = foldTable()
  let out = ''
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    const f = fold[c]!
    if (f >= 0) out += String.fromCharCode(f)
    else if (f === FOLD_MULTI) out += MULTI.get(c)!
    else if (f === FOLD_PAIR) {
      const d = text.charCodeAt(i + 1)
      if (!(d >= 0xdc00 && d <= 0xdfff) || !inertAstral(((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000)) return null
      out += text.slice(i, i + 2)
      i++
    } else if (f !== FOLD_SKIP) return null
  }
  return out.replace(/ {2,}/g, ' ')
}

// ---------------------------------------------------------------------------------------------
// Tokenizer

type TokKind = 'term' | 'and' | 'or' | 'not' | '(' | ')' | 'end'
interface Tok {
  kind: TokKind
  /** As written (the word or phrase content for terms). */
  text: string
  /** 1-based character position. */
  pos: number
}

const OPEN_PAREN = new Set(['(', '（'])
const CLOSE_PAREN = new Set([')', '）'])
const AND_SYM = new Set(['&', '＆', '+', '＋'])
const OR_SYM = new Set(['|', '｜'])
const NOT_SYM = new Set(['!', '！'])
const DASH = new Set(['-', '－'])
/** Opening quote → the quotes that close it. */
const QUOTES = new Map<string, Set<string>>([
  ['"', new Set(['"', '＂'])],
  ['＂', new Set(['"', '＂'])],
  ['“', new Set(['”'])],
])
const WORD_STOP = (c: string) =>
  WS.test(c) || OPEN_PAREN.has(c) || CLOSE_PAREN.has(c) || AND_SYM.has(c) || OR_SYM.has(c) || NOT_SYM.has(c) || QUOTES.has(c) || c === '”'

function tokenize(rule: string): Tok[] {
  const chars = Array.from(rule)
  const toks: Tok[] = []
  let i = 0
  while (i < chars.length) {
    const c = chars[i]!
    const pos = i + 1
    if (WS.test(c)) {
      i++
    } else if (OPEN_PAREN.has(c)) {
      toks.push({ kind: '(', text: c, pos })
      i++
    } else if (CLOSE_PAREN.has(c)) {
      toks.push({ kind: ')', text: c, pos })
      i++
    } else if (AND_SYM.has(c) || OR_SYM.has(c)) {
      const kind = AND_SYM.has(c) ? 'and' : 'or'
      // && and || are one operator
      const twice = (c === '&' || c === '|') && chars[i + 1] === c
      toks.push({ kind, text: twice ? c + c : c, pos })
      i += twice ? 2 : 1
    } else if (NOT_SYM.has(c) || DASH.has(c)) {
      toks.push({ kind: 'not', text: c, pos })
      i++
    } else if (QUOTES.has(c)) {
      const closers = QUOTES.get(c)!
      let j = i + 1
      while (j < chars.length && !closers.has(chars[j]!)) j++
      if (j >= chars.length) throw new TopicRuleError(rule, `missing closing ${c === '“' ? '”' : '"'} ${atEnd(chars.length + 1)} for the phrase opened at character ${pos}`, chars.length + 1)
      toks.push({ kind: 'term', text: chars.slice(i + 1, j).join(''), pos })
      i = j + 1
    } else if (c === '”') {
      throw new TopicRuleError(rule, `unexpected ” at character ${pos} (no “ to close)`, pos)
    } else {
      let j = i
      while (j < chars.length && !WORD_STOP(chars[j]!)) j++
      const word = chars.slice(i, j).join('')
      if (word === 'AND' || word === 'OR' || word === 'NOT') toks.push({ kind: word.toLowerCase() as TokKind, text: word, pos })
      else if (/^(and|or|not)$/i.test(word))
        throw new TopicRuleError(rule, `"${word}" at character ${pos} is ambiguous: write ${word.toUpperCase()} for the operator or "${word}" in quotes for the word`, pos)
      else toks.push({ kind: 'term', text: word, pos })
      i = j
    }
  }
  toks.push({ kind: 'end', text: '', pos: chars.length + 1 })
  return toks
}

// ---------------------------------------------------------------------------------------------
// Parser

const MAX_DEPTH = 100

/** Where a parse error at the end of the rule is reported. */
const atEnd = (pos: number) => `at character ${pos} (end of rule)`

/** A token in a message: keywords bare, anything else quoted. */
function describe(t: Tok): string {
  return /^[A-Z]+$/.test(t.text) ? t.text : `"${t.text}"`
}

/** Parses a rule into its tree (not checked for negative-only rules: see compileRule). */
export function parseRule(rule: string): RuleNode {
  const toks = tokenize(rule)
  let k = 0
  let depth = 0
  const peek = () => toks[k]!

  const operandError = (t: Tok): never => {
    const prev = k > 0 ? toks[k - 1]! : undefined
    if (t.kind === ')' && prev?.kind === '(') throw new TopicRuleError(rule, `empty parentheses: expected a term or "(" at character ${t.pos}, found ")"`, t.pos)
    const after = prev && prev.kind !== 'term' && prev.kind !== ')' ? ` after ${describe(prev)}` : ''
    if (t.kind === 'end') {
      if (toks.length === 1) throw new TopicRuleError(rule, 'empty rule: expected a term', null)
      throw new TopicRuleError(rule, `expected a term or "("${after} ${atEnd(t.pos)}`, t.pos)
    }
    throw new TopicRuleError(rule, `expected a term or "("${after} at character ${t.pos}, found ${describe(t)}`, t.pos)
  }

  const primary = (): RuleNode => {
    const t = peek()
    if (t.kind === 'term') {
      k++
      const term = normaliseTerm(t.text)
      if (term === '') throw new TopicRuleError(rule, t.text.trim() === '' ? `empty phrase at character ${t.pos}: expected a term inside the quotes` : `term "${t.text}" at character ${t.pos} has nothing to match once normalised`, t.pos)
      return { type: 'term', term, raw: t.text.trim(), pos: t.pos }
    }
    if (t.kind === '(') {
      if (++depth > MAX_DEPTH) throw new TopicRuleError(rule, `parentheses nested deeper than ${MAX_DEPTH} at character ${t.pos}`, t.pos)
      k++
      const inner = or()
      const close = peek()
      if (close.kind !== ')') throw new TopicRuleError(rule, `missing ")" ${atEnd(close.pos)} to close "${t.text}" at character ${t.pos}`, close.pos)
      k++
      depth--
      return inner
    }
    return operandError(t)
  }

  const unary = (): RuleNode => {
    // A run of NOTs is read without recursion, and NOT NOT x is x.
    let negate = false
    while (peek().kind === 'not') {
      k++
      negate = !negate
    }
    const node = primary()
    return negate ? { type: 'not', kid: node } : node
  }

  const and = (): RuleNode => {
    const kids: RuleNode[] = []
    const push = (n: RuleNode) => (n.type === 'and' ? kids.push(...n.kids) : kids.push(n))
    push(unary())
    for (;;) {
      const t = peek()
      if (t.kind === 'and') {
        k++
        push(unary())
      } else if (t.kind === 'term' || t.kind === '(' || t.kind === 'not') push(unary())
      else break
    }
    return kids.length === 1 ? kids[0]! : { type: 'and', kids }
  }

  const or = (): RuleNode => {
    const kids: RuleNode[] = []
    const push = (n: RuleNode) => (n.type === 'or' ? kids.push(...n.kids) : kids.push(n))
    push(and())
    while (peek().kind === 'or') {
      k++
      push(and())
    }
    return kids.length === 1 ? kids[0]! : { type: 'or', kids }
  }

  const tree = or()
  const t = peek()
  if (t.kind === ')') throw new TopicRuleError(rule, `unexpected "${t.text}" at character ${t.pos} (no "(" to close)`, t.pos)
  // Every other token is consumed by or()/and()/unary(); only the end can remain.
  return tree
}

/** Evaluates a tree given which (normalised) terms the text holds. */
export function evaluateRule(node: RuleNode, has: (term: string) => boolean): boolean {
  switch (node.type) {
    case 'term':
      return has(node.term)
    case 'and':
      return node.kids.every((n) => evaluateRule(n, has))
    case 'or':
      return node.kids.some((n) => evaluateRule(n, has))
    case 'not':
      return !evaluateRule(node.kid, has)
  }
}

/** The tree fully parenthesised, terms in normalised form and quoted: `("a" OR ("b" AND NOT "c"))`. */
export function showRule(node: RuleNode): string {
  switch (node.type) {
    case 'term':
      return JSON.stringify(node.term)
    case 'not':
      return `NOT ${showRule(node.kid)}`
    default:
      return `(${node.kids.map(showRule).join(node.type === 'and' ? ' AND ' : ' OR ')})`
  }
}

function termNodes(node: RuleNode, polarity: boolean, out: Array<{ node: Extract<RuleNode, { type: 'term' }>; positive: boolean }>): void {
  if (node.type === 'term') out.push({ node, positive: polarity })
  else if (node.type === 'not') termNodes(node.kid, !polarity, out)
  else for (const kid of node.kids) termNodes(kid, polarity, out)
}

export interface CompiledRule {
  rule: string
  ast: RuleNode
  /** Distinct normalised terms in order of first appearance. */
  terms: string[]
  /** Each term's spelling at its first appearance in the rule. */
  spelling: Map<string, string>
  /** Distinct normalised terms that count for the rule (under an even number of NOTs), with their spelling in the rule. */
  positive: Array<{ term: string; raw: string }>
  /** Whether a text matches (direct, term by term: use createTopicMatcher for many texts). */
  test(text: string): boolean
}

/** Parses and checks a rule; throws TopicRuleError. */
export function compileRule(rule: string): CompiledRule {
  const ast = parseRule(rule)
  if (evaluateRule(ast, () => false)) {
    throw new TopicRuleError(
      rule,
      'it would match texts that contain none of its terms (a NOT with nothing required); add what a text must contain, e.g. 地铁 NOT 广告',
      null,
    )
  }
  const nodes: Parameters<typeof termNodes>[2] = []
  termNodes(ast, true, nodes)
  const spelling = new Map<string, string>()
  for (const n of nodes) if (!spelling.has(n.node.term)) spelling.set(n.node.term, n.node.raw)
  const terms = Array.from(spelling.keys())
  const positive = terms.filter((t) => nodes.some((n) => n.positive && n.node.term === t)).map((term) => ({ term, raw: spelling.get(term)! }))
  return {
    rule,
    ast,
    terms,
    spelling,
    positive,
    test(text: string) {
      const s = normaliseTopicText(text)
      return evaluateRule(ast, (t) => s.includes(t))
    },
  }
}

/** The terms of a rule as written, each once, in order (for a segmenter's user dictionary); throws TopicRuleError. */
export function ruleTerms(rule: string): string[] {
  return Array.from(compileRule(rule).spelling.values())
}

/** Config validation: the one-line problem with a rule, or null when it is fine. */
export function ruleError(rule: string): string | null {
  try {
    compileRule(rule)
    return null
  } catch (err) {
    if (err instanceof TopicRuleError) return err.message
    throw err
  }
}

// ---------------------------------------------------------------------------------------------
// Aho–Corasick automaton over UTF-16 code units

/** Code unit → 1 when JS \s matches it (the text's white space, collapsed to one space). */
let wsTable: Uint8Array | undefined
function whiteSpace(): Uint8Array {
  if (!wsTable) {
    wsTable = new Uint8Array(0x10000)
    for (let c = 0; c < 0x10000; c++) if (WS.test(String.fromCharCode(c))) wsTable[c] = 1
  }
  return wsTable
}

/**
 * The automaton's arrays. Code units are mapped to classes (0: in no term). The root has a
 * dense transition row; other states keep their few trie children in a slice of
 * childCls/childTo (sorted by class), and follow failure links on a miss.
 */
interface Automaton {
  cls: Uint16Array
  spaceCls: number
  rootNext: Int32Array
  childStart: Int32Array
  childEnd: Int32Array
  childCls: Uint16Array
  childTo: Int32Array
  fail: Int32Array
  /** Term ending at the state, or -1. */
  termAt: Int32Array
  /** Nearest state on the failure chain (excluding itself) where a term ends, or -1. */
  dict: Int32Array
}

function buildAutomaton(terms: string[]): Automaton {
  const cls = new Uint16Array(0x10000)
  let nCls = 0
  for (const t of terms) for (let i = 0; i < t.length; i++) if (cls[t.charCodeAt(i)] === 0) cls[t.charCodeAt(i)] = ++nCls
  const spaceCls = cls[32]!
  if (spaceCls !== 0) {
    const ws = whiteSpace()
    for (let c = 0; c < 0x10000; c++) if (ws[c]) cls[c] = spaceCls
  }
  // Trie
  const kids: Array<Map<number, number>> = [new Map()]
  const termAtList: number[] = [-1]
  terms.forEach((t, id) => {
    let s = 0
    for (let i = 0; i < t.length; i++) {
      const k = cls[t.charCodeAt(i)]!
      let n = kids[s]!.get(k)
      if (n === undefined) {
        n = kids.length
        kids.push(new Map())
        termAtList.push(-1)
        kids[s]!.set(k, n)
      }
      s = n
    }
    termAtList[s] = id
  })
  const n = kids.length
  const fail = new Int32Array(n)
  const dict = new Int32Array(n).fill(-1)
  const termAt = Int32Array.from(termAtList)
  const rootNext = new Int32Array(nCls + 1)
  for (const [k, to] of kids[0]!) rootNext[k] = to
  // Breadth-first failure links: fail(child of s by k) = δ(fail(s), k).
  const step = (s: number, k: number): number => {
    for (;;) {
      if (s === 0) return rootNext[k]!
      const to = kids[s]!.get(k)
      if (to !== undefined) return to
      s = fail[s]!
    }
  }
  const queue: number[] = [...kids[0]!.values()]
  for (let q = 0; q < queue.length; q++) {
    const s = queue[q]!
    for (const [k, to] of kids[s]!) {
      const f = s === 0 ? 0 : step(fail[s]!, k)
      fail[to] = f
      dict[to] = termAt[f]! >= 0 ? f : dict[f]!
      queue.push(to)
    }
  }
  // Flatten the children
  const childStart = new Int32Array(n)
  const childEnd = new Int32Array(n)
  const total = kids.reduce((a, m, s) => a + (s === 0 ? 0 : m.size), 0)
  const childCls = new Uint16Array(total)
  const childTo = new Int32Array(total)
  let p = 0
  for (let s = 1; s < n; s++) {
    childStart[s] = p
    for (const [k, to] of [...kids[s]!].sort((a, b) => a[0] - b[0])) {
      childCls[p] = k
      childTo[p++] = to
    }
    childEnd[s] = p
  }
  return { cls, spaceCls, rootNext, childStart, childEnd, childCls, childTo, fail, termAt, dict }
}

// ---------------------------------------------------------------------------------------------
// Matcher

export interface TopicDefinition {
  name: string
  rule: string
}

export interface TopicMatcher {
  /** Names of the topics whose rules hold, in definition order. */
  match(text: string): string[]
  /**
   * The same, each with the terms that made it match, spelt and ordered as in its rule: the
   * present terms of the parts that hold (for `iPhone OR (华为 NOT 假货)` and a text with
   * iPhone, 华为 and 假货: iPhone only; terms under NOT count only under two of them).
   */
  matchDetailed(text: string): Array<{ topic: string; terms: string[] }>
  /** The distinct terms of all rules (normalised). */
  readonly terms: readonly string[]
}

/** A compiled tree: its value on the current text, and `explain(want)`, which marks the present terms that give it the value `want`. */
interface Node {
  ev: () => boolean
  explain: (want: boolean) => void
}

/**
 * Compiles the topics into one matcher. Throws TopicRuleError (with the topic's name) for a bad
 * rule, and Error for a repeated topic name.
 */
export function createTopicMatcher(topics: ReadonlyArray<TopicDefinition>): TopicMatcher {
  const names = new Set<string>()
  for (const t of topics) {
    if (names.has(t.name)) throw new Error(`topic ${JSON.stringify(t.name)} is defined twice`)
    names.add(t.name)
  }
  const compiled = topics.map((t) => {
    try {
      return compileRule(t.rule)
    } catch (err) {
      if (err instanceof TopicRuleError) throw new TopicRuleError(err.rule, err.reason, err.position, t.name)
      throw err
    }
  })
  const termId = new Map<string, number>()
  for (const c of compiled) for (const t of c.terms) if (!termId.has(t)) termId.set(t, termId.size)
  const terms = Array.from(termId.keys())
  const { cls, spaceCls, rootNext, childStart, childEnd, childCls, childTo, fail, termAt, dict } = buildAutomaton(terms)

  // Code unit of the raw text → class for the per-character path (see FOLD), or a FOLD_ code.
  const fold = foldTable()
  const fk = new Int32Array(0x10000)
  const multi = new Map<number, Int32Array>()
  for (let c = 0; c < 0x10000; c++) {
    const f = fold[c]!
    fk[c] = f >= 0 ? cls[f]! : f
    if (f === FOLD_MULTI) multi.set(c, Int32Array.from(MULTI.get(c)!, (u) => cls[u.charCodeAt(0)]!))
  }

  // Terms found in the current text: seen[id] === gen.
  const seen = new Uint32Array(terms.length)
  const found = new Int32Array(terms.length)
  let nFound = 0
  let gen = 0
  const made = new Uint32Array(terms.length)
  let madeGen = 0

  // term → topics using it (CSR)
  const users: number[][] = terms.map(() => [])
  compiled.forEach((c, ti) => c.terms.forEach((t) => users[termId.get(t)!]!.push(ti)))
  const userStart = new Int32Array(terms.length + 1)
  users.forEach((u, i) => (userStart[i + 1] = userStart[i]! + u.length))
  const userTopic = Int32Array.from(users.flat())
  const topicSeen = new Uint32Array(topics.length)
  const cand = new Int32Array(topics.length)

  const compile = (node: RuleNode): Node => {
    switch (node.type) {
      case 'term': {
        const id = termId.get(node.term)!
        return {
          ev: () => seen[id] === gen,
          explain: (want) => {
            if (want && seen[id] === gen) made[id] = madeGen
          },
        }
      }
      case 'not': {
        const kid = compile(node.kid)
        return { ev: () => !kid.ev(), explain: (want) => kid.explain(!want) }
      }
      case 'and': {
        const kids = node.kids.map(compile)
        return {
          ev: () => {
            for (let i = 0; i < kids.length; i++) if (!kids[i]!.ev()) return false
            return true
          },
          // true: every kid is; false: the kids that are false
          explain: (want) => {
            for (const k of kids) if (want || !k.ev()) k.explain(want)
          },
        }
      }
      case 'or': {
        // Terms as a flat id list: most rules are one long OR of words.
        const ids = Int32Array.from(node.kids.flatMap((n) => (n.type === 'term' ? [termId.get(n.term)!] : [])))
        const rest = node.kids.filter((n) => n.type !== 'term').map(compile)
        return {
          ev: () => {
            for (let i = 0; i < ids.length; i++) if (seen[ids[i]!] === gen) return true
            for (let i = 0; i < rest.length; i++) if (rest[i]!.ev()) return true
            return false
          },
          // true: the kids that are true; false: every kid is (and absent terms make nothing)
          explain: (want) => {
            if (want) for (const id of ids) if (seen[id] === gen) made[id] = madeGen
            for (const k of rest) if (!want || k.ev()) k.explain(want)
          },
        }
      }
    }
  }
  const roots = compiled.map((c) => compile(c.ast))
  const topicTermIds = compiled.map((c) => c.terms.map((t) => termId.get(t)!))

  const pair = new Int32Array(2)
  const fresh = () => {
    nFound = 0
    if (++gen === 0xffffffff) {
      seen.fill(0)
      topicSeen.fill(0)
      gen = 1
    }
  }

  /**
   * One pass of the automaton over s, recording the terms found. With `raw`, s is the text as
   * given and is folded by fk; false means it needs the exact path. Otherwise s is normalised.
   */
  const scan = (s: string, raw: boolean): boolean => {
    let st = 0
    let prevSpace = false
    for (let i = 0; i < s.length; i++) {
      let k: number
      let seq: Int32Array | undefined
      let q = 0
      const c = s.charCodeAt(i)
      if (raw) {
        k = fk[c]!
        if (k < 0) {
          if (k === FOLD_SKIP) continue
          if (k === FOLD_MULTI) {
            seq = multi.get(c)!
          } else if (k === FOLD_PAIR) {
            const d = s.charCodeAt(i + 1)
            if (!(d >= 0xdc00 && d <= 0xdfff) || !inertAstral(((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000)) return false
            seq = pair
            pair[0] = cls[c]!
            pair[1] = cls[d]!
            i++
          } else return false
        }
      } else k = cls[c]!
      // One code unit, or each unit of seq (`continue` moves to the next one).
      do {
        if (seq !== undefined) k = seq[q]!
        if (k === 0) {
          st = 0
          prevSpace = false
          continue
        }
        if (k === spaceCls) {
          if (prevSpace) continue
          prevSpace = true
        } else prevSpace = false
        for (;;) {
          if (st === 0) {
            st = rootNext[k]!
            break
          }
          let lo = childStart[st]!
          const hi = childEnd[st]!
          let to = -1
          if (hi - lo <= 8) {
            for (; lo < hi; lo++)
              if (childCls[lo] === k) {
                to = childTo[lo]!
                break
              }
          } else {
            let h = hi - 1
            while (lo <= h) {
              const m = (lo + h) >> 1
              const x = childCls[m]!
              if (x === k) {
                to = childTo[m]!
                break
              }
              if (x < k) lo = m + 1
              else h = m - 1
            }
          }
          if (to >= 0) {
            st = to
            break
          }
          st = fail[st]!
        }
        for (let o = termAt[st]! >= 0 ? st : dict[st]!; o >= 0; o = dict[o]!) {
          const t = termAt[o]!
          if (seen[t] !== gen) {
            seen[t] = gen
            found[nFound++] = t
          }
        }
      } while (seq !== undefined && ++q < seq.length)
    }
    return true
  }

  /** Finds the terms and leaves the matching topics' indices, in order, in cand[0..return). */
  const run = (text: string): number => {
    fresh()
    if (!text || terms.length === 0) return 0
    if (!scan(text, true)) {
      fresh()
      scan(text.normalize('NFKC').replace(ZERO_WIDTH, '').toLowerCase(), false)
    }
    // Candidate topics: those with a present term (no rule matches without one).
    let nCand = 0
    for (let f = 0; f < nFound; f++) {
      const t = found[f]!
      for (let u = userStart[t]!, e = userStart[t + 1]!; u < e; u++) {
        const ti = userTopic[u]!
        if (topicSeen[ti] !== gen) {
          topicSeen[ti] = gen
          // insertion sort: definition order
          let j = nCand++
          while (j > 0 && cand[j - 1]! > ti) {
            cand[j] = cand[j - 1]!
            j--
          }
          cand[j] = ti
        }
      }
    }
    let nMatch = 0
    for (let c = 0; c < nCand; c++) if (roots[cand[c]!]!.ev()) cand[nMatch++] = cand[c]!
    return nMatch
  }

  return {
    terms,
    match(text) {
      const n = run(text)
      const out = new Array<string>(n)
      for (let i = 0; i < n; i++) out[i] = topics[cand[i]!]!.name
      return out
    },
    matchDetailed(text) {
      const n = run(text)
      const out: Array<{ topic: string; terms: string[] }> = []
      for (let i = 0; i < n; i++) {
        const ti = cand[i]!
        if (++madeGen === 0xffffffff) {
          made.fill(0)
          madeGen = 1
        }
        roots[ti]!.explain(true)
        const c = compiled[ti]!
        const ids = topicTermIds[ti]!
        const list: string[] = []
        for (let j = 0; j < ids.length; j++) if (made[ids[j]!] === madeGen) list.push(c.spelling.get(c.terms[j]!)!)
        out.push({ topic: topics[ti]!.name, terms: list })
      }
      return out
    },
  }
}
