// Runs fuzz cases against one target: case n mutates corpus entry n % corpus.length with seed n.
// Returns counts and the first failures with the seed that replays each one. A case slower than the
// time bound is a failure; an asynchronous case (the worker target) is also abandoned at that bound.
import { mutateArchive, mutateBlob, mutateElf, mutateText, prng, regionsOf, isLittleEndian, type Random } from './mutate.ts';
import type { Input } from './corpora.ts';

export interface FuzzTarget {
  name: string;
  /** Cases per CI run (test/fuzz/fuzz.test.ts without LDPLAY_FUZZ_MINUTES). */
  cases: number;
  corpus: () => Input[];
  run: (input: Input) => void | Promise<void>;
  /** Releases what run() started (the worker target's worker thread). */
  dispose?: () => void;
}

export interface FuzzReport {
  target: string;
  cases: number;
  failures: { seed: number; what: string; error: string }[];
  slowest: { seed: number; ms: number; what: string };
}

type Prepared = { input: Input; regions: ReturnType<typeof regionsOf> };

/** The case for `seed`: a mutated copy of its corpus entry and what was done to it. */
function mutateCase(base: Prepared, r: Random): { input: Input; what: string } {
  const b = base.input;
  if (b.kind === 'elf') {
    const m = mutateElf(b.bytes, base.regions, r, isLittleEndian(b.bytes));
    return { input: { kind: 'elf', bytes: m.bytes, name: b.name }, what: m.what };
  }
  if (b.kind === 'archive') {
    const m = mutateArchive(b.bytes, r);
    return { input: { kind: 'archive', bytes: m.bytes }, what: m.what };
  }
  if (b.kind === 'blob') {
    const m = mutateBlob(b.bytes, r);
    return { input: { kind: 'blob', bytes: m.bytes, name: b.name }, what: `${b.name ?? 'blob'}: ${m.what}` };
  }
  const m = mutateText(b.text, r);
  return { input: { kind: 'text', text: m.text, name: b.name }, what: m.what };
}

/** Runs one case; rejects with a timeout error when an asynchronous case outlives `maxMs`. */
async function runCase(target: FuzzTarget, input: Input, maxMs: number): Promise<void> {
  const result = target.run(input);
  if (!(result instanceof Promise)) return;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`no answer within ${maxMs} ms`)), maxMs); });
  try {
    await Promise.race([result, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Replays one case of `target` (what a failure report's seed names); throws what the case threw. */
export async function replayCase(target: FuzzTarget, seed: number, maxMs = 5000): Promise<string> {
  const corpus = target.corpus();
  const base = corpus[seed % corpus.length];
  const prepared = { input: base, regions: base.kind === 'elf' ? regionsOf(base.bytes, target.name) : [] };
  const { input, what } = mutateCase(prepared, prng(seed));
  await runCase(target, input, maxMs);
  return what;
}

export async function fuzzTarget(
  target: FuzzTarget,
  firstSeed: number,
  until: (cases: number) => boolean,
  maxMsPerCase = 5000,
  onCase: (seed: number) => void = () => {},
): Promise<FuzzReport> {
  const prepared: Prepared[] = target.corpus().map((input) => ({ input, regions: input.kind === 'elf' ? regionsOf(input.bytes, target.name) : [] }));
  const report: FuzzReport = { target: target.name, cases: 0, failures: [], slowest: { seed: -1, ms: 0, what: '' } };
  for (let seed = firstSeed; !until(report.cases); seed++) {
    onCase(seed);
    const { input, what } = mutateCase(prepared[seed % prepared.length], prng(seed));
    const t0 = performance.now();
    try {
      await runCase(target, input, maxMsPerCase);
    } catch (e) {
      if (report.failures.length < 20) report.failures.push({ seed, what, error: `${(e as Error).name}: ${(e as Error).message}\n${(e as Error).stack?.split('\n').slice(1, 4).join('\n')}`.slice(0, 600) });
    }
    const ms = performance.now() - t0;
    if (ms > report.slowest.ms) report.slowest = { seed, ms, what };
    if (ms > maxMsPerCase && report.failures.length < 20) report.failures.push({ seed, what, error: `took ${ms.toFixed(0)} ms` });
    report.cases++;
  }
  return report;
}
