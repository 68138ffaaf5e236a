/**
 * Go's `text/tabwriter` as runtime/pprof configures it: `NewWriter(w, minwidth=1, tabwidth=8,
 * padding=1, padchar='\t', flags=0)`. Cells are tab-terminated; the text after a line's last tab
 * is not part of a column. A column block is a run of consecutive lines having that column; its
 * width is the widest cell + padding, and cells are padded with tabs up to the next multiple of
 * tabwidth past that width. Widths count runes, as Go does.
 */

const MIN_WIDTH = 1;
const TAB_WIDTH = 8;
const PADDING = 1;

/** Formats complete lines (without their '\n') as Go's tabwriter would, and joins them with '\n'. */
export function tabwrite(lines: readonly string[]): string {
  const cells = lines.map((l) => l.split('\t'));
  const out: string[] = new Array(lines.length);
  format(cells, out, [], 0, cells.length);
  return out.join('\n');
}

function format(cells: string[][], out: string[], widths: number[], line0: number, line1: number): void {
  const column = widths.length;
  let start = line0;
  for (let i = line0; i < line1; i++) {
    if (column >= cells[i].length - 1) continue;
    writeLines(cells, out, widths, start, i);
    // A column block starts here and runs while lines have a cell in this column.
    let width = MIN_WIDTH;
    let j = i;
    for (; j < line1 && column < cells[j].length - 1; j++) {
      width = Math.max(width, runeCount(cells[j][column]) + PADDING);
    }
    widths.push(width);
    format(cells, out, widths, i, j);
    widths.pop();
    start = j;
    i = j - 1;
  }
  writeLines(cells, out, widths, start, line1);
}

function writeLines(cells: string[][], out: string[], widths: number[], line0: number, line1: number): void {
  for (let i = line0; i < line1; i++) {
    let s = '';
    const line = cells[i];
    for (let j = 0; j < line.length; j++) {
      s += line[j];
      if (j < widths.length) s += padding(runeCount(line[j]), widths[j]);
    }
    out[i] = s;
  }
}

function padding(textWidth: number, cellWidth: number): string {
  const cell = Math.ceil(cellWidth / TAB_WIDTH) * TAB_WIDTH;
  return '\t'.repeat(Math.ceil((cell - textWidth) / TAB_WIDTH));
}

function runeCount(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}
