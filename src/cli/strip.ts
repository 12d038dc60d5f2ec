// `ldplay strip IN -o OUT [--remove-section=PATTERN…]`: the strip stage with objcopy's option
// spelling (`-R PATTERN` too) plus `--rules=6.2|6.14|6.15|6.18` for the kernel's rule sets.
// Node adapter only: reads the file by range (the static relocations it drops stay unread), calls
// stripImage(), and writes each output section straight from the input buffer with one positional
// write (no second file-sized buffer).

import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { ElfFormatError, readElf } from '../elf/index.ts';
import { stripImage, stripInputRanges, stripRuleSets, type StripOptions, type StripRuleSet } from '../kernel/strip.ts';
import { StageError } from '../pipeline/stage.ts';
import type { Command } from './commands.ts';
import { writeImageFile } from './write-image.ts';

const usage = 'usage: ldplay strip IN -o OUT [--remove-section=PATTERN | -R PATTERN]... [--rules=6.2|6.14|6.15|6.18] [--verbose]\n';

interface StripArgs {
  input: string;
  output: string;
  options: StripOptions;
  verbose: boolean;
}

function parseStripArgs(args: string[]): StripArgs | string {
  let input: string | undefined;
  let output: string | undefined;
  let verbose = false;
  const patterns: string[] = [];
  let rules: StripRuleSet | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '-o' || a === '-R' || a === '--remove-section') {
      const v = args[++i];
      if (v === undefined) return `option ${a} needs a value`;
      if (a === '-o') output = v;
      else patterns.push(v);
    } else if (a.startsWith('--remove-section=')) patterns.push(a.slice('--remove-section='.length));
    else if (a.startsWith('--rules=')) {
      const set = a.slice('--rules='.length);
      if (!(set in stripRuleSets)) return `unknown rule set '${set}' (known: ${Object.keys(stripRuleSets).join(', ')})`;
      rules = set as StripRuleSet;
    } else if (a === '--verbose' || a === '-v') verbose = true;
    else if (a.startsWith('-') && a !== '-') return `unknown option '${a}'`;
    else if (input === undefined) input = a;
    else if (output === undefined) output = a;
    else return `unexpected argument '${a}'`;
  }
  if (!input || !output) return 'an input file and -o OUT are required';
  if (rules && patterns.length) return '--rules and --remove-section cannot be combined';
  const options: StripOptions = rules ? { ...stripRuleSets[rules] } : { removeSections: patterns.length ? patterns : ['.rel*'] };
  return { input, output, options: { ...options, fileName: input }, verbose };
}

export const stripCommand: Command = {
  summary: "remove sections like objcopy --remove-section='.rel*' (byte-identical output)",
  async run(args) {
    const parsed = parseStripArgs(args);
    if (typeof parsed === 'string') {
      process.stderr.write(`ldplay strip: ${parsed}\n${usage}`);
      return 2;
    }
    let fd: number;
    try {
      fd = openSync(parsed.input, 'r');
    } catch (e) {
      process.stderr.write(`ldplay strip: cannot read ${parsed.input}: ${(e as Error).message}\n`);
      return 1;
    }
    try {
      const bytes = readStripInput(fd, parsed.options);
      const { image, record } = stripImage(bytes, parsed.options);
      // Executables come out executable, as BFD makes them (mode applies when the file is created).
      await writeImageFile(parsed.output, image, 'vmlinux', 0o755);
      if (parsed.verbose) {
        for (const r of record.removed) process.stdout.write(`removed ${r.kind === 'section' ? 'section' : 'relocations'} ${r.name} (${r.size} bytes) by '${r.pattern}'\n`);
        process.stdout.write(`${record.sectionsIn} → ${record.sectionsOut} sections, ${record.inputSize} → ${record.outputSize} bytes (saved ${record.bytesSaved})\n`);
      }
      return 0;
    } catch (e) {
      if (e instanceof StageError || e instanceof ElfFormatError) {
        process.stderr.write(`ldplay strip: ${e.message}\n`);
        return 1;
      }
      if ((e as NodeJS.ErrnoException).code) {
        process.stderr.write(`ldplay strip: cannot write ${parsed.output}: ${(e as Error).message}\n`);
        return 1;
      }
      throw e;
    } finally {
      closeSync(fd);
    }
  },
};

/** Reads only what strip needs, into a file-sized buffer whose untouched pages stay unallocated:
 *  the ELF header, then the header tables, then the section names, then the kept sections. */
function readStripInput(fd: number, options: StripOptions): Uint8Array {
  const size = fstatSync(fd).size;
  const bytes = new Uint8Array(size);
  const fill = (from: number, to: number) => {
    for (let at = from, end = Math.min(to, size); at < end; ) {
      const n = readSync(fd, bytes, at, end - at, at);
      if (n <= 0) break;
      at += n;
    }
  };
  fill(0, 64);
  const first = readElf(bytes, options.fileName);
  const h = first.header;
  fill(Number(h.phoff), Number(h.phoff) + h.phnum * h.phentsize);
  fill(Number(h.shoff), Number(h.shoff) + Math.max(h.shnum, 1) * h.shentsize);
  const tables = readElf(bytes, options.fileName);
  if (tables.header.shnum > h.shnum) fill(Number(h.shoff), Number(h.shoff) + tables.header.shnum * h.shentsize);
  const names = readElf(bytes, options.fileName).sections[tables.header.shstrndx];
  if (names) fill(Number(names.offset), Number(names.offset + names.size));
  for (const [from, to] of stripInputRanges(bytes, options)) fill(from, to);
  return bytes;
}
