// Runs fuzz cases against one target: case n mutates corpus entry n % corpus.length with seed n.
// Returns counts and the first failures with the seed that replays each one.
import { mutateArchive, mutateElf, mutateText, prng, regionsOf, isLittleEndian } from './mutate.ts';
import type { FuzzTarget, Input } from './targets.ts';

export interface FuzzReport {
  target: string;
  cases: number;
  failures: { seed: number; what: string; error: string }[];
  slowest: { seed: number; ms: number; what: string };
}

export function fuzzTarget(
  target: FuzzTarget,
  firstSeed: number,
  until: (cases: number) => boolean,
  maxMsPerCase = 5000,
  onCase: (seed: number) => void = () => {},
): FuzzReport {
  const corpus = target.corpus();
  const prepared = corpus.map((input) => ({ input, regions: input.kind === 'elf' ? regionsOf(input.bytes, target.name) : [] }));
  const report: FuzzReport = { target: target.name, cases: 0, failures: [], slowest: { seed: -1, ms: 0, what: '' } };
  for (let seed = firstSeed; !until(report.cases); seed++) {
    onCase(seed);
    const base = prepared[seed % prepared.length];
    const r = prng(seed);
    let input: Input;
    let what: string;
    if (base.input.kind === 'elf') {
      const m = mutateElf(base.input.bytes, base.regions, r, isLittleEndian(base.input.bytes));
      input = { kind: 'elf', bytes: m.bytes };
      what = m.what;
    } else if (base.input.kind === 'archive') {
      const m = mutateArchive(base.input.bytes, r);
      input = { kind: 'archive', bytes: m.bytes };
      what = m.what;
    } else {
      const m = mutateText(base.input.text, r);
      input = { kind: 'text', text: m.text };
      what = m.what;
    }
    const t0 = performance.now();
    try {
      target.run(input);
    } catch (e) {
      if (report.failures.length < 20) report.failures.push({ seed, what, error: `${(e as Error).name}: ${(e as Error).message}`.slice(0, 300) });
    }
    const ms = performance.now() - t0;
    if (ms > report.slowest.ms) report.slowest = { seed, ms, what };
    if (ms > maxMsPerCase && report.failures.length < 20) report.failures.push({ seed, what, error: `took ${ms.toFixed(0)} ms` });
    report.cases++;
  }
  return report;
}
