import { Flags } from '@oclif/core'
import { BaseCommand } from '../../base-command.js'

export default class ScheduleHistory extends BaseCommand<typeof ScheduleHistory> {
  static override summary = 'Past runs of the scheduled jobs, newest first (运行记录)'
  static override flags = {
    job: Flags.string({ description: 'Only this job' }),
    limit: Flags.integer({ description: 'Runs to show', default: 30, min: 1, max: 10_000 }),
  }
  static override examples = ['<%= config.bin %> schedule history', '<%= config.bin %> schedule history --job daily-report --json']

  async run(): Promise<void> {
    const { scheduleHistory } = await import('../../services/schedule.js')
    this.output(scheduleHistory(await this.context(), { job: this.flags.job, limit: this.flags.limit }), (rows) =>
      rows.length
        ? rows.map((r) => `${r.startedAt.replace('T', ' ')}  ${r.job.padEnd(14)} ${r.status.padEnd(8)} ${r.trigger.padEnd(9)} ${r.seconds ?? '–'} s${r.error ? `  ${r.error.slice(0, 120)}` : ''}`).join('\n')
        : '没有运行记录',
    )
  }
}
