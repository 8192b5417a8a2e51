/**
 * Full-text index choice for Chinese text: measures the candidate FTS5 designs against each other.
 *
 *   npx tsx bench/fts-choice.ts [--rows N] [--seed S] [--reps R] [--keep] [--no-fuzz]
 *
 * Variants (each in its own temp-dir SQLite file, WAL, synchronous=NORMAL, a `docs` table holding
 * the raw title/text like `mentions`, plus the index; batches of 5,000 rows per transaction):
 *   like-scan        no index: `(title||' '||text) LIKE '%t%'` over the raw content (baseline)
 *   trigram+like     FTS5 trigram, contentless; MATCH for terms of >= 3 chars, LIKE over the raw
 *                    content for 1–2 char terms
 *   trigram-like     FTS5 trigram with its own (normalised) content; `col LIKE '%t%'` on the FTS
 *                    table (index used for >= 3 chars, scan of the FTS content below that)
 *   jieba-phrase     FTS5 unicode61 over nodejieba.cutForSearch tokens; query = cut(term) as a phrase
 *   jieba-and        same index; query = every token of cut(term), AND-ed (no adjacency)
 *   bigram           the v1 design (migration 1): FTS5 unicode61, detail=full, over indexTokens()
 *                    (src/store/fts-tokens.ts); query = each term's compileTerm() tokens as one
 *                    positional phrase "t1 t2 …" (then ` *` when the term is a prefix), AND-ed
 *   bigram-none      the chosen design, exactly as migrations.ts v2 creates it: FTS5 ascii,
 *                    detail=none, contentless_delete, over indexTokens(); query = MATCH
 *                    compilePlainQuery(q).match and, when some term has several tokens, a join to
 *                    docs keeping the candidates that adjacencyFilterSql() accepts: instr() on the
 *                    raw text for Han-only terms, else yq_terms_hold(title, text, terms) (adjacency
 *                    checked on the stored text, as SqliteStore.searchIds does)
 *
 * Ground truth: a document matches a query when every whitespace-separated term (quoted phrases
 * kept together, as compilePlainQuery splits) occurs as a substring of
 * normaliseForIndex(title + ' ' + text) (NFKC, lower case, zero-width characters removed) —
 * i.e. `instr(norm(title || ' ' || text), norm(term)) > 0`. Latin/digit terms are also scored
 * against whole-word truth (the term not adjoined by another letter/digit), since token indexes
 * match words, not substrings.
 *
 * Unless --no-fuzz: a correctness fuzz of src/store/fts-tokens.ts against the same substring /
 * whole-word truth, on small in-memory indexes: the chosen design (v2 DDL, indexTokens,
 * compilePlainQuery().match, candidates filtered by yq_terms_hold) and the v1 detail=full
 * phrase form of the same tokens.
 *
 * Output: a table on stdout and the same figures in bench/out/fts-choice.json.
 */
import Database from 'better-sqlite3'
import nodejieba from 'nodejieba'
import { parse } from 'csv-parse/sync'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { adjacencyFilterSql, compilePlainQuery, compileTerm, indexTokens, normaliseForIndex, termsHoldFunction, type CompiledTerm } from '../src/store/fts-tokens.js'
import { prng } from '../test/helpers/generate.js'

type DB = Database.Database

// ---------------------------------------------------------------------------------------------
// Arguments
// ---------------------------------------------------------------------------------------------
function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name)
  if (i >= 0) return process.argv[i + 1]
  const eq = process.argv.find((a) => a.startsWith(name + '='))
  return eq ? eq.slice(name.length + 1) : undefined
}
const ROWS = Number(argValue('--rows') ?? 200_000)
const SEED = Number(argValue('--seed') ?? 20240607)
const REPS = Number(argValue('--reps') ?? 5)
const KEEP = process.argv.includes('--keep')
const FUZZ = !process.argv.includes('--no-fuzz')
const BATCH = 5_000
if (!Number.isInteger(ROWS) || ROWS < 100) throw new Error('--rows must be an integer >= 100')

const HERE = path.dirname(fileURLToPath(import.meta.url))
const OUT_DIR = path.join(HERE, 'out')
// ../shared beside the project, as in CI; absent → generated text only (with a printed reason).
const CORPORA_DIR = fileURLToPath(new URL('../../shared/corpora', import.meta.url))

const rnd = prng(SEED)
const int = (lo: number, hi: number): number => lo + Math.floor(rnd() * (hi - lo + 1))
const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)]!
const chance = (p: number): boolean => rnd() < p

