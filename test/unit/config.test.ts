/**
 * The configuration: the shipped template, defaults, validation messages (every problem at once,
 * with dotted path and YAML line), region resolution against the real gazetteer, file lookup
 * precedence, and the checked-in JSON Schema.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { loadConfig, locateConfig, parseConfigText, validateConfig } from '../../src/config/load.js'
import { configJsonSchema } from '../../src/config/json-schema.js'
import { isCronExpression } from '../../src/config/schema.js'
import { ConfigError, UsageError } from '../../src/core/errors.js'
import { gazetteerResolver } from '../../src/services/context.js'
import { REPO_ROOT, tmpDir } from '../helpers/cli.js'
import { BAD_CONFIG } from '../helpers/fixtures.js'

const TEMPLATE_FILE = path.join(REPO_ROOT, 'config', 'yuqing.template.yaml')
const SCHEMA_FILE = path.join(REPO_ROOT, 'config', 'yuqing.schema.json')

const parse = (text: string, file?: string) => parseConfigText(text, { file, resolveRegion: gazetteerResolver })

/** The ConfigError thrown for `text` (fails the test when none is thrown). */
function configError(text: string, file?: string): ConfigError {
  try {
    parse(text, file)
  } catch (err) {
    if (err instanceof ConfigError) return err
    throw err
  }
  throw new Error(`expected a ConfigError for:\n${text}`)
}

/** Issues as { path: message }. */
function issuesOf(text: string): Record<string, string> {
  const e = configError(text)
  const out: Record<string, string> = {}
  for (const i of e.issues) {
    expect(out[i.path], `two issues for ${i.path}`).toBeUndefined()
    out[i.path] = i.message
  }
  return out
}

// ------------------------------------------------------------------ "every key commented" checker

/** Every property name anywhere in a JSON Schema. */
function schemaKeyNames(schema: unknown, acc = new Set<string>()): Set<string> {
  if (Array.isArray(schema)) for (const s of schema) schemaKeyNames(s, acc)
  else if (schema && typeof schema === 'object') {
    for (const [k, v] of Object.entries(schema)) {
      if (k === 'properties' && v && typeof v === 'object') for (const name of Object.keys(v)) acc.add(name)
      schemaKeyNames(v, acc)
    }
  }
  return acc
}

const KEY_LINE = /^(\s*)(?:-\s+)?([A-Za-z_][\w-]*|"[^"]*"|'[^']*')\s*:(?:\s|$)/
const COMMENT_LINE = /^(\s*)#(.*)$/
const COMMENTED_OUT_KEY = /^\s*(?:-\s+)?([A-Za-z_][\w-]*)\s*:(?:\s|$)/

function hasTrailingComment(line: string): boolean {
  const unquoted = line.replace(/"(?:[^"\\]|\\.)*"|'(?:[^']|'')*'/g, '""')
  return /\s#/.test(unquoted)
}

/**
 * Key lines (not commented out) that have no explanatory comment: neither a trailing `# …` nor a
 * comment line directly above at the key's own indentation (the contiguous comment block above
 * must contain at least one line that is not merely a commented-out config key such as
 * `# credentialsFile: x`).
 */
function undocumentedKeyLines(text: string, configKeys: Set<string>): { keyLines: number; missing: string[] } {
  const lines = text.split('\n')
  const missing: string[] = []
  let keyLines = 0
  lines.forEach((line, i) => {
    if (COMMENT_LINE.test(line)) return
    const m = KEY_LINE.exec(line)
    if (!m) return
    keyLines++
    if (hasTrailingComment(line)) return
    const indent = m[1]!.length
    let documented = false
    for (let j = i - 1; j >= 0; j--) {
      const c = COMMENT_LINE.exec(lines[j]!)
      if (!c || c[1]!.length !== indent) break
      const k = COMMENTED_OUT_KEY.exec(c[2]!)
      if (!(k && configKeys.has(k[1]!))) documented = true
    }
    if (!documented) missing.push(`line ${i + 1}: ${line.trim()}`)
  })
  return { keyLines, missing }
}

const CONFIG_KEYS = schemaKeyNames(configJsonSchema())

