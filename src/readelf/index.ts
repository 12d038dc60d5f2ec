// GNU readelf 2.40's text for -h -S -l -s -r (with or without -W), as pure functions over an
// ElfFile, and over archives (each member as "File: lib.a(member.o)"). No I/O: output goes to a
// TextSink in large chunks so the CLI can stream a 1.5 GB relocation listing.

import { isArchive, latin1, readArchive, readElf, type ElfFile } from '../elf/index.ts';
import { writeFileHeader } from './file-header.ts';
import { writeProgramHeaders } from './program-headers.ts';
import { writeRelocations } from './relocations.ts';
import { writeSectionHeaders } from './section-headers.ts';
import { writeSymbolTables } from './symbols.ts';
import { TextOut, type TextSink } from './text.ts';

export type { TextSink } from './text.ts';

export interface ReadelfOptions {
  fileHeader?: boolean;
  sectionHeaders?: boolean;
  programHeaders?: boolean;
  symbols?: boolean;
  relocs?: boolean;
  wide?: boolean;
}

/** Writes readelf's listing of one ELF file, in readelf's order (h, S, l, r, s). */
export function writeReadelf(elf: ElfFile, options: ReadelfOptions, sink: TextSink): void {
  const out = new TextOut(sink);
  try {
    writeReadelfTo(elf, options, out);
  } finally {
    out.flush();
  }
}

function writeReadelfTo(elf: ElfFile, o: ReadelfOptions, out: TextOut): void {
  const wide = o.wide ?? false;
  if (o.fileHeader) writeFileHeader(elf, out);
  if (o.sectionHeaders) writeSectionHeaders(elf, out, wide, o.fileHeader ?? false);
  if (o.programHeaders) writeProgramHeaders(elf, out, wide, o.fileHeader ?? false);
  if (o.relocs) writeRelocations(elf, out, wide);
  if (o.symbols) writeSymbolTables(elf, out, wide);
}

/** The whole listing as one string (for small files, tests and the UI). */
export function readelfText(elf: ElfFile, options: ReadelfOptions): string {
  const parts: string[] = [];
  writeReadelf(elf, options, (c) => parts.push(latin1(c, 0, c.length)));
  return parts.join('');
}

/** Writes the listing of a file's bytes: an ELF object, or every member of an ar archive.
 *  `announce` prints the "File: name" line readelf shows when given several files. */
export function writeReadelfFile(bytes: Uint8Array, fileName: string, options: ReadelfOptions, sink: TextSink, announce: boolean): void {
  if (isArchive(bytes)) {
    const archive = readArchive(bytes, fileName);
    for (const m of archive.members) {
      if (m.data === null) continue;
      const label = `${fileName}(${m.name})`;
      sink(latin1Bytes(`\nFile: ${label}\n`));
      writeReadelf(readElf(m.data, label), options, sink);
    }
    return;
  }
  if (announce) sink(latin1Bytes(`\nFile: ${fileName}\n`));
  writeReadelf(readElf(bytes, fileName), options, sink);
}

function latin1Bytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}
