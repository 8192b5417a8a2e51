/** JSON Schema of the config, generated from the zod schema (for editors; see scripts/gen-json-schema.mjs). */
import { z } from 'zod'
import { configSchema } from './schema.js'

export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>
  return { ...schema, title: 'yuqing.yaml', description: 'yuqing 舆情 workspace configuration' }
}
