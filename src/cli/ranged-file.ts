// Big files by range for the stage commands (sorttable, strip, relocs): a buffer of the file's full
// length (zeroed pages the OS maps lazily, or the caller's own, e.g. wasm memory) into which only
// the ranges a stage reads are copied, and positional writes of the ranges a stage changed.
// The header phases reuse readelf's range lists (src/readelf/ranges.ts).

import { closeSync, fchmodSync, fstatSync, lstatSync, openSync, readSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { copyFile, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ElfFormatError, isElf, readElf, type ElfFile } from '../elf/index.ts';
import { headerTableRanges, nameRanges, type ByteRange } from '../readelf/ranges.ts';
import { StageError } from '../pipeline/stage.ts';

export type { ByteRange } from '../readelf/ranges.ts';

/** An open file and its file-sized buffer; `load` fills ranges (clipped to the file) in place. */
export class RangedFile {
  readonly size: number;
  readonly bytes: Uint8Array;

  /** `buffer(size)` supplies the buffer (default: a new zeroed Uint8Array). */
  constructor(readonly fd: number, buffer: (size: number) => Uint8Array = (n) => new Uint8Array(n)) {
    this.size = fstatSync(fd).size;
    this.bytes = buffer(this.size);
  }

  load(ranges: readonly ByteRange[]): void {
    for (const [offset, length] of ranges) {
      const end = Math.min(this.size, offset + length);
      for (let at = Math.max(0, offset); at < end;) {
        const n = readSync(this.fd, this.bytes, at, end - at, at);
        if (n <= 0) break;
        at += n;
      }
    }
  }

  loadAll(): void {
    this.load([[0, this.size]]);
  }

  /** Runs `phase` (which loads ranges a stage names); a malformed structure (ElfFormatError, or a
   *  StageError from a range helper) loads the whole file instead, so the stage itself reports
   *  it exactly as on a full read. */
  loadOrAll(phase: () => void): void {
    try {
      phase();
    } catch (e) {
      if (!(e instanceof ElfFormatError) && !(e instanceof StageError)) throw e;
      this.loadAll();
    }
  }

  /**
   * The ELF header, then the program and section header tables, then the section names. Returns
   * the ElfFile over the buffer, or null (with the whole file loaded) when the file is not ELF or
   * its headers do not decode.
   */
  loadElfHeaders(fileName: string): ElfFile | null {
    this.load([[0, 64]]);
    if (!isElf(this.bytes)) {
      this.loadAll();
      return null;
    }
    let elf: ElfFile | null = null;
    this.loadOrAll(() => {
      this.load(headerTableRanges(readElf(this.bytes, fileName).header));
      this.load(nameRanges(readElf(this.bytes, fileName)));
      elf = readElf(this.bytes, fileName);
    });
    return elf;
  }
}

/** Writes each range of `bytes` to the same offset of `fd` (positional writes, no other bytes). */
export function writeRanges(fd: number, bytes: Uint8Array, ranges: readonly ByteRange[]): void {
  for (const [offset, length] of ranges) writeAt(fd, bytes.subarray(offset, offset + length), offset);
}

/** One positional write of `data` at `position`, looping over short writes. */
export function writeAt(fd: number, data: Uint8Array, position: number): void {
  for (let done = 0; done < data.length;) done += writeSync(fd, data, done, data.length - done, position + done);
}

/**
 * Starts copying `from` to a temporary file beside `to` with fs.copyFile (copy_file_range: the
 * kernel copies on a libuv thread, nothing passes through this process), so the caller can work
 * meanwhile. `commit()` removes the old `to`, waits for the copy, lets `edit` write into it, gives
 * it the mode writeFileSync(to, …, { mode: 0o755 }) would leave (an existing `to` keeps its mode, a
 * new one gets 0755 less the umask) and renames it to `to`; `abandon()` removes the copy, leaving
 * `to` untouched (a failed stage changes nothing). `to` must be a regular file or not exist yet.
 */
export function startCopy(from: string, to: string): { commit(edit: (fd: number) => void): Promise<void>; abandon(): Promise<void> } {
  const temp = join(dirname(to), `.${basename(to)}.ldplay-${process.pid}.tmp`);
  const copying = copyFile(from, temp).then(() => null, (e: Error) => e);
  return {
    async commit(edit) {
      // The old `to` goes now, on another libuv thread while the copy finishes: an unlink (freeing
      // 600 MB of blocks) costs as much as cp's O_TRUNC, and renaming over an existing file would
      // make ext4 flush the new one first (auto_da_alloc).
      const mode = modeFor(to);
      const removing = isRegularFile(to) ? unlink(to).then(() => null, (e: Error) => e) : Promise.resolve(null);
      const failed = (await copying) ?? (await removing);
      if (failed) {
        rmSync(temp, { force: true });
        throw failed;
      }
      try {
        const fd = openSync(temp, 'r+');
        try {
          edit(fd);
          fchmodSync(fd, mode);
        } finally {
          closeSync(fd);
        }
        renameSync(temp, to);
      } catch (e) {
        rmSync(temp, { force: true });
        throw e;
      }
    },
    async abandon() {
      await copying;
      rmSync(temp, { force: true });
    },
  };
}

/** The mode writeFileSync(path, …, { mode: 0o755 }) leaves: an existing file's own, else 0755 less the umask. */
function modeFor(path: string): number {
  try {
    return statSync(path).mode & 0o7777;
  } catch {
    return 0o755 & ~process.umask();
  }
}

/** Is `path` a regular file (not a link, device or directory)? */
export function isRegularFile(path: string): boolean {
  try {
    return lstatSync(path).isFile();
  } catch {
    return false;
  }
}
