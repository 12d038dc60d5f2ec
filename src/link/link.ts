// link(): the mini-linker as a readable list of named passes over one LinkContext, each in
// src/link/passes/, with the phase invariants between them checked. A pure stage: input bytes in,
// the executable plus a serialisable record out (pipeline/stage.ts); x86-64 static executables only.
import { isArchive, isElf } from '../elf/index.ts';
import { StageError, type StageDescription, type StageResult } from '../pipeline/stage.ts';
import { createBuildIdSection } from './chunks/build-id.ts';
import { createContext, type LinkContext, type LinkInput } from './context.ts';
import { DEFAULT_SCRIPT } from './default-script.ts';
import { writeLinkMap } from './link-map.ts';
import { parseLinkArguments, type LinkOptions } from './options.ts';
import { applyRelocations } from './passes/apply-relocations.ts';
import { assignAddresses } from './passes/assign-addresses.ts';
import { buildSymbolTable } from './passes/build-symbol-table.ts';
import { mergeNoteProperties } from './passes/merge-note-properties.ts';
import { editEhFrames } from './passes/edit-eh-frames.ts';
import { emitRelocations } from './passes/emit-relocations.ts';
import { collectGarbage } from './passes/gc-sections.ts';
import { mergeSections } from './passes/merge-sections.ts';
import { placeSections } from './passes/place-sections.ts';
import { readInputs } from './passes/read-inputs.ts';
import { recordSymbolSources, resolveSymbols } from './passes/resolve-symbols.ts';
import { scanRelocations } from './passes/scan-relocations.ts';
import { verify } from './passes/verify.ts';
import { writeOutput } from './passes/write-output.ts';
import { emptyRecord, type LinkRecord } from './record.ts';
import { parseLinkerScript } from './script/index.ts';

export const linkDescription: StageDescription = {
  id: 'link',
  title: 'Link (ld)',
  explanation:
    'Combines relocatable objects into one executable: binds every symbol to one definition, lays ' +
    'input sections out as the linker script says, then patches each relocation with the final ' +
    'addresses. With --emit-relocs the relocations are kept so the kernel can relocate itself (KASLR).',
  follows: 'System V gABI ch. 4 and AMD64 psABI §4.4; GNU ld 2.40 behaviour; scripts/link-vmlinux.sh',
};

/** Links `inputs` with ld-style `argv` (or parsed options); files named in argv are looked up in
 *  `inputs` by name, and with no file named in argv every ELF object and archive among the inputs
 *  is linked, in the given order (scripts and INCLUDEd files are found by name). */
export function link(inputs: LinkInput[], options: LinkOptions | readonly string[]): StageResult<LinkRecord> {
  const parsed = Array.isArray(options) ? parseLinkArguments(options as string[]) : { ...(options as LinkOptions) };
  // Arguments that name no input file link every given input, in order (the playground's case).
  if (parsed.inputs.length === 0) {
    parsed.inputs = inputs.filter((f) => isElf(f.bytes) || isArchive(f.bytes)).map((f) => ({ kind: 'file', name: f.name, wholeArchive: false, group: 0 }));
  }
  const ctx = createContext(parsed, inputs, emptyRecord());
  for (const message of parsed.warnings ?? []) ctx.diagnostics.push({ severity: 'warning', message });
  const pass = (name: string, run: (c: LinkContext) => void, note = '') => {
    const start = performance.now();
    try {
      run(ctx);
    } catch (e) {
      // Warnings found before the failure come first, as ld prints them as it goes.
      if (e instanceof StageError && ctx.diagnostics.length) {
        throw new StageError([...ctx.diagnostics.map((d) => d.message), e.message].join('\n'), [...ctx.diagnostics, ...e.diagnostics], e.exitCode);
      }
      throw e;
    }
    ctx.record.passes.push({ name, milliseconds: Math.round(performance.now() - start), note });
  };
  pass('readInputs', readInputs);
  pass('resolveSymbols', resolveSymbols, 'no new symbol definitions from inputs after this line');
  pass('scanRelocations', scanRelocations, 'GOT size and relaxations fixed');
  pass('readScript', readScript);
  pass('placeSections', (c) => { createBuildIdSection(c); placeSections(c); }, 'every input section placed or discarded');
  assertInvariant(ctx, ctx.objects.every((o) => o.sections.every((s) => !s || s.discarded || s.output !== undefined)), 'an input section is neither placed nor discarded');
  if (ctx.options.gcSections) pass('gcSections', collectGarbage);
  pass('mergeNoteProperties', mergeNoteProperties);
  pass('editEhFrames', editEhFrames);
  pass('mergeSections', mergeSections, 'input section sizes final');
  pass('assignAddresses', assignAddresses, 'no address changes after this line');
  assertInvariant(ctx, ctx.outputSections.every((o) => !o.removed), 'removed output sections left in the list');
  pass('applyRelocations', applyRelocations);
  assertInvariant(ctx, ctx.plan !== undefined && ctx.plan.count === ctx.record.relocationCount, 'relocations planned and applied differ');
  pass('buildSymbolTable', (c) => { recordSymbolSources(c); buildSymbolTable(c); });
  pass('emitRelocations', emitRelocations);
  let image: Uint8Array = new Uint8Array(0);
  pass('writeOutput', (c) => { image = writeOutput(c); });
  pass('verify', verify);
  const outputs: Record<string, Uint8Array> = { [ctx.options.output]: image };
  if (ctx.options.map) outputs[ctx.options.map] = writeLinkMap(ctx);
  return { outputs, record: ctx.record, diagnostics: ctx.diagnostics };
}

function readScript(ctx: LinkContext): void {
  const name = ctx.options.script;
  if (!name) {
    ctx.script = parseLinkerScript(DEFAULT_SCRIPT, '<built-in script>');
    ctx.usingDefaultScript = true;
    return;
  }
  const bytes = ctx.files.get(name);
  if (!bytes) throw new StageError(`ld: cannot open linker script file ${name}: No such file or directory`);
  const text = new TextDecoder('latin1').decode(bytes);
  ctx.script = parseLinkerScript(text, name, { readFile: (f) => { const b = ctx.files.get(f); return b ? new TextDecoder('latin1').decode(b) : undefined; } });
}

function assertInvariant(ctx: LinkContext, ok: boolean, what: string): void {
  if (!ok) throw new StageError(`ldplay: internal error after pass ${ctx.record.passes.at(-1)?.name}: ${what}`);
}
