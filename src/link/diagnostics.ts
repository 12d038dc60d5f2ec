// Locations in ld's message shapes: "b.o: in function `main':\nb.c:(.text+0x5)" when a function
// (or untyped) symbol precedes the place (the file name from the object's STT_FILE symbol), else "c.o:(.data+0x0)".
// Formatting only: no pass logic; it reads symbol tables through the ELF views.
import { STT_FILE, STT_FUNC, STT_NOTYPE } from '../elf/index.ts';
import type { Diagnostic } from '../pipeline/stage.ts';
import type { InputSection, ObjectFile } from './context.ts';

/** ld's `%C`-style location of (section index, offset) in `obj`; `compact` is the one-line form
 *  ld uses after "first defined here" (`a.o:a.c:(.text+0x0)`). */
export function describeLocation(obj: ObjectFile, shndx: number, offset: bigint, compact = false): string {
  const sectionName = obj.elf.sections[shndx]?.name ?? `section ${shndx}`;
  const place = `(${sectionName}+0x${offset.toString(16)})`;
  const fn = enclosingFunction(obj, shndx, offset);
  if (!fn) return `${obj.name}:${place}`;
  const source = fileSymbol(obj);
  if (compact) return `${obj.name}:${source ? source + ':' : ''}${place}`;
  return `${obj.name}: in function \`${fn}':\n${source ? source + ':' : ''}${place}`;
}

/** The nearest FUNC or NOTYPE symbol at or before `offset` in the section (one with a size must
 *  cover it), which is how ld names "in function" for code written without .type. */
function enclosingFunction(obj: ObjectFile, shndx: number, offset: bigint): string | undefined {
  const t = obj.symtab;
  if (!t) return undefined;
  let best: string | undefined;
  let bestValue = -1n;
  for (let i = 1; i < t.count; i++) {
    const type = t.info(i) & 0xf;
    if ((type !== STT_FUNC && type !== STT_NOTYPE) || t.shndx(i) !== shndx) continue;
    const v = t.value(i);
    const size = t.size(i);
    if (v > offset || v < bestValue || (size > 0n && offset >= v + size)) continue;
    best = t.name(i);
    bestValue = v;
  }
  return best;
}

function fileSymbol(obj: ObjectFile): string | undefined {
  const t = obj.symtab;
  if (!t) return undefined;
  for (let i = 1; i < t.firstGlobal; i++) if ((t.info(i) & 0xf) === STT_FILE) return t.name(i);
  return undefined;
}

/** Messages as ld prints them one after another: a "[ld: ]file: in function `f':" line is written
 *  only when it differs from the one before (ld's %C remembers the last function it named); the
 *  message's own "ld: " prefix stays. */
export function joinLocatedMessages(messages: readonly string[]): string {
  const out: string[] = [];
  let header = '';
  for (const m of messages) {
    const nl = m.indexOf('\n');
    const first = nl > 0 ? m.slice(0, nl) : '';
    const isHeader = first.endsWith("':") && first.includes(': in function `');
    if (isHeader && first === header) out.push((first.startsWith('ld: ') ? 'ld: ' : '') + m.slice(nl + 1));
    else out.push(m);
    header = isHeader ? first : '';
  }
  return out.join('\n');
}

/** An error about relocation `index` of input section `s`: the message, and where the playground
 *  finds that relocation (the object as ld names it, and its SHT_RELA section). */
export function relocationDiagnostic(message: string, s: InputSection, index: number): Diagnostic {
  return { severity: 'error', message, file: s.file.name, relocation: { section: s.relocationSection, index } };
}
