/**
 * The `yuqing search` query language, parsed into an AST (pure: no database, no I/O).
 *
 *   宝安 城管            both terms (AND: terms separated by spaces)
 *   宝安 OR 南山         either (OR, upper case, binds looser than AND)
 *   宝安 NOT 投诉        宝安 without 投诉; `-投诉` is the same as `NOT 投诉`
 *   "地铁 3号线"         a quoted phrase is one term: its words adjacent and in order
 *   (宝安 OR 南山) 城管  parentheses group
 *
 * Precedence, tightest first: NOT / -, AND (juxtaposition), OR. So `a b OR c` is `(a b) OR c`.
 * Chinese quotes “…” work like "…". A lower-case `or` / `not` is an ordinary word.
 * Bad input throws QuerySyntaxError (a UsageError: exit 2) whose message names what to fix.
 */
import { UsageError } from '../core/errors.js'

export type QueryNode =
  | { type: 'term'; text: string; phrase: boolean }
  | { type: 'and'; children: QueryNode[] }
  | { type: 'or'; children: QueryNode[] }
  | { type: 'not'; child: QueryNode }

export class QuerySyntaxError extends UsageError {
  constructor(message: string, hint = 'terms are AND-ed; use OR between terms, NOT term or -term to exclude, "quotes" for a phrase') {
    super(`bad search query: ${message}`, hint)
  }
}

type Tok =
  | { kind: 'word'; text: string; pos: number }
  | { kind: 'phrase'; text: string; pos: number }
  | { kind: 'or' | 'not' | 'lparen' | 'rparen'; pos: number }

const OPEN_QUOTES: Record<string, string> = { '"': '"', '“': '”' }
const SPACE = /\s/u

function tokenize(q: string): Tok[] {
  const toks: Tok[] = []
  let i = 0
  while (i < q.length) {
    const c = q[i]!
    if (SPACE.test(c)) {
      i++
      continue
    }
    if (c === '(' || c === '（') {
      toks.push({ kind: 'lparen', pos: i })
      i++
      continue
    }
    if (c === ')' || c === '）') {
      toks.push({ kind: 'rparen', pos: i })
      i++
      continue
    }
    // A leading '-' directly before a term or phrase excludes it (a lone '-' is punctuation).
    if (c === '-' && i + 1 < q.length && !SPACE.test(q[i + 1]!) && q[i + 1] !== '-' && q[i + 1] !== ')') {
      toks.push({ kind: 'not', pos: i })
      i++
      continue
    }
    const close = OPEN_QUOTES[c]
    if (close !== undefined) {
      let end = q.indexOf(close, i + 1)
      if (close === '”' && end < 0) end = q.indexOf('"', i + 1)
      if (end < 0) throw new QuerySyntaxError(`the quote at character ${i + 1} is never closed`, `add the closing quote ${close} (or remove the opening one)`)
      const text = q.slice(i + 1, end).trim()
      if (!text) throw new QuerySyntaxError(`empty quotes at character ${i + 1}`, 'put a phrase between the quotes, or remove them')
      toks.push({ kind: 'phrase', text, pos: i })
      i = end + 1
      continue
    }
    let j = i
    while (j < q.length && !SPACE.test(q[j]!) && !(q[j]! in OPEN_QUOTES) && !'()（）'.includes(q[j]!)) j++
    const text = q.slice(i, j)
    if (text === 'OR') toks.push({ kind: 'or', pos: i })
    else if (text === 'NOT') toks.push({ kind: 'not', pos: i })
    else if (text === 'AND') {
      /* explicit AND is the default between terms */
    } else toks.push({ kind: 'word', text, pos: i })
    i = j
  }
  return toks
}