// ---------------------------------------------------------------------------------------------
// Corpus
// ---------------------------------------------------------------------------------------------
const VOCAB: Record<string, readonly string[]> = {
  D: ['宝安区', '宝安', '宝安', '南山区', '南山', '龙华区', '龙华', '福田区', '福田', '罗湖区', '龙岗区', '龙岗', '光明区', '坪山区', '盐田区', '大鹏新区', '前海', '深圳', '深圳', '深圳市', '东莞', '广州'],
  P: ['西乡街道', '新安街道', '沙井', '福永', '松岗', '石岩', '民治', '观澜', '科技园', '深圳湾', '宝安机场', '宝安中心', '后海', '华强北', '蛇口', '大学城', '前海湾', '西丽', '坂田', '布吉', '南山区科技园', '宝安区人民医院'],
  W2: ['医院', '地铁', '学校', '城管', '拆迁', '投诉', '暴雨', '停水', '停电', '堵车', '噪音', '物业', '房价', '疫情', '台风', '积水', '交警', '小区', '业主', '商铺', '外卖', '快递', '公交', '工地', '环保', '垃圾', '油价', '工资', '学位', '高速'],
  W34: ['人民医院', '地铁站', '城中村', '旧改项目', '交通事故', '垃圾分类', '学位房', '业主维权', '消防通道', '燃气泄漏', '幼儿园', '高架桥', '停车场', '派出所', '居委会', '社康中心', '核酸检测', '地铁口', '保障房', '人才公寓', '积水路段'],
  L: ['iPhone15', 'iPhone 15 Pro', 'iphone15发布会', '5G', '5G网络', 'WiFi', 'ETC', 'APP', 'COVID-19', 'ＡＢＣ１２３', 'ＡＢＣ', 'Ｇ４', '５Ｇ', '华为Mate60', 'Mate60 Pro', 'PM2.5', 'B站', 'QQ群', '12345热线', 'iPad', 'GPS'],
  LINE: ['地铁11号线', '地铁1号线', '11号线', '5号线', '地铁12号线', '4号线', '地铁20号线'],
  ROAD: ['G4高速', 'G4京港澳高速', 'S358', 'G107国道', '沈海高速G15', '机荷高速'],
  U: ['@深圳交警', '@宝安发布', '@南山发布', '@深圳地铁', '@用户8848', '@小王同学', '@深圳新闻网', '@龙华发布', '@深圳天气'],
  T: ['#宝安暴雨#', '#深圳地铁#', '#南山房价#', '#龙华拆迁#', '#深圳天气#', '#iPhone15#', '#城管执法#', '#宝安-南山通勤#'],
  E: ['[哈哈]', '[怒]', '[泪]', '[doge]', '[赞]', '[吃瓜]', '[允悲]', '[微笑]', '[哈哈]'],
  EV: ['停运', '暴雨积水', '发生交通事故', '停水', '停电', '拆迁', '封路', '施工', '启动', '排查', '开通', '延误', '被投诉'],
  ADJ: ['离谱', '方便', '堵', '吵', '贵', '快', '差劲', '给力'],
  F: ['大家注意安全', '希望有关部门尽快处理', '真的太离谱了', '已经持续一周了', '市民反映强烈', '相关部门表示正在核实', '附近居民苦不堪言', '早高峰期间尤其严重', '目前已恢复正常', '网友纷纷留言点赞', '有图有真相', '求扩散', '出门记得带伞', '建议错峰出行', '详见网页链接', '哈哈哈哈哈', '投诉了也没用'],
  S: ['据深圳新闻网报道，', '记者从{D}住建局获悉，', '南方日报讯 ', '深圳特区报讯（记者 张伟）', '本报讯 ', '【{D}发布】', '央视新闻：'],
}
const WEIBO_TPL = [
  '{T}{D}{P}{W2}太{ADJ}了{E}',
  '有没有人知道{D}哪家{W2}比较靠谱？{E}',
  '{D}{P}附近的{W2}又{EV}了，{F}。',
  '今天在{D}{W34}门口排了{N}分钟队，{F}{E}',
  '//{U}:{F}{E}',
  '{U} {D}{P}{W2}问题反映了{N}次都没人管，{F}！',
  '刚买的{L}在{D}信号很差，{F}',
  '{T} {D}{W2}{W2}，{F}{E}{E}',
  '{D}{P}的{W34}什么时候{EV}？{U}',
  '坐{LINE}去{P}，{W2}里人挤人{E}',
  '{D}-{D}方向{W2}严重，{F}',
  '转发微博 //{U}:{D}{W2}{F}',
  '{D}的{W2}和{D}的{W2}比起来差远了{E}',
  '{ROAD}{D}段又堵了，{F}{E}',
  '{L}，{D}{W34}，{F}',
]
const NEWS_TPL = [
  '{S}{D}{P}{W34}{EV}，{F}。',
  '{S}{Y}年{M}月{DAY}日，{D}{W2}部门对{P}一带的{W34}开展专项整治，共出动执法人员{N}人次。',
  '{S}受{W2}影响，{LINE}部分区段{EV}，{F}。',
  '{D}{W34}项目预计{Y}年完工，届时{P}片区{W2}难问题将得到缓解。',
  '针对市民{W2}{D}{W34}的问题，{D}相关部门回应称正在核实。',
  '{S}有{L}用户在{D}反映{W2}问题，运营商表示5G基站正在加密建设。',
  '{ROAD}{D}段{EV}，请过往车辆注意绕行，具体以{U}发布为准。',
  '{D}{P}{W34}{N}号楼发生{W2}事件，{W2}部门已介入调查。',
]
const TITLE_TPL = ['{D}{W34}{EV}', '{D}：{P}{W2}问题引关注', '{T}', '{D}{Y}年{W2}{W34}工作通报', '{L}在{D}{EV}', '{ROAD}{EV}', '{LINE}{EV}']

function fill(tpl: string): string {
  let s = tpl
  for (let guard = 0; guard < 4 && s.includes('{'); guard++) {
    s = s.replace(/\{([A-Z0-9]+)\}/g, (_, k: string) => {
      if (k === 'N') return String(int(1, 300))
      if (k === 'Y') return String(int(2019, 2025))
      if (k === 'M') return String(int(1, 12))
      if (k === 'DAY') return String(int(1, 28))
      const v = VOCAB[k]
      return v ? pick(v) : k
    })
  }
  return s
}
const cp = (s: string): string[] => Array.from(s)
const clip = (s: string, n: number): string => {
  const a = cp(s)
  return a.length > n ? a.slice(0, n).join('') : s
}
const toFullWidth = (s: string): string => s.replace(/[A-Za-z0-9]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0))

interface Doc {
  title: string
  text: string
}

function loadRealTexts(): { texts: string[]; files: string[]; reason?: string } {
  let files: string[]
  try {
    files = fs.readdirSync(CORPORA_DIR).filter((f) => f.endsWith('.csv')).sort()
  } catch {
    return { texts: [], files: [], reason: `${CORPORA_DIR} not found` }
  }
  if (!files.length) return { texts: [], files: [], reason: `no *.csv in ${CORPORA_DIR}` }
  const seen = new Set<string>()
  for (const f of files) {
    const recs = parse(fs.readFileSync(path.join(CORPORA_DIR, f), 'utf8'), { columns: true, skip_empty_lines: true, relax_quotes: true }) as Array<Record<string, string>>
    if (!recs.length) continue
    const cols = Object.keys(recs[0]!)
    const col = cols.includes('text') ? 'text' : cols.reduce((a, b) => ((recs[0]![a] ?? '').length >= (recs[0]![b] ?? '').length ? a : b))
    for (const r of recs) {
      const t = (r[col] ?? '').trim()
      if (cp(t).length >= 8) seen.add(t)
    }
  }
  return { texts: [...seen], files }
}

function buildCorpus(n: number, real: string[]): { docs: Doc[]; stats: Record<string, number> } {
  const docs: Doc[] = []
  const kinds = { weibo: 0, news: 0, real: 0, realMixed: 0, zeroWidth: 0, fullWidth: 0 }
  for (let i = 0; i < n; i++) {
    const r = rnd()
    let title = ''
    let text = ''
    if (real.length && r < 0.3) {
      // A real post/review, sometimes with a generated local clause so it mentions a district.
      kinds.real++
      text = clip(pick(real), int(60, 260))
      if (chance(0.4)) text = chance(0.5) ? fill(pick(WEIBO_TPL)) + text : text + fill(pick(WEIBO_TPL))
    } else if (r < 0.72) {
      kinds.weibo++
      const target = int(30, 150)
      if (chance(0.15)) title = fill(pick(TITLE_TPL))
      while (cp(text).length < target) text += fill(pick(WEIBO_TPL))
      if (real.length && chance(0.25)) {
        kinds.realMixed++
        text += clip(pick(real), int(20, 80))
      }
    } else {
      kinds.news++
      const target = int(80, 300)
      title = fill(pick(TITLE_TPL))
      while (cp(text).length < target) text += fill(pick(NEWS_TPL))
      if (real.length && chance(0.2)) {
        kinds.realMixed++
        text += '网友评论：' + clip(pick(real), int(20, 80))
      }
    }
    text = clip(text, 300)
    if (cp(text).length < 30) text += fill(pick(VOCAB.F!)) + '，' + fill(pick(WEIBO_TPL))
    text = clip(text, 300)
    if (chance(0.02)) {
      kinds.fullWidth++
      text = text.replace(/[A-Za-z0-9]+/, toFullWidth)
    }
    if (chance(0.005) && text.includes('宝安')) {
      kinds.zeroWidth++
      text = text.replace('宝安', '宝\u200b安') // keyword-filter evasion seen on Weibo
    }
    docs.push({ title, text })
  }
  return { docs, stats: kinds }
}

