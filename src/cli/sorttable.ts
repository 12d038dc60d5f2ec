// `ldplay sorttable IN [-o OUT] [--kernel=X.Y] [--mcount] [--system-map=FILE] [-s NM-FILE] [--no-orc]`:
// the kernel's scripts/sorttable. Without -o it rewrites IN in place, as the kernel tool does.
// Node adapter only: reads the file by range (headers, names, the tables; a few MB of a 632 MB
// vmlinux), runs the stage in that sparse buffer, then writes only the ranges it changed: into IN,
// or into a copy of IN made by fs.copyFile (copy_file_range, like the kernel flow's `cp`, running
// while the tables sort) that then replaces OUT.
// Messages are the tool's.

import { closeSync, existsSync, openSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { ElfFormatError, readElf } from '../elf/index.ts';
import { sorttableSectionRanges, sorttableSymbolRanges } from '../kernel/sorttable/input-ranges.ts';
import { sortTablesInPlace, type SorttableOptions } from '../kernel/sorttable/sorttable.ts';
import { StageError } from '../pipeline/stage.ts';
import type { Command } from './commands.ts';
import { isRegularFile, RangedFile, startCopy, writeRanges } from './ranged-file.ts';

const usage = 'usage: ldplay sorttable IN [-o OUT] [--kernel=X.Y] [--mcount] [--system-map=FILE] [-s NM-FILE] [--no-orc] [--verbose]\n';

interface SorttableArgs {
  input: string;
  output: string;
  options: SorttableOptions;
  systemMapPath?: string;
  nmPath?: string;
  verbose: boolean;
}

function parseSorttableArgs(args: string[]): SorttableArgs | string {
  let input: string | undefined;
  let output: string | undefined;
  let systemMapPath: string | undefined;
  let nmPath: string | undefined;
  let verbose = false;
  const options: SorttableOptions = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '-o' || a === '-s') {
      const v = args[++i];
      if (v === undefined) return `option ${a} needs a value`;
      if (a === '-o') output = v;
      else nmPath = v;
    } else if (a.startsWith('--kernel=')) {
      const k = a.slice('--kernel='.length);
      if (!/^\d+\.\d+$/.test(k)) return `--kernel wants MAJOR.MINOR, got '${k}'`;
      options.kernel = k;
    } else if (a === '--mcount') options.mcount = true;
    else if (a === '--no-orc') options.orc = false;
    else if (a.startsWith('--system-map=')) systemMapPath = a.slice('--system-map='.length);
    else if (a === '--verbose' || a === '-v') verbose = true;
    else if (a.startsWith('-')) return `unknown option '${a}'`;
    else if (input === undefined) input = a;
    else return `unexpected argument '${a}'`;
  }
  if (!input) return 'an input file is required';
  return { input, output: output ?? input, options: { ...options, fileName: input }, systemMapPath, nmPath, verbose };
}

function readText(path: string): string {
  return readFileSync(path).toString('latin1');
}

export const sorttableCommand: Command = {
  summary: 'sort __ex_table, ORC and mcount tables like scripts/sorttable',
  async run(args) {
    const parsed = parseSorttableArgs(args);
    if (typeof parsed === 'string') {
      process.stderr.write(`ldplay sorttable: ${parsed}\n${usage}`);
      return 2;
    }
    const { options } = parsed;
    const inPlace = parsed.output === parsed.input || (existsSync(parsed.output) && sameFile(parsed.input, parsed.output));
    let fd: number;
    try {
      // 6.1–6.13 read ./System.map (through grep) for the mcount bounds; 6.15+ take -s nm-file.
      const mapPath = parsed.systemMapPath ?? (options.mcount && existsSync('System.map') ? 'System.map' : undefined);
      if (mapPath) options.systemMap = readText(mapPath);
      if (parsed.nmPath) options.nmSymbols = readText(parsed.nmPath);
      fd = openSync(parsed.input, inPlace ? 'r+' : 'r');
    } catch (e) {
      process.stderr.write(`ldplay sorttable: ${(e as Error).message}\n`);
      return 1;
    }
    // An existing OUT that is not a regular file (a device, a symlink) is written through with the
    // whole sorted file, as before; never replaced by a rename.
    const special = !inPlace && existsSync(parsed.output) && !isRegularFile(parsed.output);
    // OUT is copied by the kernel (copy_file_range) while the tables are read and sorted here.
    const copy = inPlace || special ? null : startCopy(parsed.input, parsed.output);
    try {
      let result;
      try {
        const file = loadForSorttable(fd, options);
        if (special) file.loadAll();
        result = { ...sortTablesInPlace(file.bytes, options), bytes: file.bytes };
      } catch (e) {
        await copy?.abandon();
        throw e;
      }
      const { record, diagnostics, written, bytes } = result;
      for (const d of diagnostics) process.stderr.write(`${d.severity}: ${d.message}\n`);
      if (copy) await copy.commit((out) => writeRanges(out, bytes, written));
      else if (special) writeFileSync(parsed.output, bytes);
      else writeRanges(fd, bytes, written);
      if (parsed.verbose) {
        for (const t of record.tables) process.stdout.write(`${t.table}: ${t.entries} entries, ${t.moved} moved (${t.comparator})\n`);
        if (record.zeroedRelocations) process.stdout.write(`zeroed ${record.zeroedRelocations.section} (${record.zeroedRelocations.bytes} bytes)\n`);
        process.stdout.write(`main_extable_sort_needed cleared at file offset 0x${record.sortNeeded.fileOffset.toString(16)} (was ${record.sortNeeded.oldValue})\n`);
      }
      return 0;
    } catch (e) {
      if (e instanceof StageError || e instanceof ElfFormatError) {
        process.stderr.write(`${e.message}\n`);
        return e instanceof StageError ? e.exitCode : 1;
      }
      if ((e as NodeJS.ErrnoException).code) {
        process.stderr.write(`ldplay sorttable: ${(e as Error).message}\n`);
        return 1;
      }
      throw e;
    } finally {
      closeSync(fd);
    }
  },
};

function sameFile(a: string, b: string): boolean {
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return false;
  }
}

/** The file as a sparse buffer holding what sortTablesInPlace reads: headers and names, the
 *  tables (phase 1), then what symbol values locate (phase 2). */
function loadForSorttable(fd: number, options: SorttableOptions): RangedFile {
  const file = new RangedFile(fd);
  const name = options.fileName ?? 'vmlinux';
  const elf = file.loadElfHeaders(name);
  if (elf) {
    file.loadOrAll(() => {
      file.load(sorttableSectionRanges(elf, options));
      file.load(sorttableSymbolRanges(readElf(file.bytes, name), options));
    });
  }
  return file;
}
