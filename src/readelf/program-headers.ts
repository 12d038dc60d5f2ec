// readelf -l: the program header table (ELF32; ELF64 wide and two-line layouts), the interpreter
// note, and the "Section to Segment mapping" using binutils' strict section-in-segment rule.
// Reads headers and the PT_INTERP string only.

import type { ElfFile, ProgramHeader, SectionHeader } from '../elf/index.ts';
import { PT_DYNAMIC, PT_INTERP, PT_LOAD, PT_NOTE, PT_PHDR, PT_TLS, SHF_ALLOC, SHF_TLS, SHT_NOBITS } from '../elf/index.ts';
import { isPositionIndependent } from './dynamic.ts';
import { fileTypeName, segmentTypeName } from './names.ts';
import { altHex, fixed, hex, plural, symbolTextUnpadded, type TextOut } from './text.ts';

const PT_GNU_EH_FRAME = 0x6474e550;
const PT_GNU_STACK = 0x6474e551;
const PT_GNU_RELRO = 0x6474e552;
const PT_GNU_SFRAME = 0x6474e554;
const PT_GNU_MBIND_LO = 0x6474e555;
const PT_GNU_MBIND_HI = PT_GNU_MBIND_LO + 0xfff;

export function writeProgramHeaders(elf: ElfFile, out: TextOut, wide: boolean, withFileHeader: boolean): void {
  const h = elf.header;
  const n = elf.segments.length;
  if (n === 0) {
    out.put('\nThere are no program headers in this file.\n');
    return;
  }
  if (!withFileHeader) {
    out.put(`\nElf file type is ${fileTypeName(h.type, isPositionIndependent(elf))}\n`);
    out.put(`Entry point 0x${h.entry.toString(16)}\n`);
    out.put(`${plural(n, 'There is', 'There are')} ${n} ${plural(n, 'program header', 'program headers')}, starting at offset ${h.phoff}\n`);
  }
  out.put(`\n${plural(n, 'Program Header', 'Program Headers')}:\n`);
  if (!elf.is64) out.put('  Type           Offset   VirtAddr   PhysAddr   FileSiz MemSiz  Flg Align\n');
  else if (wide) out.put('  Type           Offset   VirtAddr           PhysAddr           FileSiz  MemSiz   Flg Align\n');
  else out.put('  Type           Offset             VirtAddr           PhysAddr\n                 FileSiz            MemSiz              Flags  Align\n');
  for (const p of elf.segments) {
    const type = `  ${fixed(segmentTypeName(p.type, h.machine), 14)} `;
    const flags = `${p.flags & 4 ? 'R' : ' '}${p.flags & 2 ? 'W' : ' '}${p.flags & 1 ? 'E' : ' '}`;
    if (!elf.is64) {
      out.put(`${type}0x${hex(p.offset, 6)} 0x${hex(p.vaddr, 8)} 0x${hex(p.paddr, 8)} 0x${hex(p.filesz, 5)} 0x${hex(p.memsz, 5)} ${flags} ${altHex(p.align)}\n`);
    } else if (wide) {
      out.put(`${type}0x${hex(p.offset, 6)} 0x${hex(p.vaddr, 16)} 0x${hex(p.paddr, 16)} 0x${hex(p.filesz, 6)} 0x${hex(p.memsz, 6)} ${flags} ${altHex(p.align)}\n`);
    } else {
      out.put(`${type}0x${hex(p.offset, 16)} 0x${hex(p.vaddr, 16)} 0x${hex(p.paddr, 16)}\n`
        + `                 0x${hex(p.filesz, 16)} 0x${hex(p.memsz, 16)}  ${flags}    ${altHex(p.align)}\n`);
    }
    if (p.type === PT_INTERP) out.put(`      [Requesting program interpreter: ${interpreter(elf, p)}]\n`);
  }
  if (elf.sections.length === 0) return;
  out.put('\n Section to Segment mapping:\n  Segment Sections...\n');
  for (const p of elf.segments) {
    let line = `   ${String(p.index).padStart(2, '0')}     `;
    for (let i = 1; i < elf.sections.length; i++) {
      const s = elf.sections[i];
      if (!isTbssSpecial(s, p) && sectionInSegment(s, p)) line += `${symbolTextUnpadded(s.name)} `;
    }
    out.put(`${line}\n`);
  }
}

