// `ldplay relocs [--abs-syms|--abs-relocs|--reloc-info|--text|--realmode] [--format=6.1|6.15] [--no-inverse]
// [-o FILE] [--record] vmlinux`: the kernel's arch/x86/tools/relocs. Node adapter only: argument parsing,
// reading the file by range (headers, symbol tables and the allocated .rela sections, not 600 MB of DWARF
// relocations), and writing. Messages and exit status 1 are the tool's; the logic is src/kernel/relocs.

import { closeSync, fstatSync, openSync, readSync, writeFileSync } from 'node:fs';
import { ElfFormatError, readElf } from '../elf/index.ts';
import { relocs, relocsInputSections, relocsMode, type RelocsOptions } from '../kernel/relocs/relocs.ts';
import { StageError } from '../pipeline/stage.ts';
import type { Command } from './commands.ts';

const USAGE = 'relocs [--abs-syms|--abs-relocs|--reloc-info|--text|--realmode] vmlinux\n'
  + '  ldplay extras: [--format=6.1|6.15] [--no-inverse|--keep-inverse] [-o FILE] [--record]\n';

const FLAGS: Record<string, keyof RelocsOptions> = {
  '--abs-syms': 'absSyms', '--abs-relocs': 'absRelocs', '--reloc-info': 'relocInfo', '--text': 'text', '--realmode': 'realMode',
};

interface RelocsArgs {
  input: string;
  output?: string;
  record: boolean;
  options: RelocsOptions;
}

function parseRelocsArgs(args: string[]): RelocsArgs | null {
  const options: RelocsOptions = {};
  let input: string | undefined;
  let output: string | undefined;
  let record = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a in FLAGS) (options as Record<string, unknown>)[FLAGS[a]] = true;
    else if (a === '--format=6.1' || a === '--format=6.15') options.kernel = a === '--format=6.1' ? '6.1' : '6.15';
    else if (a === '--no-inverse' || a === '--keep-inverse') options.inverse = a === '--keep-inverse';
    else if (a === '--record') record = true;
    else if (a === '-o' && i + 1 < args.length) output = args[++i];
    else if (a.startsWith('-') || input !== undefined) return null;
    else input = a;
  }
  return input === undefined ? null : { input, output, record, options: { ...options, fileName: input } };
}

const ERRNO_TEXT: Record<string, string> = { ENOENT: 'No such file or directory', EACCES: 'Permission denied', EISDIR: 'Is a directory' };

/** Reads [at, at+length) of the file into the same offsets of `buffer` (clipped to the file). */
function readRange(fd: number, buffer: Uint8Array, at: number, length: number): void {
  const end = Math.min(buffer.length, at + length);
  for (let pos = at; pos < end;) {
    const n = readSync(fd, buffer, pos, end - pos, pos);
    if (n <= 0) break;
    pos += n;
  }
}

/**
 * The file as a buffer of its full size in which only what the stage reads is filled in: the ELF
 * header, program and section header tables, then the sections relocsInputSections names. The rest
 * stays zero (and is never touched). Falls back to reading everything when the headers do not parse.
 */
function readForRelocs(path: string, withRelocations: boolean): Uint8Array {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const buffer = new Uint8Array(size);
    readRange(fd, buffer, 0, 64);
    const is64 = buffer[4] === 2;
    const view = new DataView(buffer.buffer);
    const word = (o: number) => (is64 ? Number(view.getBigUint64(o, true)) : view.getUint32(o, true));
    const phoff = word(is64 ? 32 : 28);
    const shoff = word(is64 ? 40 : 32);
    const h = is64 ? 52 : 40;
    const phnum = view.getUint16(h + 4, true);
    let shnum = view.getUint16(h + 8, true);
    const shentsize = is64 ? 64 : 40;
    readRange(fd, buffer, phoff, phnum * (is64 ? 56 : 32));
    readRange(fd, buffer, shoff, shentsize);
    if (shnum === 0 && shoff + shentsize <= size) shnum = word(shoff + (is64 ? 32 : 20));
    readRange(fd, buffer, shoff, Math.min(shnum, size / shentsize) * shentsize);
    let elf;
    try {
      elf = readElf(buffer, path);
    } catch {
      readRange(fd, buffer, 0, size);
      return buffer;
    }
    for (const i of relocsInputSections(elf, withRelocations)) {
      const s = elf.sections[i];
      if (s.type !== 8 && s.offset < BigInt(size)) readRange(fd, buffer, Number(s.offset), Number(s.size > BigInt(size) ? BigInt(size) : s.size));
    }
    return buffer;
  } finally {
    closeSync(fd);
  }
}

export const relocsCommand: Command = {
  summary: 'write vmlinux.relocs (KASLR relocation lists) like arch/x86/tools/relocs',
  async run(args) {
    const parsed = parseRelocsArgs(args);
    if (!parsed) {
      process.stderr.write(USAGE);
      return 1;
    }
    const { input, options } = parsed;
    let bytes: Uint8Array;
    try {
      bytes = readForRelocs(input, relocsMode(options) !== 'abs-syms');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? '';
      const text = ERRNO_TEXT[code] ?? (e as Error).message;
      process.stderr.write(code === 'EISDIR' ? `Cannot read ${input}: ${text}` : `Cannot open ${input}: ${text}\n`);
      return 1;
    }
    try {
      const { outputs, record, diagnostics } = relocs(bytes, options);
      for (const d of diagnostics) process.stderr.write(`ldplay relocs: ${d.severity}: ${d.message}\n`);
      const out = Object.values(outputs)[0];
      if (parsed.output) writeFileSync(parsed.output, out);
      else if (process.stdout.isTTY && relocsMode(options) === 'emit' && !options.text) {
        process.stderr.write('ldplay relocs: not writing binary vmlinux.relocs to a terminal; redirect stdout or use -o FILE\n');
        return 1;
      } else process.stdout.write(out);
      if (parsed.record) process.stderr.write(`${JSON.stringify(record, null, 1)}\n`);
      return 0;
    } catch (e) {
      if (e instanceof StageError) {
        process.stderr.write(e.message);
        const d = e.diagnostics[0];
        if (d?.offset !== undefined) process.stderr.write(`${e.message.endsWith('\n') ? '' : '\n'}ldplay relocs: in ${d.file ?? input} at file offset 0x${d.offset.toString(16)}\n`);
        return e.exitCode;
      }
      if (e instanceof ElfFormatError) {
        process.stderr.write(`ldplay relocs: ${e.message}\n`);
        return 1;
      }
      throw e;
    }
  },
};
