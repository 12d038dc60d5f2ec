// Reader for `ar` archives as GNU ar writes them: regular (`!<arch>`) and thin (`!<thin>`),
// the `/` (32-bit) and `/SYM64/` symbol indexes and the `//` long-name table.
// Member contents are views into the archive; a thin archive's members name files to load.

import { latin1 } from './bytes.ts';
import { ElfFormatError } from './errors.ts';

const HEADER_SIZE = 60;
const MAGIC = '!<arch>\n';
const THIN_MAGIC = '!<thin>\n';

export interface ArchiveMember {
  /** Member name with GNU's trailing '/' removed; for thin archives, a path relative to the archive. */
  name: string;
  /** Offset of the member header in the archive (what the symbol index points at). */
  headerOffset: number;
  /** Offset and size of the contents. */
  dataOffset: number;
  size: number;
  /** Contents; null for a member of a thin archive (stored outside it). */
  data: Uint8Array | null;
}

export interface ArchiveSymbol {
  name: string;
  /** Header offset of the member that defines it. */
  memberOffset: number;
}

export interface Archive {
  fileName: string;
  thin: boolean;
  members: ArchiveMember[];
  symbols: ArchiveSymbol[];
}

export function isArchive(bytes: Uint8Array): boolean {
  const head = latin1(bytes, 0, Math.min(8, bytes.length));
  return head === MAGIC || head === THIN_MAGIC;
}

export function readArchive(bytes: Uint8Array, fileName = '<archive>'): Archive {
  const fail = (structure: string, at: number, problem: string) => new ElfFormatError(fileName, structure, at, problem);
  if (!isArchive(bytes)) throw fail('archive header', 0, 'not an ar archive (bad magic)');
  const thin = latin1(bytes, 0, 8) === THIN_MAGIC;
  const members: ArchiveMember[] = [];
  let symbols: ArchiveSymbol[] = [];
  let longNames: Uint8Array | null = null;
  let at = 8;
  while (at < bytes.length) {
    if (bytes.length - at < HEADER_SIZE) {
      if (bytes.length - at === 1 && bytes[at] === 0x0a) break;
      throw fail('archive member header', at, `${bytes.length - at} bytes left, a header needs ${HEADER_SIZE}`);
    }
    if (bytes[at + 58] !== 0x60 || bytes[at + 59] !== 0x0a) throw fail('archive member header', at, 'bad terminator (expected "`\\n")');
    const rawName = latin1(bytes, at, at + 16).trimEnd();
    const sizeText = latin1(bytes, at + 48, at + 58).trim();
    if (!/^\d+$/.test(sizeText)) throw fail('archive member header', at + 48, `size field "${sizeText}" is not a decimal number`);
    const size = Number(sizeText);
    const dataOffset = at + HEADER_SIZE;
    const special = rawName === '/' || rawName === '/SYM64/' || rawName === '//';
    // Thin archives store only the index and name table inside; members live in their own files.
    const stored = !thin || special;
    if (stored && dataOffset + size > bytes.length) {
      throw fail(`archive member "${rawName}"`, at, `size ${size} runs past the end of the archive (${bytes.length} bytes)`);
    }
    const data = stored ? bytes.subarray(dataOffset, dataOffset + size) : null;
    if (rawName === '/' || rawName === '/SYM64/') {
      symbols = readSymbolIndex(data!, rawName === '/SYM64/' ? 8 : 4, dataOffset, fail);
    } else if (rawName === '//') {
      longNames = data;
    } else {
      members.push({ name: memberName(rawName, longNames, at, fail), headerOffset: at, dataOffset, size, data });
    }
    at = dataOffset + (stored ? size + (size & 1) : 0);
  }
  return { fileName, thin, members, symbols };
}

function memberName(
  raw: string,
  longNames: Uint8Array | null,
  at: number,
  fail: (s: string, at: number, p: string) => ElfFormatError,
): string {
  const m = /^\/(\d+)$/.exec(raw);
  if (m) {
    if (!longNames) throw fail('archive member header', at, `long name ${raw} without a "//" name table`);
    const start = Number(m[1]);
    if (start >= longNames.length) throw fail('archive member header', at, `long name offset ${start} is past the name table`);
    let end = start;
    while (end < longNames.length && longNames[end] !== 0x0a) end++;
    let name = latin1(longNames, start, end);
    if (name.endsWith('/')) name = name.slice(0, -1);
    return name;
  }
  return raw.endsWith('/') ? raw.slice(0, -1) : raw;
}

function readSymbolIndex(
  data: Uint8Array,
  width: 4 | 8,
  dataOffset: number,
  fail: (s: string, at: number, p: string) => ElfFormatError,
): ArchiveSymbol[] {
  // Big-endian count, `count` member offsets, then `count` NUL-terminated names.
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const read = (o: number) => (width === 8 ? Number(view.getBigUint64(o)) : view.getUint32(o));
  if (data.length < width) throw fail('archive symbol index', dataOffset, 'too short for its count');
  const count = read(0);
  if (count > (data.length - width) / width) {
    throw fail('archive symbol index', dataOffset, `count ${count} does not fit in ${data.length} bytes`);
  }
  const out: ArchiveSymbol[] = new Array(count);
  let names = width + count * width;
  for (let i = 0; i < count; i++) {
    let end = names;
    while (end < data.length && data[end] !== 0) end++;
    if (end >= data.length) throw fail('archive symbol index', dataOffset + names, `name ${i} is not NUL-terminated`);
    out[i] = { name: latin1(data, names, end), memberOffset: read(width + i * width) };
    names = end + 1;
  }
  return out;
}
