// Lets the global flags come before the command, as in `yuqing --config ws/yuqing.yaml doctor`:
// oclif only reads flags after the command id, so leading global flags are moved behind it.
const WITH_VALUE = new Set(['--config', '--db'])
const BOOLEAN = new Set(['--json', '--verbose'])

export function hoistGlobalFlags(argv) {
  const leading = []
  let i = 0
  while (i < argv.length) {
    const a = argv[i]
    const name = a.split('=')[0]
    if (WITH_VALUE.has(name)) {
      if (a.includes('=')) {
        leading.push(a)
        i += 1
      } else {
        leading.push(a, argv[i + 1])
        i += 2
      }
    } else if (BOOLEAN.has(a)) {
      leading.push(a)
      i += 1
    } else break
  }
  if (leading.length === 0 || i >= argv.length) return argv
  return [...argv.slice(i), ...leading.filter((x) => x !== undefined)]
}
