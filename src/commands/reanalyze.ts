import { Flags } from '@oclif/core'
import { BaseCommand } from '../base-command.js'

export default class Reanalyze extends BaseCommand<typeof Reanalyze> {
  static override summary = 'Analyse stored mentions in place: new ones, or all after a model change (重新分析)'
  static override description = `Scores every mention whose analysis is missing or was made by another model or pipeline version, in id order,
one transaction per batch. Interrupted (Ctrl-C, kill), it keeps what it committed; run it again to resume.`
  static override flags = {
    since: Flags.string({ description: 'Only mentions published on or after: YYYY-MM-DD (report time zone) or ISO 8601' }),
    model: Flags.string({ description: 'Sentiment model file (default: nlp.sentimentModel, else the shipped model)' }),
    'batch-size': Flags.integer({ description: 'Mentions per transaction', default: 2000, min: 1, max: 100_000 }),
  }
  static override examples = ['<%= config.bin %> reanalyze', '<%= config.bin %> reanalyze --since 2026-11-01 --model models/office.json']

  async run(): Promise<void> {
    const { runReanalyze } = await import('../services/analyze-run.js')
    const res = await runReanalyze(await this.context(), {
      since: this.flags.since,
      model: this.flags.model,
      batchSize: this.flags['batch-size'],
      progress: !this.flags.json && process.stderr.isTTY === true,
    })
    this.output(res, (r) =>
      [
        `${r.stopped ? 'stopped' : 'analysed'} ${r.analyzed.toLocaleString('en-US')} mentions in ${r.seconds.toFixed(1)} s (${r.version})`,
        `  with regions ${r.withRegions.toLocaleString('en-US')}, near-duplicate folds ${r.clusters.toLocaleString('en-US')}, still to analyse ${r.remaining.toLocaleString('en-US')}`,
      ].join('\n'),
    )
  }
}
