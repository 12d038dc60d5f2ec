// x86-64 relocation types (System V AMD64 psABI, "Relocation Types" table): the names GNU
// readelf 2.40 prints, and how many bytes each patches. Names only; no formulas (those live in the
// linker's architecture file).

import { EM_X86_64 } from '../constants.ts';
import type { RelocationTypeTable } from './table.ts';

/** Type number → name suffix (readelf prints the prefix `R_X86_64_` before it). */
const NAMES: Record<number, string> = {
  0: 'NONE',
  1: '64',
  2: 'PC32',
  3: 'GOT32',
  4: 'PLT32',
  5: 'COPY',
  6: 'GLOB_DAT',
  7: 'JUMP_SLOT',
  8: 'RELATIVE',
  9: 'GOTPCREL',
  10: '32',
  11: '32S',
  12: '16',
  13: 'PC16',
  14: '8',
  15: 'PC8',
  16: 'DTPMOD64',
  17: 'DTPOFF64',
  18: 'TPOFF64',
  19: 'TLSGD',
  20: 'TLSLD',
  21: 'DTPOFF32',
  22: 'GOTTPOFF',
  23: 'TPOFF32',
  24: 'PC64',
  25: 'GOTOFF64',
  26: 'GOTPC32',
  27: 'GOT64',
  28: 'GOTPCREL64',
  29: 'GOTPC64',
  30: 'GOTPLT64',
  31: 'PLTOFF64',
  32: 'SIZE32',
  33: 'SIZE64',
  34: 'GOTPC32_TLSDESC',
  35: 'TLSDESC_CALL',
  36: 'TLSDESC',
  37: 'IRELATIVE',
  38: 'RELATIVE64',
  39: 'PC32_BND',
  40: 'PLT32_BND',
  41: 'GOTPCRELX',
  42: 'REX_GOTPCRELX',
  250: 'GNU_VTINHERIT',
  251: 'GNU_VTENTRY',
};

const SIZE_8 = new Set(['64', 'DTPMOD64', 'DTPOFF64', 'TPOFF64', 'PC64', 'GOTOFF64', 'GOT64', 'GOTPCREL64', 'GOTPC64',
  'GOTPLT64', 'PLTOFF64', 'SIZE64', 'GLOB_DAT', 'JUMP_SLOT', 'RELATIVE', 'RELATIVE64', 'IRELATIVE']);
const SIZE_ZERO = new Set(['NONE', 'COPY', 'TLSDESC_CALL', 'GNU_VTINHERIT', 'GNU_VTENTRY']);

/** Bytes patched at r_offset (0 for marker relocations, 16 for a TLS descriptor). */
function patchSize(type: number): number | undefined {
  const name = NAMES[type];
  if (name === undefined) return undefined;
  if (SIZE_ZERO.has(name)) return 0;
  if (name === 'TLSDESC') return 16;
  if (SIZE_8.has(name)) return 8;
  if (name === '16' || name === 'PC16') return 2;
  if (name === '8' || name === 'PC8') return 1;
  return 4;
}

export const X86_64_RELOCATIONS: RelocationTypeTable = { machine: EM_X86_64, prefix: 'R_X86_64_', names: NAMES, size: patchSize };
