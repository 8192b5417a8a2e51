import { Flags } from '@oclif/core'
import { BaseCommand } from '../../base-command.js'

export default class SentimentEval extends BaseCommand<typeof SentimentEval> {
  static override summary = 'Measure the sentiment model on a labelled CSV (情感模型评测)'
  static override description = `The CSV has the header label,text and labels pos/neg, or pos/neu/neg.
Prints n, accuracy, macro-F1, per-class precision/recall/F1, the confusion matrix (rows: gold, columns: predicted) and texts/s (scoring only).
On a file with only pos/neg labels a neu prediction counts as whichever of pos/neg the model finds more likely, so accuracy is comparable with binary baselines.
The model: --model, else nlp.sentimentModel in the config, else the shipped model.`
  static override flags = {
    input: Flags.string({ char: 'i', description: 'Labelled CSV (header label,text)', required: true }),
    model: Flags.string({ description: 'Model file (default: nlp.sentimentModel, else the shipped model)' }),
  }
  static override examples = [
    '<%= config.bin %> sentiment eval --input labelled.csv',
    '<%= config.bin %> sentiment eval --input labelled.csv --model office.json --json',
  ]

  async run(): Promise<void> {
    const { evaluateSentimentFile } = await import('../../services/sentiment.js')
    const { renderTable } = await import('../../render/table.js')
    // The config only matters for nlp.sentimentModel; --model makes it irrelevant.
    const ctx = this.flags.model ? undefined : await this.context()
    const r = evaluateSentimentFile(ctx, { input: this.flags.input, model: this.flags.model })
    const { model, modelFile, binary, ...report } = r
    this.output(this.flags.json ? report : r, () => {
      const classes = Object.keys(r.perClass) as Array<keyof typeof r.perClass>
      const f = (x: number) => x.toFixed(3)
      return [
        `model ${model} (${modelFile})`,
        `${r.n.toLocaleString('en-US')} texts, ${binary ? 'pos/neg labels (a neu prediction counts as the likelier of pos/neg)' : 'pos/neu/neg labels'}`,
        `accuracy ${f(r.accuracy)}   macro-F1 ${f(r.macroF1)}   ${r.textsPerSecond.toLocaleString('en-US')} texts/s`,
        '',
        renderTable(
          ['class', 'precision', 'recall', 'F1', 'support'],
          classes.map((c) => [c, f(r.perClass[c]!.precision), f(r.perClass[c]!.recall), f(r.perClass[c]!.f1), r.perClass[c]!.support]),
        ),
        '',
        'confusion (rows: gold, columns: predicted)',
        renderTable(
          ['gold \\ predicted', ...classes],
          classes.map((g) => [g, ...classes.map((p) => r.confusion[g]?.[p] ?? 0)]),
        ),
      ].join('\n')
    })
  }
}
