// Pass 1, readInputs: opens every input in command-line order — relocatable objects, GNU and thin
// archives (members extracted by need, --whole-archive, --start-group/--end-group rescans), -l via -L,
// and implicit linker scripts' INPUT/GROUP files (Debian's libm.a).
// It binds symbols as files arrive (resolveSymbols' addObjectSymbols), as ld does; no layout here.
import {
  isArchive, readArchive, readElf, ElfFormatError, ET_REL, EM_X86_64, SHF_EXCLUDE, SHT_GROUP, SHT_NOBITS, SHT_NULL,
  SHT_REL, SHT_RELA, SHT_STRTAB, SHT_SYMTAB, SHT_SYMTAB_SHNDX, STB_WEAK, type Archive, type ElfFile, type SectionHeader,
} from '../../elf/index.ts';
import { StageError } from '../../pipeline/stage.ts';
import type { InputSection, LinkContext, ObjectFile } from '../context.ts';
import { implicitScriptInputs, isImplicitScript } from '../implicit-script.ts';
import { libraryCandidates, type InputItem } from '../options.ts';
import { addObjectSymbols } from './resolve-symbols.ts';

export function readInputs(ctx: LinkContext): void {
  const groups = new Map<number, Archive[]>();
  const seenGroups = new Set<string>();
  /** Opens one input: an archive (its needed members), an object, or an implicit linker script whose
   *  files open in turn; archives join `group` (the command line's group) and a script's GROUP. */
  const open = (name: string, bytes: Uint8Array, wholeArchive: boolean, group: Archive[] | undefined, depth: number): void => {
    if (isArchive(bytes)) {
      const archive = readArchive(bytes, name);
      if (wholeArchive) for (const m of archive.members) addMember(ctx, archive, m.headerOffset, seenGroups);
      else extractNeeded(ctx, [archive], seenGroups);
      group?.push(archive);
    } else if (isImplicitScript(bytes)) {
      if (depth > 16) throw new StageError(`ld: ${name}: implicit linker scripts nested more than 16 deep`);
      const scriptGroup: Archive[] = [];
      for (const input of implicitScriptInputs(bytes, name, ctx.options.searchDirs)) {
        const found = input.candidates.find((c) => ctx.files.has(c));
        if (found === undefined) throw new StageError(`ld: cannot find ${input.name}: No such file or directory (named in ${name})`, [{ severity: 'error', message: `cannot find ${input.name}`, file: name }]);
        open(found, ctx.files.get(found)!, wholeArchive, input.group ? scriptGroup : group, depth + 1);
      }
      // A GROUP's archives are searched again until none adds a member (as --start-group), and with
      // the command line's group when the script is inside one.
      if (scriptGroup.length) extractNeeded(ctx, scriptGroup, seenGroups);
      group?.push(...scriptGroup);
    } else {
      addObject(ctx, readObject(bytes, name), { file: name, offset: 0 }, seenGroups);
    }
  };
  ctx.options.inputs.forEach((item, position) => {
    const { name, bytes } = locate(ctx, item);
    let group = item.group ? groups.get(item.group) : undefined;
    if (item.group && !group) { group = []; groups.set(item.group, group); }
    open(name, bytes, item.wholeArchive, group, 0);
    // At --end-group, rescan the group's archives until nothing new is pulled in.
    const next = ctx.options.inputs[position + 1];
    if (item.group && (!next || next.group !== item.group)) extractNeeded(ctx, groups.get(item.group) ?? [], seenGroups);
  });
  if (ctx.objects.length === 0) throw new StageError('ld: no input files');
  warnExecutableStack(ctx);
}

/** As ld: once some input has .note.GNU-stack, the last input without one makes the stack
 *  executable and is named in a warning (none with -z noexecstack). */
function warnExecutableStack(ctx: LinkContext): void {
  const hasNote = (o: ObjectFile) => o.elf.sections.some((h) => h.name === '.note.GNU-stack');
  const lacking = ctx.objects.filter((o) => !hasNote(o)).at(-1);
  if (ctx.options.noExecStack || !lacking || !ctx.objects.some(hasNote)) return;
  ctx.diagnostics.push(
    { severity: 'warning', file: lacking.name, message: `ld: warning: ${lacking.name}: missing .note.GNU-stack section implies executable stack` },
    { severity: 'note', message: 'ld: NOTE: This behaviour is deprecated and will be removed in a future version of the linker' },
  );
}

