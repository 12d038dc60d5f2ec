// Wildcard matching for input section descriptions, as GNU ld does it: section and file names are
// matched with fnmatch(pattern, name, 0) semantics (`*`, `?`, `[set]` with `!`/`^` negation, ranges
// and [:class:], `\` escapes; `*` also crosses `/` and leading dots), a pattern without `*?[` is a
// plain comparison, and `archive:member` file patterns select archive members. No I/O here.

/** A compiled pattern: call it once per candidate name. */
export type NameMatcher = (name: string) => boolean;

const CLASSES: Record<string, string> = {
  alpha: 'a-zA-Z', digit: '0-9', alnum: 'a-zA-Z0-9', upper: 'A-Z', lower: 'a-z', space: ' \\t\\n\\r\\f\\v',
  xdigit: '0-9A-Fa-f', punct: '!-\\/:-@\\[-`{-~', print: ' -~', graph: '!-~', cntrl: '\\x00-\\x1f\\x7f', blank: ' \\t',
};

const escapeChar = (c: string) => c.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');

export function isWildcard(pattern: string): boolean {
  return /[*?[]/.test(pattern);
}

/** Compiles an ld wildcard pattern. As in ld, a pattern without `*`, `?` or `[` is a plain
 *  comparison, and otherwise the text before the first wildcard character and after the last
 *  (`?*[]`) must match literally (a `\` there is not an escape) before fnmatch runs on the rest. */
export function compileWildcard(pattern: string): NameMatcher {
  if (!isWildcard(pattern)) return (name) => name === pattern;
  const first = pattern.search(/[?*[]/);
  const prefix = pattern.slice(0, first);
  const last = Math.max(...['?', '*', '[', ']'].map((c) => pattern.lastIndexOf(c)));
  const suffix = pattern.slice(last + 1);
  const rest = pattern.slice(first);
  if (rest === '*') return (name) => name.startsWith(prefix);
  const regex = new RegExp(`^${translate(rest)}$`, 's');
  return (name) => name.startsWith(prefix) && name.endsWith(suffix) && regex.test(name.slice(prefix.length));
}

/** fnmatch pattern → RegExp source. */
function translate(pattern: string): string {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') out += '.*';
    else if (c === '?') out += '.';
    else if (c === '\\' && i + 1 < pattern.length) out += escapeChar(pattern[++i]);
    else if (c === '[') {
      const bracket = translateBracket(pattern, i);
      if (bracket) { out += bracket.source; i = bracket.end; }
      else out += '\\[';
    } else out += escapeChar(c);
  }
  return out;
}

/** `[...]` starting at `start`; undefined when unterminated (then `[` is literal, as fnmatch). */
function translateBracket(pattern: string, start: number): { source: string; end: number } | undefined {
  let i = start + 1;
  let negate = false;
  if (pattern[i] === '!' || pattern[i] === '^') { negate = true; i++; }
  let body = '';
  let first = true;
  for (; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === ']' && !first) return { source: `[${negate ? '^' : ''}${body}]`, end: i };
    first = false;
    if (c === '[' && pattern[i + 1] === ':') {
      const close = pattern.indexOf(':]', i + 2);
      const name = close > 0 ? pattern.slice(i + 2, close) : '';
      if (name in CLASSES) { body += CLASSES[name]; i = close + 1; continue; }
    }
    if (c === '\\' && i + 1 < pattern.length) { body += escapeChar(pattern[++i]); continue; }
    if (pattern[i + 1] === '-' && pattern[i + 2] !== undefined && pattern[i + 2] !== ']') {
      body += `${escapeChar(c)}-${escapeChar(pattern[i + 2])}`;
      i += 2;
      continue;
    }
    body += escapeChar(c);
  }
  return undefined;
}

/** An input file as ld names it: its file name, and the archive it came from, if any. */
export interface InputFileName {
  name: string;
  archive?: string;
}

/** Compiles a file pattern of an input section description: `file`, `archive:member`,
 *  `archive:` (every member) or `:file` (only files outside archives). */
export function compileFilePattern(pattern: string): (file: InputFileName) => boolean {
  const colon = pattern.indexOf(':');
  if (colon < 0 || pattern === '*') {
    const matches = compileWildcard(pattern);
    return (file) => matches(file.name);
  }
  const archivePart = pattern.slice(0, colon);
  const memberPart = pattern.slice(colon + 1);
  const archive = archivePart === '' ? undefined : compileWildcard(archivePart);
  const member = memberPart === '' ? undefined : compileWildcard(memberPart);
  return (file) => {
    if (file.archive === undefined) return archive === undefined && member !== undefined && member(file.name);
    return archive !== undefined && archive(file.archive) && (member === undefined || member(file.name));
  };
}
