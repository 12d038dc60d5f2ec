// The Entries view of vmlinux.relocs: its lists as the kernel's own relocs tool listed them
// (`relocs --text`, expected/relocs-text.S), each entry placed in the tiny kernel's vmlinux by
// readelf's section and symbol tables (nearest symbol at or below, same section) and its bytes.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readElf } from '../../src/elf/index.ts';
import { KaslrEntryIndex } from '../../src/worker/kaslr-entries.ts';
import { runTool, tiny } from '../helpers.ts';

const relocsPath = tiny('expected', 'vmlinux.relocs');
const vmlinuxPath = tiny('expected', 'vmlinux');
const relocs = new Uint8Array(readFileSync(relocsPath));
const vmlinuxBytes = new Uint8Array(readFileSync(vmlinuxPath));

/** The kernel tool's --text listing split at its stop words: the lists in file order. */
function listsFromText(): number[][] {
  const words = readFileSync(tiny('expected', 'relocs-text.S'), 'latin1').split('\n')
    .map((l) => /^\t\.long 0x([0-9a-f]{8})$/.exec(l)).filter((m) => m !== null).map((m) => parseInt(m![1], 16));
  const lists: number[][] = [];
  for (const w of words) if (w === 0) lists.push([]); else lists[lists.length - 1].push(w);
  return lists;
}

interface Sec { index: number; name: string; addr: bigint; off: number; size: bigint; type: string; alloc: boolean }
function readelfSections(): Sec[] {
  return runTool('readelf', ['-SW', vmlinuxPath]).split('\n').flatMap((l) => {
    const m = /^\s*\[\s*(\d+)\]\s+(\S+)\s+(\S+)\s+([0-9a-f]{16})\s+([0-9a-f]+)\s+([0-9a-f]+)\s+\S+\s+(\S*)\s/.exec(l);
    return m ? [{ index: +m[1], name: m[2], type: m[3], addr: BigInt('0x' + m[4]), off: parseInt(m[5], 16), size: BigInt('0x' + m[6]), alloc: m[7].includes('A') }] : [];
  });
}
function readelfSymbols(): { num: number; value: bigint; type: string; ndx: number; name: string }[] {
  return runTool('readelf', ['-sW', vmlinuxPath]).split('\n').map((l) => l.trim().split(/\s+/)).filter((f) => /^\d+:$/.test(f[0]) && /^\d+$/.test(f[6]) && f[7])
    .map((f) => ({ num: parseInt(f[0]), value: BigInt('0x' + f[1]), type: f[3], ndx: +f[6], name: f[7] }));
}

