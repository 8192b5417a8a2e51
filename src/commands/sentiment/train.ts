import { Flags } from '@oclif/core'
import { BaseCommand } from '../../base-command.js'

export default class SentimentTrain extends BaseCommand<typeof SentimentTrain> {
  static override summary = "Train a sentiment model on your own labelled CSV (训练情感模型)"
  static override description = `The CSV has the header label,text and labels pos/neg, or pos/neu/neg. With neu rows the model has a neutral class; without them it only says pos or neg.
20 % of the rows (chosen by a hash of the text) are held out to calibrate the probabilities and to report accuracy; the model written is then fitted on all rows.
Use the model with --model FILE, or set nlp.sentimentModel: FILE in yuqing.yaml (relative to that file).`
  static override flags = {
    input: Flags.string({ char: 'i', description: 'Labelled CSV (header label,text)', required: true }),
    out: Flags.string({ char: 'o', description: 'Model file to write (JSON)', required: true }),
    'model-version': Flags.string({ description: 'Version string stored with each analysis (default: the --out file name without extension)' }),
  }
  static override examples = [
    '<%= config.bin %> sentiment train --input office-labelled.csv --out models/office-v1.json',
    '<%= config.bin %> sentiment eval --input office-test.csv --model models/office-v1.json',
  ]

  async run(): Promise<void> {
    const { trainSentimentFile } = await import('../../services/sentiment.js')
    const { formatBytes } = await import('../../render/format.js')
    const r = trainSentimentFile({
      input: this.flags.input,
      out: this.flags.out,
      version: this.flags['model-version'],
      log: (m) => this.logger.debug(m),
    })
    this.output(r, () =>
      [
        `wrote ${r.out} (${formatBytes(r.bytes)}), model version ${r.version}, labels ${r.labels.join('/')}`,
        `  trained on ${r.rows.toLocaleString('en-US')} rows (pos ${r.counts.pos}, neu ${r.counts.neu}, neg ${r.counts.neg}) in ${r.seconds.toFixed(1)} s`,
        r.heldOut
          ? `  held-out ${r.heldOut.rows.toLocaleString('en-US')} rows (model fitted without them): accuracy ${r.heldOut.accuracy.toFixed(3)}, macro-F1 ${r.heldOut.macroF1.toFixed(3)}`
          : '  too few rows for a held-out check (probabilities are not calibrated)',
      ].join('\n'),
    )
  }
}
