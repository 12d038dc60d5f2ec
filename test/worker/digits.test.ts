// groupDigits against the engine's own en-US formatting, on integers of every length, bigints past
// 2^53, fractions and the edge values.
import { describe, expect, it, vi } from 'vitest';
import { groupDigits } from '../../src/worker/digits.ts';

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

describe('groupDigits', () => {
  it('prints what toLocaleString("en-US") prints', () => {
    const random = seeded(7);
    const values: (number | bigint)[] = [0, -0, 1, -1, 999, 1000, -1000, 999_999, 1_000_000, 2 ** 53, -(2 ** 53), 0.5, 0.0625, -0.0625, 1234.5678, 0.0004, -0.0004, 1e20, NaN, Infinity, -Infinity, 1e21];
    for (let digits = 1; digits <= 20; digits++) {
      for (let k = 0; k < 20; k++) {
        const n = Math.floor(random() * 10 ** digits);
        values.push(n, -n, n / 1000, n / 7, BigInt(n) * 12345n, -BigInt(n) * 10n ** 6n);
      }
    }
    for (const v of values) expect(groupDigits(v), String(v)).toBe(v.toLocaleString('en-US'));
  });

  it('groups integers and bigints without toLocaleString (whose first call loads ICU data)', () => {
    const numbers = vi.spyOn(Number.prototype, 'toLocaleString');
    const bigints = vi.spyOn(BigInt.prototype, 'toLocaleString');
    try {
      expect([groupDigits(13_812_345), groupDigits(-1000), groupDigits(2n ** 64n)]).toEqual(['13,812,345', '-1,000', '18,446,744,073,709,551,616']);
      expect(numbers).not.toHaveBeenCalled();
      expect(bigints).not.toHaveBeenCalled();
    } finally {
      numbers.mockRestore();
      bigints.mockRestore();
    }
  });
});
