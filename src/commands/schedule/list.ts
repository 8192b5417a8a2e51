import { BaseCommand } from '../../base-command.js'
import { renderTable } from '../../render/table.js'

export default class ScheduleList extends BaseCommand<typeof ScheduleList> {
  static override summary = 'List the scheduled jobs: cron, next run times, last run (计划任务)'
  static override examples = ['<%= config.bin %> schedule list', '<%= config.bin %> schedule list --json']

  async run(): Promise<void> {
    const { listSchedule } = await import('../../services/schedule.js')
    this.output(await listSchedule(await this.context()), (s) =>
      [
        `时区 ${s.timezone}`,
        renderTable(
          ['job', 'task', 'cron', '下次运行', '上次'],
          s.jobs.map((j) => [
            j.name + (j.enabled ? '' : '（停用）'),
            j.task + (j.sources ? ` ${j.sources.join(',')}` : ''),
            j.cron,
            j.next[0]?.replace('T', ' ') ?? '–',
            j.runningIn ? `运行中（${j.runningIn}）` : j.last ? `${j.last.status} ${j.last.startedAt.replace('T', ' ')}` : '–',
          ]),
        ),
      ].join('\n'),
    )
  }
}
