// Relocation type names and sizes by e_machine, one table per architecture (x86_64, i386, aarch64,
// riscv). Names are spelled as GNU readelf 2.40 prints them; unknown machines/types give undefined.

import { EM_386, EM_AARCH64, EM_RISCV, EM_X86_64 } from '../constants.ts';
import { AARCH64_RELOCATIONS } from './aarch64.ts';
import { I386_RELOCATIONS } from './i386.ts';
import { RISCV_RELOCATIONS } from './riscv.ts';
import type { RelocationTypeTable } from './table.ts';
import { X86_64_RELOCATIONS } from './x86_64.ts';

export type { RelocationTypeTable } from './table.ts';

const TABLES: Readonly<Record<number, RelocationTypeTable>> = {
  [EM_X86_64]: X86_64_RELOCATIONS,
  [EM_386]: I386_RELOCATIONS,
  [EM_AARCH64]: AARCH64_RELOCATIONS,
  [EM_RISCV]: RISCV_RELOCATIONS,
};

export function relocationTypeTable(machine: number): RelocationTypeTable | undefined {
  return TABLES[machine];
}

/** The name readelf prints for `type` on `machine` (e.g. `R_X86_64_PC32`), or undefined. */
export function relocationTypeName(machine: number, type: number): string | undefined {
  const table = TABLES[machine];
  const suffix = table?.names[type];
  return suffix === undefined ? undefined : table!.prefix + suffix;
}

/** Bytes a relocation of `type` patches (0 for markers such as R_X86_64_NONE), or undefined. */
export function relocationSize(machine: number, type: number, is64 = true): number | undefined {
  const table = TABLES[machine];
  if (!table) return undefined;
  const size = table.size(type);
  // RISC-V's XLEN-sized dynamic relocations patch 4 bytes in ELF32 files.
  if (machine === EM_RISCV && !is64 && size === 8 && !table.names[type]?.endsWith('64')) return 4;
  return size;
}
