/**
 * Column layout of kubectl's table printer, which is Go's text/tabwriter configured with
 * minwidth 6, padding 3 and no padding of the last column: every column but the last is as
 * wide as its widest cell plus three spaces, and at least six characters.
 */
const padding = 3;
const minWidth = 6;

/** Width as a terminal shows it: one column per code point (good enough for names and IPs). */
function widthOf(text: string): number {
  return [...text].length;
}

/**
 * Lays out rows as aligned text. It remembers its column widths, so rows printed later (one
 * per watch event) line up with the table printed first instead of each being laid out alone.
 */
export class TableWriter {
  private widths: number[] = [];

  /** Formats rows (the header is just the first row) and returns one string per line. */
  format(rows: readonly (readonly string[])[]): string[] {
    for (const row of rows) {
      row.forEach((cell, i) => {
        if (i === row.length - 1) return;
        const w = Math.max(widthOf(cell) + padding, minWidth);
        if (w > (this.widths[i] ?? 0)) this.widths[i] = w;
      });
    }
    return rows.map((row) =>
      row
        .map((cell, i) => (i === row.length - 1 ? cell : cell + " ".repeat(this.widths[i]! - widthOf(cell))))
        .join(""),
    );
  }
}

/** A whole table at once, each line ending in a newline. */
export function renderTable(rows: readonly (readonly string[])[]): string {
  if (rows.length === 0) return "";
  return `${new TableWriter().format(rows).join("\n")}\n`;
}
