import { BaseCommand } from '../../base-command.js'
import { AppError } from '../../core/errors.js'
import type { workerStatus } from '../../services/schedule.js'

export default class WorkerStatus extends BaseCommand<typeof WorkerStatus> {
  static override summary = 'Whether a worker is alive, what it is running and what runs next (后台任务状态)'
  static override description = 'Reads the heartbeats workers write to the database. Exit 1 when no worker is alive.'
  static override examples = ['<%= config.bin %> worker status', '<%= config.bin %> worker status --json']

  async run(): Promise<void> {
    const { workerStatus } = await import('../../services/schedule.js')
    const s = workerStatus(await this.context())
    this.output(s, render)
    if (s.alive === 0) throw new AppError(s.workers.length ? 'no worker is alive' : 'no worker has run on this database', { hint: 'start one with `yuqing worker` (see README › Running in production)' })
  }
}

function render(s: ReturnType<typeof workerStatus>): string {
  const out: string[] = []
  for (const w of s.workers.slice(0, 5)) {
    const state = { running: '运行中', stopping: '正在停止', stopped: '已停止', lost: '失联' }[w.state] ?? w.state
    out.push(`${w.id}  ${state}  启动 ${w.startedAt}  心跳 ${w.heartbeatAt}`)
    for (const r of w.running) out.push(`  正在运行 ${r.job}（run ${r.runId}，自 ${r.since}）`)
    if (w.next) out.push(`  下一个 ${w.next.job} ${w.next.at}`)
  }
  if (!s.workers.length) out.push('没有后台任务进程记录')
  if (s.recent.length) {
    out.push('最近运行:')
    for (const r of s.recent) out.push(`  ${r.startedAt}  ${r.job.padEnd(14)} ${r.status.padEnd(8)} ${r.trigger}${r.error ? `  ${r.error.slice(0, 100)}` : ''}`)
  }
  return out.join('\n')
}