/** The PT_INTERP path as readelf scans it: non-blank characters from p_offset. */
function interpreter(elf: ElfFile, p: ProgramHeader): string {
  const bytes = elf.bytes;
  let at = Number(p.offset > BigInt(bytes.length) ? BigInt(bytes.length) : p.offset);
  while (at < bytes.length && isSpace(bytes[at])) at++;
  let s = '';
  while (at < bytes.length && s.length < 4095 && !isSpace(bytes[at]) && bytes[at] !== 0) s += String.fromCharCode(bytes[at++]);
  return s;
}

function isSpace(b: number): boolean {
  return b === 0x20 || (b >= 0x09 && b <= 0x0d);
}

const U64 = (v: bigint) => BigInt.asUintN(64, v);

/** A .tbss-like section (TLS NOBITS) occupies no room in segments other than PT_TLS. */
function isTbssSpecial(s: SectionHeader, p: ProgramHeader): boolean {
  return (s.flags & BigInt(SHF_TLS)) !== 0n && s.type === SHT_NOBITS && p.type !== PT_TLS;
}

/** The strict section-in-segment test of binutils (include/elf/internal.h), with VMA checks. */
function sectionInSegment(s: SectionHeader, p: ProgramHeader): boolean {
  const tls = (s.flags & BigInt(SHF_TLS)) !== 0n;
  const alloc = (s.flags & BigInt(SHF_ALLOC)) !== 0n;
  const size = isTbssSpecial(s, p) ? 0n : s.size;
  // TLS sections only in PT_TLS / PT_GNU_RELRO / PT_LOAD; PT_TLS holds only TLS, PT_PHDR nothing.
  const tlsOk = tls
    ? p.type === PT_TLS || p.type === PT_GNU_RELRO || p.type === PT_LOAD
    : p.type !== PT_TLS && p.type !== PT_PHDR;
  if (!tlsOk) return false;
  // Loadable-like segments hold only SHF_ALLOC sections.
  const allocOnly = p.type === PT_LOAD || p.type === PT_DYNAMIC || p.type === PT_GNU_EH_FRAME || p.type === PT_GNU_STACK
    || p.type === PT_GNU_RELRO || p.type === PT_GNU_SFRAME || (p.type >= PT_GNU_MBIND_LO && p.type <= PT_GNU_MBIND_HI);
  if (!alloc && allocOnly) return false;
  // File offsets inside the segment (not for NOBITS).
  if (s.type !== SHT_NOBITS) {
    if (s.offset < p.offset) return false;
    const rel = U64(s.offset - p.offset);
    if (rel > U64(p.filesz - 1n)) return false;
    if (U64(rel + size) > p.filesz) return false;
  }
  // Addresses inside the segment for SHF_ALLOC sections.
  if (alloc) {
    if (s.addr < p.vaddr) return false;
    const rel = U64(s.addr - p.vaddr);
    if (rel > U64(p.memsz - 1n)) return false;
    if (U64(rel + size) > p.memsz) return false;
  }
  // No empty sections at the very start or end of PT_DYNAMIC / PT_NOTE.
  if ((p.type === PT_DYNAMIC || p.type === PT_NOTE) && s.size === 0n && p.memsz !== 0n) {
    const inFile = s.type === SHT_NOBITS || (s.offset > p.offset && s.offset - p.offset < p.filesz);
    const inMemory = !alloc || (s.addr > p.vaddr && s.addr - p.vaddr < p.memsz);
    if (!(inFile && inMemory)) return false;
  }
  return true;
}
