// Pass 3, placeSections: runs the SECTIONS program's matching step as ld does — statements in script
// order, each claiming the not-yet-placed input sections it matches (file order, then section order;
// SORT_* reorders within a statement), /DISCARD/ dropping them — then places orphans (layout/orphans.ts).
// It only decides membership and order; addresses are assignAddresses' job.
import { SHF_WRITE, STB_GLOBAL, STV_HIDDEN } from '../../elf/index.ts';
import { StageError } from '../../pipeline/stage.ts';
import {
  newGlobal, type InputSection, type LayoutItem, type LinkContext, type OutputSection,
} from '../context.ts';
import { GlobCache } from '../layout/glob.ts';
import { newOutputSection } from '../layout/output-section.ts';
import { placeOrphans } from '../layout/orphans.ts';
import type { Assignment, InputSectionDescription, OutputSectionCommand, OutputSectionDescription, ScriptCommand, SectionsCommand, SortOrder } from '../script/index.ts';

export function placeSections(ctx: LinkContext): void {
  const script = ctx.script;
  if (!script) throw new StageError('ld: no linker script (internal: link() supplies the default one)');
  const globs = new GlobCache();
  const candidates = inputSectionsInOrder(ctx);
  const index = indexByName(candidates);
  const byName = new Map<string, OutputSection>();
  const place = (description: InputSectionDescription, os: OutputSection): InputSection[] => {
    const matched = matchInputSections(description, candidates, globs, index);
    for (const s of matched) {
      if (os.name === '/DISCARD/') {
        s.discarded = true;
        ctx.record.discarded.push({ file: s.file.name, section: s.name, output: '/DISCARD/', offset: 0, size: s.size });
      } else { s.output = os; os.members.push(s); }
      if (description.keep) s.keep = true;
      candidates.delete(s);
    }
    return os.name === '/DISCARD/' ? [] : matched;
  };
  const walkSections = (commands: SectionsCommand[]) => {
    for (const c of commands) {
      if (c.kind === 'include') walkSections(c.commands);
      else if (c.kind === 'assignment') { declareScriptSymbol(ctx, c); ctx.layout.push({ kind: 'assignment', assignment: c }); }
      else if (c.kind === 'assert') ctx.layout.push({ kind: 'assert', assert: c });
      else if (c.kind === 'entry') ctx.entrySymbol ??= c.symbol;
      else if (c.kind === 'overlay') throw new StageError(`${c.loc.file}:${c.loc.line}: OVERLAY is not supported by ldplay`, [{ severity: 'error', message: 'OVERLAY not supported', file: c.loc.file, line: c.loc.line, column: c.loc.column }]);
      else if (c.constraint && !constraintHolds(c, (d) => matchInputSections(d, candidates, globs, index))) continue;
      else {
        let os = byName.get(c.name);
        if (!os) {
          os = newOutputSection(c.name, ctx.outputSections.length);
          os.phdrs = c.phdrs;
          if (c.name !== '/DISCARD/') ctx.outputSections.push(os);
          byName.set(c.name, os);
        }
        const items = walkOutput(c.commands, os);
        if (c.name !== '/DISCARD/') ctx.layout.push({ kind: 'output', section: os, items, description: c });
      }
    }
  };
  const walkOutput = (commands: OutputSectionCommand[], os: OutputSection): LayoutItem[] => {
    const items: LayoutItem[] = [];
    for (const c of commands) {
      if (c.kind === 'include') items.push(...walkOutput(c.commands, os));
      else if (c.kind === 'input') items.push({ kind: 'input', sections: place(c, os) });
      else if (c.kind === 'assignment') { if (c.target !== '.') declareScriptSymbol(ctx, c); items.push({ kind: 'assignment', assignment: c }); }
      else if (c.kind === 'assert') items.push({ kind: 'assert', assert: c });
      else if (c.kind === 'data') items.push({ kind: 'data', data: c });
    }
    return items;
  };
  const walkTop = (commands: ScriptCommand[]) => {
    for (const c of commands) {
      if (c.kind === 'include') walkTop(c.commands);
      else if (c.kind === 'sections') walkSections(c.commands);
      else if (c.kind === 'entry') ctx.entrySymbol ??= c.symbol;
      else if (c.kind === 'phdrs') ctx.phdrs = c.headers;
      else if (c.kind === 'assignment') { declareScriptSymbol(ctx, c); ctx.layout.push({ kind: 'assignment', assignment: c }); }
      else if (c.kind === 'assert') ctx.layout.push({ kind: 'assert', assert: c });
      else if (c.kind === 'input' || c.kind === 'group') throw new StageError(`${c.loc.file}:${c.loc.line}: ${c.kind.toUpperCase()} in a linker script is not supported by ldplay; name the files on the command line`, [{ severity: 'error', message: `${c.kind.toUpperCase()} not supported`, file: c.loc.file, line: c.loc.line, column: c.loc.column }]);
      else if (c.kind === 'memory') throw new StageError(`${c.loc.file}:${c.loc.line}: MEMORY regions are not supported by ldplay`, [{ severity: 'error', message: 'MEMORY not supported', file: c.loc.file, line: c.loc.line, column: c.loc.column }]);
    }
  };
  walkTop(script.commands);
  placeOrphans(ctx, [...candidates], byName);
}

