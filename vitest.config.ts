import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration tests spawn the built CLI (dist/) and real SQLite files.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
})