// ---------------------------------------------------------------------------------------------
// Query set
// ---------------------------------------------------------------------------------------------
const QUERIES: string[] = [
  // 1-char CJK
  '宝', '雨', '医', '堵', '拆',
  // 2-char CJK
  '宝安', '南山', '龙华', '深圳', '医院', '地铁', '学校', '城管', '拆迁', '投诉', '暴雨', '安区', '山区', '哈哈', '高速', '号线', '发布',
  '塌方', '罢工', '火灾', '爆炸', '漏水', '霸凌', // rare in this corpus: what a LIKE scan pays for
  // 3-char CJK
  '宝安区', '南山区', '龙华区', '地铁站', '城中村', '深圳市', '学位房', '宝安机', '安区人', '救护车', '化工厂',
  // 4+ char CJK
  '人民医院', '交通事故', '宝安机场', '垃圾分类', '深圳市宝安区', '宝安区人民医院', '西乡街道', '业主维权', '南山区科技园', '食物中毒', '地面塌陷',
  // Latin / digits
  'iphone15', 'iphone', '5g', 'g4', 'wifi', 'abc123', 'etc', 'covid-19', 'pm2.5', 'mate60', 'qq',
  // mixed CJK + Latin/digits/markup in one term
  'g4高速', '11号线', '地铁11号线', '#宝安暴雨#', '@深圳交警', '[哈哈]', '华为mate60', '5g网络', '12345热线', 'b站', 'ＡＢＣ１２３', '宝安-南山', '3号楼',
  // several terms (all required)
  '宝安 暴雨', '南山区 投诉 地铁', '深圳 iphone15', '龙华 城管 拆迁', '宝 雨', '"深圳交警 宝安"',
]

const CJK_SRC = '\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}\\p{Script=Hangul}〇'
const CJK_RE = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}〇]/u
const splitTerms = (q: string): string[] => Array.from(q.matchAll(/"([^"]+)"|(\S+)/g), (m) => m[1] ?? m[2] ?? '')
function queryClass(q: string): string {
  const terms = splitTerms(q)
  if (terms.length > 1) return 'multi'
  const t = normaliseForIndex(terms[0]!)
  const chars = cp(t)
  if (chars.every((c) => CJK_RE.test(c))) return chars.length >= 4 ? 'cjk4+' : `cjk${chars.length}`
  if (!chars.some((c) => CJK_RE.test(c)) && /^[\p{L}\p{N}.\-]+$/u.test(t)) return 'latin'
  return 'mixed'
}
const CLASSES = ['cjk1', 'cjk2', 'cjk3', 'cjk4+', 'latin', 'mixed', 'multi']

// ---------------------------------------------------------------------------------------------
// Index builds
// ---------------------------------------------------------------------------------------------
const jiebaTokens = (s: string, search: boolean): string[] =>
  (search ? nodejieba.cutForSearch(s) : nodejieba.cut(s)).filter((t) => /[\p{L}\p{N}]/u.test(t))

interface Build {
  key: string
  describe: string
  ddl: string
  /** Index column values for one document (already normalised text is passed in). */
  row?: (title: string, text: string) => [string, string]
  /** Run on the connection after opening (SQL functions the queries need). */
  setup?: (db: DB) => void
}
const TRIGRAM_DDL = `CREATE VIRTUAL TABLE fts USING fts5(title, text, content='', contentless_delete=1, tokenize='trigram')`
const U61_DDL = `CREATE VIRTUAL TABLE fts USING fts5(title, text, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 0')`
/** The chosen index, as migrations.ts migration 2 creates mentions_fts. */
const V2_DDL = `CREATE VIRTUAL TABLE fts USING fts5(title, text, content='', contentless_delete=1, tokenize='ascii', detail=none)`

/**
 * yq_terms_hold(title, text, termsJson), as src/store/sqlite.ts registerFunctions defines it:
 * 1 when every compiled term (CompiledTerm[] as JSON) has its tokens adjacent in title or text.
 */
function registerTermsHold(db: DB): void {
  db.function('yq_terms_hold', { deterministic: true }, termsHoldFunction())
}

/**
 * The v1 query form (the old plainQueryToFts): each term's tokens as one positional phrase,
 * followed by ` *` when its last token is a prefix; terms AND-ed. Needs detail=full.
 */
function v1PhraseQuery(q: string): string | null {
  const terms = splitTerms(q).map(compileTerm).filter((t): t is CompiledTerm => t !== null)
  if (!terms.length) return null
  return terms.map((t) => `"${t.tokens.join(' ')}"${t.prefix ? ' *' : ''}`).join(' AND ')
}

/** The chosen design's query (SqliteStore.searchIds): MATCH, then adjacency on the candidates. */
function v2Query(q: string, title = 'd.title', text = 'd.text'): { match: string; filter: { sql: string; params: string[] } | null } | null {
  const c = compilePlainQuery(q)
  if (!c) return null
  return { match: c.match, filter: adjacencyFilterSql(c.terms, title, text) }
}
const BUILDS: Build[] = [
  { key: 'none', describe: 'no full-text index (docs table only)', ddl: '' },
  { key: 'trigram', describe: "fts5 trigram, contentless_delete, normalised title/text", ddl: TRIGRAM_DDL, row: (ti, te) => [normaliseForIndex(ti), normaliseForIndex(te)] },
  {
    key: 'trigram-content',
    describe: 'fts5 trigram storing its own normalised copy of title/text (LIKE needs content)',
    ddl: `CREATE VIRTUAL TABLE fts USING fts5(title, text, tokenize='trigram')`,
    row: (ti, te) => [normaliseForIndex(ti), normaliseForIndex(te)],
  },
  { key: 'jieba', describe: 'fts5 unicode61 over nodejieba.cutForSearch tokens', ddl: U61_DDL, row: (ti, te) => [jiebaTokens(normaliseForIndex(ti), true).join(' '), jiebaTokens(normaliseForIndex(te), true).join(' ')] },
  { key: 'bigram', describe: 'v1 design: fts5 unicode61, detail=full, over indexTokens() (src/store/fts-tokens.ts)', ddl: U61_DDL, row: (ti, te) => [indexTokens(ti), indexTokens(te)] },
  {
    key: 'bigram-none',
    describe: 'chosen design (migrations.ts v2): fts5 ascii, detail=none, contentless_delete, over indexTokens(); yq_terms_hold registered',
    ddl: V2_DDL,
    row: (ti, te) => [indexTokens(ti), indexTokens(te)],
    setup: registerTermsHold,
  },
]

