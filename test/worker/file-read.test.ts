// Headers-first reading of a user's file in the worker (file-read.ts, session.openFile): the
// headers' summary comes before the bulk read with only a few KB read, equal to the summary of the
// whole file; a malformed header fails with readElf's error before the rest is read; text files
// are read whole; Cancel stops the read. Inputs are real kernel files from the fixtures.
import { describe, expect, it } from 'vitest';
import { ElfFormatError, readElf } from '../../src/elf/index.ts';
import type { OpenEvent } from '../../src/worker/api.ts';
import { readFileHeadersFirst } from '../../src/worker/file-read.ts';
import { createSession } from '../../src/worker/session.ts';
import { load, tiny } from '../helpers.ts';

const unstripped = load(tiny('expected', 'vmlinux.unstripped'));

/** A Blob that counts the bytes handed out by slice(), to see what was read when. */
function countingBlob(bytes: Uint8Array): { blob: Blob; read: () => number } {
  const blob = new Blob([bytes as Uint8Array<ArrayBuffer>]);
  let read = 0;
  const counting = Object.create(blob) as Blob;
  Object.defineProperty(counting, 'size', { value: blob.size });
  counting.slice = (start?: number, end?: number) => {
    read += (end ?? blob.size) - (start ?? 0);
    return blob.slice(start, end);
  };
  return { blob: counting, read: () => read };
}

describe('readFileHeadersFirst', () => {
  it('reports the parsed headers after a few KB, then reads the whole file byte for byte', async () => {
    expect(unstripped.length).toBeGreaterThan(8 << 20);
    const { blob, read } = countingBlob(unstripped);
    const order: string[] = [];
    let readAtHeaders = -1;
    let names: string[] = [];
    const out = await readFileHeadersFirst(blob, 'vmlinux.unstripped', {
      onHeaders: (elf) => { order.push('headers'); readAtHeaders = read(); names = elf.sections.map((s) => s.name); },
      onProgress: (done) => order.push(`progress ${done}`),
    });
    expect(Buffer.compare(out, unstripped)).toBe(0);
    expect(order[0]).toBe('headers');
    expect(order.at(-1)).toBe(`progress ${unstripped.length}`);
    expect(readAtHeaders).toBeGreaterThan(0);
    expect(readAtHeaders).toBeLessThan(64 << 10);
    expect(names).toEqual(readElf(unstripped).sections.map((s) => s.name));
    expect(names).toContain('.rela.text');
  });

  it('fails with readElf\'s located error before reading the rest when the section names are malformed', async () => {
    const bad = unstripped.slice();
    const shstrtab = readElf(unstripped).sections[readElf(unstripped).header.shstrndx];
    bad[Number(shstrtab.offset + shstrtab.size) - 1] = 0x78; // the last name loses its NUL
    const want = (() => { try { readElf(bad, 'bad'); } catch (e) { return e; } })() as ElfFormatError;
    expect(want).toBeInstanceOf(ElfFormatError);
    const { blob, read } = countingBlob(bad);
    let got: unknown;
    try { await readFileHeadersFirst(blob, 'bad', { onHeaders: () => { throw new Error('no headers expected'); } }); } catch (e) { got = e; }
    expect(got).toBeInstanceOf(ElfFormatError);
    const e = got as ElfFormatError;
    expect([e.message, e.file, e.offset]).toEqual([want.message, 'bad', want.offset]);
    expect(read()).toBeLessThan(64 << 10);
  });

  it('reads the whole file when the ELF header itself is bad, so the open fails as before with file and offset', async () => {
    const bad = unstripped.slice();
    new DataView(bad.buffer).setUint16(62, 0x7000, true); // e_shstrndx past e_shnum
    const events: OpenEvent[] = [];
    const r = await createSession().openFile('bad', new Blob([bad]), false, (ev) => events.push(ev));
    expect(r.ok).toBe(false);
    if (!r.ok) expect([r.error.name, r.error.file, r.error.offset]).toEqual(['ElfFormatError', 'bad', 62]);
    expect(events.some((ev) => ev.kind === 'headers')).toBe(false);
  });

  it('reads a text file whole without a headers report', async () => {
    const text = new TextEncoder().encode('ffffffff81000000 T _text\n'.repeat(1000));
    let headers = 0;
    const out = await readFileHeadersFirst(new Blob([text]), 'System.map', { onHeaders: () => headers++ });
    expect(Buffer.compare(out, text)).toBe(0);
    expect(headers).toBe(0);
  });

  it('stops with an AbortError when cancelled after the headers', async () => {
    const abort = new AbortController();
    const r = readFileHeadersFirst(new Blob([unstripped as Uint8Array<ArrayBuffer>]), 'v', { onHeaders: () => abort.abort() }, abort.signal);
    await expect(r).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('session.openFile', () => {
  it('sends the loading summary first, equal to the final one but for the flag', async () => {
    const events: OpenEvent[] = [];
    const session = createSession();
    const r = await session.openFile('vmlinux.unstripped', new Blob([unstripped as Uint8Array<ArrayBuffer>]), false, (e) => events.push(e));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const first = events[0];
    expect(first.kind).toBe('headers');
    if (first.kind !== 'headers') return;
    expect(first.summary.loading).toBe(true);
    expect(r.value.loading).toBeUndefined();
    expect({ ...first.summary, loading: undefined }).toEqual({ ...r.value, loading: undefined });
    expect(events.slice(1).every((e) => e.kind === 'progress')).toBe(true);
    const page = await session.querySymbols({ file: 'vmlinux.unstripped', start: 0, count: 1 });
    expect(page.ok && page.value.tableCount).toBeGreaterThan(0);
  });

  it('cancelReads makes an open in flight fail with AbortError and leaves nothing open', async () => {
    const session = createSession();
    const r = session.openFile('v', new Blob([unstripped as Uint8Array<ArrayBuffer>]), false, (e) => { if (e.kind === 'headers') void session.cancelReads(); });
    const out = await r;
    expect(out.ok).toBe(false);
    if (!out.ok) expect(out.error.name).toBe('AbortError');
    expect(await session.list()).toEqual([]);
  });
});
