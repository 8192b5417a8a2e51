import { Args } from '@oclif/core'
import { BaseCommand } from '../../base-command.js'
import { AppError, PartialError } from '../../core/errors.js'

export default class ScheduleRun extends BaseCommand<typeof ScheduleRun> {
  static override summary = 'Run one scheduled job now, under the same lease as the worker (立即运行)'
  static override description = 'Refused while the job is running elsewhere. Recorded in the history with trigger "manual". Ctrl-C stops it after its current batch commits. Exit 1 when the run failed, 3 when it was partial.'
  static override args = { job: Args.string({ description: 'Job name (see `yuqing schedule list`)', required: true }) }
  static override examples = ['<%= config.bin %> schedule run crawl-weibo', '<%= config.bin %> schedule run backup --json']

  async run(): Promise<void> {
    const { runScheduledJob } = await import('../../services/schedule.js')
    const stop = new AbortController()
    const onSignal = () => stop.abort(new Error('interrupted'))
    process.once('SIGINT', onSignal)
    process.once('SIGTERM', onSignal)
    const r = await runScheduledJob(await this.context(), this.args.job, stop.signal)
    this.output(r, (v) => `${v.job} run ${v.id}: ${v.status}（${v.seconds ?? 0} s）${v.counts ? `  ${JSON.stringify(v.counts)}` : ''}${v.error ? `\n  ${v.error}` : ''}`)
    if (r.status === 'partial') throw new PartialError(`${r.job} finished partially: ${r.error ?? ''}`)
    if (r.status !== 'ok' && r.status !== 'skipped') throw new AppError(`${r.job} ${r.status}: ${r.error ?? ''}`)
  }
}
