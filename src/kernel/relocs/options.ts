// Options of the relocs stage: the tool's command-line switches plus the kernel version it models.
// Pure data and the mode precedence rule; no behaviour beyond choosing.

import type { HotMemory } from '../../hot/memory.ts';
// Follows relocs_common.c main(): --abs-syms > --abs-relocs > --reloc-info > emit (6.1).

export type RelocsKernel = '6.1' | '6.15';
export type RelocsMode = 'abs-syms' | 'abs-relocs' | 'reloc-info' | 'emit';

export interface RelocsOptions {
  /** Name used in messages and records (default 'vmlinux'). */
  fileName?: string;
  /** '6.1' (default): three x86-64 lists, per-CPU handling; '6.15': two lists, REX_GOTPCRELX accepted. */
  kernel?: RelocsKernel;
  absSyms?: boolean;
  absRelocs?: boolean;
  relocInfo?: boolean;
  /** 6.1 only: write the inverse 32-bit (per-CPU) list (default true). `false` gives the 6.15 two-list
   *  layout while keeping 6.1's symbol classes and per-CPU rules (for a 6.1 image). */
  inverse?: boolean;
  /** Emit as assembler text instead of binary. */
  text?: boolean;
  /** Real-mode tables and output (32-bit realmode.elf). */
  realMode?: boolean;
  /** Entries per list kept in the record with their symbol and section names (default 16). */
  sampleLimit?: number;
  /** The HotMemory the input was read into (the CLI), so the WebAssembly scan reads entries in
   *  place. It must already hold `relocsScratchBytes` free: growing would detach the input. */
  memory?: HotMemory;
}

export function relocsMode(o: RelocsOptions): RelocsMode {
  if (o.absSyms) return 'abs-syms';
  if (o.absRelocs) return 'abs-relocs';
  if (o.relocInfo) return 'reloc-info';
  return 'emit';
}
