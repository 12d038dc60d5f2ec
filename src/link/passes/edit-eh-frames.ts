// Pass, editEhFrames: `.eh_frame` as GNU ld edits it (bfd's eh_frame editing, observable in its
// output): an FDE whose code was discarded (/DISCARD/, --gc-sections, COMDAT) is dropped, identical
// CIEs across the link are kept once, CIEs no kept FDE uses are dropped, inner terminators go, and
// every entry loses its trailing DW_CFA_nop padding (bfd/elf-eh-frame.c: entries start at 4, or at
// an FDE's address width, the gap inside the entry before), and every input section but the last
// one with records is padded inside its last entry to the output section's alignment, so that no
// zero padding between sections reads as a terminator (bfd_elf_discard_info). It sets each
// section's new size and the entry map; bytes, lengths and CIE pointers are rewritten by
// writeEhFrame at output time.
import { alignUpNumber as alignUp, STT_SECTION } from '../../elf/index.ts';
import type { EhFrameEntry, InputSection, LinkContext } from '../context.ts';
import { cieShape, fdeInstructions, lastInstructionEnd, type CieShape } from '../layout/cfi.ts';

export function editEhFrames(ctx: LinkContext): void {
  const cies = new Map<string, EhFrameEntry>();
  for (const os of ctx.outputSections) {
    for (const s of os.members) {
      if (s.name !== '.eh_frame' || s.discarded) continue;
      const entries = parseEntries(s);
      if (!entries) continue; // not editable (64-bit lengths, malformed): kept as it is
      const relocations = relocationTargets(s);
      for (const e of entries) {
        if (e.kind === 'cie') {
          const key = `${os.name}\0${hex(s.data, e.start, e.size)}\0${relocations.describe(e.start, e.size)}`;
          const first = cies.get(key);
          if (first) e.sameAs = first; else cies.set(key, e);
          e.removed = true; // until a kept FDE uses it
        } else if (e.kind === 'fde') {
          e.removed = relocations.targetDiscarded(e.start + 8);
        }
      }
      for (const e of entries) if (e.kind === 'fde' && !e.removed && e.cie) (e.cie.sameAs ?? e.cie).removed = false;
      // A terminator inside a section with records goes; a section that is only one (crtend.o's
      // __FRAME_END__) stays. Parsed sections pack at 4 bytes; the output keeps their alignment.
      if (entries.length > 1) for (const e of entries) if (e.kind === 'terminator') e.removed = true;
      os.align = Math.max(os.align, s.align);
      s.align = 4;
      s.ehFrame = entries;
    }
  }
  for (const os of ctx.outputSections) {
    for (const s of os.members) {
      if (!s.ehFrame) continue;
      let at = 0;
      let previous: EhFrameEntry | undefined;
      for (const e of s.ehFrame) {
        const kept = !e.removed && !(e.kind === 'cie' && e.sameAs);
        e.outputStart = -1;
        if (!kept) continue;
        e.size = e.trimmedSize ?? e.size;
        const start = alignUp(at, e.alignment);
        if (previous) previous.size += start - at; // the gap belongs to the entry before
        e.outputStart = start;
        at = start + e.size;
        previous = e;
      }
      s.size = at;
    }
    // Every section before the last one with records is padded inside its last entry.
    let last = os.members.length - 1;
    while (last >= 0 && os.members[last].size <= 4) last--;
    for (let i = 0; i < last; i++) {
      const s = os.members[i];
      if (!s.ehFrame || s.size === 0) continue;
      const padded = alignUp(s.size, os.align);
      const tail = [...s.ehFrame].reverse().find((e) => e.outputStart >= 0);
      if (!tail || padded === s.size) continue;
      tail.size += padded - s.size;
      s.size = padded;
    }
  }
}

