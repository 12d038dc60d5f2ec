// readFileWithProgress: a file larger than one slice comes back byte for byte, progress climbs to
// the total, and an aborted read stops with an AbortError. The file is a real kernel object.
import { describe, expect, it } from 'vitest';
import { readFileWithProgress } from '../../src/ui/state/read-file.ts';
import { load, tiny } from '../helpers.ts';

describe('readFileWithProgress', () => {
  const bytes = load(tiny('expected', 'vmlinux.unstripped'));

  it('reads a multi-slice file byte for byte with rising progress', async () => {
    expect(bytes.length).toBeGreaterThan(8 << 20);
    const seen: number[] = [];
    const out = new Uint8Array(await readFileWithProgress(new Blob([bytes as Uint8Array<ArrayBuffer>]), (done, total) => { expect(total).toBe(bytes.length); seen.push(done); }));
    expect(Buffer.compare(out, bytes)).toBe(0);
    expect(seen.length).toBe(Math.ceil(bytes.length / (8 << 20)));
    expect(seen.at(-1)).toBe(bytes.length);
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);
  });

  it('reads a small file in one go', async () => {
    const small = load(tiny('inputs', 'vmlinux.export.o'));
    const out = new Uint8Array(await readFileWithProgress(new Blob([small as Uint8Array<ArrayBuffer>]), () => {}));
    expect(Buffer.compare(out, small)).toBe(0);
  });

  it('stops with an AbortError when cancelled', async () => {
    const abort = new AbortController();
    const read = readFileWithProgress(new Blob([bytes as Uint8Array<ArrayBuffer>]), () => abort.abort(), abort.signal);
    await expect(read).rejects.toMatchObject({ name: 'AbortError' });
  });
});
