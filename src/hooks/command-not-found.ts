/**
 * oclif hook: an unknown command gets the same one-line error format as every other failure,
 * with the closest known commands as the hint, and exit code 2.
 */
import type { Hook } from '@oclif/core'
import { editDistance as distance } from '../core/text.js'

const hook: Hook<'command_not_found'> = async function (opts) {
  const id = opts.id.replace(/:/g, ' ')
  const known = opts.config.commands.filter((c) => !c.hidden).map((c) => c.id.replace(/:/g, ' '))
  const near = known
    .map((k) => ({ k, d: distance(id, k) }))
    .filter((x) => x.d <= Math.max(2, Math.floor(id.length / 3)) || x.k.startsWith(id + ' '))
    .sort((a, b) => a.d - b.d)
    .slice(0, 3)
    .map((x) => x.k)
  process.stderr.write(
    `yuqing: unknown command "${id}"\n  hint: ${near.length ? `did you mean ${near.map((n) => `\`yuqing ${n}\``).join(', ')}? ` : ''}run \`yuqing --help\` for the list\n`,
  )
  process.exit(2)
}

export default hook
