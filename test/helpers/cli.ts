/**
 * Test helpers: run the built CLI (bin/run.js → dist/) in a child process, and temp dirs.
 *
 *   const ws = tmpDir()
 *   const r = await runCli(['--db', 'x.db', 'db', 'stats', '--json'], { cwd: ws.dir })
 *   expect(r.code).toBe(0)
 *   ws.cleanup()
 */
import { spawn, execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

/** The repository root (…/test/helpers/cli.ts → …/). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url))
/** Absolute path of the CLI entry point. */
export const BIN = path.join(REPO_ROOT, 'bin', 'run.js')

export interface CliResult {
  /** Exit code; -1 when the process was killed by a signal (e.g. the timeout). */
  code: number
  stdout: string
  stderr: string
}

export interface CliOptions {
  /** Working directory (default: the OS temp dir, so no ./yuqing.yaml is picked up by accident). */
  cwd?: string
  /**
   * Extra environment. YUQING_CONFIG, YUQING_DB and NODE_ENV are removed from the inherited
   * environment unless given here (vitest sets NODE_ENV=test, which makes oclif look for the
   * TypeScript sources instead of running dist/ as users do, and costs ~0.4 s per run).
   */
  env?: NodeJS.ProcessEnv
  /** Written to stdin (then closed); stdin is closed at once otherwise. */
  input?: string | Buffer
  /** Kill the process after this long (default 30 s). */
  timeoutMs?: number
}

/** Runs `node bin/run.js ...args` and collects its exit code and output. Never rejects on a non-zero exit. */
export function runCli(args: string[], opts: CliOptions = {}): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = { ...process.env }
  delete env.YUQING_CONFIG
  delete env.YUQING_DB
  delete env.NODE_ENV
  Object.assign(env, { NO_COLOR: '1', FORCE_COLOR: '0' }, opts.env)
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: opts.cwd ?? os.tmpdir(),
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    const out: Buffer[] = []
    const err: Buffer[] = []
    child.stdout.on('data', (d: Buffer) => out.push(d))
    child.stderr.on('data', (d: Buffer) => err.push(d))
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000)
    child.on('error', (e) => {
      clearTimeout(timer)
      reject(e)
    })
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code: code ?? -1, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') })
    })
    child.stdin.on('error', () => {
      /* the CLI may exit before reading stdin */
    })
    child.stdin.end(opts.input ?? '')
  })
}

/** Parses the stdout of a `--json` run; throws with the output attached when it is not JSON. */
export function parseJson<T = any>(r: CliResult): T {
  try {
    return JSON.parse(r.stdout) as T
  } catch {
    throw new Error(`stdout is not JSON (exit ${r.code}):\n${r.stdout}\n--- stderr:\n${r.stderr}`)
  }
}

/** A fresh temp directory and a function that removes it. */
export function tmpDir(prefix = 'yuqing-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix))
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}

/** Builds dist/ with tsc when it is missing (`npm test` builds first; a bare `vitest run` may not have). */
export function ensureBuilt(): void {
  if (existsSync(path.join(REPO_ROOT, 'dist', 'commands'))) return
  execFileSync(process.execPath, [path.join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', REPO_ROOT], { stdio: 'inherit' })
}

/**
 * Starts the CLI as a child process, waits until `count(db)` (a query on the database it writes,
 * read-only) reaches `atLeast`, then kills it with SIGKILL. Returns the last count seen before the kill.
 */
export async function killWhen(args: string[], db: string, count: (s: import('../../src/store/sqlite.js').SqliteStore) => number, atLeast: number, timeoutMs = 60_000): Promise<number> {
  const { spawn } = await import('node:child_process')
  const { SqliteStore } = await import('../../src/store/sqlite.js')
  const child = spawn(process.execPath, [BIN, ...args], { stdio: 'ignore' })
  let seen = 0
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100))
    try {
      const s = SqliteStore.open(db, { readonly: true, migrate: false })
      seen = count(s)
      s.close()
    } catch {
      /* not created yet, or busy */
    }
    if (seen >= atLeast) break
  }
  child.kill('SIGKILL')
  await new Promise((r) => child.on('close', r))
  return seen
}