/** Every input section that takes part, in ld's order: files in link order, sections in header
 *  order, the build-id note after the first file's sections, then the GOT and IFUNC tables, COMMON last. */
/** ONLY_IF_RO / ONLY_IF_RW: ld makes the output section only when the input sections it would take
 *  are all read-only / all writable; otherwise the statement is skipped and they stay for later
 *  statements (ld's built-in script has both kinds for .eh_frame and .gcc_except_table). */
function constraintHolds(c: OutputSectionDescription, match: (d: InputSectionDescription) => InputSection[]): boolean {
  const taken = c.commands.flatMap((d) => (d.kind === 'input' ? match(d) : []));
  const writable = (s: InputSection) => (s.flags & BigInt(SHF_WRITE)) !== 0n;
  return taken.length > 0 && taken.every((s) => writable(s) === (c.constraint === 'ONLY_IF_RW'));
}

function inputSectionsInOrder(ctx: LinkContext): Set<InputSection> {
  const out = new Set<InputSection>();
  for (const obj of ctx.objects) {
    for (const s of obj.sections) if (s) out.add(s);
    if (obj.index === 0 && ctx.synthetic.buildId) out.add(ctx.synthetic.buildId);
  }
  if (ctx.synthetic.got) out.add(ctx.synthetic.got);
  if (ctx.synthetic.gotPlt) out.add(ctx.synthetic.gotPlt);
  if (ctx.iplt) for (const s of [ctx.iplt.stubs, ctx.iplt.slots, ctx.iplt.relocations]) out.add(s);
  if (ctx.synthetic.common) out.add(ctx.synthetic.common);
  return out;
}

interface NameIndex {
  byName: Map<string, InputSection[]>;
  order: Map<InputSection, number>;
  /** Every name, sorted: the names with a given prefix are one run. */
  names: string[];
}

/** Sections by exact name, with their position in link order, so literal patterns (most of the
 *  kernel script) look up instead of scanning every section. */
function indexByName(candidates: Set<InputSection>): NameIndex {
  const byName = new Map<string, InputSection[]>();
  const order = new Map<InputSection, number>();
  for (const s of candidates) {
    order.set(s, order.size);
    const list = byName.get(s.name);
    if (list) list.push(s); else byName.set(s.name, [s]);
  }
  return { byName, order, names: [...byName.keys()].sort() };
}

/** The sections still to place whose name starts with one of `prefixes`, in link order. */
function withPrefixes(index: NameIndex, prefixes: string[], candidates: Set<InputSection>): InputSection[] {
  const found = new Set<InputSection>();
  for (const prefix of prefixes) {
    // First name >= prefix; the names starting with it follow it in sorted order.
    let lo = 0;
    let hi = index.names.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (index.names[mid] < prefix) lo = mid + 1; else hi = mid; }
    for (let i = lo; i < index.names.length && index.names[i].startsWith(prefix); i++) {
      for (const s of index.byName.get(index.names[i])!) if (candidates.has(s)) found.add(s);
    }
  }
  return [...found].sort((a, b) => index.order.get(a)! - index.order.get(b)!);
}

