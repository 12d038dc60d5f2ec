// The entry points under fuzz, each with the corpus it mutates and the error types it may raise.
// A case passes when the entry point returns, or throws one of its typed errors with a message;
// anything else (RangeError, TypeError, a hang, an untyped throw) is a failure to fix.

import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readElf, readArchive, ElfFormatError, SHT_SYMTAB, SHT_DYNSYM, SHT_REL, SHT_RELA, SHT_GROUP, SHT_NOTE, SHT_RELR, imageFromElf, writeElf } from '../../src/elf/index.ts';
import { decodeState, encodeState } from '../../src/ui/url/codec.ts';
import { UrlStateError, defaultState } from '../../src/ui/url/state.ts';
import { StageError } from '../../src/pipeline/stage.ts';
import { tiny } from '../helpers.ts';

export type Input = { kind: 'elf'; bytes: Uint8Array } | { kind: 'archive'; bytes: Uint8Array } | { kind: 'text'; text: string };

export interface FuzzTarget {
  name: string;
  corpus: () => Input[];
  run: (input: Input) => void;
}

const read = (p: string) => new Uint8Array(readFileSync(p));
const typed = (e: unknown) => e instanceof ElfFormatError || e instanceof StageError || e instanceof UrlStateError;

/** Small real ELF files: the fixture's small objects. */
export function elfCorpus(): Input[] {
  return ['inputs/version-timestamp.o', 'inputs/vmlinux.export.o', 'inputs/kallsyms.o']
    .map((p) => ({ kind: 'elf' as const, bytes: read(tiny(p)) }));
}

/** A GNU and a thin archive built with ar from the fixture's small objects. */
export function archiveCorpus(): Input[] {
  const dir = mkdtempSync(join(tmpdir(), 'ldplay-fuzz-'));
  const members = ['version-timestamp.o', 'vmlinux.export.o'];
  for (const m of members) copyFileSync(tiny('inputs', m), join(dir, m));
  execFileSync('ar', ['rcs', 'lib.a', ...members], { cwd: dir });
  execFileSync('ar', ['rcsT', 'thin.a', ...members], { cwd: dir });
  return [{ kind: 'archive', bytes: read(join(dir, 'lib.a')) }, { kind: 'archive', bytes: read(join(dir, 'thin.a')) }];
}

/** Reads everything the model offers, the way readelf and the stages do. */
function walkElf(bytes: Uint8Array): void {
  const elf = readElf(bytes, 'fuzz.o');
  for (const s of elf.sections) {
    if (s.type === SHT_SYMTAB || s.type === SHT_DYNSYM) {
      const t = elf.symbolTable(s.index);
      for (let i = 0; i < t.count; i++) t.get(i);
    } else if (s.type === SHT_REL || s.type === SHT_RELA) {
      const t = elf.relocationTable(s.index);
      for (let i = 0; i < t.count; i++) t.get(i);
    } else if (s.type === SHT_GROUP) elf.group(s.index);
    else if (s.type === SHT_RELR) elf.relrAddresses(s.index);
    else if (s.type === SHT_NOTE) elf.notes(Number(s.offset), Number(s.size), Number(s.addralign));
  }
  writeElf(imageFromElf(elf));
}

function guard(fn: () => void): void {
  try {
    fn();
  } catch (e) {
    if (!typed(e)) throw e;
    if (!(e as Error).message) throw new Error('typed error without a message');
  }
}

export const targets: FuzzTarget[] = [
  {
    name: 'elf-model',
    corpus: elfCorpus,
    run: (input) => guard(() => walkElf((input as { bytes: Uint8Array }).bytes)),
  },
  {
    name: 'archive',
    corpus: archiveCorpus,
    run: (input) => guard(() => {
      const a = readArchive((input as { bytes: Uint8Array }).bytes, 'fuzz.a');
      for (const m of a.members) if (m.data && m.data[0] === 0x7f) walkElf(m.data);
    }),
  },
  {
    name: 'url-decode',
    corpus: () => [{ kind: 'text', text: encodeState({ ...defaultState('mini-kernel'), step: 4, script: 'SECTIONS { .text : { *(.text) } }' }) }],
    run: (input) => guard(() => decodeState((input as { text: string }).text)),
  },
];
