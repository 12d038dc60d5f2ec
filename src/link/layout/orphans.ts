// Orphan sections (matched by no script statement), placed as ld does: into an output section of the
// same name when one exists, else into a new one of its kind (code, read-only, writable, zero-filled,
// non-allocated): after the previous orphan of that kind, the first after the kind's own statement
// (.text, .rodata, .data, .bss) or else the last output section of the same kind; obeying
// --orphan-handling=place|warn|error|discard.
import { SHF_ALLOC, SHF_EXECINSTR, SHF_WRITE, SHT_NOBITS } from '../../elf/index.ts';
import { StageError } from '../../pipeline/stage.ts';
import type { InputSection, LinkContext, OutputSection } from '../context.ts';
import { newOutputSection } from './output-section.ts';

function kindOf(flags: bigint, type: number): string {
  if ((flags & BigInt(SHF_ALLOC)) === 0n) return 'nonalloc';
  if (type === SHT_NOBITS) return 'bss';
  if (flags & BigInt(SHF_EXECINSTR)) return 'code';
  return flags & BigInt(SHF_WRITE) ? 'data' : 'rodata';
}

/** The statement a kind's first orphan follows when the script has it. */
const ANCHOR: Record<string, string | undefined> = { code: '.text', rodata: '.rodata', data: '.data', bss: '.bss' };

export function placeOrphans(ctx: LinkContext, orphans: InputSection[], byName: Map<string, OutputSection>): void {
  const handling = ctx.options.orphanHandling;
  const errors: string[] = [];
  const lastOfKind = new Map<string, OutputSection>();
  for (const s of orphans) {
    if (handling === 'discard') { s.discarded = true; continue; }
    const existing = byName.get(s.name);
    const target = existing?.name === '/DISCARD/' ? undefined : existing;
    const outName = target?.name ?? s.name;
    if (handling === 'warn' && ctx.script !== undefined && !ctx.usingDefaultScript) {
      ctx.diagnostics.push({ severity: 'warning', file: s.file.name, message: `ld: warning: orphan section \`${s.name}' from \`${s.file.name}' being placed in section \`${outName}'` });
    } else if (handling === 'error' && !ctx.usingDefaultScript) {
      errors.push(`ld: error: unplaced orphan section \`${s.name}' from \`${s.file.name}'`);
      continue;
    }
    if (target) {
      s.output = target;
      target.members.push(s);
      const cmd = ctx.layout.find((c) => c.kind === 'output' && c.section === target);
      if (cmd && cmd.kind === 'output') cmd.items.push({ kind: 'input', sections: [s] });
      continue;
    }
    const os = newOutputSection(s.name, -1);
    s.output = os;
    os.members.push(s);
    byName.set(s.name, os);
    const kind = kindOf(s.flags, s.type);
    const command = { kind: 'output' as const, section: os, items: [{ kind: 'input' as const, sections: [s] }] };
    // After the previous orphan of its kind; the first goes after the kind's anchor statement
    // (.text, .rodata, .data, .bss) when the script has it, else after the last output section of
    // the same kind (ld's hold[] places, then lang_output_section_find_by_flags).
    const previous = lastOfKind.get(kind);
    let at = previous ? ctx.layout.findIndex((c) => c.kind === 'output' && c.section === previous) : -1;
    if (at < 0 && ANCHOR[kind]) at = ctx.layout.findIndex((c) => c.kind === 'output' && c.section.name === ANCHOR[kind]);
    if (at < 0) {
      for (let i = 0; i < ctx.layout.length; i++) {
        const c = ctx.layout[i];
        if (c.kind !== 'output') continue;
        const first = c.section.members[0];
        const k = first ? kindOf(first.flags | c.section.flags, first.type) : undefined;
        if (k === kind) at = i;
      }
    }
    if (at < 0 || kind === 'nonalloc') ctx.layout.push(command);
    else ctx.layout.splice(at + 1, 0, command);
    lastOfKind.set(kind, os);
  }
  if (errors.length) throw new StageError(errors.join('\n'), errors.map((message) => ({ severity: 'error', message })));
  ctx.outputSections = ctx.layout.flatMap((c) => (c.kind === 'output' ? [c.section] : []));
}
