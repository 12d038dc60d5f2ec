// readelf -h: the "ELF Header:" block, field by field as GNU readelf 2.40 lays it out, including
// the section-0 escapes for e_phnum/e_shnum/e_shstrndx. Does not print section or segment tables.

import type { ElfFile } from '../elf/index.ts';
import { fileTypeName, machineFlags, machineName, osabiName } from './names.ts';
import { isPositionIndependent } from './dynamic.ts';
import type { TextOut } from './text.ts';

export function writeFileHeader(elf: ElfFile, out: TextOut): void {
  const h = elf.header;
  const id = h.ident;
  let magic = '';
  for (let i = 0; i < 16; i++) magic += `${id[i].toString(16).padStart(2, '0')} `;
  const field = (label: string, value: string) => out.put(`  ${(label + ':').padEnd(35, ' ')}${value}\n`);
  out.put('ELF Header:\n');
  out.put(`  Magic:   ${magic}\n`);
  field('Class', id[4] === 1 ? 'ELF32' : id[4] === 2 ? 'ELF64' : id[4] === 0 ? 'none' : `<unknown: ${id[4].toString(16)}>`);
  field('Data', id[5] === 1 ? "2's complement, little endian" : id[5] === 2 ? "2's complement, big endian" : id[5] === 0 ? 'none' : `<unknown: ${id[5].toString(16)}>`);
  field('Version', `${id[6]} ${id[6] === 1 ? '(current)' : id[6] !== 0 ? '<unknown>' : ''}`);
  field('OS/ABI', osabiName(h.osabi, h.machine));
  field('ABI Version', String(h.abiVersion));
  field('Type', fileTypeName(h.type, isPositionIndependent(elf)));
  field('Machine', machineName(h.machine));
  field('Version', `0x${h.version.toString(16)}`);
  field('Entry point address', `0x${h.entry.toString(16)}`);
  field('Start of program headers', `${h.phoff} (bytes into file)`);
  field('Start of section headers', `${h.shoff} (bytes into file)`);
  field('Flags', `0x${h.flags.toString(16)}${machineFlags(h.machine, h.flags)}`);
  field('Size of this header', `${h.ehsize} (bytes)`);
  field('Size of program headers', `${h.phentsize} (bytes)`);
  const hasSections = elf.sections.length > 0;
  field('Number of program headers', `${h.rawPhnum}${h.rawPhnum === 0xffff && hasSections ? ` (${elf.sections[0].info})` : ''}`);
  field('Size of section headers', `${h.shentsize} (bytes)`);
  field('Number of section headers', `${h.rawShnum}${h.rawShnum === 0 && hasSections ? ` (${elf.sections[0].size})` : ''}`);
  let shstrndx = String(h.rawShstrndx);
  if (h.rawShstrndx === 0xffff && hasSections) shstrndx += ` (${elf.sections[0].link})`;
  else if (h.shstrndx !== 0 && h.shstrndx >= h.shnum) shstrndx += ' <corrupt: out of range>';
  field('Section header string table index', shstrndx);
}