describe('the comment checker itself', () => {
  it('flags uncommented keys, keys under a deeper or shallower comment, and keys preceded only by commented-out config', () => {
    const sample = [
      '# The database.', // documents database
      'database:',
      '  path: x.db', // no comment
      'sources:', // the comment above is a blank line away: no comment
      '  weibo:',
      '    # credentialsFile: secret', // commented-out key only
      '    enabled: true',
      '    # Pages.',
      '    maxPages: 3',
      '    hotComments: 0 # trailing comment',
      '      # deeper comment',
      '    baseUrls: {}',
    ].join('\n')
    const { keyLines, missing } = undocumentedKeyLines(sample, CONFIG_KEYS)
    expect(keyLines).toBe(8)
    expect(missing).toEqual(['line 3: path: x.db', 'line 4: sources:', 'line 5: weibo:', 'line 7: enabled: true', 'line 12: baseUrls: {}'])
  })
})

// ------------------------------------------------------------------ the shipped template

describe('config/yuqing.template.yaml', () => {
  const text = readFileSync(TEMPLATE_FILE, 'utf8')

  it('parses and watches 宝安区 440306', () => {
    const { config, regions } = parse(text, TEMPLATE_FILE)
    expect(regions).toHaveLength(1)
    expect(regions[0]).toMatchObject({ code: '440306', name: '宝安区', prefecture: '深圳市', province: '广东省', aliases: ['宝安'] })
    expect(regions[0]!.officialAccounts).toEqual([{ platform: 'weibo', name: '深圳宝安发布' }])
    expect(config.regions[0]!.code).toBe('440306')
  })

  it('comments every key (on the line itself or directly above)', () => {
    const { keyLines, missing } = undocumentedKeyLines(text, CONFIG_KEYS)
    expect(keyLines).toBeGreaterThan(100) // the checker really looked at the file
    expect(missing).toEqual([])
  })

  it('shows the built-in defaults (apart from the example region)', () => {
    const fromTemplate = parse(text).config
    const defaults = parse('').config
    expect({ ...fromTemplate, regions: [] }).toEqual(defaults)
  })

  it('points editors at the schema file written next to it', () => {
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=./yuqing.schema.json')
  })
})

// ------------------------------------------------------------------ defaults

describe('defaults', () => {
  it('empty text gives the built-in defaults', () => {
    const { config, regions } = parse('')
    expect(regions).toEqual([])
    expect(config.regions).toEqual([])
    expect(config.report.timezone).toBe('Asia/Shanghai')
    expect(config.report.outputDir).toBe('reports')
    expect(config.schedule.timezone).toBe('Asia/Shanghai')
    expect(config.database.path).toBe('data/yuqing.db')
    const w = config.index.weights
    expect(w).toEqual({ visibility: 0.3, favourability: 0.4, risk: 0.2, responsiveness: 0.1 })
    expect(w.visibility + w.favourability + w.risk + w.responsiveness).toBeCloseTo(1, 9)
    expect(config.index.scaling).toBe('minmax')
    expect(config.schedule.jobs.find((j) => j.name === 'daily-report')).toEqual({
      name: 'daily-report',
      task: 'report-daily',
      cron: '30 7 * * *',
      enabled: true,
      jitterSeconds: 0,
      timeoutMinutes: 30,
    })
    expect(config.sources.weibo.rateLimit).toEqual({
      concurrency: 1,
      minIntervalMs: 3000,
      jitterMs: 1500,
      restEvery: 50,
      restMs: 60000,
      maxRetries: 3,
      timeoutMs: 20000,
    })
    expect(config.sources['weibo-search'].enabled).toBe(false)
  })

  it('a file of comments only, and an empty object, give the same defaults', () => {
    const defaults = parse('').config
    expect(parse('# nothing here\n\n').config).toEqual(defaults)
    expect(validateConfig({}).config).toEqual(defaults)
  })

  it('a partial section keeps the defaults of its other keys', () => {
    const { config } = parse('sources:\n  weibo:\n    rateLimit:\n      concurrency: 2\n')
    expect(config.sources.weibo.rateLimit.concurrency).toBe(2)
    expect(config.sources.weibo.rateLimit.minIntervalMs).toBe(3000)
    expect(config.sources.weibo.baseUrls.api).toBe('https://m.weibo.cn')
    expect(config.sources.news.engines).toEqual(['baidu', 'sogou', 'so360'])
  })
})

// ------------------------------------------------------------------ every problem at once