function locate(ctx: LinkContext, item: InputItem): { name: string; bytes: Uint8Array } {
  if (item.kind === 'file') {
    const bytes = ctx.files.get(item.name);
    if (!bytes) throw new StageError(`ld: cannot find ${item.name}: No such file or directory`);
    return { name: item.name, bytes };
  }
  for (const name of libraryCandidates(item.name, ctx.options.searchDirs)) {
    const bytes = ctx.files.get(name);
    if (bytes) return { name, bytes };
  }
  throw new StageError(`ld: cannot find -l${item.name}: No such file or directory`);
}

/** ld's archive scan: walk the archive's symbol index, pulling in the member of every entry that is
 *  undefined (and not only weakly referenced) right now, until a pass over that archive adds nothing;
 *  a group then repeats over all its archives. Member order decides section order later. */
function extractNeeded(ctx: LinkContext, archives: Archive[], seenGroups: Set<string>): void {
  const taken = ctx.extractedMembers;
  for (let groupChanged = true; groupChanged;) {
    groupChanged = false;
    for (const archive of archives) {
      for (let changed = true; changed;) {
        changed = false;
        for (const s of archive.symbols) {
          const key = `${archive.fileName}@${s.memberOffset}`;
          if (taken.has(key)) continue;
          const g = ctx.symbols.get(s.name);
          if (!g || g.defined || !g.referenced || g.binding === STB_WEAK) continue;
          taken.add(key);
          addMember(ctx, archive, s.memberOffset, seenGroups);
          changed = groupChanged = true;
        }
      }
    }
  }
}

function addMember(ctx: LinkContext, archive: Archive, headerOffset: number, seenGroups: Set<string>): void {
  const m = archive.members.find((x) => x.headerOffset === headerOffset);
  if (!m) throw new StageError(`ld: ${archive.fileName}: archive index names a member at offset ${headerOffset} that does not exist`);
  let bytes = m.data;
  let source = { file: archive.fileName, offset: bytes ? m.dataOffset : 0 };
  if (!bytes) {
    const dir = archive.fileName.includes('/') ? archive.fileName.slice(0, archive.fileName.lastIndexOf('/') + 1) : '';
    const file = ctx.files.has(dir + m.name) ? dir + m.name : m.name;
    bytes = ctx.files.get(file) ?? null;
    if (!bytes) throw new StageError(`ld: ${archive.fileName}: thin archive member ${m.name} not found`);
    source = { file, offset: 0 };
  }
  addObject(ctx, readObject(bytes, `${archive.fileName}(${m.name})`), source, seenGroups);
}

function readObject(bytes: Uint8Array, name: string): ElfFile {
  const elf = readElf(bytes, name);
  if (elf.header.type !== ET_REL) throw new StageError(`ld: ${name}: not a relocatable object (e_type ${elf.header.type}); ldplay links static objects only`, [{ severity: 'error', message: `${name}: not a relocatable object`, file: name, offset: 16 }]);
  if (elf.header.machine !== EM_X86_64 || !elf.is64) throw new StageError(`ld: ${name}: file in wrong format (machine ${elf.header.machine}, expected x86-64)`, [{ severity: 'error', message: `${name}: wrong machine`, file: name, offset: 18 }]);
  return elf;
}

/** sh_addralign as a number: 0 and 1 mean none; otherwise a power of two (gABI "Sections"), and at
 *  most 2^32 as lld requires: a damaged value would make every later offset meaningless. */
function sectionAlignment(elf: ElfFile, h: SectionHeader): number {
  const align = h.addralign;
  if (align <= 1n) return 1;
  const problem = (align & (align - 1n)) !== 0n ? 'is not a power of two' : align > 1n << 32n ? 'is larger than 2^32' : '';
  if (problem) {
    // sh_addralign is the header's 9th field: offset 48 in an ELF64 section header.
    throw new ElfFormatError(elf.fileName, `section header [${h.index}] ${h.name}`, Number(elf.header.shoff) + h.index * elf.header.shentsize + 48, `sh_addralign 0x${align.toString(16)} ${problem}`);
  }
  return Number(align);
}

