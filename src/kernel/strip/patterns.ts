// objcopy's `--remove-section=PATTERN` semantics: fnmatch(3) wildcards (flags 0), '!' negation that
// wins over every positive pattern, and the extra "drop the relocations of sections matching the
// rest" rule for patterns starting `.rel`/`.rela`. Knows nothing of ELF layout; see strip.ts.
// Follows GNU binutils 2.40 objcopy behaviour as recorded in docs kernel-pipeline.md §3.2.

/** fnmatch(pattern, name, 0): `*` and `?` match any byte ('/' and a leading '.' included),
 *  `[...]` classes with `!`/`^` negation and ranges, `\` quotes the next character. */
export function fnmatch(pattern: string, name: string): boolean {
  return matchFrom(pattern, 0, name, 0);
}

function matchFrom(p: string, pi: number, s: string, si: number): boolean {
  while (pi < p.length) {
    const c = p[pi];
    if (c === '*') {
      while (p[pi] === '*') pi++;
      if (pi === p.length) return true;
      for (let k = si; k <= s.length; k++) if (matchFrom(p, pi, s, k)) return true;
      return false;
    }
    if (si >= s.length) return false;
    if (c === '?') {
      pi++;
      si++;
      continue;
    }
    if (c === '[') {
      const cls = matchClass(p, pi, s[si]);
      if (cls === null) {
        // An unterminated '[' is an ordinary character.
        if (s[si] !== '[') return false;
        pi++;
        si++;
        continue;
      }
      if (!cls.matched) return false;
      pi = cls.next;
      si++;
      continue;
    }
    if (c === '\\' && pi + 1 < p.length) {
      if (s[si] !== p[pi + 1]) return false;
      pi += 2;
      si++;
      continue;
    }
    if (s[si] !== c) return false;
    pi++;
    si++;
  }
  return si === s.length;
}

/** Matches one bracket expression at p[start] === '['; null when it has no closing ']'. */
function matchClass(p: string, start: number, ch: string): { matched: boolean; next: number } | null {
  let i = start + 1;
  const negate = p[i] === '!' || p[i] === '^';
  if (negate) i++;
  let matched = false;
  let first = true;
  while (i < p.length && (p[i] !== ']' || first)) {
    first = false;
    let lo = p[i];
    if (lo === '\\' && i + 1 < p.length) lo = p[++i];
    if (p[i + 1] === '-' && i + 2 < p.length && p[i + 2] !== ']') {
      let hi = p[i + 2];
      let skip = 3;
      if (hi === '\\' && i + 3 < p.length) {
        hi = p[i + 3];
        skip = 4;
      }
      if (ch >= lo && ch <= hi) matched = true;
      i += skip;
    } else {
      if (ch === lo) matched = true;
      i++;
    }
  }
  if (i >= p.length) return null;
  return { matched: matched !== negate, next: i + 1 };
}

/** What a section name is checked for: removal of the section, or of its static relocations. */
export type PatternContext = 'remove' | 'remove-relocs';

interface SectionPattern {
  pattern: string;
  contexts: Set<PatternContext>;
}

/** The list objcopy builds from its `--remove-section` options, queried like its
 *  `find_section_list`: a matching negated pattern (same context) answers "no" whatever the order. */
export class RemovePatterns {
  private readonly list: SectionPattern[] = [];

  constructor(patterns: readonly string[]) {
    for (const p of patterns) this.addRemoveSection(p);
  }

  /** `--remove-section=PAT`: PAT in the remove context; if PAT starts with `.rel` (or `.rela`),
   *  the rest, when not empty, in the remove-relocations context. */
  private addRemoveSection(pattern: string): void {
    this.add(pattern, 'remove');
    if (pattern.startsWith('.rel')) {
      let rest = pattern.slice(4);
      if (rest.startsWith('a')) rest = rest.slice(1);
      if (rest) this.add(rest, 'remove-relocs');
    }
  }

  private add(pattern: string, context: PatternContext): void {
    const hit = this.list.find((e) => e.pattern === pattern);
    if (hit) hit.contexts.add(context);
    else this.list.push({ pattern, contexts: new Set([context]) });
  }

  /** The positive pattern that selects `name` in `context`, or undefined. */
  match(name: string, context: PatternContext): string | undefined {
    let found: string | undefined;
    for (const e of this.list) {
      if (!e.contexts.has(context)) continue;
      if (e.pattern.startsWith('!')) {
        if (fnmatch(e.pattern.slice(1), name)) return undefined;
      } else if (found === undefined && fnmatch(e.pattern, name)) {
        found = e.pattern;
      }
    }
    return found;
  }
}
