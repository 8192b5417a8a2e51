/**
 * `npm run build` (after tsc): the parts of ECharts the report draws (core, line/bar/pie, grid,
 * title, legend, the SVG renderer, grid.containLabel) bundled into one file,
 * dist/report/echarts-bundle.js, which src/report/charts.ts loads. Node 20 has no compile cache
 * for ES modules, and resolving and reading echarts' ~500 small modules took ~0.4 s of every
 * Markdown/HTML/PDF report here; the bundle loads in ~50 ms. Same echarts, from node_modules.
 */
import { build } from 'esbuild'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const entry = `
import * as core from 'echarts/core'
import { SVGRenderer } from 'echarts/renderers'
import { LegacyGridContainLabel } from 'echarts/features'
import 'echarts/lib/chart/line'
import 'echarts/lib/chart/bar'
import 'echarts/lib/chart/pie'
import 'echarts/lib/component/grid'
import 'echarts/lib/component/title'
import 'echarts/lib/component/legend'
core.use([SVGRenderer, LegacyGridContainLabel])
export default core
`
await build({
  stdin: { contents: entry, resolveDir: root, sourcefile: 'echarts-entry.js' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  minify: true,
  legalComments: 'eof',
  outfile: path.join(root, 'dist', 'report', 'echarts-bundle.js'),
  logLevel: 'warning',
})
