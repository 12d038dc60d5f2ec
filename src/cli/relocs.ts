// `ldplay relocs [--abs-syms|--abs-relocs|--reloc-info|--text|--realmode] [--format=6.1|6.15] [--no-inverse]
// [-o FILE] [--record] vmlinux`: the kernel's arch/x86/tools/relocs. Node adapter only: argument parsing,
// reading the file by range (headers, symbol tables and the allocated .rela sections, not 600 MB of DWARF
// relocations) straight into the WebAssembly memory the scan runs in, and writing. Messages and exit status 1 are the tool's; the logic is src/kernel/relocs.

import { closeSync, fstatSync, openSync, writeFileSync } from 'node:fs';
import { ElfFormatError, readElf, SHT_NOBITS } from '../elf/index.ts';
import { HotMemory, HotMemoryError } from '../hot/memory.ts';
import { relocs, relocsInputSections, relocsMode, relocsScratchBytes, type RelocsOptions } from '../kernel/relocs/relocs.ts';
import { StageError } from '../pipeline/stage.ts';
import type { Command } from './commands.ts';
import { isSystemError, strerror } from './system-error.ts';
import { RangedFile, type ByteRange } from './ranged-file.ts';

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


/**
 * The file as a buffer of its full size in which only what the stage reads is filled in: the ELF
 * header, header tables and section names, then the sections relocsInputSections names; the rest
 * stays zero (and is never touched). The buffer lives in a HotMemory sized for the largest scan, so
 * the WebAssembly scan reads the relocation entries where they were read to (no copy per section).
 * Headers that do not parse load the whole file, so the stage reports them as on a full read.
 */
function readForRelocs(path: string, options: RelocsOptions): { bytes: Uint8Array; memory?: HotMemory } {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    let memory: HotMemory | undefined = new HotMemory();
    let base = 0;
    try {
      base = memory.alloc(size);
    } catch (e) {
      if (!(e instanceof HotMemoryError) && !(e instanceof RangeError)) throw e;
      memory = undefined;
    }
    const inMemory = (m: HotMemory) => () => m.bytes(base, size);
    let file = new RangedFile(fd, memory ? inMemory(memory) : undefined);
    let elf = file.loadElfHeaders(path);
    if (!elf) return { bytes: file.bytes };
    if (memory) {
      try {
        // Grows the memory now (which detaches views), so the scans never have to.
        memory.reserve(relocsScratchBytes(elf, options));
        file = new RangedFile(fd, inMemory(memory));
        elf = readElf(file.bytes, path);
      } catch (e) {
        if (!(e instanceof HotMemoryError) && !(e instanceof RangeError) && !(e instanceof ElfFormatError)) throw e;
        // Past wasm32's 4 GiB or malformed relocation headers: the scanner copies in per section.
        file = new RangedFile(fd, inMemory(memory));
        elf = readElf(file.bytes, path);
        memory = undefined;
      }
    }
    const loaded = elf;
    file.loadOrAll(() => {
      const ranges: ByteRange[] = relocsInputSections(loaded, relocsMode(options) !== 'abs-syms')
        .map((i) => loaded.sections[i])
        .filter((s) => s.type !== SHT_NOBITS)
        .map((s) => [Number(s.offset), Number(s.size)]);
      file.load(ranges);
    });
    return { bytes: file.bytes, memory };
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
      const read = readForRelocs(input, options);
      bytes = read.bytes;
      options.memory = read.memory;
    } catch (e) {
      if (!isSystemError(e)) throw e;
      const code = e.code;
      const text = strerror(e);
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
