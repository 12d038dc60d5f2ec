// Locations in ld's message shapes: "b.o: in function `main':\nb.c:(.text+0x5)" when a function
// symbol covers the place (the file name from the object's STT_FILE symbol), else "c.o:(.data+0x0)".
// Formatting only: no pass logic; it reads symbol tables through the ELF views.
import { STT_FILE, STT_FUNC } from '../elf/index.ts';
import type { ObjectFile } from './context.ts';

/** ld's `%C`-style location of (section index, offset) in `obj`. */
export function describeLocation(obj: ObjectFile, shndx: number, offset: bigint): string {
  const sectionName = obj.elf.sections[shndx]?.name ?? `section ${shndx}`;
  const place = `(${sectionName}+0x${offset.toString(16)})`;
  const fn = enclosingFunction(obj, shndx, offset);
  if (!fn) return `${obj.name}:${place}`;
  const source = fileSymbol(obj);
  return `${obj.name}: in function \`${fn}':\n${source ? source + ':' : ''}${place}`;
}

function enclosingFunction(obj: ObjectFile, shndx: number, offset: bigint): string | undefined {
  const t = obj.symtab;
  if (!t) return undefined;
  for (let i = 1; i < t.count; i++) {
    if ((t.info(i) & 0xf) !== STT_FUNC || t.shndx(i) !== shndx) continue;
    const v = t.value(i);
    if (offset >= v && offset < v + (t.size(i) || 1n)) return t.name(i);
  }
  return undefined;
}

function fileSymbol(obj: ObjectFile): string | undefined {
  const t = obj.symtab;
  if (!t) return undefined;
  for (let i = 1; i < t.firstGlobal; i++) if ((t.info(i) & 0xf) === STT_FILE) return t.name(i);
  return undefined;
}
