import { Args, Flags } from '@oclif/core'
import { BaseCommand } from '../base-command.js'

export default class Init extends BaseCommand<typeof Init> {
  static override summary = 'Create a workspace: commented yuqing.yaml, data/ (SQLite) and reports/ (初始化工作区)'
  static override args = { dir: Args.string({ description: 'Workspace directory', default: '.' }) }
  static override flags = {
    region: Flags.string({ description: 'Watched region by name or code (default: 宝安区 440306)' }),
    force: Flags.boolean({ description: 'Overwrite an existing yuqing.yaml (the database is kept)' }),
  }
  static override examples = ['<%= config.bin %> init /srv/yuqing', '<%= config.bin %> init ws --region 深圳市南山区']

  async run(): Promise<void> {
    const { initWorkspace } = await import('../services/init.js')
    const res = initWorkspace(this.args.dir, { force: this.flags.force, region: this.flags.region })
    this.output(res, (r) =>
      [
        `workspace ready: ${r.dir}`,
        `  config    ${r.config} (watching ${r.region.name} ${r.region.code})`,
        `  database  ${r.database}`,
        `  reports   ${r.reports}`,
        `next: yuqing --config ${r.config} doctor`,
      ].join('\n'),
    )
  }
}
