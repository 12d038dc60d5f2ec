// RISC-V relocation types (RISC-V ELF psABI, "Relocations"): the names GNU readelf 2.40 prints
// and the bytes each patches (XLEN-sized ones depend on the class). Names only; no formulas.

import { EM_RISCV } from '../constants.ts';
import type { RelocationTypeTable } from './table.ts';

/** Type number → name suffix (readelf prints the prefix `R_RISCV_` before it). */
const NAMES: Record<number, string> = {
  0: 'NONE',
  1: '32',
  2: '64',
  3: 'RELATIVE',
  4: 'COPY',
  5: 'JUMP_SLOT',
  6: 'TLS_DTPMOD32',
  7: 'TLS_DTPMOD64',
  8: 'TLS_DTPREL32',
  9: 'TLS_DTPREL64',
  10: 'TLS_TPREL32',
  11: 'TLS_TPREL64',
  16: 'BRANCH',
  17: 'JAL',
  18: 'CALL',
  19: 'CALL_PLT',
  20: 'GOT_HI20',
  21: 'TLS_GOT_HI20',
  22: 'TLS_GD_HI20',
  23: 'PCREL_HI20',
  24: 'PCREL_LO12_I',
  25: 'PCREL_LO12_S',
  26: 'HI20',
  27: 'LO12_I',
  28: 'LO12_S',
  29: 'TPREL_HI20',
  30: 'TPREL_LO12_I',
  31: 'TPREL_LO12_S',
  32: 'TPREL_ADD',
  33: 'ADD8',
  34: 'ADD16',
  35: 'ADD32',
  36: 'ADD64',
  37: 'SUB8',
  38: 'SUB16',
  39: 'SUB32',
  40: 'SUB64',
  43: 'ALIGN',
  44: 'RVC_BRANCH',
  45: 'RVC_JUMP',
  46: 'RVC_LUI',
  47: 'GPREL_I',
  48: 'GPREL_S',
  49: 'TPREL_I',
  50: 'TPREL_S',
  51: 'RELAX',
  52: 'SUB6',
  53: 'SET6',
  54: 'SET8',
  55: 'SET16',
  56: 'SET32',
  57: '32_PCREL',
  58: 'IRELATIVE',
};

const FIXED_SIZES: Record<string, number> = {
  NONE: 0, 32: 4, 64: 8, COPY: 0, TLS_DTPMOD32: 4, TLS_DTPMOD64: 8, TLS_DTPREL32: 4, TLS_DTPREL64: 8,
  TLS_TPREL32: 4, TLS_TPREL64: 8, CALL: 8, CALL_PLT: 8, TPREL_ADD: 0, ADD8: 1, ADD16: 2, ADD32: 4, ADD64: 8,
  SUB8: 1, SUB16: 2, SUB32: 4, SUB64: 8, ALIGN: 0, RVC_BRANCH: 2, RVC_JUMP: 2, RVC_LUI: 2, RELAX: 0,
  SUB6: 1, SET6: 1, SET8: 1, SET16: 2, SET32: 4, '32_PCREL': 4,
};

/** Bytes patched at r_offset for RV64 (RELATIVE/JUMP_SLOT/IRELATIVE are XLEN: 4 in ELF32 files);
 *  other instruction relocations patch one 32-bit instruction. */
function patchSize(type: number): number | undefined {
  const name = NAMES[type];
  if (name === undefined) return undefined;
  if (name === 'RELATIVE' || name === 'JUMP_SLOT' || name === 'IRELATIVE') return 8;
  return FIXED_SIZES[name] ?? 4;
}

export const RISCV_RELOCATIONS: RelocationTypeTable = { machine: EM_RISCV, prefix: 'R_RISCV_', names: NAMES, size: patchSize };