/** Parses a query into its AST; throws QuerySyntaxError on bad input. */
export function parseQuery(query: string): QueryNode {
  if (query.length > 2000) throw new QuerySyntaxError(`the query is ${query.length} characters long`, 'use at most 2000 characters')
  const toks = tokenize(query)
  if (!toks.length) throw new QuerySyntaxError('the query is empty', 'give at least one term, e.g. yuqing search 宝安')
  let k = 0
  const at = (t: Tok) => `at character ${t.pos + 1}`

  const parseOr = (): QueryNode => {
    const parts = [parseAnd()]
    while (toks[k]?.kind === 'or') {
      const op = toks[k++]!
      if (k >= toks.length || toks[k]!.kind === 'or' || toks[k]!.kind === 'rparen') throw new QuerySyntaxError(`OR ${at(op)} has no term after it`, 'put a term on each side of OR, or remove it')
      parts.push(parseAnd())
    }
    return parts.length === 1 ? parts[0]! : { type: 'or', children: parts }
  }
  const parseAnd = (): QueryNode => {
    const parts: QueryNode[] = []
    while (k < toks.length && toks[k]!.kind !== 'or' && toks[k]!.kind !== 'rparen') parts.push(parseUnary())
    if (!parts.length) {
      const t = toks[k]
      if (t?.kind === 'or') throw new QuerySyntaxError(`OR ${at(t)} has no term before it`, 'put a term on each side of OR, or remove it')
      if (t?.kind === 'rparen') throw new QuerySyntaxError(`empty or unopened parentheses ${at(t)}`, 'remove the ")" or put terms inside the parentheses')
      throw new QuerySyntaxError('the query is empty')
    }
    return parts.length === 1 ? parts[0]! : { type: 'and', children: parts }
  }
  const parseUnary = (): QueryNode => {
    const t = toks[k]!
    if (t.kind === 'not') {
      k++
      const next = toks[k]
      if (!next || next.kind === 'or' || next.kind === 'rparen') throw new QuerySyntaxError(`${query[t.pos] === '-' ? '-' : 'NOT'} ${at(t)} has no term after it`, 'put the term to exclude right after it (NOT 投诉 or -投诉), or remove it')
      const child = parseUnary()
      return child.type === 'not' ? child.child : { type: 'not', child }
    }
    if (t.kind === 'lparen') {
      k++
      const inner = parseOr()
      if (toks[k]?.kind !== 'rparen') throw new QuerySyntaxError(`the parenthesis ${at(t)} is never closed`, 'add the closing ")" (or remove the "(")')
      k++
      return inner
    }
    if (t.kind === 'word' || t.kind === 'phrase') {
      k++
      return { type: 'term', text: t.text, phrase: t.kind === 'phrase' }
    }
    throw new QuerySyntaxError(`unexpected ${t.kind} ${at(t)}`)
  }

  const root = parseOr()
  if (k < toks.length) {
    const t = toks[k]!
    throw new QuerySyntaxError(`")" ${at(t)} has no matching "("`, 'remove it, or add the opening "("')
  }
  if (!hasPositive(root) && !onlyNegative(root))
    throw new QuerySyntaxError('every alternative must include something to find', 'add a term that is not excluded')
  return root
}

/** Whether the node requires some term to be present (it is not only exclusions). */
export function hasPositive(n: QueryNode): boolean {
  switch (n.type) {
    case 'term':
      return true
    case 'not':
      return false
    case 'and':
      return n.children.some(hasPositive)
    case 'or':
      return n.children.every(hasPositive)
  }
}

function onlyNegative(n: QueryNode): boolean {
  return n.type === 'not' || (n.type === 'and' && n.children.every((c) => c.type === 'not'))
}

/** The terms a matching row must or may hold (not those under NOT): what to highlight. */
export function positiveTerms(n: QueryNode, negated = false): Array<{ text: string; phrase: boolean }> {
  switch (n.type) {
    case 'term':
      return negated ? [] : [{ text: n.text, phrase: n.phrase }]
    case 'not':
      return positiveTerms(n.child, !negated)
    default:
      return n.children.flatMap((c) => positiveTerms(c, negated))
  }
}

/** The query written back in canonical form (for messages and tests). */
export function formatQuery(n: QueryNode): string {
  switch (n.type) {
    case 'term':
      return n.phrase || /[\s()]/.test(n.text) || n.text === 'OR' || n.text === 'NOT' ? `"${n.text}"` : n.text
    case 'not':
      return `NOT ${n.child.type === 'term' ? formatQuery(n.child) : `(${formatQuery(n.child)})`}`
    case 'and':
      return n.children.map((c) => (c.type === 'or' ? `(${formatQuery(c)})` : formatQuery(c))).join(' ')
    case 'or':
      return n.children.map(formatQuery).join(' OR ')
  }
}
