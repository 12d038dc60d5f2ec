// The kernel's link pipeline as the worker runs it: each stage with the artifacts it reads and
// writes, the StageDescription its module exports, and its run function once that module exists.
// Order and artifact names follow scripts/Makefile.vmlinux and scripts/link-vmlinux.sh (6.1–6.18).
// It never describes a stage itself: title and explanation come from the stage modules.

import { sorttable, sorttableDescription } from '../kernel/sorttable/sorttable.ts';
import { strip, stripDescription, stripRuleSets, type StripRuleSet } from '../kernel/strip.ts';
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
    {
      id: 'sorttable', inputs: ['vmlinux.unsorted'], outputs: ['vmlinux.unstripped'], description: sorttableDescription,
      // The tool sorts in place; the pipeline names the sorted file vmlinux.unstripped.
      run: (inputs, options) => {
        const kernel = typeof options.kernel === 'string' ? options.kernel : undefined;
        const r = sorttable(inputs['vmlinux.unsorted'], { fileName: 'vmlinux.unstripped', kernel });
        return { ...r, outputs: { 'vmlinux.unstripped': Object.values(r.outputs)[0] } };
      },
    },
    { id: 'relocs', inputs: ['vmlinux.unstripped'], outputs: ['vmlinux.relocs'] },
    {
      id: 'strip', inputs: ['vmlinux.unstripped'], outputs: ['vmlinux'], description: stripDescription,
      run: (inputs, options) => {
        const rules = stripRuleSets[(typeof options.kernel === 'string' && options.kernel in stripRuleSets ? options.kernel : '6.14') as StripRuleSet];
        return strip(inputs['vmlinux.unstripped'], { ...rules, fileName: 'vmlinux.unstripped' });
      },
    },
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
