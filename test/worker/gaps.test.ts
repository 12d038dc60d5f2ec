// The worker's disassembly around a relocation (iced-x86) against GNU objdump -d on the tiny fixture,
// and the section diff against what objcopy/readelf say about the same two files (strip removed the
// .rela sections; sorttable rewrote __ex_table and .orc_unwind*).
import { execFileSync } from 'node:child_process';
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
  for (const n of ['vmlinux.unsorted', 'vmlinux.unstripped', 'vmlinux']) {
    const b = load(expected(n));
    const r = await api.open(n, b.buffer.slice(b.byteOffset, b.byteOffset + b.length) as ArrayBuffer);
    expect(r.ok).toBe(true);
  }
});

/** objdump -d lines in [start, stop): address → { mnemonic, target } (call/jmp target or the '# addr' of a RIP-relative operand). */
function objdump(file: string, start: bigint, stop: bigint): Map<bigint, { mnemonic: string; target?: bigint }> {
  const out = runTool('objdump', ['-d', '-w', `--start-address=0x${start.toString(16)}`, `--stop-address=0x${stop.toString(16)}`, file]);
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
    expect(changed).toEqual(expect.arrayContaining(['__ex_table', '.orc_unwind', '.orc_unwind_ip']));
    for (const n of changedByObjcopy) expect(changed).toContain(n);
    expect(changed.filter((n) => progbits.some((x) => x.name === n)).sort()).toEqual([...changedByObjcopy].sort());
    expect(r.value.counts.removed + r.value.counts.added).toBe(0);
  });
});
