import { Flags } from '@oclif/core'
import { BaseCommand } from '../../base-command.js'
import type { AlertView } from '../../services/alerts.js'

export default class AlertsList extends BaseCommand<typeof AlertsList> {
  static override summary = 'List alerts, newest first, with their evidence and delivery status per channel (预警列表)'
  static override flags = {
    status: Flags.string({ description: 'open, acked, resolved or all', default: 'all' }),
    limit: Flags.integer({ description: 'Alerts to show', default: 30, min: 1, max: 10_000 }),
  }
  static override examples = ['<%= config.bin %> alerts list', '<%= config.bin %> alerts list --status open --json']

  async run(): Promise<void> {
    const { listAlerts } = await import('../../services/alerts.js')
    this.output(listAlerts(await this.context(), { status: this.flags.status, limit: this.flags.limit }), render)
  }
}

const LEVEL: Record<string, string> = { critical: '严重', warning: '警告', info: '提示' }
const STATE: Record<string, string> = { open: '未处理', acked: '已确认', resolved: '已解决' }
const SENT: Record<string, string> = { sent: '已送达', pending: '待重试', failed: '失败' }

function render(rows: AlertView[]): string {
  if (!rows.length) return '没有预警'
  return rows
    .map((a) => {
      const lines = [`#${a.id} [${LEVEL[a.severity] ?? a.severity}] ${STATE[a.status] ?? a.status}  ${a.createdAt.replace('T', ' ').slice(0, 16)}  ${a.title}`]
      if (a.detail) lines.push(`    ${a.detail}`)
      if (a.evidence.length) lines.push(`    证据 ${a.evidence.length} 条：${a.evidence.slice(0, 8).join(', ')}${a.evidence.length > 8 ? ' …' : ''}`)
      for (const d of a.deliveries.filter((x) => x.round === Math.max(...a.deliveries.map((y) => y.round))))
        lines.push(`    ${d.channel}：${SENT[d.status] ?? d.status}（${d.attempts} 次）${d.lastError ? `  ${d.lastError}` : ''}${d.nextAttemptAt ? `  下次 ${d.nextAttemptAt.slice(11, 16)}` : ''}`)
      return lines.join('\n')
    })
    .join('\n')
}
