// i386 relocation types (System V i386 psABI and the GNU TLS extensions): the names GNU readelf
// 2.40 prints for ELF32 r_info's 8-bit type, and how many bytes each patches. Names only; no formulas.

import { EM_386 } from '../constants.ts';
import type { RelocationTypeTable } from './table.ts';

/** Type number → name suffix (readelf prints the prefix `R_386_` before it). */
const NAMES: Record<number, string> = {
  0: 'NONE',
  1: '32',
  2: 'PC32',
  3: 'GOT32',
  4: 'PLT32',
  5: 'COPY',
  6: 'GLOB_DAT',
  7: 'JUMP_SLOT',
  8: 'RELATIVE',
  9: 'GOTOFF',
  10: 'GOTPC',
  11: '32PLT',
  14: 'TLS_TPOFF',
  15: 'TLS_IE',
  16: 'TLS_GOTIE',
  17: 'TLS_LE',
  18: 'TLS_GD',
  19: 'TLS_LDM',
  20: '16',
  21: 'PC16',
  22: '8',
  23: 'PC8',
  24: 'TLS_GD_32',
  25: 'TLS_GD_PUSH',
  26: 'TLS_GD_CALL',
  27: 'TLS_GD_POP',
  28: 'TLS_LDM_32',
  29: 'TLS_LDM_PUSH',
  30: 'TLS_LDM_CALL',
  31: 'TLS_LDM_POP',
  32: 'TLS_LDO_32',
  33: 'TLS_IE_32',
  34: 'TLS_LE_32',
  35: 'TLS_DTPMOD32',
  36: 'TLS_DTPOFF32',
  37: 'TLS_TPOFF32',
  38: 'SIZE32',
  39: 'TLS_GOTDESC',
  40: 'TLS_DESC_CALL',
  41: 'TLS_DESC',
  42: 'IRELATIVE',
  43: 'GOT32X',
  200: 'USED_BY_INTEL_200',
  250: 'GNU_VTINHERIT',
  251: 'GNU_VTENTRY',
};

const SIZE_ZERO = new Set(['NONE', 'COPY', 'TLS_DESC_CALL', 'TLS_GD_PUSH', 'TLS_GD_CALL', 'TLS_GD_POP', 'TLS_LDM_PUSH',
  'TLS_LDM_CALL', 'TLS_LDM_POP', 'USED_BY_INTEL_200', 'GNU_VTINHERIT', 'GNU_VTENTRY']);

/** Bytes patched at r_offset (0 for marker relocations, 8 for a TLS descriptor). */
function patchSize(type: number): number | undefined {
  const name = NAMES[type];
  if (name === undefined) return undefined;
  if (SIZE_ZERO.has(name)) return 0;
  if (name === 'TLS_DESC') return 8;
  if (name === '16' || name === 'PC16') return 2;
  if (name === '8' || name === 'PC8') return 1;
  return 4;
}

export const I386_RELOCATIONS: RelocationTypeTable = { machine: EM_386, prefix: 'R_386_', names: NAMES, size: patchSize };
