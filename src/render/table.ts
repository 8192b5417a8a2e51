/**
 * Plain tables for the terminal (cli-table3, no colours when stdout is not a TTY).
 * CJK characters count as two columns.
 */
import Table from 'cli-table3'

export function renderTable(head: string[], rows: Array<Array<string | number>>): string {
  const table = new Table({
    head,
    style: { head: [], border: [], compact: true },
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
  })
  for (const r of rows) table.push(r.map((c) => String(c)))
  return table.toString()
}
