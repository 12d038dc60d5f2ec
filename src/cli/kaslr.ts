// `ldplay kaslr VMLINUX VMLINUX.RELOCS --offset 0x... [--format=6.1|6.15] [-o OUT] [--json]`: applies
// vmlinux.relocs the way the x86-64 decompressor does at the given KASLR displacement and reports the
// changed bytes and coverage. Node adapter only (src/kernel/kaslr.ts does the work); exit 1 when an
// absolute reference has no entry or on an error.

import { readFileSync, writeFileSync } from 'node:fs';
import { ElfFormatError } from '../elf/index.ts';
import { kaslr, type KaslrOptions, type KaslrRecord } from '../kernel/kaslr.ts';
import { StageError } from '../pipeline/stage.ts';
import type { Command } from './commands.ts';

const USAGE = 'usage: ldplay kaslr VMLINUX VMLINUX.RELOCS --offset 0xDELTA [--format=6.1|6.15] [-o OUT] [--json]\n';

interface KaslrArgs {
  files: string[];
  output?: string;
  json: boolean;
  options: KaslrOptions;
}

function parseKaslrArgs(args: string[]): KaslrArgs | string {
  const files: string[] = [];
  let delta: bigint | undefined;
  let output: string | undefined;
  let json = false;
  let kernel: KaslrOptions['kernel'];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const value = a === '--offset' || a === '-o' ? args[++i] : a.startsWith('--offset=') ? a.slice(9) : undefined;
    if (a === '-o') output = value;
    else if (a === '--offset' || a.startsWith('--offset=')) {
      if (!value || !/^(0x[0-9a-f]+|\d+)$/i.test(value)) return `--offset wants a number (e.g. 0x3a00000), got '${value ?? ''}'`;
      delta = BigInt(value);
    } else if (a === '--format=6.1' || a === '--format=6.15') kernel = a === '--format=6.1' ? '6.1' : '6.15';
    else if (a === '--json') json = true;
    else if (a.startsWith('-')) return `unknown option '${a}'`;
    else files.push(a);
  }
  if (files.length !== 2) return 'two files are required: the vmlinux image and its vmlinux.relocs';
  if (delta === undefined) return '--offset is required';
  return { files, output, json, options: { delta, kernel, fileName: files[0], relocsFileName: files[1] } };
}

/** The file's bytes without copying them (a Buffer is a Uint8Array view). */
const view = (b: Buffer) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);

function summary(r: KaslrRecord): string {
  const lines = [
    `delta ${r.delta} (LOAD_PHYSICAL_ADDR ${r.loadPhysicalAddress}), kernel ${r.kernel} layout`,
    `applied: ${r.applied.relocs32} 32-bit, ${r.applied.relocs32neg} inverse 32-bit, ${r.applied.relocs64} 64-bit entries; ${r.bytesChanged} bytes changed`,
    `coverage: ${r.coverage.covered} of ${r.coverage.absoluteReferences} absolute references have an entry`,
    ...r.coverage.uncovered.map((u) => `  uncovered: ${u.section} ${u.address} ${u.type} ${u.symbol}`),
    'first changes (list, address, file offset, before -> after):',
    ...r.changes.map((c) => `  ${c.list.padEnd(11)} ${c.address} 0x${c.fileOffset.toString(16)} ${c.before} -> ${c.after}`),
  ];
  return `${lines.join('\n')}\n`;
}

export const kaslrCommand: Command = {
  summary: 'apply vmlinux.relocs at a KASLR offset like the x86 decompressor; check coverage',
  async run(args) {
    const parsed = parseKaslrArgs(args);
    if (typeof parsed === 'string') {
      process.stderr.write(`ldplay kaslr: ${parsed}\n${USAGE}`);
      return 2;
    }
    let image: Uint8Array;
    let relocsFile: Uint8Array;
    try {
      image = view(readFileSync(parsed.files[0]));
      relocsFile = view(readFileSync(parsed.files[1]));
    } catch (e) {
      process.stderr.write(`ldplay kaslr: ${(e as Error).message}\n`);
      return 1;
    }
    try {
      const { outputs, record, diagnostics } = kaslr(image, relocsFile, parsed.options);
      for (const d of diagnostics) process.stderr.write(`ldplay kaslr: ${d.severity}: ${d.message}\n`);
      if (parsed.output) writeFileSync(parsed.output, Object.values(outputs)[0]);
      process.stdout.write(parsed.json ? `${JSON.stringify(record, null, 1)}\n` : summary(record));
      return record.coverage.uncoveredCount ? 1 : 0;
    } catch (e) {
      if (e instanceof StageError || e instanceof ElfFormatError) {
        process.stderr.write(`ldplay kaslr: ${e.message}${e.message.endsWith('\n') ? '' : '\n'}`);
        return 1;
      }
      throw e;
    }
  },
};