interface BuildResult {
  key: string
  describe: string
  file: string
  db: DB
  ingestS: number
  tokeniseS: number
  rowsPerS: number
  dbMB: number
  indexMB: number
  docsMB: number
}

function openDb(file: string): DB {
  const db = new Database(file)
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = NORMAL')
  return db
}

function ingest(b: Build, docs: Doc[], dir: string): BuildResult {
  const file = path.join(dir, `${b.key}.db`)
  const db = openDb(file)
  b.setup?.(db)
  db.exec('CREATE TABLE docs (id INTEGER PRIMARY KEY, title TEXT, text TEXT)')
  if (b.ddl) db.exec(b.ddl)
  const insDoc = db.prepare('INSERT INTO docs (id, title, text) VALUES (?, ?, ?)')
  const insFts = b.ddl ? db.prepare('INSERT INTO fts (rowid, title, text) VALUES (?, ?, ?)') : null
  let tokNs = 0n
  const batch = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const d = docs[i]!
      insDoc.run(i + 1, d.title, d.text)
      if (insFts && b.row) {
        const t0 = process.hrtime.bigint()
        const [ti, te] = b.row(d.title, d.text)
        tokNs += process.hrtime.bigint() - t0
        insFts.run(i + 1, ti, te)
      }
    }
  })
  const t0 = process.hrtime.bigint()
  for (let i = 0; i < docs.length; i += BATCH) batch(i, Math.min(docs.length, i + BATCH))
  const ingestS = Number(process.hrtime.bigint() - t0) / 1e9
  db.pragma('wal_checkpoint(TRUNCATE)')
  const pg = (where: string): number => ((db.prepare(`SELECT COALESCE(SUM(pgsize), 0) AS n FROM dbstat WHERE ${where}`).get() as { n: number }).n / 1048576)
  const dbBytes = fs.statSync(file).size + (fs.existsSync(file + '-wal') ? fs.statSync(file + '-wal').size : 0)
  return {
    key: b.key,
    describe: b.describe,
    file,
    db,
    ingestS,
    tokeniseS: Number(tokNs) / 1e9,
    rowsPerS: docs.length / ingestS,
    dbMB: dbBytes / 1048576,
    indexMB: pg(`name LIKE 'fts%'`),
    docsMB: pg(`name = 'docs'`),
  }
}

// ---------------------------------------------------------------------------------------------
// Query strategies
// ---------------------------------------------------------------------------------------------
interface Plan {
  /** SQL for all matching ids; {LIMIT} marks where the latency variant appends ORDER BY/LIMIT. */
  sql: string
  params: string[]
  /** For reporting: the MATCH expression or LIKE patterns. */
  expr: string
}
interface Strategy {
  key: string
  build: string
  describe: string
  plan: (q: string) => Plan | null
  /** How a text is seen by the index, to explain misses. */
  view?: (s: string) => string
}
const likeEsc = (t: string): string => '%' + t.replace(/[\\%_]/g, '\\$&') + '%'
const RAW_BODY = `(d.title || ' ' || d.text)`
const ftsPhrase = (s: string): string => `"${s.replace(/"/g, '""')}"`

const STRATEGIES: Strategy[] = [
  {
    key: 'like-scan',
    build: 'none',
    describe: "LIKE '%t%' over raw title||' '||text, every term",
    plan: (q) => {
      const terms = splitTerms(q).map(normaliseForIndex).filter(Boolean)
      if (!terms.length) return null
      return { sql: `SELECT d.id FROM docs d WHERE ${terms.map(() => `${RAW_BODY} LIKE ? ESCAPE '\\'`).join(' AND ')}`, params: terms.map(likeEsc), expr: terms.map(likeEsc).join(' AND ') }
    },
  },
  {
    key: 'trigram+like',
    build: 'trigram',
    describe: 'trigram MATCH for terms >= 3 chars; LIKE over raw content for 1–2 char terms',
    plan: (q) => {
      const terms = splitTerms(q).map(normaliseForIndex).filter(Boolean)
      if (!terms.length) return null
      const long = terms.filter((t) => cp(t).length >= 3)
      const short = terms.filter((t) => cp(t).length < 3)
      const likes = short.map(() => `${RAW_BODY} LIKE ? ESCAPE '\\'`)
      if (!long.length) return { sql: `SELECT d.id FROM docs d WHERE ${likes.join(' AND ')}`, params: short.map(likeEsc), expr: 'LIKE ' + short.map(likeEsc).join(' AND ') }
      const match = long.map(ftsPhrase).join(' AND ')
      if (!short.length) return { sql: `SELECT fts.rowid AS id FROM fts WHERE fts MATCH ?`, params: [match], expr: match }
      return {
        sql: `SELECT d.id FROM fts JOIN docs d ON d.id = fts.rowid WHERE fts MATCH ? AND ${likes.join(' AND ')}`,
        params: [match, ...short.map(likeEsc)],
        expr: `${match} + LIKE ${short.map(likeEsc).join(' AND ')}`,
      }
    },
  },
  {
    key: 'trigram-like',
    build: 'trigram-content',
    describe: "(fts.title LIKE '%t%' OR fts.text LIKE '%t%') on the trigram table (index for >= 3 chars)",
    plan: (q) => {
      const terms = splitTerms(q).map(normaliseForIndex).filter(Boolean)
      if (!terms.length) return null
      // No ESCAPE clause: FTS5 only takes plain 2-argument LIKE; '%'/'_' are not in the query set.
      return {
        sql: `SELECT fts.rowid AS id FROM fts WHERE ${terms.map(() => `(fts.title LIKE ? OR fts.text LIKE ?)`).join(' AND ')}`,
        params: terms.flatMap((t) => [`%${t}%`, `%${t}%`]),
        expr: terms.map((t) => `LIKE %${t}%`).join(' AND '),
      }
    },
  },
  {
    key: 'jieba-phrase',
    build: 'jieba',
    describe: 'MATCH "cut(term)" as a phrase per term, AND-ed',
    plan: (q) => {
      const frags = splitTerms(q).map((t) => jiebaTokens(normaliseForIndex(t), false)).filter((a) => a.length).map((a) => ftsPhrase(a.join(' ')))
      if (!frags.length) return null
      const match = frags.join(' AND ')
      return { sql: `SELECT fts.rowid AS id FROM fts WHERE fts MATCH ?`, params: [match], expr: match }
    },
    view: (s) => jiebaTokens(normaliseForIndex(s), true).join(' '),
  },
  {
    key: 'jieba-and',
    build: 'jieba',
    describe: 'MATCH every token of cut(term), AND-ed (no adjacency)',
    plan: (q) => {
      const toks = splitTerms(q).flatMap((t) => jiebaTokens(normaliseForIndex(t), false))
      if (!toks.length) return null
      const match = [...new Set(toks)].map(ftsPhrase).join(' AND ')
      return { sql: `SELECT fts.rowid AS id FROM fts WHERE fts MATCH ?`, params: [match], expr: match }
    },
    view: (s) => jiebaTokens(normaliseForIndex(s), true).join(' '),
  },
  {
    key: 'bigram',
    build: 'bigram',
    describe: 'v1: MATCH each term\'s compileTerm() tokens as a phrase ("t1 t2 …" [*]), AND-ed',
    plan: (q) => {
      const match = v1PhraseQuery(q)
      return match ? { sql: `SELECT fts.rowid AS id FROM fts WHERE fts MATCH ?`, params: [match], expr: match } : null
    },
    view: (s) => indexTokens(s),
  },
  {
    key: 'bigram-none',
    build: 'bigram-none',
    describe: 'chosen: MATCH compilePlainQuery(q).match; adjacencyFilterSql on the candidates when a term has several tokens (instr() for Han terms, else yq_terms_hold; as SqliteStore.searchIds)',
    plan: (q) => {
      const c = v2Query(q)
      if (!c) return null
      // As searchIds: the index alone decides when every term is one token; otherwise join the
      // stored title/text and check adjacency there.
      if (!c.filter) return { sql: `SELECT fts.rowid AS id FROM fts WHERE fts MATCH ?`, params: [c.match], expr: c.match }
      return {
        sql: `SELECT fts.rowid AS id FROM fts JOIN docs d ON d.id = fts.rowid WHERE fts MATCH ? AND ${c.filter.sql}`,
        params: [c.match, ...c.filter.params],
        expr: `${c.match} + adjacency`,
      }
    },
    view: (s) => indexTokens(s),
  },
]