const SKIPPED_TYPES = new Set([SHT_NULL, SHT_SYMTAB, SHT_STRTAB, SHT_RELA, SHT_REL, SHT_GROUP, SHT_SYMTAB_SHNDX]);

function addObject(ctx: LinkContext, elf: ElfFile, source: ObjectFile['source'], seenGroups: Set<string>): void {
  const name = elf.fileName;
  const member = /\(([^()]*)\)$/.exec(name);
  const symtabHeader = elf.sections.find((s) => s.type === SHT_SYMTAB);
  const obj: ObjectFile = {
    index: ctx.objects.length, name, fileName: member ? member[1] : name.slice(name.lastIndexOf('/') + 1),
    archive: member ? name.slice(0, member.index) : undefined, source, elf,
    symtab: symtabHeader ? elf.symbolTable(symtabHeader.index) : undefined,
    sections: new Array(elf.sections.length).fill(undefined), globals: [], localOutputIndex: new Int32Array(0),
  };
  // sh_info is one past the last local (gABI "Symbol Table"): past the table, every later pass would
  // size arrays by a count the file does not hold.
  if (obj.symtab && obj.symtab.firstGlobal > obj.symtab.count) {
    const h = symtabHeader!;
    throw new ElfFormatError(name, `section header [${h.index}] ${h.name}`, Number(elf.header.shoff) + h.index * elf.header.shentsize + (elf.is64 ? 44 : 28),
      `sh_info ${obj.symtab.firstGlobal} (first global) is past the table's ${obj.symtab.count} symbols`);
  }
  const discardedByGroup = groupDuplicates(elf, seenGroups);
  for (const h of elf.sections) {
    if (SKIPPED_TYPES.has(h.type) || discardedByGroup.has(h.index)) continue;
    // .note.GNU-stack only marks the stack; .gnu.warning.SYM holds the text ld prints when SYM is used.
    if (h.name === '.note.GNU-stack' || h.name.startsWith('.gnu.warning.') || (h.flags & BigInt(SHF_EXCLUDE)) !== 0n) continue;
    const section: InputSection = {
      file: obj, index: h.index, name: h.name, type: h.type, flags: h.flags, entsize: Number(h.entsize),
      align: sectionAlignment(elf, h), size: Number(h.size),
      data: h.type === SHT_NOBITS ? new Uint8Array(0) : elf.sectionData(h.index),
      relocationSection: -1, output: undefined, offset: 0, discarded: false, live: !ctx.options.gcSections, keep: false,
      merge: undefined, ehFrame: undefined, // every field from the start: one object shape for all input sections
    };
    obj.sections[h.index] = section;
  }
  for (const h of elf.sections) {
    if (h.type === SHT_REL) throw new StageError(`ld: ${name}: SHT_REL section ${h.name} in an x86-64 object is not supported`, [{ severity: 'error', message: `SHT_REL section ${h.name}`, file: name, offset: Number(h.offset) }]);
    if (h.type === SHT_RELA && obj.sections[h.info]) obj.sections[h.info]!.relocationSection = h.index;
  }
  obj.localOutputIndex = new Int32Array(obj.symtab ? obj.symtab.firstGlobal : 0);
  ctx.objects.push(obj);
  addObjectSymbols(ctx, obj);
}

/** COMDAT groups: a group whose signature was already seen is discarded whole (gABI 4.1 "Section Groups"). */
function groupDuplicates(elf: ElfFile, seen: Set<string>): Set<number> {
  const out = new Set<number>();
  for (const h of elf.sections) {
    if (h.type !== SHT_GROUP) continue;
    const group = elf.group(h.index);
    if ((group.flags & 1) === 0) continue;
    const symtab = elf.symbolTable(h.link);
    const signature = symtab.name(h.info);
    if (seen.has(signature)) for (const m of group.members) out.add(m);
    else seen.add(signature);
  }
  return out;
}
