#!/usr/bin/env node
import { execute } from '@oclif/core'
import { hoistGlobalFlags } from './global-flags.js'

await execute({ args: hoistGlobalFlags(process.argv.slice(2)), development: true, dir: import.meta.url })
