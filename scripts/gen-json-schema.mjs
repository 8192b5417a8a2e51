// Writes config/yuqing.schema.json (editor completion for yuqing.yaml) from the zod schema.
// Run: npm run gen:schema (builds first). A test fails when the checked-in file is stale.
import { writeFileSync } from 'node:fs'
import { configJsonSchema } from '../dist/config/json-schema.js'

const out = new URL('../config/yuqing.schema.json', import.meta.url)
writeFileSync(out, JSON.stringify(configJsonSchema(), null, 2) + '\n')
console.log(`wrote ${out.pathname}`)
