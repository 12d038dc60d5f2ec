// Find in a text artifact: the lines grep -n -i -F lists for a piece of text in the tiny kernel's
// System.map, visited in order by "next" and in reverse by "previous", wrapping at both ends.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createSession } from '../../src/worker/session.ts';
import { runTool, tiny } from '../helpers.ts';

const path = tiny('expected', 'System.map');

/** grep's matching line numbers (0-based), case-insensitive fixed strings. */
function grepLines(text: string): number[] {
  let out = '';
  try { out = runTool('grep', ['-n', '-i', '-F', '--', text, path]); } catch { return []; }
  return out.split('\n').filter(Boolean).map((l) => parseInt(l) - 1);
}

describe('find in text', () => {
  it('next and previous visit exactly the lines grep finds, wrapping around', async () => {
    const api = createSession();
    const bytes = new Uint8Array(readFileSync(path));
    expect((await api.open('System.map', bytes.slice().buffer)).ok).toBe(true);
    for (const text of ['start_kernel', 'T __X64_SYS_', ' d ', 'ffffffff8100', 'no such text anywhere']) {
      const want = grepLines(text);
      const seen: number[] = [];
      let from = -1;
      for (let k = 0; k < Math.min(want.length, 400) + 1; k++) {
        const r = await api.findText({ file: 'System.map', query: text, from });
        if (!r.ok) throw new Error(r.error.message);
        expect(r.value.total, text).toBe(want.length);
        if (r.value.line < 0) break;
        seen.push(r.value.line);
        expect(r.value.ordinal).toBe(k % want.length);
        from = r.value.line;
      }
      if (!want.length) { expect(seen).toEqual([]); continue; }
      // In order, and after the last one back at the first.
      const n = Math.min(want.length, 400);
      expect(seen.slice(0, n), text).toEqual(want.slice(0, n));
      if (want.length <= 400) expect(seen[n], text).toBe(want[0]);
      // Backwards from the top wraps to the last; from the first match it goes to the last too.
      const last = await api.findText({ file: 'System.map', query: text, from: -1, backwards: true });
      expect(last.ok && last.value.line).toBe(want[want.length - 1]);
      const before = await api.findText({ file: 'System.map', query: text, from: want[0], backwards: true });
      expect(before.ok && before.value.line).toBe(want[want.length - 1]);
      if (want.length > 2) {
        const prev = await api.findText({ file: 'System.map', query: text, from: want[2], backwards: true });
        expect(prev.ok && prev.value.line).toBe(want[1]);
      }
    }
  });
});
