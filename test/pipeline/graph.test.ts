// The declarative graph on the x86_64-tiny fixture (real stages, outputs compared with the kernel
// tools' files), its content-hash cache, and failure handling with an injected failing stage.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { strip } from '../../src/kernel/strip.ts';
import { Pipeline } from '../../src/pipeline/graph.ts';
import type { Rule } from '../../src/pipeline/rule.ts';
import { declarativeRules } from '../../src/pipeline/rules.ts';
import { StageError } from '../../src/pipeline/stage.ts';
import { load, tiny } from '../helpers.ts';

const unsorted = load(tiny('expected', 'vmlinux.unsorted'));
const unstripped = load(tiny('expected', 'vmlinux.unstripped'));
const stripped = load(tiny('expected', 'vmlinux'));
const systemMap = load(tiny('expected', 'System.map'));
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const same = (a: Uint8Array | undefined, b: Uint8Array) => a !== undefined && a.length === b.length && Buffer.compare(a, b) === 0;

describe('declarative graph on the tiny fixture', () => {
  it('6.15: vmlinux.unsorted → sorttable → vmlinux.unstripped → strip → vmlinux, as the kernel tools made them', async () => {
    const p = new Pipeline(declarativeRules({ kernel: '6.15' }), { kernel: '6.15' });
    await p.put('vmlinux.unsorted', unsorted);
    expect(p.list().map((r) => [r.id, r.status])).toEqual([['link', 'superseded'], ['sysmap', 'pending'], ['sorttable', 'pending'], ['relocs', 'blocked'], ['strip', 'blocked']]);
    const reports = await p.runAll();
    // 6.15's relocs has no per-CPU rules, so on this 6.1 image it stops like the real tool would;
    // strip does not depend on it and still runs.
    expect(reports.map((r) => [r.rule, r.action])).toEqual([['sysmap', 'ran'], ['sorttable', 'ran'], ['relocs', 'failed'], ['strip', 'ran']]);
    expect(reports[2].diagnostics[0].message).toMatch(/^Invalid absolute R_X86_64_64 relocation: init_per_cpu__/);
    // The fixture is a 6.1 kernel: 6.15's sorttable keeps .rela__ex_table and orders 12 bytes of
    // .orc_unwind by the 6.4+ "weak" test, so compare with objcopy run on the graph's own intermediate.
    const dir = mkdtempSync(join(tmpdir(), 'ldplay-graph-'));
    try {
      writeFileSync(join(dir, 'vmlinux.unstripped'), p.artifact('vmlinux.unstripped')!.bytes);
      execFileSync('objcopy', ["--remove-section=.rel*", "--remove-section=!.rel*.dyn", join(dir, 'vmlinux.unstripped'), join(dir, 'vmlinux')]);
      expect(same(p.artifact('vmlinux')?.bytes, load(join(dir, 'vmlinux')))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const state = p.state();
    const vmlinux = state.artifacts.find((a) => a.name === 'vmlinux')!;
    expect(vmlinux).toMatchObject({ producedBy: 'strip', stale: false, hash: sha(p.artifact('vmlinux')!.bytes) });
    expect(state.artifacts.find((a) => a.name === 'vmlinux.unsorted')).toMatchObject({ producedBy: 'import', hash: sha(unsorted) });
    expect(state.rules.map((r) => r.status)).toEqual(['superseded', 'up-to-date', 'up-to-date', 'failed', 'up-to-date']);
    // The state (records included) crosses a worker boundary: it must survive structured cloning.
    expect(structuredClone(state)).toEqual(state);
    expect((state.rules[4].record as { removed: unknown[] }).removed.length).toBeGreaterThan(0);
  });

  it('6.1: sorttable makes the final vmlinux; System.map and vmlinux.relocs equal the kernel tools\' files', async () => {
    const p = new Pipeline(declarativeRules({ kernel: '6.1' }), { kernel: '6.1' });
    await p.put('vmlinux.unsorted', unsorted);
    await p.runAll();
    expect(same(p.artifact('vmlinux')?.bytes, unstripped)).toBe(true);
    expect(same(p.artifact('System.map')?.bytes, systemMap)).toBe(true);
    expect(same(p.artifact('vmlinux.relocs')?.bytes, load(tiny('expected', 'vmlinux.relocs')))).toBe(true);
  });

  it('a dropped vmlinux.unstripped supersedes sorttable and feeds strip directly', async () => {
    const p = new Pipeline(declarativeRules({ kernel: '6.18' }), { kernel: '6.18' });
    await p.put('vmlinux.unstripped', unstripped);
    const reports = await p.runAll();
    expect(reports.map((r) => r.rule)).toEqual(['sysmap', 'relocs', 'strip']);
    expect(p.list()[0]).toMatchObject({ id: 'link', status: 'blocked', why: 'missing input vmlinux.o' });
    expect(p.list()[1]).toMatchObject({ id: 'sysmap', inputs: ['vmlinux.unstripped'] });
    expect(p.list()[2]).toMatchObject({ id: 'sorttable', status: 'superseded' });
    expect(same(p.artifact('vmlinux')?.bytes, stripped)).toBe(true);
    expect(p.artifact('vmlinux.unstripped')!.producedBy).toBe('import');
  });

  it('6.1 from inputs/: link, then System.map and vmlinux.relocs equal the kernel tools\' files; strip matches objcopy', async () => {
    const p = new Pipeline(declarativeRules({ kernel: '6.1' }), { kernel: '6.1' });
    for (const name of ['vmlinux.o', 'vmlinux.export.o', 'version-timestamp.o', 'kallsyms.o', 'vmlinux.lds']) await p.put(name, load(tiny('inputs', name)));
    const reports = await p.runAll();
    expect(reports.map((r) => [r.rule, r.action])).toEqual([['link', 'ran'], ['sysmap', 'ran'], ['sorttable', 'ran'], ['relocs', 'ran']]);
    expect(p.artifact('vmlinux.unsorted')!.producedBy).toBe('link');
    expect(same(p.artifact('System.map')?.bytes, systemMap)).toBe(true);
    expect(same(p.artifact('vmlinux.relocs')?.bytes, load(tiny('expected', 'vmlinux.relocs')))).toBe(true);
    // The mini-linker does not share string suffixes; strip rebuilds the tables as objcopy does.
    const dir = mkdtempSync(join(tmpdir(), 'ldplay-graph-'));
    try {
      writeFileSync(join(dir, 'vmlinux'), p.artifact('vmlinux')!.bytes);
      execFileSync('objcopy', ['--remove-section=.rel*', join(dir, 'vmlinux'), join(dir, 'vmlinux.stripped')]);
      expect(same(strip(p.artifact('vmlinux')!.bytes).outputs.vmlinux, load(join(dir, 'vmlinux.stripped')))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    // Editing the linker script's text without changing its meaning relinks, then stops: the
    // linked image's hash is unchanged, so nothing after the link reruns.
    const script = load(tiny('inputs', 'vmlinux.lds'));
    await p.put('vmlinux.lds', new Uint8Array([...script, ...new TextEncoder().encode('\n/* edited */\n')]));
    expect((await p.runAll()).map((r) => r.rule)).toEqual(['link']);
  });

  it('rejects 6.2–6.14 (in-place strip) for the declarative graph', () => {
    expect(() => declarativeRules({ kernel: '6.8' })).toThrow(/postlink/);
  });
});

/** Two independent chains a → b → c and x → y, with stage functions that count their runs. */
function countingRules(fail: { on?: string } = {}) {
  const runs: string[] = [];
  const rule = (id: string, from: string, to: string): Rule => ({
    id, title: id, inputs: [from], outputs: [to],
    run(inputs) {
      runs.push(id);
      const text = new TextDecoder().decode(inputs[from]);
      if (fail.on !== undefined && text.includes(fail.on)) {
        throw new StageError(`${id}: refusing '${fail.on}'`, [{ severity: 'error', message: `refusing '${fail.on}'`, file: from, offset: text.indexOf(fail.on) }]);
      }
      return { outputs: { [to]: new TextEncoder().encode(`${id}(${text})`) }, record: { length: text.length }, diagnostics: [] };
    },
  });
  return { runs, rules: [rule('ab', 'a', 'b'), rule('bc', 'b', 'c'), rule('xy', 'x', 'y')] };
}
const text = (s: string) => new TextEncoder().encode(s);
const read = (p: Pipeline, n: string) => new TextDecoder().decode(p.artifact(n)!.bytes);

describe('content-hash cache', () => {
  it('a rerun with unchanged inputs runs nothing', async () => {
    const { runs, rules } = countingRules();
    const p = new Pipeline(rules, { kernel: '6.15' });
    await p.put('a', text('1'));
    await p.put('x', text('2'));
    await p.runAll();
    expect(runs).toEqual(['ab', 'bc', 'xy']);
    expect(await p.put('a', text('1'))).toBe(false);
    expect(await p.runAll()).toEqual([]);
    expect(runs).toHaveLength(3);
  });

  it('changing an input reruns exactly the rules that depend on it; going back hits the cache', async () => {
    const { runs, rules } = countingRules();
    const p = new Pipeline(rules, { kernel: '6.15' });
    await p.put('a', text('1'));
    await p.put('x', text('2'));
    await p.runAll();
    runs.length = 0;
    await p.put('a', text('3'));
    await p.runAll();
    expect(runs).toEqual(['ab', 'bc']);
    expect(read(p, 'c')).toBe('bc(ab(3))');
    runs.length = 0;
    await p.put('a', text('1'));
    const reports = await p.runAll();
    expect(runs).toEqual([]);
    expect(reports.map((r) => r.action)).toEqual(['cached', 'cached']);
    expect(read(p, 'c')).toBe('bc(ab(1))');
  });

  it('an input that changes but yields the same intermediate stops the rerun there', async () => {
    const runs: string[] = [];
    const first = (s: Uint8Array) => text(new TextDecoder().decode(s).slice(0, 1));
    const rules: Rule[] = [
      { id: 'head', title: 'head', inputs: ['a'], outputs: ['b'], run: (i) => (runs.push('head'), { outputs: { b: first(i.a) }, record: null, diagnostics: [] }) },
      { id: 'copy', title: 'copy', inputs: ['b'], outputs: ['c'], run: (i) => (runs.push('copy'), { outputs: { c: i.b }, record: null, diagnostics: [] }) },
    ];
    const p = new Pipeline(rules, { kernel: '6.15' });
    await p.put('a', text('12'));
    await p.runAll();
    await p.put('a', text('13'));
    await p.runAll();
    expect(runs).toEqual(['head', 'copy', 'head']);
  });
});

describe('stepping', () => {
  it('step() runs one rule at a time in order and returns null when nothing is left', async () => {
    const { runs, rules } = countingRules();
    const p = new Pipeline(rules, { kernel: '6.15' });
    await p.put('a', text('1'));
    await p.put('x', text('2'));
    expect((await p.step())?.rule).toBe('ab');
    expect(p.list().map((r) => r.status)).toEqual(['up-to-date', 'pending', 'pending']);
    expect(p.state().artifacts.map((a) => a.name).sort()).toEqual(['a', 'b', 'x']);
    expect((await p.step())?.rule).toBe('bc');
    expect((await p.step())?.rule).toBe('xy');
    expect(await p.step()).toBeNull();
    expect(runs).toEqual(['ab', 'bc', 'xy']);
  });
});

describe('a failing rule', () => {
  it('keeps its inputs, keeps its previous outputs marked stale, and blocks what depends on them', async () => {
    const { rules } = countingRules({ on: 'bad' });
    const p = new Pipeline(rules, { kernel: '6.15' });
    await p.put('a', text('good'));
    await p.put('x', text('fine'));
    await p.runAll();
    const before = p.artifact('b')!.hash;
    await p.put('a', text('bad input'));
    const reports = await p.runAll();
    expect(reports.map((r) => [r.rule, r.action])).toEqual([['ab', 'failed']]);
    expect(reports[0].diagnostics[0]).toMatchObject({ message: "refusing 'bad'", file: 'a', offset: 0 });
    expect(read(p, 'a')).toBe('bad input');
    expect(p.artifact('b')).toMatchObject({ hash: before, stale: true, producedBy: 'ab' });
    expect(p.artifact('c')!.stale).toBe(true);
    const states = Object.fromEntries(p.list().map((r) => [r.id, r]));
    expect(states.ab.status).toBe('failed');
    expect(states.bc.status).toBe('blocked');
    expect(states.bc.why).toMatch(/stale/);
    expect(states.xy.status).toBe('up-to-date');
    expect(await p.runAll()).toEqual([]);
    await p.put('a', text('good again'));
    await p.runAll();
    expect(read(p, 'c')).toBe('bc(ab(good again))');
    expect(p.artifact('b')!.stale).toBe(false);
  });

  it('a real stage error (sorttable on a file without __ex_table) is reported with its message', async () => {
    const p = new Pipeline(declarativeRules({ kernel: '6.15' }), { kernel: '6.15' });
    await p.put('vmlinux.unsorted', load(tiny('inputs', 'version-timestamp.o')));
    const report = (await p.runAll()).find((r) => r.rule === 'sorttable')!;
    expect(report.action).toBe('failed');
    expect(report.diagnostics[0].message.length).toBeGreaterThan(0);
    expect(p.artifact('vmlinux.unsorted')).toBeDefined();
    expect(p.artifact('vmlinux')).toBeUndefined();
  });
});

describe('concurrent runAll (the CLI pool runs independent rules at once)', () => {
  it('runs in waves of rules that read nothing a pending rule writes, with the sequential outcome', async () => {
    const sequential = new Pipeline(declarativeRules({ kernel: '6.15' }), { kernel: '6.15' });
    await sequential.put('vmlinux.unsorted', unsorted);
    await sequential.runAll();
    // A runner that records which rules were in flight together.
    const running = new Set<string>();
    const together: string[][] = [];
    const runner = async (rule: Rule, inputs: Record<string, Uint8Array>, options: { kernel: string }) => {
      running.add(rule.id);
      together.push([...running].sort());
      await new Promise((r) => setTimeout(r, 20));
      try {
        return await rule.run(inputs, options);
      } finally {
        running.delete(rule.id);
      }
    };
    const concurrent = new Pipeline(declarativeRules({ kernel: '6.15' }), { kernel: '6.15' }, { run: runner });
    await concurrent.put('vmlinux.unsorted', unsorted);
    const reports = await concurrent.runAll({ concurrent: true });
    expect(reports.map((r) => [r.rule, r.action])).toEqual([['sysmap', 'ran'], ['sorttable', 'ran'], ['relocs', 'failed'], ['strip', 'ran']]);
    // Wave 1: sysmap beside sorttable; wave 2: relocs beside strip (both read vmlinux.unstripped).
    expect(together).toEqual([['sysmap'], ['sorttable', 'sysmap'], ['relocs'], ['relocs', 'strip']]);
    expect(concurrent.list().map((r) => [r.id, r.status])).toEqual(sequential.list().map((r) => [r.id, r.status]));
    for (const a of sequential.state().artifacts) expect(concurrent.artifact(a.name)?.hash, a.name).toBe(a.hash);
  });

  it('a rule waits for a pending rule that writes (any alternative of) its input', async () => {
    // 6.1: relocs reads vmlinux, which sorttable writes; sysmap reads vmlinux.unsorted first.
    const order: string[] = [];
    const p = new Pipeline(declarativeRules({ kernel: '6.1' }), { kernel: '6.1' }, { run: async (rule, inputs, o) => { order.push(rule.id); return rule.run(inputs, o); } });
    await p.put('vmlinux.unsorted', unsorted);
    const reports = await p.runAll({ concurrent: true });
    expect(reports.every((r) => r.action === 'ran')).toBe(true);
    expect(order.indexOf('relocs')).toBeGreaterThan(order.indexOf('sorttable'));
    expect(same(p.artifact('System.map')?.bytes, systemMap)).toBe(true);
  });
});