// ---------------------------------------------------------------------------------------------
// Measurement helpers
// ---------------------------------------------------------------------------------------------
const quantile = (xs: number[], q: number): number => {
  if (!xs.length) return NaN
  const s = [...xs].sort((a, b) => a - b)
  const pos = (s.length - 1) * q
  const lo = Math.floor(pos)
  const hi = Math.ceil(pos)
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo)
}
const median = (xs: number[]): number => quantile(xs, 0.5)
function timeMs(fn: () => unknown): number {
  const t0 = process.hrtime.bigint()
  fn()
  return Number(process.hrtime.bigint() - t0) / 1e6
}

interface QueryResult {
  query: string
  cls: string
  expr: string | null
  truth: number
  wordTruth?: number
  got: number
  tp: number
  fn: number
  fp: number
  wordFn?: number
  wordFp?: number
  limitMs: number
  countMs: number
  error?: string
  missExamples: string[]
  fpExamples: string[]
}

function snippetAround(body: string, term: string, width = 14): string {
  const i = body.indexOf(term)
  if (i < 0) return cp(body).slice(0, 2 * width).join('')
  const a = cp(body.slice(0, i))
  const b = cp(body.slice(i))
  return a.slice(-width).join('') + b.slice(0, cp(term).length + width).join('')
}

// ---------------------------------------------------------------------------------------------
// fts-tokens.ts correctness fuzz (small in-memory index, exact comparison with substring truth)
// ---------------------------------------------------------------------------------------------
interface FuzzReport {
  impl: string
  queries: number
  nullQueries: number
  syntaxErrors: Array<{ query: string; expr: string | null; error: string }>
  missesByKind: Record<string, number>
  /** Misses even under whole-word semantics for Latin/digit ends of a term: real bugs. */
  wordMissesByKind: Record<string, number>
  wordMissExamples: Array<{ query: string; expr: string | null; text: string; kind: string }>
  fpByKind: Record<string, number>
  missExamples: Array<{ query: string; expr: string | null; text: string; kind: string }>
  fpExamples: Array<{ query: string; expr: string | null; text: string; kind: string }>
}
function fuzz(): FuzzReport[] {
  const r = prng(SEED ^ 0x5eed)
  const pk = <T>(a: readonly T[]): T => a[Math.floor(r() * a.length)]!
  const atoms = ['宝', '安', '区', '南', '山', '号', '线', '高', '速', '地', '铁', '宝安', '南山区', '11号线', 'g4', 'G4', '5G', 'ＡＢＣ', '１２３', 'iPhone15', 'a', 'b', '3', '-', ' ', '"', '*', ':', '(', ')', '#', '@', '[', ']', '^', '+', '.', "'", '，', '。', '😀', '\u200b', 'AND', 'OR', 'NOT', 'NEAR', ' AND ', ' OR ', 'ー', 'カ', '𠮷', '〇', '年', '3月5日']
  const texts: string[] = []
  for (let i = 0; i < 400; i++) {
    let t = ''
    const n = 3 + Math.floor(r() * 10)
    for (let j = 0; j < n; j++) t += pk(atoms)
    texts.push(t)
  }
  const queries: string[] = []
  for (let i = 0; i < 2500; i++) {
    if (r() < 0.75) {
      const t = cp(pk(texts))
      const a = Math.floor(r() * t.length)
      const len = 1 + Math.floor(r() * 6)
      queries.push(t.slice(a, a + len).join(''))
    } else {
      let q = ''
      const n = 1 + Math.floor(r() * 4)
      for (let j = 0; j < n; j++) q += pk(atoms)
      queries.push(q)
    }
  }
  // Hand-written edge cases.
  queries.push('宝安 OR 南山', 'NOT 宝安', '宝安 AND', '"宝安', '宝安"', '""', '"', '*', '-', ':', '()', '(宝安)', 'title:宝安', '宝安*', '^宝安', '😀', '😀宝安', "宝安's", 'NEAR(宝安 南山)', '宝安-南山', '地铁11号线', '11号', '3号', 'g4高', '5g网', '𠮷', '\u200b')
  const normTexts = texts.map(normaliseForIndex)
  const kindOf = (term: string): string => {
    const t = normaliseForIndex(term)
    if (/[\p{L}\p{N}]/u.test(t) && [...t].some((c) => /[\p{L}\p{N}]/u.test(c) && !CJK_RE.test(c))) return 'has-latin/digit'
    if ([...t].every((c) => CJK_RE.test(c))) return 'cjk-only'
    return 'cjk+separators'
  }
  // Whole-word reading of a term: a Latin/digit character at either end must not be adjoined by
  // another Latin letter or digit in the text (CJK and punctuation are boundaries).
  const W = `(?:(?![${CJK_SRC}])[\\p{L}\\p{N}])`
  const isW = (c: string | undefined): boolean => !!c && /[\p{L}\p{N}]/u.test(c) && !CJK_RE.test(c)
  const wordRe = (term: string): RegExp => {
    const c = cp(term)
    const esc = term.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    return new RegExp((isW(c[0]) ? `(?<!${W})` : '') + esc + (isW(c[c.length - 1]) ? `(?!${W})` : ''), 'u')
  }
  const out: FuzzReport[] = []
  // Each implementation: the index DDL (one `text` column) and how a query runs against it.
  interface FuzzImpl {
    impl: string
    ddl: string
    run: (db: DB, q: string) => { expr: string; ids: () => number[] } | null
  }
  const impls: FuzzImpl[] = [
    {
      // The chosen design: MATCH on the detail=none index, adjacency by yq_terms_hold on the stored text.
      impl: 'fts-tokens.ts v2 (ascii, detail=none, + yq_terms_hold)',
      ddl: V2_DDL.replace('title, text', 'text'),
      run: (db, q) => {
        const c = v2Query(q, 'NULL', 'd.text')
        if (!c) return null
        const f = c.filter
        if (!f) return { expr: c.match, ids: () => db.prepare('SELECT rowid FROM fts WHERE fts MATCH ?').pluck().all(c.match) as number[] }
        const sql = `SELECT fts.rowid FROM fts JOIN docs d ON d.id = fts.rowid WHERE fts MATCH ? AND ${f.sql}`
        return { expr: `${c.match} + adjacency ${f.params.join(' ')}`, ids: () => db.prepare(sql).pluck().all(c.match, ...f.params) as number[] }
      },
    },
    {
      impl: 'fts-tokens.ts v1 form (unicode61, detail=full, phrases)',
      ddl: U61_DDL.replace('title, text', 'text'),
      run: (db, q) => {
        const expr = v1PhraseQuery(q)
        return expr === null ? null : { expr, ids: () => db.prepare('SELECT rowid FROM fts WHERE fts MATCH ?').pluck().all(expr) as number[] }
      },
    },
  ]
  for (const { impl, ddl, run } of impls) {
    const db = new Database(':memory:')
    registerTermsHold(db)
    db.exec('CREATE TABLE docs (id INTEGER PRIMARY KEY, text TEXT)')
    db.exec(ddl)
    const insDoc = db.prepare('INSERT INTO docs (id, text) VALUES (?, ?)')
    const ins = db.prepare('INSERT INTO fts (rowid, text) VALUES (?, ?)')
    texts.forEach((t, i) => {
      insDoc.run(i + 1, t)
      ins.run(i + 1, indexTokens(t))
    })
    const rep: FuzzReport = { impl, queries: queries.length, nullQueries: 0, syntaxErrors: [], missesByKind: {}, wordMissesByKind: {}, wordMissExamples: [], fpByKind: {}, missExamples: [], fpExamples: [] }
    for (const q of queries) {
      const planned = run(db, q)
      if (planned === null) {
        rep.nullQueries++
        continue
      }
      const expr = planned.expr
      let got: Set<number>
      try {
        got = new Set(planned.ids())
      } catch (e) {
        if (rep.syntaxErrors.length < 20) rep.syntaxErrors.push({ query: q, expr, error: (e as Error).message })
        continue
      }
      const terms = splitTerms(q).map(normaliseForIndex)
      const rank = ['has-latin/digit', 'cjk+separators', 'cjk-only']
      const kind = terms.map(kindOf).sort((a, b) => rank.indexOf(a) - rank.indexOf(b))[0]! // the least strict term decides
      const wordRes = terms.map(wordRe)
      normTexts.forEach((t, i) => {
        const truth = terms.every((term) => t.includes(term))
        const hit = got.has(i + 1)
        if (truth && !hit && wordRes.every((re) => re.test(t))) {
          rep.wordMissesByKind[kind] = (rep.wordMissesByKind[kind] ?? 0) + 1
          if (rep.wordMissExamples.length < 8) rep.wordMissExamples.push({ query: q, expr, text: texts[i]!, kind })
        }
        if (truth && !hit) {
          rep.missesByKind[kind] = (rep.missesByKind[kind] ?? 0) + 1
          if (rep.missExamples.filter((x) => x.kind === kind).length < 4) rep.missExamples.push({ query: q, expr, text: texts[i]!, kind })
        } else if (!truth && hit) {
          rep.fpByKind[kind] = (rep.fpByKind[kind] ?? 0) + 1
          if (rep.fpExamples.filter((x) => x.kind === kind).length < 4) rep.fpExamples.push({ query: q, expr, text: texts[i]!, kind })
        }
      })
    }
    out.push(rep)
    db.close()
  }
  return out
}

