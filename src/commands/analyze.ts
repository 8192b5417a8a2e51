import { Args, Flags } from '@oclif/core'
import { BaseCommand } from '../base-command.js'

export default class Analyze extends BaseCommand<typeof Analyze> {
  static override summary = 'Analyse texts: sentiment, regions, topics, keywords, SimHash (分析)'
  static override description = `Runs the same pipeline as ingest and reanalyze on texts given here (nothing is stored).
--explain shows the terms that moved the sentiment score, the terms that made each topic, and the tokens.`
  static override args = { text: Args.string({ description: 'Text to analyse (quote it)' }) }
  static override flags = {
    file: Flags.string({ char: 'f', description: 'Analyse every line of this file' }),
    explain: Flags.boolean({ description: 'Show what moved the score (情感依据) and the topic terms' }),
    model: Flags.string({ description: 'Sentiment model file (default: nlp.sentimentModel, else the shipped model)' }),
  }
  static override examples = [
    '<%= config.bin %> analyze "宝安区城管局30分钟内回应了市民投诉，效率很高👍" --json',
    '<%= config.bin %> analyze --file posts.txt --explain',
  ]

  async run(): Promise<void> {
    const { analyzeTexts } = await import('../services/analyze.js')
    const results = await analyzeTexts(await this.context(), {
      texts: this.args.text === undefined ? [] : [this.args.text],
      file: this.flags.file,
      explain: this.flags.explain,
      model: this.flags.model,
    })
    const LABEL = { pos: '正面', neu: '中性', neg: '负面' } as const
    this.output(results.length === 1 ? results[0] : results, () =>
      results
        .map((r) => {
          const lines = [
            r.text.length > 80 ? `${r.text.slice(0, 80)}…` : r.text,
            `  情感 sentiment  ${LABEL[r.sentiment.label]} ${r.sentiment.label}  score ${r.sentiment.score.toFixed(2)}  confidence ${r.sentiment.confidence.toFixed(2)}`,
            `  地区 regions    ${r.regions.map((g) => `${g.name} ${g.code} (${g.confidence.toFixed(2)}: ${g.evidence})`).join(', ') || '—'}`,
            `  话题 topics     ${r.topics.join(', ') || '—'}`,
            `  关键词 keywords ${r.keywords.map((k) => k.word).join(' ') || '—'}`,
            `  simhash        ${r.simhash ?? '— (too short)'}`,
          ]
          if (r.explain) {
            lines.push(`  情感依据        ${r.explain.sentimentTerms.map((t) => `${t.term} ${t.weight >= 0 ? '+' : ''}${t.weight.toFixed(2)}`).join('  ') || '—'}`)
            for (const t of r.explain.topicTerms) lines.push(`  话题依据 ${t.topic}: ${t.terms.join(', ')}`)
            lines.push(`  tokens         ${r.explain.tokens.join(' / ')}`)
          }
          return lines.join('\n')
        })
        .join('\n\n'),
    )
  }
}
