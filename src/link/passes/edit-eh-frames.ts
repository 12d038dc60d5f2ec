// Pass, editEhFrames: `.eh_frame` as GNU ld edits it (bfd's eh_frame editing, observable in its
// output): an FDE whose code was discarded (/DISCARD/, --gc-sections, COMDAT) is dropped, identical
// CIEs across the link are kept once, CIEs no kept FDE uses are dropped, inner terminators go, and
// trailing DW_CFA_nop padding is trimmed (entries re-padded to 4 bytes, sections packed at 4). It sets each section's new size and the entry
// map; bytes, lengths and CIE pointers are rewritten by writeEhFrame at output time.
import { STT_SECTION } from '../../elf/index.ts';
import type { EhFrameEntry, InputSection, LinkContext } from '../context.ts';

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
      // Observed of ld 2.40: padding is trimmed in sections that lost an FDE (not for merged CIEs alone).
      if (s.ehFrame.some((e) => e.kind === 'fde' && e.removed)) for (const e of s.ehFrame) e.size = e.trimmedSize ?? e.size;
      let at = 0;
      for (const e of s.ehFrame) {
        const kept = !e.removed && !(e.kind === 'cie' && e.sameAs);
        e.outputStart = kept ? at : -1;
        if (kept) at += e.size;
      }
      s.size = at;
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
    if (length === 0) { entries.push({ kind: 'terminator', start: p, size: 4, section: s, removed: false, outputStart: 0 }); p += 4; continue; }
    const id = d.getUint32(p + 4, true);
    const entry: EhFrameEntry = { kind: id === 0 ? 'cie' : 'fde', start: p, size: 4 + length, section: s, removed: false, outputStart: 0 };
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
    byStart.set(p, entry);
    entries.push(entry);
    p += 4 + length;
  }
  return entries;
}

interface CieShape {
  /** Where the CIE's initial instructions start. */
  instructions: number;
  /** Bytes of an FDE's pc_begin/pc_range (from the 'R' encoding; 8 for absptr). */
  addressWidth: number;
  /** The augmentation has 'z': FDEs carry an augmentation-data length. */
  z: boolean;
}

/** Size of a DW_EH_PE-encoded value (absptr, udata2/4/8, sdata2/4/8); 0 for LEB128 forms. */
function encodedWidth(encoding: number): number {
  return ({ 0x0: 8, 0x2: 2, 0x3: 4, 0x4: 8, 0xa: 2, 0xb: 4, 0xc: 8 } as Record<number, number>)[encoding & 0x0f] ?? 0;
}

function uleb(b: Uint8Array, p: number): [number, number] {
  let v = 0;
  let shift = 0;
  for (;;) {
    const x = b[p++];
    v += (x & 0x7f) * 2 ** shift;
    shift += 7;
    if (!(x & 0x80) || p >= b.length) return [v, p];
  }
}

/** Decodes a CIE header (DWARF CFI: version, augmentation, factors, return column, 'z' data). */
function cieShape(b: Uint8Array, start: number, end: number): CieShape | undefined {
  let p = start + 8;
  const version = b[p++];
  let augmentation = '';
  while (p < end && b[p] !== 0) augmentation += String.fromCharCode(b[p++]);
  p++;
  p = uleb(b, p)[1]; // code alignment
  p = uleb(b, p)[1]; // data alignment (sleb: same length)
  p = version === 1 ? p + 1 : uleb(b, p)[1];
  let addressWidth = 8;
  const z = augmentation.startsWith('z');
  if (z) {
    const [length, data] = uleb(b, p);
    let q = data;
    for (const c of augmentation.slice(1)) {
      if (c === 'R') addressWidth = encodedWidth(b[q++]);
      else if (c === 'P') { const width = encodedWidth(b[q++]); if (!width) return undefined; q += width; }
      else if (c === 'L') q++;
      else if (c !== 'S') return undefined;
    }
    p = data + length;
  } else if (augmentation !== '') return undefined;
  return addressWidth && p <= end ? { instructions: p, addressWidth, z } : undefined;
}

function fdeInstructions(b: Uint8Array, start: number, cie: CieShape): number {
  let p = start + 8 + 2 * cie.addressWidth;
  if (cie.z) { const [length, q] = uleb(b, p); p = q + length; }
  return p;
}

/** Offset after the last call-frame instruction that is not DW_CFA_nop; -1 for an opcode ldplay
 *  cannot size (ld then leaves the whole section unedited). */
function lastInstructionEnd(b: Uint8Array, p: number, end: number, width: number): number {
  let last = p;
  while (p < end) {
    const op = b[p++];
    const high = op & 0xc0;
    if (high === 0x80) p = uleb(b, p)[1];
    else if (high === 0) {
      switch (op) {
        case 0x00: continue; // DW_CFA_nop
        case 0x01: p += width; break;
        case 0x02: p += 1; break;
        case 0x03: p += 2; break;
        case 0x04: p += 4; break;
        case 0x0a: case 0x0b: case 0x2d: break;
        case 0x06: case 0x07: case 0x08: case 0x0d: case 0x0e: case 0x13: case 0x2e: p = uleb(b, p)[1]; break;
        case 0x05: case 0x09: case 0x0c: case 0x11: case 0x12: case 0x14: case 0x15: case 0x2f: p = uleb(b, uleb(b, p)[1])[1]; break;
        case 0x0f: { const [n, q] = uleb(b, p); p = q + n; break; }
        case 0x10: case 0x16: { const [n, q] = uleb(b, uleb(b, p)[1]); p = q + n; break; }
        default: return -1;
      }
    }
    last = p;
  }
  return p > end ? -1 : last;
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
    if (offset >= e.start && offset < e.start + e.size) return e.outputStart < 0 ? -1 : e.outputStart + offset - e.start;
  }
  return -1;
}

/** The edited bytes of `s`, with each FDE's CIE pointer aimed at its (possibly shared) CIE. */
export function writeEhFrame(s: InputSection, out: Uint8Array): void {
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  for (const e of s.ehFrame!) {
    if (e.outputStart < 0) continue;
    const at = s.offset + e.outputStart;
    out.set(s.data.subarray(e.start, e.start + e.size), at);
    if (e.kind !== 'terminator') view.setUint32(at, e.size - 4, true); // the length without the dropped padding
    if (e.kind !== 'fde' || !e.cie) continue;
    const cie = e.cie.sameAs ?? e.cie;
    view.setUint32(at + 4, at + 4 - (cie.section.offset + cie.outputStart), true);
  }
}
