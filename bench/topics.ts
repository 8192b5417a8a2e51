/**
 * `npx tsx bench/topics.ts`: topic-tagging throughput (src/nlp/topics.ts) with the built-in
 * taxonomy on one core, for ~100-character Chinese texts.
 *  - posts: the generated Weibo/news rows of test/helpers/generate.ts, cut to 100 characters
 *    (most hit several terms);
 *  - plain: 100 random common Han characters and punctuation (few terms, the common case of a
 *    crawl that is mostly off-topic);
 *  - emoji: posts with an emoji, which sends normalisation down the full NFKC path.
 * Also matchDetailed(), and the naive reference (normalise, then includes() per term and rule)
 * for scale. Each figure is the best and the median of ~10,000-text rounds. Options: --texts N (default 100,000), --seconds S per measurement (default 2).
 * Writes bench/out/topics.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { DEFAULT_TOPICS } from '../src/nlp/topics-default.js'
import { compileRule, createTopicMatcher } from '../src/nlp/topics.js'
import { generateRows, prng } from '../test/helpers/generate.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const arg = (name: string, d: number) => {
  const i = process.argv.indexOf(name)
  return i > 0 ? Number(process.argv[i + 1]) : d
}
const N = arg('--texts', 100_000)
const SECONDS = arg('--seconds', 2)
const LEN = 100

function posts(n: number): string[] {
  const out: string[] = []
  let buf = ''
  for (const row of generateRows({ rows: n * 4, seed: 1 })) {
    buf += String(row.title ?? '') + String(row.text ?? '')
    if (buf.length >= LEN) {
      out.push(buf.slice(0, LEN))
      buf = ''
      if (out.length === n) break
    }
  }
  return out
}

function plain(n: number): string[] {
  const rnd = prng(2)
  const common = Array.from('的一是了我不人在他有这个上们来到时大地为子中你说生国年着就那和要她出也得里后自以会家可下而过天去能对小多然于心学么之都好看起发当没成只如事把还用第样道想作种开美总从无情己面最女但现前些所同日手又行意动方期它头经长儿回位分爱老因很给名法间斯知世什两次使身者被高已亲其进此话常与活正感，。！？、')
  return Array.from({ length: n }, () => {
    let s = ''
    for (let i = 0; i < LEN; i++) s += common[Math.floor(rnd() * common.length)]!
    return s
  })
}

/**
 * Runs f over the texts in rounds for about SECONDS after a warm-up: texts per second, the best
 * round and the median one (the best is the figure of an idle core; the median shows how much
 * other processes on the machine took).
 */
function measure(texts: string[], f: (s: string) => unknown): { best: number; median: number } {
  let sink = 0
  for (let i = 0; i < Math.min(texts.length, 20_000); i++) sink += f(texts[i]!) ? 1 : 0
  const chunk = Math.min(texts.length, 10_000)
  const rates: number[] = []
  const t0 = performance.now()
  for (let from = 0; performance.now() - t0 < SECONDS * 1000; from = (from + chunk) % texts.length) {
    const t = performance.now()
    const to = Math.min(texts.length, from + chunk)
    for (let i = from; i < to; i++) sink += f(texts[i]!) ? 1 : 0
    rates.push(((to - from) / (performance.now() - t)) * 1000)
  }
  if (sink < 0) console.log(sink)
  rates.sort((a, b) => b - a)
  return { best: rates[0]!, median: rates[rates.length >> 1]! }
}

const t0 = performance.now()
const matcher = createTopicMatcher(DEFAULT_TOPICS)
const buildMs = performance.now() - t0
const rules = DEFAULT_TOPICS.map((t) => compileRule(t.rule))
const naive = (s: string) => rules.filter((r) => r.test(s)).length

const corpora: Record<string, string[]> = {
  posts: posts(N),
  plain: plain(N),
}
corpora.emoji = corpora.posts!.map((s, i) => (i % 2 ? s.slice(0, 60) + '👍' + s.slice(60, 99) : s.slice(0, 99) + '😡'))

const fmt = (x: number) => Math.round(x).toLocaleString('en-US')
console.log(`topics: ${DEFAULT_TOPICS.length} topics, ${matcher.terms.length} distinct terms, matcher built in ${buildMs.toFixed(1)} ms`)
console.log(`texts: ${fmt(N)} per corpus, ${LEN} characters each; ${SECONDS} s per measurement, one core\n`)
const results: Record<string, Record<string, number>> = {}
const fig = (r: { best: number; median: number }) => `${fmt(r.best).padStart(9)} (median ${fmt(r.median).padStart(9)})`
for (const [name, texts] of Object.entries(corpora)) {
  let tagged = 0
  let tags = 0
  for (const s of texts) {
    const m = matcher.match(s)
    if (m.length) tagged++
    tags += m.length
  }
  const match = measure(texts, (s) => matcher.match(s).length)
  const detailed = measure(texts, (s) => matcher.matchDetailed(s).length)
  const reference = measure(texts.slice(0, 10_000), naive)
  results[name] = {
    match: match.best,
    matchMedian: match.median,
    detailed: detailed.best,
    detailedMedian: detailed.median,
    reference: reference.best,
    taggedShare: tagged / texts.length,
    tagsPerText: tags / texts.length,
  }
  console.log(
    `${name.padEnd(6)} match ${fig(match)} texts/s = ${((match.best * LEN) / 1e6).toFixed(1)} M chars/s · matchDetailed ${fig(detailed)}` +
      ` · naive ${fmt(reference.best)} · tagged ${((100 * tagged) / texts.length).toFixed(0)}%, ${(tags / texts.length).toFixed(2)} topics/text`,
  )
}
const target = 300_000
const worst = Math.min(...Object.values(results).map((r) => r.match!))
console.log(`\ntarget ≥ ${fmt(target)} texts/s: ${worst >= target ? 'met' : 'NOT met'} (slowest corpus ${fmt(worst)} texts/s, best round)`)

mkdirSync(path.join(root, 'bench', 'out'), { recursive: true })
writeFileSync(
  path.join(root, 'bench', 'out', 'topics.json'),
  JSON.stringify({ node: process.version, topics: DEFAULT_TOPICS.length, terms: matcher.terms.length, buildMs, textLength: LEN, results }, null, 2) + '\n',
)
