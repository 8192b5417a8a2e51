import { describe, expect, it } from 'vitest'
import { formatQuery, parseQuery, positiveTerms, QuerySyntaxError } from '../../src/search/query.js'
import { UsageError, ExitCode } from '../../src/core/errors.js'

const t = (text: string, phrase = false) => ({ type: 'term', text, phrase })

describe('parseQuery', () => {
  it('a single term, and space-separated terms as AND', () => {
    expect(parseQuery('宝安')).toEqual(t('宝安'))
    expect(parseQuery('  宝安   城管 ')).toEqual({ type: 'and', children: [t('宝安'), t('城管')] })
    expect(parseQuery('宝安 AND 城管')).toEqual({ type: 'and', children: [t('宝安'), t('城管')] })
  })

  it('AND binds tighter than OR', () => {
    expect(parseQuery('a b OR c')).toEqual({ type: 'or', children: [{ type: 'and', children: [t('a'), t('b')] }, t('c')] })
    expect(parseQuery('a OR b c')).toEqual({ type: 'or', children: [t('a'), { type: 'and', children: [t('b'), t('c')] }] })
    expect(parseQuery('a OR b OR c')).toEqual({ type: 'or', children: [t('a'), t('b'), t('c')] })
    expect(formatQuery(parseQuery('a b OR c'))).toBe('a b OR c')
  })

  it('parentheses group', () => {
    expect(parseQuery('(宝安 OR 南山) 城管')).toEqual({ type: 'and', children: [{ type: 'or', children: [t('宝安'), t('南山')] }, t('城管')] })
    expect(formatQuery(parseQuery('（宝安 OR 南山）城管'))).toBe('(宝安 OR 南山) 城管')
  })

  it('NOT and -term exclude; NOT binds tightest', () => {
    expect(parseQuery('宝安 NOT 投诉')).toEqual({ type: 'and', children: [t('宝安'), { type: 'not', child: t('投诉') }] })
    expect(parseQuery('宝安 -投诉')).toEqual(parseQuery('宝安 NOT 投诉'))
    expect(parseQuery('a -b OR c')).toEqual({ type: 'or', children: [{ type: 'and', children: [t('a'), { type: 'not', child: t('b') }] }, t('c')] })
    expect(parseQuery('a NOT NOT b')).toEqual({ type: 'and', children: [t('a'), t('b')] })
    expect(parseQuery('a -"b c"')).toEqual({ type: 'and', children: [t('a'), { type: 'not', child: t('b c', true) }] })
    // A hyphen inside a word, a lone hyphen and lower-case operators are ordinary text.
    expect(parseQuery('covid-19')).toEqual(t('covid-19'))
    expect(parseQuery('a - b')).toEqual({ type: 'and', children: [t('a'), t('-'), t('b')] })
    expect(parseQuery('a or not b')).toEqual({ type: 'and', children: [t('a'), t('or'), t('not'), t('b')] })
  })

  it('only exclusions is allowed (filters narrow it), an OR with an excluded side is not', () => {
    expect(parseQuery('-广告')).toEqual({ type: 'not', child: t('广告') })
    expect(() => parseQuery('a OR -b')).toThrow(/every alternative must include something to find/)
  })

  it('quoted phrases are one term, ASCII and Chinese quotes', () => {
    expect(parseQuery('"地铁 3号线" 故障')).toEqual({ type: 'and', children: [t('地铁 3号线', true), t('故障')] })
    expect(parseQuery('“深圳 宝安”')).toEqual(t('深圳 宝安', true))
    expect(parseQuery('"OR"')).toEqual(t('OR', true))
    expect(positiveTerms(parseQuery('"a b" OR c -d'))).toEqual([
      { text: 'a b', phrase: true },
      { text: 'c', phrase: false },
    ])
  })

  const bad: Array<[string, RegExp]> = [
    ['', /the query is empty/],
    ['   ', /the query is empty/],
    ['NOT', /NOT at character 1 has no term after it/],
    ['宝安 NOT', /NOT at character 4 has no term after it/],
    ['宝安 -', /^bad search query: the query|has no term|empty/],
    ['"宝安 城管', /the quote at character 1 is never closed/],
    ['宝安 "城管', /the quote at character 4 is never closed/],
    ['""', /empty quotes/],
    ['OR 宝安', /OR at character 1 has no term before it/],
    ['宝安 OR', /OR at character 4 has no term after it/],
    ['宝安 OR OR 南山', /OR at character 4 has no term after it/],
    ['(宝安', /parenthesis at character 1 is never closed/],
    ['宝安)', /"\)" at character 3 has no matching "\("/],
    ['()', /empty or unopened parentheses/],
    ['NOT OR a', /NOT at character 1 has no term after it/],
  ]
  it.each(bad)('rejects %j with a one-line message naming what to fix', (q, re) => {
    let err: unknown
    try {
      parseQuery(q)
    } catch (e) {
      err = e
    }
    if (q === '宝安 -') {
      // A trailing lone '-' is punctuation, not an operator: it parses as a term.
      expect(err).toBeUndefined()
      return
    }
    expect(err).toBeInstanceOf(QuerySyntaxError)
    expect(err).toBeInstanceOf(UsageError)
    const e = err as QuerySyntaxError
    expect(e.exitCode).toBe(ExitCode.Usage)
    expect(e.message).toMatch(/^bad search query: /)
    expect(e.message).toMatch(re)
    expect(e.message).not.toContain('\n')
    expect(e.hint).toBeTruthy()
  })
})
