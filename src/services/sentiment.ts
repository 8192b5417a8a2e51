/**
 * `yuqing sentiment eval` and `yuqing sentiment train`: labelled CSV files (`label,text`) in,
 * metrics or a model file out. The model comes from --model, else `nlp.sentimentModel` in the
 * config (relative to the config file's directory), else the shipped model.
 */
import { existsSync, mkdirSync, renameSync, unlinkSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { parse as parseCsv } from 'csv-parse/sync'
import { UsageError, errorMessage } from '../core/errors.js'
import type { LoadedConfig } from '../config/load.js'
import { evaluateModel, type EvalReport } from '../nlp/sentiment/evaluate.js'
import { DEFAULT_MODEL_FILE, loadSentimentModel } from '../nlp/sentiment/load.js'
import { serialiseModel } from '../nlp/sentiment/model.js'
import { trainModel } from '../nlp/sentiment/train.js'
import type { LabelledText, SentimentLabel } from '../nlp/sentiment/types.js'
import { readTextFile } from '../core/files.js'

const LABEL_SET = new Set<string>(['pos', 'neu', 'neg'])

/**
 * Reads a `label,text` CSV (UTF-8, optional BOM, RFC 4180 quoting). Throws UsageError naming the
 * file and line to fix: missing file, wrong header, unknown label, empty text, no rows.
 */
export function readLabelledCsv(file: string): LabelledText[] {
  let text: string
  try {
    text = readTextFile(file)
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${errorMessage(err)}`, 'check the path of --input')
  }
  return parseLabelledCsv(text, file)
}

/** Parses `label,text` CSV text; `file` names it in messages. */
export function parseLabelledCsv(text: string, file = 'the input'): LabelledText[] {
  const hint = 'a CSV with the header `label,text` and labels pos, neg (and neu), e.g. `pos,服务很好`'
  let records: Array<{ record: string[]; info: { lines: number } }>
  try {
    records = parseCsv(text, { bom: true, info: true, skip_empty_lines: true, relax_column_count: true }) as typeof records
  } catch (err) {
    throw new UsageError(`${file} is not valid CSV: ${errorMessage(err).split('\n')[0]}`, hint)
  }
  if (records.length === 0) throw new UsageError(`${file} is empty`, hint)
  const header = records[0]!.record.map((h) => h.trim().toLowerCase())
  const li = header.indexOf('label')
  const ti = header.indexOf('text')
  if (li < 0 || ti < 0) throw new UsageError(`${file}: the header must be \`label,text\`; got \`${records[0]!.record.join(',').slice(0, 80)}\``, hint)
  const rows: LabelledText[] = []
  for (let i = 1; i < records.length; i++) {
    const { record, info } = records[i]!
    const label = (record[li] ?? '').trim().toLowerCase()
    const t = record[ti] ?? ''
    if (!LABEL_SET.has(label)) throw new UsageError(`${file} line ${info.lines}: unknown label ${JSON.stringify(record[li] ?? '')}`, 'labels are pos, neg or neu')
    if (!t.trim()) throw new UsageError(`${file} line ${info.lines}: the text is empty`, 'remove the row or give its text')
    rows.push({ label: label as SentimentLabel, text: t })
  }
  if (rows.length === 0) throw new UsageError(`${file} has a header but no rows`, hint)
  return rows
}

/**
 * The model file to use: --model (relative to the working directory), else nlp.sentimentModel
 * (relative to the config file's directory), else the shipped model.
 */
export function resolveModelFile(ctx: Pick<LoadedConfig, 'config' | 'baseDir'> | undefined, modelFlag?: string, cwd = process.cwd()): string {
  if (modelFlag) return path.resolve(cwd, modelFlag)
  const configured = ctx?.config.nlp.sentimentModel
  if (configured) return path.resolve(ctx!.baseDir, configured)
  return DEFAULT_MODEL_FILE
}

export interface EvalRequest {
  input: string
  model?: string
}

export interface EvalResult extends EvalReport {
  model: string
  modelFile: string
  binary: boolean
}

export function evaluateSentimentFile(ctx: Pick<LoadedConfig, 'config' | 'baseDir'> | undefined, req: EvalRequest): EvalResult {
  const rows = readLabelledCsv(req.input)
  const modelFile = resolveModelFile(ctx, req.model)
  const model = loadSentimentModel(modelFile)
  const report = evaluateModel(model, rows)
  return { ...report, model: model.version, modelFile, binary: !rows.some((r) => r.label === 'neu') }
}

export interface TrainRequest {
  input: string
  out: string
  /** Model version string (default: the output file name without extension). */
  version?: string
  log?: (msg: string) => void
}

export interface TrainSummary {
  out: string
  version: string
  rows: number
  counts: { pos: number; neu: number; neg: number }
  labels: SentimentLabel[]
  heldOut: (EvalReport & { rows: number }) | null
  bytes: number
  seconds: number
}

export function trainSentimentFile(req: TrainRequest): TrainSummary {
  const rows = readLabelledCsv(req.input)
  const counts = { pos: 0, neu: 0, neg: 0 }
  for (const r of rows) counts[r.label]++
  if (!counts.pos || !counts.neg)
    throw new UsageError(`${req.input} needs rows labelled pos and neg (it has ${counts.pos} pos, ${counts.neg} neg)`, 'add labelled texts of both polarities')
  const out = path.resolve(req.out)
  if (!existsSync(path.dirname(out))) {
    try {
      mkdirSync(path.dirname(out), { recursive: true })
    } catch (err) {
      throw new UsageError(`cannot create the directory of ${req.out}: ${errorMessage(err)}`, 'check the path of --out')
    }
  }
  const version = req.version ?? path.basename(out).replace(/\.[^.]*$/, '')
  if (!/^[\w.@+-]{1,64}$/.test(version)) throw new UsageError(`model version ${JSON.stringify(version)} is not usable`, 'use letters, digits, ".", "-" or "_" (--model-version)')
  const started = new Date()
  const res = trainModel(rows, {
    version,
    log: req.log,
    provenance: {
      trainedBy: 'yuqing sentiment train',
      input: path.basename(req.input),
      rows: rows.length,
      counts,
      date: started.toISOString(),
    },
  })
  if (res.params.provenance) res.params.provenance.heldOut = res.heldOut && { rows: res.heldOutRows, accuracy: res.heldOut.accuracy, macroF1: res.heldOut.macroF1 }
  const text = serialiseModel(res.params, `Sentiment model trained on ${path.basename(req.input)} (${rows.length} rows)`)
  const tmp = `${out}.tmp-${process.pid}`
  try {
    writeFileSync(tmp, text)
    renameSync(tmp, out)
  } catch (err) {
    try {
      unlinkSync(tmp)
    } catch {
      /* not created */
    }
    throw new UsageError(`cannot write ${req.out}: ${errorMessage(err)}`, 'check the path and permissions of --out')
  }
  return {
    out,
    version,
    rows: rows.length,
    counts,
    labels: res.params.neutral ? ['pos', 'neu', 'neg'] : ['pos', 'neg'],
    heldOut: res.heldOut && { ...res.heldOut, rows: res.heldOutRows },
    bytes: Buffer.byteLength(text),
    seconds: res.seconds,
  }
}
