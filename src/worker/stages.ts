// The kernel's link pipeline as the worker runs it: each stage with the artifacts it reads and
// writes, the StageDescription its module exports, and its run function once that module exists.
// Order and artifact names follow scripts/Makefile.vmlinux and scripts/link-vmlinux.sh (6.1–6.18).
// It never describes a stage itself: title and explanation come from the stage modules.

import type { StageDescription, StageResult } from '../pipeline/stage.ts';
import type { Progress } from './api.ts';

export type StageInputs = Record<string, Uint8Array>;

export interface StageEntry {
  id: string;
  inputs: string[];
  outputs: string[];
  description?: StageDescription;
  run?: (inputs: StageInputs, options: Record<string, string | boolean>, progress: (p: Progress) => void) =>
    StageResult<unknown> | Promise<StageResult<unknown>>;
}

export function kernelStages(): StageEntry[] {
  return [
    { id: 'link', inputs: ['vmlinux.o', 'vmlinux.lds'], outputs: ['vmlinux.unsorted'] },
    { id: 'sorttable', inputs: ['vmlinux.unsorted'], outputs: ['vmlinux.unstripped'] },
    { id: 'relocs', inputs: ['vmlinux.unstripped'], outputs: ['vmlinux.relocs'] },
    { id: 'strip', inputs: ['vmlinux.unstripped'], outputs: ['vmlinux'] },
    { id: 'sysmap', inputs: ['vmlinux.unstripped'], outputs: ['System.map'] },
    { id: 'kaslr', inputs: ['vmlinux', 'vmlinux.relocs'], outputs: [] },
    { id: 'mismatch', inputs: ['vmlinux.o'], outputs: [] },
  ];
}

/** A few lines saying what a record holds: its counts and the sizes of its lists. */
export function summarizeRecord(record: unknown): string[] {
  if (record === null || typeof record !== 'object') return [];
  const out: string[] = [];
  for (const [key, value] of Object.entries(record as Record<string, unknown>)) {
    if (typeof value === 'number' || typeof value === 'bigint') out.push(`${key}: ${value.toLocaleString('en-US')}`);
    else if (typeof value === 'string' && value.length <= 80) out.push(`${key}: ${value}`);
    else if (Array.isArray(value)) out.push(`${key}: ${value.length.toLocaleString('en-US')} entries`);
    if (out.length >= 12) break;
  }
  return out;
}
