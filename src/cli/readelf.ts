// `ldplay readelf`: GNU readelf 2.40's -h -S -l -s -r -W listings of ELF files and archives,
// streamed to stdout as Latin-1 bytes. Only argument parsing and I/O here; text comes from src/readelf.
// Errors mimic readelf's ("readelf: Error: ...") and its exit status 1.

import { closeSync, openSync, readFileSync, readSync, statSync, writeSync } from 'node:fs';
import { ElfFormatError, isArchive, isElf } from '../elf/index.ts';
import { writeReadelfFile, type ReadelfOptions } from '../readelf/index.ts';
import { loadListingRanges, type ByteRange } from '../readelf/ranges.ts';
import type { Command } from './commands.ts';

const SHORT: Record<string, keyof ReadelfOptions> = {
  h: 'fileHeader', S: 'sectionHeaders', l: 'programHeaders', s: 'symbols', r: 'relocs', W: 'wide',
};
const LONG: Record<string, keyof ReadelfOptions> = {
  '--file-header': 'fileHeader', '--section-headers': 'sectionHeaders', '--sections': 'sectionHeaders',
  '--program-headers': 'programHeaders', '--segments': 'programHeaders', '--symbols': 'symbols',
  '--syms': 'symbols', '--relocs': 'relocs', '--wide': 'wide',
};

const USAGE = 'Usage: ldplay readelf <option(s)> elf-file(s)\n'
  + ' Display information about the contents of ELF format files\n'
  + ' Options are:\n'
  + '  -h --file-header       Display the ELF file header\n'
  + '  -l --program-headers   Display the program headers\n'
  + '     --segments          An alias for --program-headers\n'
  + '  -S --section-headers   Display the sections\' header\n'
  + '     --sections          An alias for --section-headers\n'
  + '  -s --syms              Display the symbol table\n'
  + '     --symbols           An alias for --syms\n'
  + '  -r --relocs            Display the relocations (if present)\n'
  + '  -W --wide              Allow output width to exceed 80 characters\n';

/** Parses readelf-style arguments; returns an error message for unknown options. */
export function parseReadelfArgs(args: string[]): { options: ReadelfOptions; files: string[] } | string {
  const options: ReadelfOptions = {};
  const files: string[] = [];
  for (const a of args) {
    if (a.startsWith('--')) {
      const key = LONG[a];
      if (!key) return `unrecognized option '${a}'`;
      options[key] = true;
    } else if (a.startsWith('-') && a.length > 1) {
      for (const c of a.slice(1)) {
        const key = SHORT[c];
        if (!key) return `invalid option -- '${c}'`;
        options[key] = true;
      }
    } else files.push(a);
  }
  return { options, files };
}

function writeOut(chunk: Uint8Array): void {
  let done = 0;
  while (done < chunk.length) {
    try {
      done += writeSync(1, chunk, done, chunk.length - done);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EPIPE') throw new BrokenPipe();
      if (code !== 'EAGAIN') throw e;
    }
  }
}

/** The reader of our stdout went away (e.g. `| head`): stop quietly, as readelf does on SIGPIPE. */
class BrokenPipe extends Error {}

/** Files above this size are loaded by range: a zero-filled buffer of the file's length (pages
 *  the OS maps lazily) into which only the tables the listing reads are copied from disk. */
const SPARSE_THRESHOLD = 32 << 20;

function loadFile(file: string, options: ReadelfOptions): Uint8Array {
  const size = statSync(file).size;
  if (size < SPARSE_THRESHOLD) {
    const b = readFileSync(file);
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  }
  const fd = openSync(file, 'r');
  try {
    const bytes = new Uint8Array(size);
    const load = (ranges: ByteRange[]) => {
      for (const [offset, length] of ranges) {
        const end = Math.min(size, offset + length);
        for (let at = offset; at < end;) {
          const n = readSync(fd, bytes, at, end - at, at);
          if (n <= 0) break;
          at += n;
        }
      }
    };
    loadListingRanges(bytes, file, options, load);
    return bytes;
  } finally {
    closeSync(fd);
  }
}

function fail(message: string): void {
  process.stderr.write(`readelf: Error: ${message}\n`);
}

export const readelfCommand: Command = {
  summary: 'GNU readelf 2.40 listings (-h -S -l -s -r -W), byte for byte',
  async run(args: string[]): Promise<number> {
    const parsed = parseReadelfArgs(args);
    if (typeof parsed === 'string') {
      process.stderr.write(`readelf: ${parsed}\n${USAGE}`);
      return 1;
    }
    const { options, files } = parsed;
    const anything = options.fileHeader || options.sectionHeaders || options.programHeaders || options.symbols || options.relocs;
    if (!anything || files.length === 0) {
      process.stdout.write(USAGE);
      return files.length === 0 && !anything ? 1 : 0;
    }
    let status = 0;
    for (const file of files) {
      let bytes: Uint8Array;
      try {
        if (!statSync(file).isFile()) {
          fail(`'${file}' is not an ordinary file`);
          status = 1;
          continue;
        }
        bytes = loadFile(file, options);
      } catch {
        fail(`'${file}': No such file`);
        status = 1;
        continue;
      }
      const announce = files.length > 1;
      // readelf reads a whole ELF header (52 or 64 bytes, by EI_CLASS) before anything else.
      if (!isArchive(bytes) && bytes.length < (bytes[4] === 2 ? 64 : 52)) {
        fail(`${file}: Failed to read file header`);
        status = 1;
        continue;
      }
      if (!isElf(bytes) && !isArchive(bytes)) {
        try {
          if (announce) writeOut(Buffer.from(`\nFile: ${file}\n`, 'latin1'));
        } catch (e) {
          if (e instanceof BrokenPipe) return 141;
          throw e;
        }
        fail('Not an ELF file - it has the wrong magic bytes at the start');
        status = 1;
        continue;
      }
      try {
        writeReadelfFile(bytes, file, options, writeOut, announce);
      } catch (e) {
        if (e instanceof BrokenPipe) return 141;
        if (!(e instanceof ElfFormatError)) throw e;
        fail(e.message);
        status = 1;
      }
    }
    return status;
  },
};
