// The entry points under fuzz, each with the corpus it mutates and its CI case count. A case passes
// when the entry point returns, or throws one of its typed errors (ElfFormatError, StageError and its
// subclasses such as LinkerScriptError, UrlStateError) with a message; anything else (RangeError,
// TypeError, a hang, an untyped throw) is a failure to fix. Corpora come from ./corpora.ts.
import { readElf, readArchive, ElfFormatError, SHT_SYMTAB, SHT_DYNSYM, SHT_REL, SHT_RELA, SHT_GROUP, SHT_NOTE, SHT_RELR, imageFromElf, writeElf } from '../../src/elf/index.ts';
import { readelfText } from '../../src/readelf/index.ts';
import { link } from '../../src/link/link.ts';
import { parseLinkerScript } from '../../src/link/script/index.ts';
import { sorttable } from '../../src/kernel/sorttable/sorttable.ts';
import { relocs } from '../../src/kernel/relocs/relocs.ts';
import { strip } from '../../src/kernel/strip.ts';
import { sysmap } from '../../src/kernel/sysmap.ts';
import { kaslr } from '../../src/kernel/kaslr.ts';
import { checkSectionMismatches } from '../../src/kernel/mismatch.ts';
import { decodeState, encodeState } from '../../src/ui/url/codec.ts';
import { UrlStateError, defaultState } from '../../src/ui/url/state.ts';
import { StageError } from '../../src/pipeline/stage.ts';
import {
  archiveCorpus, defaultScriptObjects, elfCorpus, kernelScriptCorpus, mismatchCorpus, miniKernelLd, miniKernelObjects, miniKernelScript,
  miniRelocs, miniVmlinux, miniVmlinuxCorpus, type Input,
} from './corpora.ts';
import type { FuzzTarget } from './run.ts';
import { workerTarget } from './worker-target.ts';

export type { Input } from './corpora.ts';

const typed = (e: unknown) => e instanceof ElfFormatError || e instanceof StageError || e instanceof UrlStateError;

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
    if (!(e as Error).message) throw new Error(`${(e as Error).name} without a message`);
  }
}

const bytesOf = (input: Input): Uint8Array => {
  if (input.kind === 'text') throw new Error('target expects bytes');
  return input.bytes;
};
const textOf = (input: Input): string => {
  if (input.kind !== 'text') throw new Error('target expects text');
  return input.text;
};

/** A value made on first use (corpora are built by running GNU ld and ar). */
function lazy<T>(make: () => T): () => T {
  const cell: { value?: T } = {};
  return () => (cell.value ??= make());
}

