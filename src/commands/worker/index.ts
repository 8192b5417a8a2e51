import { BaseCommand } from '../../base-command.js'

export default class Worker extends BaseCommand<typeof Worker> {
  static override summary = 'Run the scheduled jobs until stopped: crawls, analysis, reports, alerts, backups (后台任务)'
  static override description = `Fires each job of schedule.jobs at its cron times (schedule.timezone, Asia/Shanghai by default).
One run of a job at a time across every worker on the database (a lease in SQLite, renewed while it
runs; a killed worker's lease expires after schedule.worker.leaseSeconds). A job missed while no
worker ran is caught up once at start. SIGTERM or SIGINT: no new runs, running jobs get
schedule.worker.graceSeconds to commit their batch, then the worker exits (a second signal exits at
once). Logs go to stderr and to <schedule.worker.logDir>/worker.log. See \`yuqing worker status\`.`
  static override examples = ['<%= config.bin %> worker --config /srv/yuqing/yuqing.yaml', '<%= config.bin %> worker status']

  async run(): Promise<void> {
    const { startWorker } = await import('../../services/worker.js')
    const w = await startWorker(await this.context(), { level: this.flags.verbose ? 'debug' : 'info' })
    const signal = await new Promise<NodeJS.Signals>((resolve) => {
      process.once('SIGTERM', () => resolve('SIGTERM'))
      process.once('SIGINT', () => resolve('SIGINT'))
    })
    const force = () => {
      process.stderr.write(`yuqing: second ${signal}: exiting now (uncommitted batches are rolled back)\n`)
      process.exit(1)
    }
    process.once('SIGTERM', force)
    process.once('SIGINT', force)
    const r = await w.stop()
    this.output({ worker: w.id, signal, ...r }, () => undefined)
  }
}
