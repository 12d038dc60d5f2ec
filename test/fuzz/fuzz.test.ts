// The fuzz harness under vitest. By default (CI) a fixed sample of seeded cases per entry point;
// `npm run fuzz -- --minutes N` (scripts/fuzz.mjs) sets LDPLAY_FUZZ_MINUTES to run each target for
// N minutes instead and prints the number of cases run. A hang fails through the test timeout,
// and the last seed started is written to test-results/fuzz-current.txt to replay it.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createTargets } from './targets.ts';
import { fuzzTarget } from './run.ts';

const minutes = Number(process.env.LDPLAY_FUZZ_MINUTES ?? 0);
const cases = process.env.LDPLAY_FUZZ_CASES ? Number(process.env.LDPLAY_FUZZ_CASES) : undefined;
const only = process.env.LDPLAY_FUZZ_TARGET;
const firstSeed = Number(process.env.LDPLAY_FUZZ_SEED ?? 1);

describe('fuzz', () => {
  const targets = createTargets();
  afterAll(() => targets.forEach((t) => t.dispose?.()));
  for (const target of targets.filter((t) => !only || t.name === only)) {
    const count = cases ?? target.cases;
    const label = minutes ? `${minutes} min` : `${count} cases`;
    it(`${target.name}: ${label} end in success or a typed error`, { timeout: minutes ? minutes * 60_000 + 120_000 : 120_000 }, async () => {
      const deadline = Date.now() + minutes * 60_000;
      const until = minutes ? () => Date.now() >= deadline : (n: number) => n >= count;
      mkdirSync('test-results', { recursive: true });
      const report = await fuzzTarget(target, firstSeed, until, 5000, (seed) => {
        if (seed % 256 === 0) writeFileSync('test-results/fuzz-current.txt', `${target.name} seed ${seed}\n`);
      });
      console.log(`fuzz ${target.name}: ${report.cases} cases, ${report.failures.length} failures, slowest ${report.slowest.ms.toFixed(1)} ms (seed ${report.slowest.seed}: ${report.slowest.what})`);
      expect(report.cases).toBeGreaterThan(0);
      expect(report.failures).toEqual([]);
    });
  }
});