/** Every target, with its corpora made on first use. */
export function createTargets(): FuzzTarget[] {
  const miniFiles = lazy(() => [
    ...miniKernelObjects().map((i) => ({ name: (i as { name: string }).name, bytes: bytesOf(i) })),
    { name: 'kernel.lds', bytes: new TextEncoder().encode(miniKernelScript()) },
  ]);
  /** The mini kernel linked by ldplay, with one input replaced by the case's mutated copy. */
  const linkMiniKernel = (replace: { name: string; bytes: Uint8Array }) => {
    link(miniFiles().map((f) => (f.name === replace.name ? replace : f)), miniKernelLd());
  };
  const defaultFiles = lazy(() => defaultScriptObjects().map((i) => ({ name: (i as { name: string }).name, bytes: bytesOf(i) })));
  const pristineVmlinux = lazy(miniVmlinux);
  const pristineRelocs = lazy(() => miniRelocs(pristineVmlinux()));
  return [
    {
      name: 'elf-model', cases: 3000,
      corpus: elfCorpus,
      run: (input) => guard(() => walkElf(bytesOf(input))),
    },
    {
      name: 'archive', cases: 3000,
      corpus: archiveCorpus,
      run: (input) => guard(() => {
        const a = readArchive(bytesOf(input), 'fuzz.a');
        for (const m of a.members) if (m.data && m.data[0] === 0x7f) walkElf(m.data);
      }),
    },
    {
      name: 'url-decode', cases: 3000,
      corpus: () => [{ kind: 'text', text: encodeState({ ...defaultState('mini-kernel'), step: 4, script: 'SECTIONS { .text : { *(.text) } }' }) }],
      run: (input) => guard(() => decodeState(textOf(input))),
    },
    {
      name: 'readelf', cases: 2000,
      corpus: () => [...elfCorpus(), ...miniVmlinuxCorpus()],
      run: (input) => guard(() => {
        const bytes = bytesOf(input);
        const all = { fileHeader: true, sectionHeaders: true, programHeaders: true, symbols: true, relocs: true };
        readelfText(readElf(bytes, 'fuzz.o'), { ...all, wide: bytes.length % 2 === 0 });
      }),
    },
    {
      name: 'linker-script', cases: 1500,
      corpus: kernelScriptCorpus,
      run: (input) => guard(() => { parseLinkerScript(textOf(input), 'vmlinux.lds', { readFile: () => undefined }); }),
    },
    {
      name: 'link-objects', cases: 500,
      corpus: miniKernelObjects,
      run: (input) => guard(() => linkMiniKernel({ name: (input as { name: string }).name, bytes: bytesOf(input) })),
    },
    {
      // The built-in script's path (no -T): data segment phases, RELRO, TLS, --emit-relocs, property
      // notes; and --gc-sections over the same files (its .eh_frame walk reads the mutated bytes).
      name: 'link-default', cases: 300,
      corpus: defaultScriptObjects,
      run: (input) => {
        const objects = defaultFiles().map((f) => (f.name === (input as { name: string }).name ? { name: f.name, bytes: bytesOf(input) } : f));
        for (const options of [['--emit-relocs'], ['--gc-sections']]) guard(() => { link(objects, [...options, '-o', 'a.out', ...objects.map((f) => f.name)]); });
      },
    },
    {
      name: 'link-script', cases: 500,
      corpus: () => [{ kind: 'text', text: miniKernelScript() }],
      run: (input) => guard(() => linkMiniKernel({ name: 'kernel.lds', bytes: new TextEncoder().encode(textOf(input)) })),
    },
    {
      name: 'sorttable', cases: 2000,
      corpus: miniVmlinuxCorpus,
      run: (input) => guard(() => { sorttable(bytesOf(input), { fileName: 'vmlinux' }); }),
    },
    {
      name: 'relocs', cases: 2000,
      corpus: miniVmlinuxCorpus,
      run: (input) => guard(() => {
        const bytes = bytesOf(input);
        relocs(bytes, bytes.length % 2 ? { kernel: '6.15', text: true } : {});
      }),
    },
    {
      name: 'strip', cases: 2000,
      corpus: miniVmlinuxCorpus,
      run: (input) => guard(() => { strip(bytesOf(input)); }),
    },
    {
      name: 'sysmap', cases: 2000,
      corpus: miniVmlinuxCorpus,
      run: (input) => guard(() => { sysmap(bytesOf(input)); }),
    },
    {
      name: 'kaslr', cases: 2000,
      // A mutated vmlinux with its pristine vmlinux.relocs, or the pristine vmlinux with a mutated list file.
      corpus: () => [{ kind: 'elf', name: 'vmlinux', bytes: pristineVmlinux() }, { kind: 'blob', name: 'vmlinux.relocs', bytes: pristineRelocs() }],
      run: (input) => guard(() => {
        const bytes = bytesOf(input);
        const isList = input.kind === 'blob';
        kaslr(isList ? pristineVmlinux() : bytes, isList ? bytes : pristineRelocs(), { delta: 0x3e00000n, kernel: bytes.length % 3 ? '6.1' : '6.15' });
      }),
    },
    {
      name: 'mismatch', cases: 2000,
      corpus: mismatchCorpus,
      run: (input) => guard(() => { checkSectionMismatches(bytesOf(input), { fileName: 'fuzz.o' }); }),
    },
    workerTarget(),
  ];
}
