import { Flags } from '@oclif/core'
import { BaseCommand } from '../../base-command.js'
import { UsageError } from '../../core/errors.js'

export default class AuthWeibo extends BaseCommand<typeof AuthWeibo> {
  static override summary = 'Store the Weibo cookie (mode 0600; never printed) (微博登录凭据)'
  static override description = `Copy the Cookie header of a logged-in m.weibo.cn request from the browser's developer tools into a
file, or pipe it on stdin. It is stored in the workspace (secrets/weibo.cookie, or
sources.weibo.credentialsFile) with mode 0600 and used by the weibo and weibo-search crawlers.
yuqing never logs in by itself: when the cookie expires, store a new one. Check it with \`yuqing auth status\`.`
  static override flags = {
    'cookie-file': Flags.string({ description: 'File holding the cookie (default: read stdin)' }),
  }
  static override examples = ['<%= config.bin %> auth weibo --cookie-file ~/weibo-cookie.txt', 'pbpaste | <%= config.bin %> auth weibo']

  async run(): Promise<void> {
    const { storeCookie, readCookieFile } = await import('../../services/auth.js')
    let raw: string
    if (this.flags['cookie-file']) raw = readCookieFile(this.flags['cookie-file'])
    else {
      if (process.stdin.isTTY) throw new UsageError('no cookie given', 'pass --cookie-file FILE, or pipe the cookie on stdin')
      const chunks: Buffer[] = []
      for await (const c of process.stdin) chunks.push(c as Buffer)
      raw = Buffer.concat(chunks).toString('utf8')
    }
    const res = storeCookie(await this.context(), raw)
    this.output(res, (r) => [`stored the Weibo cookie in ${r.file} (mode 0600; ${r.names.length} cookies)`, r.hasSub ? '' : 'warning: there is no SUB cookie, which carries the login; the crawl will likely be refused'].filter(Boolean).join('\n'))
  }
}
