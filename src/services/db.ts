/**
 * Database maintenance use cases behind `yuqing db …`.
 */
import { AppError, ExitCode, UsageError } from '../core/errors.js'
import type { AppContext } from './context.js'
import { existsSync } from 'node:fs'
import path from 'node:path'

export function migrateDb(ctx: AppContext): { path: string; applied: number[]; version: number } {
  const store = ctx.store({ migrate: false })
  const applied = store.migrate()
  return { path: store.path, applied, version: store.status().version }
}

export function dbStatus(ctx: AppContext) {
  return ctx.store({ migrate: false }).status()
}

export function dbStats(ctx: AppContext) {
  return ctx.store().stats()
}

/** Runs every check; throws (exit 1) listing the problems when any is found. */
export function checkDb(ctx: AppContext): { path: string; ok: true; checks: string[] } {
  const store = ctx.store({ migrate: false })
  const res = store.check()
  if (!res.ok)
    throw new AppError(`database check failed for ${store.path}:\n  ${res.problems.join('\n  ')}`, {
      exitCode: ExitCode.Failed,
      hint: 'restore from a backup (`yuqing db backup`), or run `yuqing db vacuum` for index problems',
      code: 'check',
    })
  return { path: store.path, ok: true, checks: ['integrity_check', 'foreign_key_check', 'fts integrity', 'fts row count', 'unique mentions'] }
}

export function vacuumDb(ctx: AppContext) {
  return ctx.store().vacuum()
}

export async function backupDb(ctx: AppContext, dest: string, opts: { force?: boolean } = {}) {
  const target = path.resolve(dest)
  if (existsSync(target) && !opts.force) throw new UsageError(`backup target exists: ${target}`, 'choose a new file name, or pass --force to overwrite')
  if (target === path.resolve(ctx.dbPath)) throw new UsageError('the backup target is the database itself', 'choose another file')
  return ctx.store().backup(target)
}
