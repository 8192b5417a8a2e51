/**
 * Worker-thread entry of an import: parses the file and posts prepared batches to the main
 * thread, never more than `window` batches ahead of what the main thread has written (so memory
 * stays constant however large the file).
 */
import { parentPort, workerData } from 'node:worker_threads'
import { errorMessage } from '../core/errors.js'
import { openInput, parseBatches, type ImportFormat } from './import-parse.js'

export interface WorkerRequest {
  file: string
  format: ImportFormat
  batchSize: number
  keepRaw: boolean
  window: number
}
export type WorkerMessage =
  | { type: 'batch'; batch: import('./import-parse.js').ParsedBatch }
  | { type: 'done' }
  | { type: 'error'; message: string; code?: string }

const req = workerData as WorkerRequest
const port = parentPort!
let credits = req.window
let wake: (() => void) | undefined
port.on('message', (m: { type: 'credit' }) => {
  if (m.type === 'credit') {
    credits++
    wake?.()
  }
})

async function main(): Promise<void> {
  const { stream, bytesRead } = openInput(req.file)
  for await (const batch of parseBatches(stream, req.format, { batchSize: req.batchSize, keepRaw: req.keepRaw, bytesRead })) {
    while (credits === 0) await new Promise<void>((r) => (wake = r))
    credits--
    port.postMessage({ type: 'batch', batch } satisfies WorkerMessage)
  }
  port.postMessage({ type: 'done' } satisfies WorkerMessage)
}

main().then(
  () => port.close(),
  (err: NodeJS.ErrnoException) => {
    port.postMessage({ type: 'error', message: errorMessage(err), code: err.code } satisfies WorkerMessage)
    port.close()
  },
)