describe('validation reports every problem at once', () => {
  it('one ConfigError lists the wrong type, the unknown region and the unknown key, each with path and line', () => {
    const e = configError(BAD_CONFIG, 'bad.yaml')
    expect(e).toBeInstanceOf(ConfigError)
    expect(e.exitCode).toBe(2)
    expect(e.file).toBe('bad.yaml')
    expect(e.message).toBe('3 problems in the configuration in bad.yaml')
    const byPath = Object.fromEntries(e.issues.map((i) => [i.path, i.message]))
    expect(Object.keys(byPath).sort()).toEqual(['regions[0].name', 'sources.weibo.rateLimit.concurrency', 'sources.weibo.ratelimit'])
    expect(byPath['sources.weibo.rateLimit.concurrency']).toMatch(/^expected a whole number, got "fast" \(line 8\)$/)
    expect(byPath['regions[0].name']).toMatch(/^unknown region "宝按区"; did you mean .+\? \(line 2\)$/)
    expect(byPath['sources.weibo.ratelimit']).toBe(
      'unknown key (did you mean "rateLimit"?); allowed here: enabled, rateLimit, credentialsFile, baseUrls, maxPages, hotComments (line 5)',
    )
  })

  it('an unknown top-level key suggests the close match and lists the sections', () => {
    const issues = issuesOf('regoins:\n  - code: "440306"\n')
    expect(issues).toEqual({
      regoins: 'unknown key (did you mean "regions"?); allowed here: database, regions, topics, sources, schedule, alerts, index, report, nlp (line 1)',
    })
  })

  it('an unknown key inside a list item names the item', () => {
    const issues = issuesOf('schedule:\n  jobs:\n    - name: x\n      task: crawl\n      cronn: "30 7 * * *"\n')
    expect(Object.keys(issues)).toContain('schedule.jobs[0].cronn')
    expect(issues['schedule.jobs[0].cronn']).toMatch(/^unknown key \(did you mean "cron"\?\); allowed here: name, task, cron, .*\(line 5\)$/)
  })

  it('an unknown key without a close match lists the allowed keys only', () => {
    const issues = issuesOf('report:\n  colour: blue\n')
    expect(issues).toEqual({ 'report.colour': 'unknown key; allowed here: timezone, outputDir, formats (line 2)' })
  })

  it('a document that is not a mapping', () => {
    expect(issuesOf('- 1\n- 2\n')).toEqual({ '(top level)': 'the config must be a YAML mapping of sections (regions:, sources:, …)' })
  })
})

// ------------------------------------------------------------------ regions

describe('watched regions against the gazetteer', () => {
  it('an ambiguous name without a code names both units', () => {
    const issues = issuesOf('regions:\n  - name: 南山区\n')
    expect(Object.keys(issues)).toEqual(['regions[0].name'])
    const msg = issues['regions[0].name']!
    expect(msg).toContain('ambiguous')
    expect(msg).toContain('440305')
    expect(msg).toContain('230404')
    expect(msg).toMatch(/\(line 2\)$/)
  })

  it('a prefecture-qualified name resolves', () => {
    const { regions } = parse('regions:\n  - name: 深圳市南山区\n')
    expect(regions).toHaveLength(1)
    expect(regions[0]).toMatchObject({ code: '440305', name: '南山区', prefecture: '深圳市', province: '广东省' })
  })

  it('an ambiguous name with its code resolves', () => {
    const { regions } = parse('regions:\n  - code: "230404"\n    name: 南山区\n')
    expect(regions[0]).toMatchObject({ code: '230404', name: '南山区', prefecture: '鹤岗市', province: '黑龙江省' })
  })

  it('a code alone fills in the name', () => {
    const { regions } = parse('regions:\n  - code: "440306"\n')
    expect(regions[0]).toMatchObject({ code: '440306', name: '宝安区', prefecture: '深圳市' })
  })

  it('a code with a name of another unit is a problem', () => {
    const issues = issuesOf('regions:\n  - code: "440306"\n    name: 南山区\n')
    expect(Object.keys(issues)).toEqual(['regions[0].name'])
    expect(issues['regions[0].name']).toContain('"南山区" is not the name of 深圳市宝安区 (440306)')
    expect(issues['regions[0].name']).toContain('宝安区')
    expect(issues['regions[0].name']).toMatch(/\(line 3\)$/)
  })

  it('a former name resolves to the current unit (沙县 → 沙县区 350405)', () => {
    const { regions } = parse('regions:\n  - name: 沙县\n')
    expect(regions[0]).toMatchObject({ code: '350405', name: '沙县区', prefecture: '三明市', province: '福建省' })
  })

  it('an unknown code and a malformed code', () => {
    expect(issuesOf('regions:\n  - code: "999999"\n')).toEqual({
      'regions[0].code': 'unknown division code 999999; look it up with `yuqing regions search NAME` (line 2)',
    })
    const issues = issuesOf('regions:\n  - code: "44030"\n')
    expect(issues['regions[0].code']).toBe('must be a 6-digit division code such as 440306; got "44030" (line 2)')
  })

  it('a region with neither code nor name', () => {
    const issues = issuesOf('regions:\n  - aliases: [x]\n')
    expect(Object.keys(issues)).toEqual(['regions[0]'])
    expect(issues['regions[0]']).toMatch(/^needs a code or a name/)
  })

  it('problems in several regions are all reported, each with its index', () => {
    const issues = issuesOf('regions:\n  - name: 宝安区\n  - name: 南山区\n  - name: 不存在的区名字\n')
    expect(Object.keys(issues).sort()).toEqual(['regions[1].name', 'regions[2].name'])
    expect(issues['regions[1].name']).toMatch(/\(line 3\)$/)
    expect(issues['regions[2].name']).toMatch(/^unknown region "不存在的区名字"/)
  })
})

