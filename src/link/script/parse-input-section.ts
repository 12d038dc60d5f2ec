// Input section descriptions inside an output section: `[KEEP(] filePattern(sectionPatterns...) [)]`
// with EXCLUDE_FILE in both placements and SORT_* (nested at most once, as ld allows). Lexed in
// ld's WILD state, where names may contain `* ? [ ] ^ ! - + : ,`. Matching is not done here.
import type { InputSectionDescription, SectionPattern, SortOrder } from './ast.ts';
import type { Token } from './lexer.ts';
import type { TokenStream } from './token-stream.ts';

const MODE = 'wild';
const SORTS: Record<string, SortOrder> = {
  SORT: 'name', SORT_BY_NAME: 'name', SORT_BY_ALIGNMENT: 'alignment', SORT_BY_INIT_PRIORITY: 'init-priority', SORT_NONE: 'none',
};

export function isInputSectionStart(token: Token): boolean {
  return token.type === 'name' || token.type === 'string';
}

function isKeyword(token: Token, word: string): boolean {
  return token.type === 'name' && token.text === word;
}

export function parseInputSection(s: TokenStream): InputSectionDescription {
  const first = s.peek(MODE);
  const loc = s.loc(first);
  if (isKeyword(first, 'KEEP')) {
    s.next(MODE);
    s.expectOp('(', MODE);
    if (isKeyword(s.peek(MODE), 'KEEP')) throw s.unexpected(s.peek(MODE), 'an input section description (KEEP does not nest)');
    const inner = parseInputSection(s);
    s.expectOp(')', MODE);
    return { ...inner, keep: true, loc };
  }
  const description: InputSectionDescription = {
    kind: 'input', filePattern: '', fileSort: 'unsorted', excludeFiles: [], keep: false, loc,
  };
  const sortToken = s.peek(MODE);
  if (sortToken.type === 'name' && sortToken.text in SORTS) {
    s.next(MODE);
    s.expectOp('(', MODE);
    description.fileSort = SORTS[sortToken.text];
    readFilePattern(s, description);
    s.expectOp(')', MODE);
  } else readFilePattern(s, description);
  if (s.accept('(', MODE)) {
    description.sections = [];
    while (!s.accept(')', MODE)) description.sections.push(...parseSectionPatterns(s));
  }
  return description;
}

function readFilePattern(s: TokenStream, description: InputSectionDescription): void {
  if (isKeyword(s.peek(MODE), 'EXCLUDE_FILE')) description.excludeFiles = parseExcludeList(s);
  description.filePattern = s.expectName(MODE, 'a file name pattern');
}

function parseExcludeList(s: TokenStream): string[] {
  s.next(MODE);
  s.expectOp('(', MODE);
  const names: string[] = [];
  while (!s.accept(')', MODE)) names.push(s.expectName(MODE, 'a file name pattern'));
  return names;
}

/** One section pattern, or the patterns inside one SORT_*(...), each carrying the order; a SORT
 *  may hold one more SORT level (`level` 1 there), as in ld's grammar. */
function parseSectionPatterns(s: TokenStream, level = 0): SectionPattern[] {
  const token = s.peek(MODE);
  if (token.type === 'name' && token.text in SORTS) {
    if (level > 1) throw s.unexpected(token, 'a section name pattern (SORT nests one level only)');
    s.next(MODE);
    s.expectOp('(', MODE);
    const outer = SORTS[token.text];
    const patterns: SectionPattern[] = [];
    while (!s.accept(')', MODE)) {
      const inner = s.peek(MODE);
      if (inner.type === 'name' && inner.text in SORTS) {
        for (const pattern of parseSectionPatterns(s, level + 1)) patterns.push({ ...pattern, sort: nestSort(s, inner, outer, pattern.sort) });
      } else patterns.push({ ...parseOnePattern(s), sort: outer });
    }
    if (patterns.length === 0) throw s.unexpected(s.peek(MODE), 'a section name pattern');
    return patterns;
  }
  return [parseOnePattern(s)];
}

function parseOnePattern(s: TokenStream): SectionPattern {
  const excludeFiles = isKeyword(s.peek(MODE), 'EXCLUDE_FILE') ? parseExcludeList(s) : [];
  return { pattern: s.expectName(MODE, 'a section name pattern'), excludeFiles, sort: 'unsorted' };
}

/** ld accepts SORT_BY_NAME/SORT_BY_ALIGNMENT nested in each other (or themselves) only. */
function nestSort(s: TokenStream, at: Token, outer: SortOrder, inner: SortOrder): SortOrder {
  if (outer === inner && (outer === 'name' || outer === 'alignment')) return outer;
  if (outer === 'name' && inner === 'alignment') return 'name-alignment';
  if (outer === 'alignment' && inner === 'name') return 'alignment-name';
  throw s.unexpected(at, 'a section name pattern (this SORT cannot be nested here)');
}
