// Find in a text artifact (System.map, relocs --text, a map file): the lines holding a piece of
// text, case-insensitive, and the next or previous one from a line, wrapping around as an
// editor's find does. The text is lowered once per artifact; each query's matching lines once.

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
  private lowered = '';
  private lineStarts = new Float64Array(0);
  private ready = false;
  private last = { query: '', lines: new Int32Array(0) };

  /** `lines` gives every line of the artifact, newlines removed (read once, on the first find). */
  constructor(private readonly lines: () => string[]) {}

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
    if (!this.ready) this.index();
    const found: number[] = [];
    if (needle) {
      let line = 0;
      for (let at = this.lowered.indexOf(needle); at >= 0; at = this.lowered.indexOf(needle, at + 1)) {
        while (line + 1 < this.lineStarts.length && this.lineStarts[line + 1] <= at) line++;
        if (found[found.length - 1] !== line) found.push(line);
        // Go on from the next line: one entry per line is all that is kept.
        at = Math.max(at, (this.lineStarts[line + 1] ?? this.lowered.length) - 1);
      }
    }
    this.last = { query: needle, lines: Int32Array.from(found) };
    return this.last.lines;
  }

  private index(): void {
    const all = this.lines().map((l) => l.toLowerCase());
    this.lineStarts = new Float64Array(all.length + 1);
    let at = 0;
    all.forEach((l, i) => { this.lineStarts[i] = at; at += l.length + 1; });
    this.lineStarts[all.length] = at;
    this.lowered = all.join('\n');
    this.ready = true;
  }
}