// ------------------------------------------------------------------ individual messages

describe('messages for bad values', () => {
  it('an enum value', () => {
    expect(issuesOf('index:\n  scaling: foo\n')).toEqual({
      'index.scaling': 'must be one of "minmax", "percentile", "tscore"; got "foo" (line 2)',
    })
  })

  it('a cron expression that is not one', () => {
    expect(issuesOf('schedule:\n  jobs:\n    - name: x\n      task: crawl\n      cron: every day\n')).toEqual({
      'schedule.jobs[0].cron': 'must be a cron expression with 5 fields (min hour day month weekday), e.g. "30 7 * * *"; got "every day" (line 5)',
    })
    expect(isCronExpression('30 7 * * *')).toBe(true)
    expect(isCronExpression('*/30 * * * *')).toBe(true)
    expect(isCronExpression('0 8 * * 1')).toBe(true)
    expect(isCronExpression('1 2 3 4 5 6 7')).toBe(false)
  })

  it('a cron expression with out-of-range fields (hour 25, minute 61, month 13)', () => {
    // node-cron rejects these; the config check should too, not the worker at run time.
    expect(isCronExpression('30 25 * * *')).toBe(false)
    expect(isCronExpression('61 * * * *')).toBe(false)
    expect(isCronExpression('0 8 1 13 *')).toBe(false)
    const issues = issuesOf('schedule:\n  jobs:\n    - name: x\n      task: crawl\n      cron: "30 25 * * *"\n')
    expect(Object.keys(issues)).toEqual(['schedule.jobs[0].cron'])
  })

  it('a time zone', () => {
    expect(issuesOf('report:\n  timezone: Mars/Olympus\nschedule:\n  timezone: CST+8\n')).toEqual({
      'report.timezone': 'must be an IANA time zone such as Asia/Shanghai; got "Mars/Olympus" (line 2)',
      'schedule.timezone': 'must be an IANA time zone such as Asia/Shanghai; got "CST+8" (line 4)',
    })
  })

  it('index weights that do not sum to 1', () => {
    const issues = issuesOf('index:\n  weights:\n    visibility: 0.5\n')
    expect(Object.keys(issues)).toEqual(['index.weights'])
    expect(issues['index.weights']).toMatch(/^weights must sum to 1.*\(line 2\)$/)
    // A different split that does sum to 1 is fine (floating point included).
    const { config } = parse('index:\n  weights: { visibility: 0.1, favourability: 0.2, risk: 0.3, responsiveness: 0.4 }\n')
    expect(config.index.weights.responsiveness).toBe(0.4)
  })

  it('a base URL that is not an http(s) URL', () => {
    expect(issuesOf('sources:\n  weibo:\n    baseUrls:\n      api: not a url\n')).toEqual({
      'sources.weibo.baseUrls.api': 'must be an http(s) URL; got "not a url" (line 4)',
    })
    expect(issuesOf('sources:\n  weibo:\n    baseUrls:\n      api: ftp://example.com\n')).toEqual({
      'sources.weibo.baseUrls.api': 'must be an http(s) URL; got "ftp://example.com" (line 4)',
    })
    expect(parse('sources:\n  weibo:\n    baseUrls:\n      api: http://127.0.0.1:8080\n').config.sources.weibo.baseUrls.api).toBe('http://127.0.0.1:8080')
  })

  it('an alert channel of an unknown type names the allowed types and the value given', () => {
    const issues = issuesOf('alerts:\n  channels:\n    - type: slack\n      webhook: https://hooks.example.com/x\n')
    expect(Object.keys(issues)).toEqual(['alerts.channels[0].type'])
    const msg = issues['alerts.channels[0].type']!
    for (const t of ['wecom', 'dingtalk', 'feishu', 'webhook', 'email']) expect(msg).toContain(`"${t}"`)
    expect(msg).toBe('must have type one of "wecom", "dingtalk", "feishu", "webhook", "email"; got "slack" (line 3)')
  })

  it('an alert channel without a type', () => {
    const issues = issuesOf('alerts:\n  channels:\n    - webhook: https://hooks.example.com/x\n')
    expect(Object.keys(issues)).toEqual(['alerts.channels[0].type'])
    expect(issues['alerts.channels[0].type']).toMatch(/^must have type one of .*; got nothing/)
  })

  it('a number out of range', () => {
    expect(issuesOf('sources:\n  weibo:\n    rateLimit:\n      concurrency: 0\n')).toEqual({
      'sources.weibo.rateLimit.concurrency': 'value must be ≥ 1; got 0 (line 4)',
    })
  })

  it('a YAML syntax error is reported as such, with a hint', () => {
    const e = configError('index:\n  scaling: minmax\nindex:\n  windowDays: 7\n')
    expect(e.hint).toBe('fix the YAML syntax (indentation, quotes, colons)')
    expect(e.issues).toHaveLength(1)
    expect(e.issues[0]!.message).toMatch(/^YAML syntax: Map keys must be unique/)
    // Only the first line of the parser's message (no multi-line excerpt).
    expect(e.issues[0]!.message).not.toContain('\n')
  })

  it('a YAML syntax error says on which line it is', () => {
    // The duplicate key is on line 3; a tab indent on line 2.
    const dup = configError('index:\n  scaling: minmax\nindex:\n  windowDays: 7\n').issues[0]!
    expect(`${dup.path}: ${dup.message}`).toMatch(/\bline 3\b/)
    const tab = configError('index:\n\tscaling: minmax\n').issues[0]!
    expect(`${tab.path}: ${tab.message}`).toMatch(/\bline 2\b/)
  })
})