function parseEntries(s: InputSection): EhFrameEntry[] | undefined {
  const d = new DataView(s.data.buffer, s.data.byteOffset, s.data.byteLength);
  const entries: EhFrameEntry[] = [];
  const byStart = new Map<number, EhFrameEntry>();
  const cieShapes = new Map<EhFrameEntry, CieShape>();
  for (let p = 0; p < s.size;) {
    if (p + 4 > s.size) return undefined;
    const length = d.getUint32(p, true);
    if (length === 0xffffffff || p + 4 + length > s.size) return undefined;
    if (length === 0) { entries.push({ kind: 'terminator', start: p, size: 4, inputSize: 4, alignment: 4, section: s, removed: false, outputStart: 0 }); p += 4; continue; }
    const id = d.getUint32(p + 4, true);
    const entry: EhFrameEntry = { kind: id === 0 ? 'cie' : 'fde', start: p, size: 4 + length, inputSize: 4 + length, alignment: 4, section: s, removed: false, outputStart: 0 };
    if (id !== 0) {
      entry.cie = byStart.get(p + 4 - id);
      if (!entry.cie) return undefined;
    }
    // ld drops the DW_CFA_nop padding after the last instruction and re-pads to 4 bytes.
    const cie = entry.cie ?? entry;
    const shape = cie === entry ? cieShape(s.data, p, p + 4 + length) : cieShapes.get(cie);
    if (!shape) return undefined;
    if (cie === entry) cieShapes.set(entry, shape);
    const insns = cie === entry ? shape.instructions : fdeInstructions(s.data, p, shape);
    const end = lastInstructionEnd(s.data, insns, p + 4 + length, shape.addressWidth);
    if (end < 0) return undefined;
    entry.trimmedSize = Math.min(entry.size, (end - p + 3) & ~3);
    if (entry.kind === 'fde') entry.alignment = Math.max(4, shape.addressWidth);
    byStart.set(p, entry);
    entries.push(entry);
    p += 4 + length;
  }
  return entries;
}

/** The relocations of an .eh_frame section, by offset: what an FDE's pc_begin points at, and a
 *  description of a CIE's relocations (its personality routine) for CIE identity. */
function relocationTargets(s: InputSection) {
  const obj = s.file;
  const t = obj.symtab;
  const table = s.relocationSection >= 0 && t ? obj.elf.relocationTable(s.relocationSection) : undefined;
  const at = new Map<number, number>();
  if (table) for (let i = 0; i < table.count; i++) at.set(Number(table.offset(i)), i);
  const target = (i: number) => {
    const sym = table!.sym(i);
    if (sym >= t!.firstGlobal) return { section: obj.globals[sym].section, name: obj.globals[sym].name };
    const section = obj.sections[t!.shndx(sym)];
    return { section, name: (t!.info(sym) & 0xf) === STT_SECTION ? `${obj.index}:${t!.shndx(sym)}` : `${obj.index}:${t!.name(sym)}` };
  };
  return {
    targetDiscarded(offset: number): boolean {
      const i = at.get(offset);
      if (i === undefined) return false;
      const section = target(i).section;
      const sym = table!.sym(i);
      const undefinedTarget = sym < t!.firstGlobal ? t!.shndx(sym) !== 0 && !section : false;
      return undefinedTarget || (section !== undefined && section.discarded);
    },
    describe(start: number, size: number): string {
      const out: string[] = [];
      for (const [offset, i] of at) if (offset >= start && offset < start + size) out.push(`${offset - start}:${table!.type(i)}:${target(i).name}:${table!.addend(i)}`);
      return out.sort().join(',');
    },
  };
}

const hex = (b: Uint8Array, start: number, size: number) => Array.from(b.subarray(start, start + size), (x) => x.toString(16).padStart(2, '0')).join('');

/** Output offset of input offset `offset` of an edited .eh_frame, or -1 inside a dropped entry. */
export function ehFrameOffset(s: InputSection, offset: number): number {
  for (const e of s.ehFrame!) {
    if (offset >= e.start && offset < e.start + e.inputSize) return e.outputStart < 0 ? -1 : e.outputStart + offset - e.start;
  }
  return -1;
}

/** The edited bytes of `s`, with each FDE's CIE pointer aimed at its (possibly shared) CIE. */
export function writeEhFrame(s: InputSection, out: Uint8Array): void {
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  for (const e of s.ehFrame!) {
    if (e.outputStart < 0) continue;
    const at = s.offset + e.outputStart;
    out.set(s.data.subarray(e.start, e.start + Math.min(e.size, e.inputSize)), at); // past the input's bytes: DW_CFA_nop
    if (e.kind !== 'terminator') view.setUint32(at, e.size - 4, true); // the length, padding as ld moved it
    if (e.kind !== 'fde' || !e.cie) continue;
    const cie = e.cie.sameAs ?? e.cie;
    view.setUint32(at + 4, at + 4 - (cie.section.offset + cie.outputStart), true);
  }
}
