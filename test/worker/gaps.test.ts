// The worker's disassembly around a relocation (iced-x86) against GNU objdump -d on the tiny fixture,
// and the section diff against what objcopy/readelf say about the same two files (strip removed the
// .rela sections; sorttable rewrote __ex_table and .orc_unwind*).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { WorkerApi } from '../../src/worker/api.ts';
import { createSession } from '../../src/worker/session.ts';
import { load, runTool, tiny } from '../helpers.ts';

const expected = (n: string) => tiny('expected', n);
let api: WorkerApi;

beforeAll(async () => {
  api = createSession();
  for (const n of ['vmlinux.unsorted', 'vmlinux.unstripped', 'vmlinux', 'vmlinux.o']) {
    const b = load(n === 'vmlinux.o' ? tiny('inputs', n) : expected(n));
    const r = await api.open(n, b.buffer.slice(b.byteOffset, b.byteOffset + b.length) as ArrayBuffer);
    expect(r.ok).toBe(true);
  }
});

/** objdump -d lines in [start, stop): address → { mnemonic, target } (call/jmp target or the '# addr' of a RIP-relative operand). */
function objdump(file: string, start: bigint, stop: bigint, section?: string): Map<bigint, { mnemonic: string; target?: bigint }> {
  const out = runTool('objdump', ['-d', '-w', ...(section ? ['-j', section] : []), `--start-address=0x${start.toString(16)}`, `--stop-address=0x${stop.toString(16)}`, file]);
  const rows = new Map<bigint, { mnemonic: string; target?: bigint }>();
  for (const line of out.split('\n')) {
    const m = /^\s*([0-9a-f]+):\t[0-9a-f ]+\t(\S+)\s*(.*)$/.exec(line);
    if (!m) continue;
    const rest = m[3];
    const hash = /#\s*([0-9a-f]+)/.exec(rest);
    const direct = /^([0-9a-f]{8,})\s*</.exec(rest);
    const target = hash ? BigInt(`0x${hash[1]}`) : direct ? BigInt(`0x${direct[1]}`) : undefined;
    rows.set(BigInt(`0x${m[1]}`), { mnemonic: m[2], target });
  }
  return rows;
}

/** objdump's AT&T mnemonics carry a size suffix where iced's do not (movq/mov, nopw/nop). */
const sameMnemonic = (a: string, b: string) => a === b || a.replace(/[bwlq]$/, '') === b || b.replace(/[bwlq]$/, '') === a;

