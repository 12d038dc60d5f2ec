// Reads a user's File inside the worker, headers first: the ELF header, the section and program
// header tables and the section-name string table come by File.slice ranges (a few KB), so the
// section table can be shown while the rest of the file streams in by 8 MiB slices.
// Validation stays readElf's: once the header bytes are in, readElf reads nothing else on open
// (gABI: e_shoff/e_phoff tables, section 0's escapes, e_shstrndx's table), so an ElfFormatError
// then is the one a full read would raise, and the read stops there.

import { ElfFormatError, isElf, readElf, type ElfFile } from '../elf/index.ts';
import { headerTableRanges, nameRanges, type ByteRange } from '../readelf/ranges.ts';

const SLICE = 8 << 20;

export interface FileReadEvents {
  /** The file's headers, parsed and checked, over a buffer whose other bytes are still zero. */
  onHeaders?(elf: ElfFile): void;
  onProgress?(done: number, total: number): void;
}

/** Thrown when `signal` aborts the read (the UI's Cancel). */
export function readCancelled(name: string): DOMException {
  return new DOMException(`Reading ${name} was cancelled`, 'AbortError');
}

export async function readFileHeadersFirst(file: Blob, name: string, events: FileReadEvents = {}, signal?: AbortSignal): Promise<Uint8Array> {
  const total = file.size;
  const bytes = new Uint8Array(total);
  const loaded: ByteRange[] = [];
  const load = async (ranges: ByteRange[]) => {
    for (const [offset, size] of ranges) {
      const start = Math.max(0, Math.min(offset, total));
      const end = Math.min(total, start + Math.max(0, size));
      if (end <= start || loaded.some(([o, s]) => o <= start && end <= o + s)) continue;
      if (signal?.aborted) throw readCancelled(name);
      bytes.set(new Uint8Array(await file.slice(start, end).arrayBuffer()), start);
      loaded.push([start, end - start]);
    }
  };

  await load([[0, 64]]);
  const headers = isElf(bytes) ? await readHeaders(bytes, name, load) : undefined;
  if (headers) events.onHeaders?.(headers);

  for (let done = 0; done < total;) {
    if (signal?.aborted) throw readCancelled(name);
    const end = Math.min(total, done + SLICE);
    bytes.set(new Uint8Array(await file.slice(done, end).arrayBuffer()), done);
    done = end;
    events.onProgress?.(done, total);
  }
  return bytes;
}

/** Loads the header ranges until they stop growing (section 0's escapes can widen the tables),
 *  then parses them. The first parse sees only the 64-byte ELF header, so its error may come from
 *  zeros where the section headers will be: then undefined, and the caller reports after the whole
 *  file is read. Later parses see every header they decode (string tables still zero are all NULs,
 *  which read as empty names and raise nothing), so their error is the file's. */
async function readHeaders(bytes: Uint8Array, name: string, load: (ranges: ByteRange[]) => Promise<void>): Promise<ElfFile | undefined> {
  let elf: ElfFile;
  try {
    elf = readElf(bytes, name);
  } catch (e) {
    if (e instanceof ElfFormatError) return undefined;
    throw e;
  }
  await load(headerTableRanges(elf.header));
  // Section names need the section headers; the escapes need section 0: two rounds settle both.
  await load(nameRanges(readElf(bytes, name)));
  await load(nameRanges(readElf(bytes, name)));
  return readElf(bytes, name);
}
