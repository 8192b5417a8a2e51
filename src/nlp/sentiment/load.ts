/**
 * Reads a model file. The shipped model is models/sentiment/zh-v1.json at the repository root
 * (the same relative path from src/ and dist/). Models are cached per resolved path.
 */
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { AppError, ExitCode, errorMessage } from '../../core/errors.js'
import { HashedSentimentModel, parseModelFile } from './model.js'
import { readTextFile } from '../../core/files.js'

/** The shipped model's file. */
export const DEFAULT_MODEL_FILE = fileURLToPath(new URL('../../../models/sentiment/zh-v1.json', import.meta.url))

/**
 * A model file is missing or malformed. Exit 2 for a file the user named (fix the path or the
 * file); exit 1 for the shipped model (a broken installation).
 */
export class SentimentModelError extends AppError {
  readonly file: string
  constructor(message: string, file: string, hint: string, exitCode: ExitCode = ExitCode.Usage) {
    super(message, { exitCode, hint, code: 'model' })
    this.file = file
  }
}

const cache = new Map<string, HashedSentimentModel>()

/** Reads and decodes a model file (not cached). */
export function readSentimentModel(file: string): HashedSentimentModel {
  const shipped = path.resolve(file) === DEFAULT_MODEL_FILE
  const code = shipped ? ExitCode.Failed : ExitCode.Usage
  let text: string
  try {
    text = readTextFile(file)
  } catch (err) {
    const why = errorMessage(err) === 'no such file' ? 'not found' : errorMessage(err)
    throw new SentimentModelError(
      `sentiment model ${file}: ${why}`,
      file,
      shipped ? 'the shipped model is missing: reinstall yuqing, or run `npm run train:sentiment`' : 'check the path (--model or nlp.sentimentModel), or train one with `yuqing sentiment train`',
      code,
    )
  }
  try {
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch (err) {
      throw new Error(`not JSON (${errorMessage(err).split('\n')[0]})`)
    }
    return new HashedSentimentModel(parseModelFile(json))
  } catch (err) {
    throw new SentimentModelError(
      `sentiment model ${file} is malformed: ${errorMessage(err)}`,
      file,
      shipped ? 'the shipped model is damaged: reinstall yuqing, or run `npm run train:sentiment`' : 'give a file written by `yuqing sentiment train` (or remove nlp.sentimentModel to use the shipped model)',
      code,
    )
  }
}

/** The model in `file` (default: the shipped model), loaded once per resolved path. */
export function loadSentimentModel(file?: string): HashedSentimentModel {
  const p = path.resolve(file ?? DEFAULT_MODEL_FILE)
  let m = cache.get(p)
  if (!m) {
    m = readSentimentModel(p)
    cache.set(p, m)
  }
  return m
}

/** Forgets cached models (after a model file was rewritten). */
export function clearSentimentModelCache(): void {
  cache.clear()
}
