// Find in a text artifact (System.map, relocs --text, a map file): the lines holding a piece of
// text, case-insensitive, and the next or previous one from a line, wrapping around as an
// editor's find does. The text is decoded and lowered once per artifact (one string, no copy per
// line); each query's matching lines are found once.

export interface TextFindQuery {
  file: string;
  query: string;
  /** The line to search after (or before, `backwards`); -1 starts at the top (or the bottom). */
  from: number;
  backwards?: boolean;
}

export interface TextMatch {
  /** The matching line found (0-based), or -1 when no line holds the text. */
  line: number;
  /** Its place among the matching lines (0-based), and how many lines match. */
  ordinal: number;
  total: number;
}

export class TextSearch {
  private lowered: string | undefined;
  /** Positions of the newlines in `lowered`: line i starts after the i-th. */
  private newlines = new Float64Array(0);
  private last = { query: '', lines: new Int32Array(0) };

  /** `text` gives the artifact's whole text (decoded once, on the first find). */
  constructor(private readonly text: () => string) {}

  find(query: string, from: number, backwards = false): TextMatch {
    const lines = this.matching(query.toLowerCase());
    const total = lines.length;
    if (total === 0) return { line: -1, ordinal: -1, total };
    // The first matching line after `from` (before it, backwards), wrapping at the ends.
    let lo = 0, hi = total;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (backwards ? lines[mid] < from : lines[mid] <= from) lo = mid + 1;
      else hi = mid;
    }
    const ordinal = backwards ? (from < 0 ? total - 1 : (lo - 1 + total) % total) : lo % total;
    return { line: lines[ordinal], ordinal, total };
  }

  private matching(needle: string): Int32Array {
    if (needle === this.last.query) return this.last.lines;
    const text = (this.lowered ??= this.index());
    const found: number[] = [];
    if (needle) {
      let line = 0;
      for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) {
        while (line < this.newlines.length && this.newlines[line] < at) line++;
        found.push(line);
        // Go on from the next line: one entry per line is all that is kept.
        if (line >= this.newlines.length) break;
        at = Math.max(at, this.newlines[line]);
      }
    }
    this.last = { query: needle, lines: Int32Array.from(found) };
    return this.last.lines;
  }

  private index(): string {
    // toLowerCase keeps every "\n" where it was, so lines are counted in the lowered text.
    const lowered = this.text().toLowerCase();
    const at: number[] = [];
    for (let i = lowered.indexOf('\n'); i >= 0; i = lowered.indexOf('\n', i + 1)) at.push(i);
    this.newlines = Float64Array.from(at);
    return lowered;
  }
}