describe('disassembly around a relocation', () => {
  it('decodes like objdump -d at 40 relocations spread over .rela.text of vmlinux.unstripped', async () => {
    const summary = (await api.list()).find((a) => a.name === 'vmlinux.unstripped')!;
    const rela = summary.sections.find((s) => s.name === '.rela.text')!;
    let compared = 0;
    let withTarget = 0;
    for (let k = 0; k < 40; k++) {
      const index = Math.floor((k * rela.entries) / 40);
      const r = await api.disassemble({ file: 'vmlinux.unstripped', section: rela.index, index });
      if (!r.ok) throw new Error(r.error.message);
      const marked = r.value.instructions.filter((i) => i.relocated);
      expect(marked.length, `relocation ${index}`).toBe(1);
      const hit = marked[0];
      // The relocated field lies inside the marked instruction, at the reported byte range.
      expect(r.value.place - hit.address).toBe(BigInt(hit.relocated!.start));
      const first = r.value.instructions[0].address;
      const last = r.value.instructions.at(-1)!;
      const ref = objdump(expected('vmlinux.unstripped'), first, last.address + BigInt(last.bytes.length));
      for (const ins of r.value.instructions) {
        const want = ref.get(ins.address);
        expect(want, `objdump has an instruction at 0x${ins.address.toString(16)}`).toBeDefined();
        expect(sameMnemonic(want!.mnemonic, ins.mnemonic), `${want!.mnemonic} vs ${ins.text}`).toBe(true);
        if (want!.target !== undefined && ins.target !== undefined) {
          expect(ins.target).toBe(want!.target);
          withTarget++;
        }
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(200);
    expect(withTarget).toBeGreaterThan(20);
  });

  it('decodes like objdump -d -j .text in the relocatable vmlinux.o (section offsets as addresses)', async () => {
    const summary = (await api.list()).find((a) => a.name === 'vmlinux.o')!;
    const rela = summary.sections.find((s) => s.name === '.rela.text')!;
    let compared = 0;
    for (let k = 0; k < 12; k++) {
      const index = Math.floor((k * rela.entries) / 12);
      const r = await api.disassemble({ file: 'vmlinux.o', section: rela.index, index });
      if (!r.ok) throw new Error(r.error.message);
      expect(r.value.instructions.filter((i) => i.relocated).length, `relocation ${index}`).toBe(1);
      const first = r.value.instructions[0].address;
      const last = r.value.instructions.at(-1)!;
      const ref = objdump(tiny('inputs', 'vmlinux.o'), first, last.address + BigInt(last.bytes.length), '.text');
      for (const ins of r.value.instructions) {
        const want = ref.get(ins.address);
        expect(want, `objdump has an instruction at 0x${ins.address.toString(16)}`).toBeDefined();
        expect(sameMnemonic(want!.mnemonic, ins.mnemonic), `${want!.mnemonic} vs ${ins.text}`).toBe(true);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(60);
  });

  it('refuses a relocation section that does not patch code, naming the file and offset', async () => {
    const summary = (await api.list()).find((a) => a.name === 'vmlinux.unstripped')!;
    const rela = summary.sections.find((s) => s.name === '.rela.data')!;
    const r = await api.disassemble({ file: 'vmlinux.unstripped', section: rela.index, index: 0 });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error).toMatchObject({ name: 'ElfFormatError', file: 'vmlinux.unstripped', offset: Number(rela.offset) });
      expect(r.error.message).toMatch(/\.data is not code/);
    }
  });
});

describe('artifact diff', () => {
  it('vmlinux.unstripped → vmlinux: the removed sections are exactly the ones readelf no longer lists', async () => {
    const names = (f: string) => [...runTool('readelf', ['-SW', f]).matchAll(/^\s*\[\s*\d+\]\s+(\S+)/gm)].map((m) => m[1]).filter((n) => n !== 'NULL');
    const before = names(expected('vmlinux.unstripped'));
    const after = new Set(names(expected('vmlinux')));
    const r = await api.diff('vmlinux.unstripped', 'vmlinux');
    if (!r.ok) throw new Error(r.error.message);
    const removed = r.value.rows.filter((x) => x.change === 'removed').map((x) => x.name);
    expect(removed).toEqual(before.filter((n) => !after.has(n)));
    expect(removed.length).toBeGreaterThan(10);
    expect(removed.every((n) => n.startsWith('.rela'))).toBe(true);
    expect(r.value.counts.added).toBe(0);
  });

  it('vmlinux.unsorted → vmlinux.unstripped: the changed sections are those whose bytes objcopy dumps differently', async () => {
    const r = await api.diff('vmlinux.unsorted', 'vmlinux.unstripped');
    if (!r.ok) throw new Error(r.error.message);
    const dir = mkdtempSync(join(tmpdir(), 'ldplay-diff-'));
    const dump = (file: string, section: string) => {
      const out = join(dir, `${file}${section}`);
      execFileSync('objcopy', ['-O', 'binary', `--only-section=${section}`, expected(file), out]);
      return readFileSync(out);
    };
    const progbits = r.value.rows.filter((x) => x.a && x.b && x.a.size > 0n && !x.name.startsWith('.rela') && x.name !== '.bss' && x.name !== '.brk' && !x.name.includes('percpu'));
    const changedByObjcopy = progbits.filter((x) => !dump('vmlinux.unsorted', x.name).equals(dump('vmlinux.unstripped', x.name))).map((x) => x.name);
    const changed = r.value.rows.filter((x) => x.change === 'changed').map((x) => x.name);
    expect(changed).toEqual(expect.arrayContaining(['__ex_table', '.rela__ex_table', '.orc_unwind', '.orc_unwind_ip']));
    for (const n of changedByObjcopy) expect(changed).toContain(n);
    expect(changed.filter((n) => progbits.some((x) => x.name === n)).sort()).toEqual([...changedByObjcopy].sort());
    expect(r.value.counts.removed + r.value.counts.added).toBe(0);
  });
});

describe('the postlink way and the KASLR offset through the session', () => {
  const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

  it('replays 6.14 in place: fresh relocs (equal to the kernel tool\'s), then stale after a sorttable failure, lost when relocs fails', async () => {
    const s = createSession();
    const b = load(expected('vmlinux.unsorted'));
    expect((await s.open('vmlinux.unsorted', b.buffer.slice(b.byteOffset, b.byteOffset + b.length) as ArrayBuffer)).ok).toBe(true);
    const ok = await s.postlink({ kernel: '6.14' });
    if (!ok.ok) throw new Error(ok.error.message);
    expect(ok.value.record.ok).toBe(true);
    expect(ok.value.record.relocsFile.status).toBe('fresh');
    expect(ok.value.files.find((f) => f.name === 'vmlinux.relocs')!.hash).toBe(sha(load(expected('vmlinux.relocs'))));
    expect(ok.value.files.find((f) => f.name === 'vmlinux')).toMatchObject({ producedBy: 'strip' });

    const sorttableFails = await s.postlink({ kernel: '6.14', failStep: 'sorttable' });
    if (!sorttableFails.ok) throw new Error(sorttableFails.error.message);
    expect(sorttableFails.value.record.ok).toBe(false);
    expect(sorttableFails.value.files.some((f) => f.name === 'vmlinux')).toBe(false);
    expect(sorttableFails.value.record.events.at(-1)).toMatchObject({ action: 'deleted' });
    expect(sorttableFails.value.record.relocsFile.status).toBe('stale');

    const relocsFails = await s.postlink({ kernel: '6.14', relocs615: true });
    if (!relocsFails.ok) throw new Error(relocsFails.error.message);
    expect(relocsFails.value.record.relocsFile.status).toBe('lost');
    expect(relocsFails.value.record.events.find((e) => e.action === 'failed')!.message).toMatch(/Invalid absolute R_X86_64_64 relocation: init_per_cpu__/);
    expect(relocsFails.value.files.some((f) => f.name === 'vmlinux')).toBe(false);
  });

  it('without kernel files postlink says what to open; a bad KASLR offset is refused', async () => {
    const s = createSession();
    const r = await s.postlink({});
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(/vmlinux\.unsorted/);
    const k = await s.setKaslrOffset('0xzz');
    expect(k.ok).toBe(false);
  });

  it('a new KASLR offset makes only kaslr pending again', async () => {
    const s = createSession();
    const b = load(expected('vmlinux.unsorted'));
    await s.open('vmlinux.unsorted', b.buffer.slice(b.byteOffset, b.byteOffset + b.length) as ArrayBuffer);
    await s.setKernel('6.1');
    for (;;) { const r = await s.step(); if (!r.ok || !r.value) break; }
    const first = (await s.list()).find((a) => a.name === 'vmlinux.kaslr');
    expect(first).toBeDefined();
    const k = await s.setKaslrOffset('0x4000000');
    if (!k.ok) throw new Error(k.error.message);
    expect(k.value.filter((x) => x.status === 'pending').map((x) => x.id)).toEqual(['kaslr']);
    const r = await s.step();
    expect(r.ok && r.value?.stage).toBe('kaslr');
  });
});