function matchInputSections(d: InputSectionDescription, candidates: Set<InputSection>, globs: GlobCache, index: NameIndex): InputSection[] {
  const literal = d.sections?.every((p) => !/[*?[]/.test(p.pattern) && p.pattern !== 'COMMON' && !p.excludeFiles.length && (p.sort === 'unsorted' || p.sort === 'none'));
  if (literal && d.sections) {
    const fileMatch = globs.get(d.filePattern || '*');
    const excluded = d.excludeFiles.map((p) => globs.get(p));
    const found = d.sections.flatMap((p) => index.byName.get(p.pattern) ?? []).filter((s) => candidates.has(s) &&
      (fileMatch(s.file.name) || fileMatch(s.file.fileName) || (s.file.archive !== undefined && fileMatch(`${s.file.archive}:${s.file.fileName}`))) &&
      !excluded.some((m) => m(s.file.name) || m(s.file.fileName)));
    return [...new Set(found)].sort((a, b) => index.order.get(a)! - index.order.get(b)!);
  }
  return scanInputSections(d, candidates, globs, index);
}

/** A pattern's literal start (all of it without wildcards), which a matching name must begin with
 *  (ld compares that part literally before fnmatch). */
function literalPrefix(pattern: string): string {
  const first = pattern.search(/[?*[]/);
  return first < 0 ? pattern : pattern.slice(0, first);
}

function scanInputSections(d: InputSectionDescription, candidates: Set<InputSection>, globs: GlobCache, index: NameIndex): InputSection[] {
  const fileMatch = globs.get(d.filePattern || '*');
  const excluded = d.excludeFiles.map((p) => globs.get(p));
  const patterns = (d.sections ?? [{ pattern: '*', excludeFiles: [], sort: 'unsorted' as SortOrder }]).map((p) => ({
    match: p.pattern === 'COMMON' ? (name: string) => name === 'COMMON' : globs.get(p.pattern),
    exclude: p.excludeFiles.map((x) => globs.get(x)), sort: p.sort, isCommon: p.pattern === 'COMMON',
  }));
  const out: InputSection[] = [];
  const sortOf: SortOrder[] = [];
  // Only names that begin with some pattern's literal start can match (every name when one has none).
  const prefixes = (d.sections ?? []).map((p) => literalPrefix(p.pattern));
  const pool = d.sections && !prefixes.includes('') ? withPrefixes(index, prefixes, candidates) : candidates;
  for (const s of pool) {
    const f = s.file;
    const fileOk = s.name === 'COMMON' || (fileMatch(f.name) || fileMatch(f.fileName) || (f.archive !== undefined && fileMatch(`${f.archive}:${f.fileName}`)));
    if (!fileOk || excluded.some((m) => m(f.name) || m(f.fileName))) continue;
    for (const p of patterns) {
      if (s.name === 'COMMON' && !p.isCommon) continue;
      if (!p.match(s.name) || p.exclude.some((m) => m(f.name) || m(f.fileName))) continue;
      out.push(s);
      sortOf.push(p.sort);
      break;
    }
  }
  const sorted = sortOf.find((x) => x !== 'unsorted' && x !== 'none');
  if (sorted) return sortSections(out, sorted);
  if (d.fileSort === 'name') return [...out].sort((a, b) => cmp(a.file.fileName, b.file.fileName));
  return out;
}

function sortSections(list: InputSection[], order: SortOrder): InputSection[] {
  const byName = (a: InputSection, b: InputSection) => cmp(a.name, b.name);
  const byAlign = (a: InputSection, b: InputSection) => b.align - a.align;
  const priority = (s: InputSection) => { const m = /\.(\d+)$/.exec(s.name); return m ? Number(m[1]) : 65535; };
  const compare = {
    name: byName, alignment: byAlign, 'init-priority': (a: InputSection, b: InputSection) => priority(a) - priority(b),
    'name-alignment': (a: InputSection, b: InputSection) => byName(a, b) || byAlign(a, b),
    'alignment-name': (a: InputSection, b: InputSection) => byAlign(a, b) || byName(a, b),
  }[order as 'name'];
  return compare ? [...list].sort(compare) : list;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Script assignments define globals; PROVIDE only when referenced and not defined by an object. */
function declareScriptSymbol(ctx: LinkContext, a: Assignment): void {
  if (a.target === '.') return;
  let g = ctx.symbols.get(a.target);
  if (a.provide === 'PROVIDE' || a.provide === 'PROVIDE_HIDDEN') {
    if (!g || g.defined || !g.referenced) return;
  } else {
    ctx.scriptAssignments.push(a.target);
  }
  if (!g) { g = newGlobal(a.target); ctx.symbols.set(a.target, g); }
  g.scriptDefined = true;
  g.defined = true;
  g.binding = STB_GLOBAL;
  g.file = undefined;
  g.section = undefined;
  if (a.provide === 'PROVIDE_HIDDEN' || a.provide === 'HIDDEN') g.visibility = STV_HIDDEN;
}