// ---------------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------------
function fmt(n: number, d = 1): string {
  if (!Number.isFinite(n)) return '–'
  return n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d })
}
function pad(s: string, n: number, right = false): string {
  return right ? s.padStart(n) : s.padEnd(n)
}

function main(): void {
  const t00 = Date.now()
  const real = loadRealTexts()
  if (real.reason) console.log(`real corpus not used: ${real.reason}; generated text only`)
  else console.log(`real corpus: ${real.texts.length.toLocaleString()} distinct texts from ${real.files.length} CSV files in ${CORPORA_DIR} (mixed in at run time)`)
  const { docs, stats } = buildCorpus(ROWS, real.texts)
  const bodies = docs.map((d) => normaliseForIndex(d.title + ' ' + d.text))
  const avgChars = docs.reduce((s, d) => s + cp(d.text).length + cp(d.title).length, 0) / docs.length
  console.log(`corpus: ${ROWS.toLocaleString()} docs (seed ${SEED}), avg ${avgChars.toFixed(0)} chars title+text; ${JSON.stringify(stats)}`)

  // Ground truth.
  const isWordChar = (c: string | undefined): boolean => !!c && /[\p{L}\p{N}]/u.test(c) && !CJK_RE.test(c)
  const truth = new Map<string, { sub: Uint8Array; word?: Uint8Array; subN: number; wordN?: number }>()
  for (const q of QUERIES) {
    const terms = splitTerms(q).map(normaliseForIndex)
    const sub = new Uint8Array(ROWS)
    let subN = 0
    for (let i = 0; i < ROWS; i++) if (terms.every((t) => bodies[i]!.includes(t))) (sub[i] = 1), subN++
    const entry: { sub: Uint8Array; word?: Uint8Array; subN: number; wordN?: number } = { sub, subN }
    if (queryClass(q) === 'latin') {
      const t = terms[0]!
      const word = new Uint8Array(ROWS)
      let wordN = 0
      for (let i = 0; i < ROWS; i++) {
        if (!sub[i]) continue
        const b = bodies[i]!
        for (let k = b.indexOf(t); k >= 0; k = b.indexOf(t, k + 1)) {
          if (!isWordChar(b[k - 1]) && !isWordChar(cp(b.slice(k + t.length))[0])) {
            word[i] = 1
            wordN++
            break
          }
        }
      }
      entry.word = word
      entry.wordN = wordN
    }
    truth.set(q, entry)
  }

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yuqing-fts-'))
  console.log(`temp dir: ${dir}`)
  const builds = new Map<string, BuildResult>()
  let jiebaLoadS = NaN
  for (const b of BUILDS) {
    if (b.key === 'jieba') {
      const t0 = Date.now()
      nodejieba.load()
      jiebaLoadS = (Date.now() - t0) / 1000
    }
    process.stdout.write(`ingest ${b.key} … `)
    const r = ingest(b, docs, dir)
    builds.set(b.key, r)
    console.log(`${fmt(r.ingestS, 1)} s, ${fmt(r.rowsPerS, 0)} rows/s (tokenise ${fmt(r.tokeniseS, 1)} s), db ${fmt(r.dbMB, 1)} MB, index ${fmt(r.indexMB, 1)} MB`)
  }

  const results = new Map<string, QueryResult[]>()
  for (const s of STRATEGIES) {
    const b = builds.get(s.build)!
    const db = b.db
    const rows: QueryResult[] = []
    process.stdout.write(`query ${s.key} … `)
    const t0 = Date.now()
    for (const q of QUERIES) {
      const cls = queryClass(q)
      const tr = truth.get(q)!
      const plan = s.plan(q)
      const res: QueryResult = { query: q, cls, expr: plan?.expr ?? null, truth: tr.subN, got: 0, tp: 0, fn: tr.subN, fp: 0, limitMs: NaN, countMs: NaN, missExamples: [], fpExamples: [] }
      if (tr.word) res.wordTruth = tr.wordN
      if (!plan) {
        res.error = 'query has no searchable token'
        rows.push(res)
        continue
      }
      try {
        const all = db.prepare(plan.sql).pluck().all(...plan.params) as number[]
        const got = new Uint8Array(ROWS)
        for (const id of all) got[id - 1] = 1
        res.got = all.length
        let tp = 0
        let wfn = 0
        let wfp = 0
        for (let i = 0; i < ROWS; i++) {
          if (got[i] && tr.sub[i]) tp++
          else if (tr.sub[i] && !got[i]) {
            if (res.missExamples.length < 3) res.missExamples.push(snippetAround(bodies[i]!, normaliseForIndex(splitTerms(q)[0]!)))
          } else if (got[i] && !tr.sub[i] && res.fpExamples.length < 3) res.fpExamples.push(snippetAround(bodies[i]!, cp(normaliseForIndex(q))[0]!))
          if (tr.word) {
            if (tr.word[i] && !got[i]) wfn++
            if (got[i] && !tr.word[i]) wfp++
          }
        }
        res.tp = tp
        res.fn = tr.subN - tp
        res.fp = all.length - tp
        if (tr.word) (res.wordFn = wfn), (res.wordFp = wfp)
        // Latency: the store's form (ORDER BY rowid DESC LIMIT 50) and a COUNT(*).
        const limSql = `${plan.sql} ORDER BY 1 DESC LIMIT 50`
        const cntSql = `SELECT COUNT(*) FROM (${plan.sql})`
        const lim = db.prepare(limSql).pluck()
        const cnt = db.prepare(cntSql).pluck()
        lim.all(...plan.params) // warm-up
        res.limitMs = median(Array.from({ length: REPS }, () => timeMs(() => lim.all(...plan.params))))
        res.countMs = median(Array.from({ length: Math.max(1, Math.ceil(REPS / 2)) }, () => timeMs(() => cnt.get(...plan.params))))
      } catch (e) {
        res.error = (e as Error).message
      }
      rows.push(res)
    }
    console.log(`${((Date.now() - t0) / 1000).toFixed(1)} s`)
    results.set(s.key, rows)
  }

  // Aggregation.
  type Agg = { recall: number; precision: number; truth: number; got: number; tp: number; queries: number; queriesWithMiss: number; queriesWithFp: number; errors: number; limitP50: number; limitP95: number; countP50: number; countP95: number }
  const aggregate = (rows: QueryResult[]): Agg => {
    const truthN = rows.reduce((s, r) => s + r.truth, 0)
    const got = rows.reduce((s, r) => s + r.got, 0)
    const tp = rows.reduce((s, r) => s + r.tp, 0)
    const lim = rows.map((r) => r.limitMs).filter(Number.isFinite)
    const cnt = rows.map((r) => r.countMs).filter(Number.isFinite)
    return {
      recall: truthN ? tp / truthN : NaN,
      precision: got ? tp / got : NaN,
      truth: truthN,
      got,
      tp,
      queries: rows.length,
      queriesWithMiss: rows.filter((r) => r.fn > 0).length,
      queriesWithFp: rows.filter((r) => r.fp > 0).length,
      errors: rows.filter((r) => r.error).length,
      limitP50: quantile(lim, 0.5),
      limitP95: quantile(lim, 0.95),
      countP50: quantile(cnt, 0.5),
      countP95: quantile(cnt, 0.95),
    }
  }
  const summary: Record<string, unknown> = {}
  const header = ['variant', 'load s', 'ingest rows/s', 'db MB', 'idx MB', 'CJK rec', 'CJK prec', 'all rec', 'all prec', 'q w/ miss', 'Lat word rec', '2ch p50/p95 ms', '>=3ch p50/p95 ms', '2ch COUNT p50/p95', '>=3ch COUNT p50/p95']
  const widths = [13, 6, 13, 7, 7, 8, 8, 8, 8, 9, 12, 15, 17, 18, 19]
  const lines: string[] = []
  lines.push(header.map((h, i) => pad(h, widths[i]!, i > 0)).join(' '))
  lines.push(widths.map((w) => '-'.repeat(w)).join(' '))
  for (const s of STRATEGIES) {
    const rows = results.get(s.key)!
    const b = builds.get(s.build)!
    const byClass: Record<string, Agg> = {}
    for (const c of CLASSES) byClass[c] = aggregate(rows.filter((r) => r.cls === c))
    const cjk = aggregate(rows.filter((r) => r.cls.startsWith('cjk')))
    const all = aggregate(rows)
    const two = byClass['cjk2']!
    const ge3 = aggregate(rows.filter((r) => r.cls === 'cjk3' || r.cls === 'cjk4+'))
    const latin = rows.filter((r) => r.cls === 'latin')
    const wt = latin.reduce((x, r) => x + (r.wordTruth ?? 0), 0)
    const wfn = latin.reduce((x, r) => x + (r.wordFn ?? 0), 0)
    const wfp = latin.reduce((x, r) => x + (r.wordFp ?? 0), 0)
    const wordRecall = wt ? (wt - wfn) / wt : NaN
    const wordGot = latin.reduce((x, r) => x + r.got, 0)
    const wordPrecision = wordGot ? (wordGot - wfp) / wordGot : NaN
    const pct = (x: number): string => (Number.isFinite(x) ? (100 * x).toFixed(2) + '%' : '–')
    const ms = (a: number, b2: number): string => `${fmt(a, a < 10 ? 2 : 0)}/${fmt(b2, b2 < 10 ? 2 : 0)}`
    const cells = [
      s.key,
      s.build === 'jieba' ? fmt(jiebaLoadS, 2) : '0',
      fmt(b.rowsPerS, 0),
      fmt(b.dbMB, 1),
      fmt(b.indexMB, 1),
      pct(cjk.recall),
      pct(cjk.precision),
      pct(all.recall),
      pct(all.precision),
      `${all.queriesWithMiss}/${all.queries}`,
      pct(wordRecall),
      ms(two.limitP50, two.limitP95),
      ms(ge3.limitP50, ge3.limitP95),
      ms(two.countP50, two.countP95),
      ms(ge3.countP50, ge3.countP95),
    ]
    lines.push(cells.map((c, i) => pad(c, widths[i]!, i > 0)).join(' '))
    summary[s.key] = {
      describe: s.describe,
      build: { key: b.key, describe: b.describe, ingestS: b.ingestS, tokeniseS: b.tokeniseS, rowsPerS: b.rowsPerS, dbMB: b.dbMB, indexMB: b.indexMB, docsMB: b.docsMB, loadS: s.build === 'jieba' ? jiebaLoadS : 0 },
      cjk,
      all,
      ge3,
      byClass,
      latinWord: { truth: wt, recall: wordRecall, precision: wordPrecision, fn: wfn, fp: wfp },
      queries: rows,
    }
  }

  console.log('\n=== FTS choice: ' + ROWS.toLocaleString() + ' docs ===')
  console.log('recall/precision: micro-averaged over the CJK-only queries (1/2/3/4+ chars) and over all queries vs substring truth;')
  console.log("'q w/ miss' = queries with at least one missed document (substring truth). 'Lat word rec' = recall of Latin-only terms vs whole-word truth. Latency: per-query median of " + REPS + ' runs (LIMIT) / ' + Math.ceil(REPS / 2) + ' runs (COUNT), then p50/p95 over the queries of the class;')
  console.log("LIMIT query = the store's form '... ORDER BY rowid DESC LIMIT 50'. 'load s' = nodejieba.load(), not in ingest rows/s.")
  for (const l of lines) console.log(l)

  // Per-class recall / precision.
  console.log('\nrecall / precision per query class (substring truth; queries per class: ' + CLASSES.map((c) => `${c} ${QUERIES.filter((q) => queryClass(q) === c).length}`).join(', ') + ')')
  console.log(pad('variant', 13) + CLASSES.map((c) => pad(c, 16, true)).join(''))
  for (const s of STRATEGIES) {
    const bc = (summary[s.key] as { byClass: Record<string, Agg> }).byClass
    console.log(pad(s.key, 13) + CLASSES.map((c) => pad(`${(100 * bc[c]!.recall).toFixed(1)}/${(100 * bc[c]!.precision).toFixed(1)}`, 16, true)).join(''))
  }

  // Notable misses.
  console.log('\nnotable misses / false positives (query: truth, missed, extra; expression; examples)')
  const misses: Record<string, unknown[]> = {}
  for (const s of STRATEGIES) {
    const rows = results.get(s.key)!.filter((r) => r.fn > 0 || r.fp > 0 || r.error)
    misses[s.key] = rows.map((r) => ({ query: r.query, cls: r.cls, truth: r.truth, missed: r.fn, extra: r.fp, expr: r.expr, error: r.error, missExamples: r.missExamples, fpExamples: r.fpExamples }))
    if (!rows.length) {
      console.log(`  ${s.key}: none`)
      continue
    }
    console.log(`  ${s.key}:`)
    const shown = [...rows].sort((a, b) => b.fn + b.fp - (a.fn + a.fp)).slice(0, 12)
    for (const r of shown) {
      const ex = r.missExamples[0] ?? r.fpExamples[0]
      const view = ex && s.view ? ` → index sees [${s.view(ex)}]` : ''
      console.log(
        `    ${JSON.stringify(r.query)} (${r.cls}): truth ${r.truth}, missed ${r.fn}, extra ${r.fp}${r.error ? `, ERROR ${r.error}` : ''}; ${r.expr ?? '(no expression)'}` +
          (ex ? `\n        e.g. ${r.fn ? 'missed' : 'extra'} "…${ex}…"${view}` : ''),
      )
    }
    if (rows.length > shown.length) console.log(`    … ${rows.length - shown.length} more in the JSON`)
  }

  // fts-tokens fuzz.
  let fuzzReports: FuzzReport[] = []
  if (FUZZ) {
    fuzzReports = fuzz()
    console.log('\nfts-tokens.ts fuzz (400 random texts of CJK/Latin/full-width/punctuation/FTS5-operator atoms, ' + fuzzReports[0]!.queries + ' queries, substring truth):')
    for (const f of fuzzReports) {
      console.log(`  ${f.impl}: null expressions ${f.nullQueries}, FTS5 errors ${f.syntaxErrors.length}, misses vs substring ${JSON.stringify(f.missesByKind)}, misses vs whole-word ${JSON.stringify(f.wordMissesByKind)}, false positives ${JSON.stringify(f.fpByKind)}`)
      for (const m of f.wordMissExamples.filter((x) => x.kind === 'has-latin/digit').slice(0, 3)) console.log(`    word-miss [${m.kind}] ${JSON.stringify(m.query)} → ${m.expr} in ${JSON.stringify(m.text)}`)
      for (const e of f.syntaxErrors.slice(0, 5)) console.log(`    ERROR ${JSON.stringify(e.query)} → ${e.expr}: ${e.error}`)
      for (const m of f.missExamples.filter((x) => x.kind !== 'has-latin/digit').slice(0, 6)) console.log(`    miss [${m.kind}] ${JSON.stringify(m.query)} → ${m.expr} in ${JSON.stringify(m.text)}`)
      for (const m of [...f.fpExamples.filter((x) => x.kind === 'cjk-only').slice(0, 4), ...f.fpExamples.filter((x) => x.kind === 'cjk+separators').slice(0, 2)]) console.log(`    extra [${m.kind}] ${JSON.stringify(m.query)} → ${m.expr} in ${JSON.stringify(m.text)}`)
    }
  }

  // JSON.
  fs.mkdirSync(OUT_DIR, { recursive: true })
  const outFile = path.join(OUT_DIR, 'fts-choice.json')
  fs.writeFileSync(
    outFile,
    JSON.stringify(
      {
        generatedAt: new Date().toISOString(),
        config: { rows: ROWS, seed: SEED, reps: REPS, batch: BATCH, node: process.version, sqlite: (builds.get('none')!.db.prepare('select sqlite_version() v').pluck().get() as string), realCorpus: real.reason ? { used: false, reason: real.reason } : { used: true, files: real.files, texts: real.texts.length } },
        corpus: { avgChars, stats, truthCounts: Object.fromEntries(QUERIES.map((q) => [q, truth.get(q)!.subN])) },
        jiebaLoadS,
        table: lines,
        variants: summary,
        misses,
        fuzz: fuzzReports,
      },
      null,
      1,
    ),
  )
  console.log(`\nJSON: ${path.relative(process.cwd(), outFile)}  (total ${((Date.now() - t00) / 1000).toFixed(0)} s)`)
  for (const b of builds.values()) b.db.close()
  if (KEEP) console.log(`kept ${dir}`)
  else fs.rmSync(dir, { recursive: true, force: true })
}

main()