describe('vmlinux.relocs entries', () => {
  const index = new KaslrEntryIndex(relocs, 'vmlinux.relocs');
  const lists = listsFromText();

  it('reads the three lists of the 6.1 layout in the order and with the words the kernel tool listed', () => {
    expect(lists.length).toBe(3);
    expect(index.layout).toBe('6.1');
    expect(index.counts).toEqual({ relocs64: lists[0].length, relocs32neg: lists[1].length, relocs32: lists[2].length });
    const page = index.page({ start: 0, count: 1e9 });
    expect(page.total).toBe(lists.flat().length);
    expect(page.rows.map((r) => Number(BigInt.asUintN(32, r.address)))).toEqual(lists.flat());
    expect(page.rows.map((r) => r.list)).toEqual([...lists[0].map(() => 'relocs64'), ...lists[1].map(() => 'relocs32neg'), ...lists[2].map(() => 'relocs32')]);
    // Each row names its word in the file.
    const view = new DataView(relocs.buffer, relocs.byteOffset, relocs.byteLength);
    for (const r of page.rows) expect(view.getUint32(r.wordOffset, true)).toBe(Number(BigInt.asUintN(32, r.address)));
    // A list alone is the same rows, numbered from 0.
    const neg = index.page({ list: 'relocs32neg', start: 5, count: 3 });
    expect(neg.total).toBe(lists[1].length);
    expect(neg.rows.map((r) => [r.index, Number(BigInt.asUintN(32, r.address))])).toEqual(lists[1].slice(5, 8).map((w, k) => [5 + k, w]));
  });

  it("places entries in vmlinux like readelf's section and symbol tables, with the file's bytes", () => {
    const elf = readElf(vmlinuxBytes, 'vmlinux');
    const sections = readelfSections();
    const symbols = readelfSymbols().filter((s) => s.type !== 'SECTION' && s.type !== 'FILE' && sections.find((x) => x.index === s.ndx)?.alloc);
    const total = index.page({ start: 0, count: 0 }).total;
    // Every 97th entry, from each list: a few hundred lookups checked against readelf.
    // The relocs tool records a field inside the zero-based .data..percpu at its copy's address,
    // __per_cpu_load + offset (kernel-pipeline.md §1.5): such an address is that section's.
    const percpu = sections.find((s) => s.name === '.data..percpu' && s.addr === 0n)!;
    const load = readelfSymbols().find((s) => s.name === '__per_cpu_load')!.value;
    const inCopy = (a: bigint) => a >= load && a < load + percpu.size;
    const all = index.page({ start: 0, count: total }).rows;
    const rows = [];
    for (let i = 0; i < total; i++) if (i % 97 === 0 || inCopy(all[i].address)) rows.push(...index.page({ start: i, count: 1 }, elf).rows);
    expect(new Set(rows.map((r) => r.list)).size).toBe(3);
    expect(rows.filter((r) => inCopy(r.address)).length).toBeGreaterThan(0);
    /** [section, the address its offsets count from] holding `a`. */
    const holderOf = (a: bigint, copy = true): [Sec, bigint] | undefined => {
      if (copy && inCopy(a)) return [percpu, load];
      const s = sections.filter((x) => x.alloc && x.size > 0n && x.addr <= a && a < x.addr + x.size).at(-1);
      return s && [s, s.addr];
    };
    /** readelf's nearest symbol at or below `a` in its section (the later entry among equals). */
    // (A field's address in the copy is named by the per-CPU symbol; what a field points at is a plain address.)
    const nameAt = (address: bigint, copy = true) => {
      const found = holderOf(address, copy);
      if (!found) return symbols.find((s) => s.value === address)?.name ?? `0x${address.toString(16)}`;
      const [holder, base] = found;
      const a = address - base + holder.addr; // per-CPU symbols are offsets into the area
      const below = symbols.filter((s) => s.ndx === holder.index && s.value <= a && s.value >= holder.addr);
      const best = below.reduce<(typeof below)[number] | undefined>((b, s) => (!b || s.value > b.value || (s.value === b.value && s.num > b.num) ? s : b), undefined);
      return best ? `${best.name}${a === best.value ? '' : `+0x${(a - best.value).toString(16)}`}` : `${holder.name}+0x${(a - holder.addr).toString(16)}`;
    };
    let targets = 0;
    for (const r of rows) {
      const a = r.address;
      expect(a >> 32n).toBe(0xffffffffn); // sign-extended kernel address
      const [holder, base] = holderOf(a)!;
      expect(r.section, `0x${a.toString(16)}`).toBe(holder.name);
      expect(r.location, `0x${a.toString(16)}`).toBe(nameAt(a));
      const place = holder.off + Number(a - base);
      expect(r.place).toBe(place);
      expect(r.width).toBe(r.list === 'relocs64' ? 8 : 4);
      const field = vmlinuxBytes.subarray(place, place + r.width);
      expect(r.bytes).toEqual([...field]);
      // The address the field holds (64-bit, or 32-bit sign-extended), named the same way.
      const view = new DataView(field.buffer, field.byteOffset, field.byteLength);
      const value = r.width === 8 ? view.getBigUint64(0, true) : BigInt.asUintN(64, BigInt(view.getInt32(0, true)));
      expect(r.target).toBe(r.list === 'relocs32neg' ? '' : nameAt(value, false));
      if (r.target && !r.target.startsWith('0x')) targets++;
    }
    expect(targets).toBeGreaterThan(rows.length / 2);
  });

  it('finds the entries in or pointing at a symbol, or at an address', () => {
    const elf = readElf(vmlinuxBytes, 'vmlinux');
    const all = index.page({ start: 0, count: 1e9 }, elf).rows;
    for (const search of ['start_kernel', 'x86_pmu', '__per_cpu_load', '.init.data']) {
      const found = index.page({ start: 0, count: 1e9, search }, elf);
      const want = all.filter((r) => r.location.includes(search) || r.target.includes(search) || r.section === search);
      expect(found.total, search).toBe(want.length);
      expect(found.total, search).toBeGreaterThan(0);
      expect(found.rows.map((r) => r.entry)).toEqual(want.map((r) => r.entry));
      expect(found.rows.map((r) => r.index)).toEqual(want.map((_, i) => i));
    }
    // Hex digits also match addresses: one entry's own address finds it.
    const some = all[1234];
    const byAddress = index.page({ start: 0, count: 10, search: '0x' + some.address.toString(16) }, elf);
    expect(byAddress.rows.map((r) => r.entry)).toContain(some.entry);
    expect(index.page({ start: 0, count: 10, search: 'no_such_symbol_anywhere' }, elf).total).toBe(0);
  });

  it("finds the entries of a relocation's field: .data's and .data..percpu's R_X86_64_64, .text's PC32 none", () => {
    const unstripped = tiny('expected', 'vmlinux.unstripped');
    const elf = readElf(new Uint8Array(readFileSync(unstripped)), 'vmlinux.unstripped');
    const listing = runTool('readelf', ['-rW', unstripped]);
    /** [r_offset, type, symbol] of one relocation section's rows, as readelf lists them. */
    const rows = (section: string) => listing.split(/\n(?=Relocation section)/).find((b) => b.startsWith(`Relocation section '${section}'`))!
      .split('\n').map((l) => /^([0-9a-f]{16})\s+[0-9a-f]+\s+(R_X86_64_\w+)\s+[0-9a-f]+\s+(\S+)/.exec(l)).filter((m) => m !== null).map((m) => [BigInt('0x' + m![1]), m![2], m![3]] as const);
    const perCpuLoad = readelfSymbols().find((x) => x.name === '__per_cpu_load')!.value;
    const entryWord = (e: number) => Number(BigInt.asUintN(32, index.page({ start: e, count: 1 }).rows[0].address));
    for (const section of ['.rela.data', '.rela.data..percpu']) {
      const abs64 = rows(section).filter(([, type]) => type === 'R_X86_64_64');
      expect(abs64.length, section).toBeGreaterThan(10);
      let found = 0;
      for (const [offset] of abs64) {
        const hits = index.entriesAt(offset, elf);
        for (const h of hits) expect(h.list).toBe('relocs64');
        // Per-CPU fields are recorded at their copy, __per_cpu_load + offset (§1.5).
        const recorded = section === '.rela.data..percpu' ? offset + perCpuLoad : offset;
        for (const h of hits) expect(entryWord(h.entry)).toBe(Number(BigInt.asUintN(32, recorded)));
        if (hits.length) found++;
      }
      // Not every one: references to absolute symbols get no entry (relocs' S_ABS rules).
      expect(found / abs64.length, section).toBeGreaterThan(0.8);
    }
    const pc32 = rows('.rela.text').filter(([, type, symbol]) => type === 'R_X86_64_PC32' && !symbol.startsWith('.data..percpu')).slice(0, 500);
    expect(pc32.filter(([offset]) => index.entriesAt(offset, elf).some((h) => h.list !== 'relocs32neg')).length).toBe(0);
  });

  it('reads the 6.15 layout (no inverse list) and says why other bytes are not a vmlinux.relocs', () => {
    const [r64, , r32] = lists;
    const words = Uint32Array.from([0, ...r64, 0, ...r32]);
    const two = new KaslrEntryIndex(new Uint8Array(words.buffer), 'vmlinux.relocs');
    expect(two.layout).toBe('6.15');
    expect(two.counts).toEqual({ relocs64: r64.length, relocs32neg: 0, relocs32: r32.length });
    expect(two.page({ list: 'relocs32', start: 0, count: 2 }).rows.map((r) => r.wordOffset)).toEqual([4 * (r64.length + 2), 4 * (r64.length + 3)]);
    expect(() => new KaslrEntryIndex(relocs.subarray(0, 10), 'cut.relocs')).toThrow(/^cut\.relocs: size 10 is not a multiple of 4/);
    expect(() => new KaslrEntryIndex(new Uint8Array(16).fill(1), 'ones.relocs')).toThrow(/^ones\.relocs: 0 stop words .* 3 \(up to 6\.14\) or 2 \(6\.15 on\)/);
  });
});