// ------------------------------------------------------------------ where the config and database come from

describe('lookup precedence', () => {
  let ws: { dir: string; cleanup: () => void }
  let cwd: string
  let empty: string
  let fileA: string
  let fileB: string
  let fileC: string
  beforeAll(() => {
    ws = tmpDir()
    cwd = path.join(ws.dir, 'cwd')
    empty = path.join(ws.dir, 'empty')
    for (const d of ['a', 'b', 'cwd', 'empty']) mkdirSync(path.join(ws.dir, d))
    fileA = path.join(ws.dir, 'a', 'a.yaml')
    fileB = path.join(ws.dir, 'b', 'b.yaml')
    fileC = path.join(cwd, 'yuqing.yaml')
    writeFileSync(fileA, 'database:\n  path: a.db\nreport:\n  outputDir: from-a\n')
    writeFileSync(fileB, 'database:\n  path: sub/b.db\nreport:\n  outputDir: from-b\n')
    writeFileSync(fileC, 'report:\n  outputDir: from-cwd\n')
  })
  afterAll(() => ws.cleanup())

  it('--config beats YUQING_CONFIG', () => {
    const l = loadConfig({ configFlag: '../a/a.yaml', env: { YUQING_CONFIG: fileB }, cwd })
    expect(l.file).toBe(fileA)
    expect(l.config.report.outputDir).toBe('from-a')
    expect(l.baseDir).toBe(path.dirname(fileA))
  })

  it('YUQING_CONFIG beats ./yuqing.yaml (and is resolved against the working directory)', () => {
    const l = loadConfig({ env: { YUQING_CONFIG: '../b/b.yaml' }, cwd })
    expect(l.file).toBe(fileB)
    expect(l.config.report.outputDir).toBe('from-b')
  })

  it('./yuqing.yaml beats the built-in defaults', () => {
    expect(locateConfig({ env: {}, cwd })).toBe(fileC)
    expect(loadConfig({ env: {}, cwd }).config.report.outputDir).toBe('from-cwd')
  })

  it('without any file: built-in defaults, database under the working directory', () => {
    const l = loadConfig({ env: {}, cwd: empty })
    expect(l.file).toBeNull()
    expect(l.baseDir).toBe(empty)
    expect(l.config.report.outputDir).toBe('reports')
    expect(l.dbPath).toBe(path.join(empty, 'data', 'yuqing.db'))
  })

  it('database.path is relative to the config file, not the working directory', () => {
    expect(loadConfig({ configFlag: fileA, env: {}, cwd }).dbPath).toBe(path.join(ws.dir, 'a', 'a.db'))
    expect(loadConfig({ env: { YUQING_CONFIG: fileB }, cwd }).dbPath).toBe(path.join(ws.dir, 'b', 'sub', 'b.db'))
    expect(loadConfig({ env: {}, cwd }).dbPath).toBe(path.join(cwd, 'data', 'yuqing.db'))
  })

  it('--db beats YUQING_DB beats database.path; both are relative to the working directory', () => {
    expect(loadConfig({ configFlag: fileA, dbFlag: 'flag.db', env: { YUQING_DB: 'env.db' }, cwd }).dbPath).toBe(path.join(cwd, 'flag.db'))
    expect(loadConfig({ configFlag: fileA, env: { YUQING_DB: 'env.db' }, cwd }).dbPath).toBe(path.join(cwd, 'env.db'))
    expect(loadConfig({ configFlag: fileA, env: { YUQING_DB: '/abs/env.db' }, cwd }).dbPath).toBe('/abs/env.db')
    expect(loadConfig({ configFlag: fileA, dbFlag: ':memory:', env: {}, cwd }).dbPath).toBe(':memory:')
  })

  it('a missing --config file is a usage error, even when ./yuqing.yaml exists', () => {
    let err: unknown
    try {
      loadConfig({ configFlag: 'missing.yaml', env: {}, cwd })
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(UsageError)
    expect((err as UsageError).exitCode).toBe(2)
    expect((err as UsageError).message).toBe(`config file not found: ${path.join(cwd, 'missing.yaml')} (from --config)`)
    expect((err as UsageError).hint).toBeTruthy()
  })

  it('a missing YUQING_CONFIG file is a usage error naming the variable', () => {
    let err: unknown
    try {
      locateConfig({ env: { YUQING_CONFIG: '/nonexistent/yuqing.yaml' }, cwd })
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(UsageError)
    expect((err as UsageError).message).toBe('config file not found: /nonexistent/yuqing.yaml (from YUQING_CONFIG)')
  })

  it('a config file with problems names the file', () => {
    const bad = path.join(ws.dir, 'b', 'bad.yaml')
    writeFileSync(bad, BAD_CONFIG)
    let err: unknown
    try {
      loadConfig({ configFlag: bad, env: {}, cwd, resolveRegion: gazetteerResolver })
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(ConfigError)
    expect((err as ConfigError).file).toBe(bad)
    expect((err as ConfigError).message).toBe(`3 problems in the configuration in ${bad}`)
  })
})

// ------------------------------------------------------------------ the generated JSON Schema

describe('config/yuqing.schema.json', () => {
  it('is what configJsonSchema() generates now (run `npm run gen:schema` after a schema change)', () => {
    const onDisk = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as unknown
    expect(onDisk).toEqual(configJsonSchema())
  })

  it('describes the sections and rejects unknown keys, like the zod schema', () => {
    const s = configJsonSchema() as { properties: Record<string, unknown>; additionalProperties?: unknown; title?: string }
    expect(Object.keys(s.properties)).toEqual(['database', 'regions', 'topics', 'sources', 'schedule', 'alerts', 'index', 'report', 'nlp'])
    expect(s.additionalProperties).toBe(false)
    expect(s.title).toBe('yuqing.yaml')
  })
})
