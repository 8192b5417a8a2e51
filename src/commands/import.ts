import { Args, Flags } from '@oclif/core'
import { BaseCommand } from '../base-command.js'
import { PartialError } from '../core/errors.js'

export default class Import extends BaseCommand<typeof Import> {
  static override summary = 'Import mentions from JSONL or CSV in the interchange schema (导入)'
  static override description = `Streams the file in constant memory, committing every --batch-size rows or 2 s; a killed import loses only the\nuncommitted rows, and re-running it is idempotent.
Reports rows inserted, updated, unchanged and rejected (with line numbers). Exit 3 when some rows were rejected.
The schema is in the README ("Import schema"). FILE may end in .gz; "-" reads stdin (give --format).`
  static override args = { file: Args.string({ description: 'JSONL or CSV file (.jsonl, .csv, optionally .gz), or - for stdin', required: true }) }
  static override flags = {
    format: Flags.string({ description: 'Input format (default: from the file name)', options: ['jsonl', 'csv'] }),
    'batch-size': Flags.integer({ description: 'Rows per transaction at most (a transaction also commits every 2 s)', default: 50_000, min: 1, max: 1_000_000 }),
    rejects: Flags.string({ description: 'Write every rejected row to this JSONL file ({line, reason, row})' }),
    analyze: Flags.boolean({ description: 'Analyse new and changed mentions after the import (sentiment, regions, topics …); --no-analyze leaves that to `yuqing reanalyze`', default: true, allowNo: true }),
  }
  static override examples = ['<%= config.bin %> import mentions.jsonl', '<%= config.bin %> import export.csv --json', 'zcat dump.jsonl.gz | <%= config.bin %> import - --format jsonl']

  async run(): Promise<void> {
    const { runImport } = await import('../services/import-run.js')
    const sum = await runImport(await this.context(), this.args.file, {
      format: this.flags.format as 'jsonl' | 'csv' | undefined,
      batchSize: this.flags['batch-size'],
      rejectsFile: this.flags.rejects,
      progress: !this.flags.json && process.stderr.isTTY === true,
      analyze: this.flags.analyze,
    })
    const { file, format, rows, seconds, errorsOmitted, ...rest } = sum
    this.output(this.flags.json ? { ...rest, errorsOmitted } : sum, () => {
      const lines = [
        `imported ${file} (${format}): ${rows.toLocaleString('en-US')} rows in ${seconds.toFixed(1)} s`,
        `  inserted ${sum.inserted.toLocaleString('en-US')}, updated ${sum.updated.toLocaleString('en-US')}, unchanged ${sum.unchanged.toLocaleString('en-US')}, rejected ${sum.rejected.toLocaleString('en-US')}`,
        ...sum.errors.slice(0, 20).map((e) => `  line ${e.line}: ${e.reason}`),
      ]
      if (sum.analysis) lines.splice(2, 0, `  analysed ${sum.analysis.analyzed.toLocaleString('en-US')} mentions in ${sum.analysis.seconds.toFixed(1)} s (${sum.analysis.withRegions.toLocaleString('en-US')} with regions)`)
      if (sum.errors.length > 20 || errorsOmitted) lines.push(`  … ${sum.rejected - 20} more rejected rows${this.flags.rejects ? ` in ${this.flags.rejects}` : ' (--json lists them; --rejects FILE keeps all)'}`)
      return lines.join('\n')
    })
    if (sum.rejected > 0) throw new PartialError(`${sum.rejected} of ${rows} rows were rejected`, 'fix those rows and import the file again (stored rows are kept; a re-import reports them unchanged)')
  }
}
