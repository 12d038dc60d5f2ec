// The rule contract of the artifact graph: a stage function adapted to named artifacts. A rule names
// the artifacts it reads (each possibly with fallbacks) and writes, and how its options enter the
// cache key. Rules are plain data plus a function; rules.ts adapts each kernel stage to one.

import { StageError, type StageDescription, type StageResult } from './stage.ts';

/** Which kernel's build the graph follows (MAJOR.MINOR), and per-stage knobs. */
export interface PipelineOptions {
  kernel: string;
  /** The KASLR displacement the kaslr rule applies (hex, a multiple of 2 MiB), default 0x1000000. */
  kaslrOffset?: string;
}

/** An input: one artifact name, or alternatives in order of preference (the first present wins). */
export type RuleInput = string | readonly string[];

export interface Rule {
  id: string;
  title: string;
  inputs: readonly RuleInput[];
  outputs: readonly string[];
  /** Runs the stage on the resolved inputs, keyed by the names the rule declared (the first
   *  alternative's name when a fallback was used). */
  run(inputs: Record<string, Uint8Array>, options: PipelineOptions): StageResult<unknown> | Promise<StageResult<unknown>>;
  /** The part of the options this rule depends on (goes into the cache key). */
  optionsKey?(options: PipelineOptions): unknown;
  description?: StageDescription;
}

export const inputName = (input: RuleInput): string => (typeof input === 'string' ? input : input[0]);
export const inputAlternatives = (input: RuleInput): readonly string[] => (typeof input === 'string' ? [input] : input);

/** Kernel version as [major, minor]; throws on malformed text. */
export function kernelVersion(kernel: string): [number, number] {
  const m = /^(\d+)\.(\d+)$/.exec(kernel);
  if (!m) throw new StageError(`kernel version '${kernel}' is not MAJOR.MINOR (e.g. 6.15)`);
  return [Number(m[1]), Number(m[2])];
}

export function kernelAtLeast(kernel: string, major: number, minor: number): boolean {
  const [a, b] = kernelVersion(kernel);
  return a > major || (a === major && b >= minor);
}
