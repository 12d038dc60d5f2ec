// The 6.2–6.14 postlink mode on the tiny fixture: one vmlinux rewritten in place by the real stages
// (result equals the kernel's files), make's delete-on-error, and the lost / stale vmlinux.relocs
// that make never notices (relocs injected here as a test stage that fails or copies a digest).
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PostlinkBuild, type PostlinkStep } from '../../src/pipeline/postlink.ts';
import { postlinkLinkStep, postlinkSorttableStep, postlinkSteps, postlinkStripStep, postlinkSysmapStep } from '../../src/pipeline/rules.ts';
import { StageError } from '../../src/pipeline/stage.ts';
import { load, tiny } from '../helpers.ts';

const unsorted = load(tiny('expected', 'vmlinux.unsorted'));
const same = (a: Uint8Array | undefined, b: Uint8Array) => a !== undefined && a.length === b.length && Buffer.compare(a, b) === 0;

/** A relocs stand-in: fails, or writes a digest of the vmlinux it read. */
function relocsStep(fail: boolean): PostlinkStep {
  return {
    id: 'relocs',
    command: 'arch/x86/tools/relocs vmlinux > arch/x86/boot/compressed/vmlinux.relocs',
    redirectsTo: 'vmlinux.relocs',
    run(files) {
      if (fail) throw new StageError('Invalid absolute R_X86_64_32S relocation: injected');
      const digest = createHash('sha256').update(files.get('vmlinux')!).digest();
      return { outputs: { 'vmlinux.relocs': new Uint8Array(digest) }, record: null, diagnostics: [] };
    },
  };
}

const recipe = (kernel: string, relocs: PostlinkStep) =>
  [postlinkLinkStep(), postlinkSysmapStep(kernel), postlinkSorttableStep(kernel), relocs, postlinkStripStep(kernel)];

describe('postlink mode (6.2–6.14)', () => {
  it('6.2: link, mksysmap, sorttable, relocs and objcopy rewrite one vmlinux into the kernel\'s files', async () => {
    const b = new PostlinkBuild('6.2', postlinkSteps('6.2'));
    await b.put('vmlinux.unsorted', unsorted);
    const record = await b.runAll();
    expect(record.ok).toBe(true);
    expect(same(b.file('vmlinux'), load(tiny('expected', 'vmlinux')))).toBe(true);
    expect(same(b.file('System.map'), load(tiny('expected', 'System.map')))).toBe(true);
    expect(same(b.file('vmlinux.relocs'), load(tiny('expected', 'vmlinux.relocs')))).toBe(true);
    expect(record.relocsFile.status).toBe('fresh');
    expect(record.events.map((e) => e.step)).toEqual(['link', 'sysmap', 'sorttable', 'relocs', 'abs-relocs', 'strip']);
    const inPlace = record.events.filter((e) => e.before !== undefined).map((e) => e.step);
    expect(inPlace).toEqual(['sorttable', 'strip']);
    expect(record.events.find((e) => e.step === 'strip')!.message).toContain("--remove-section='.rela__*'");
    const again = await b.runAll();
    expect(again.events.map((e) => e.action)).toEqual(['up-to-date']);
  });

  it('a failing relocs deletes vmlinux and leaves vmlinux.relocs truncated (lost)', async () => {
    const b = new PostlinkBuild('6.8', recipe('6.8', relocsStep(true)));
    await b.put('vmlinux.unsorted', unsorted);
    const record = await b.runAll();
    expect(record.ok).toBe(false);
    expect(record.events.map((e) => `${e.step}:${e.action}`)).toEqual([
      'link:ran', 'sysmap:ran', 'sorttable:ran', 'relocs:failed', 'relocs:truncated', 'make:deleted',
    ]);
    expect(b.file('vmlinux')).toBeUndefined();
    expect(b.file('vmlinux.unsorted')).toBe(unsorted);
    expect(b.file('System.map')!.length).toBeGreaterThan(0);
    expect(record.relocsFile.status).toBe('lost');
  });

  it('a later failure leaves the previous build\'s vmlinux.relocs in place, reported stale', async () => {
    const b = new PostlinkBuild('6.14', recipe('6.14', relocsStep(false)));
    await b.put('vmlinux.unsorted', unsorted);
    const first = await b.runAll();
    expect(first.relocsFile.status).toBe('fresh');
    const relocs = b.file('vmlinux.relocs');
    await b.put('vmlinux.unsorted', load(tiny('inputs', 'version-timestamp.o')));
    const second = await b.runAll();
    expect(second.ok).toBe(false);
    expect(second.events.find((e) => e.action === 'failed')!.step).toBe('sorttable');
    expect(b.file('vmlinux')).toBeUndefined();
    expect(b.file('vmlinux.relocs')).toBe(relocs);
    expect(second.relocsFile.status).toBe('stale');
    expect(second.relocsFile.derivedFrom).toBe(first.relocsFile.derivedFrom);
  });

  it('steps one command at a time, vmlinux changing hash under the same name', async () => {
    const b = new PostlinkBuild('6.2', postlinkSteps('6.2'));
    await b.put('vmlinux.unsorted', unsorted);
    const seen: string[] = [];
    for (let e = await b.step(); e; e = b.running ? await b.step() : null) {
      seen.push(e.step);
      expect(b.listFiles().some((f) => f.name === 'vmlinux')).toBe(true);
    }
    expect(seen).toEqual(['link', 'sysmap', 'sorttable', 'relocs', 'abs-relocs', 'strip']);
    expect(await b.step()).toBeNull();
  });

  it('only covers the kernels that stripped in place', () => {
    expect(() => new PostlinkBuild('6.1', [])).toThrow(/6\.2–6\.14/);
    expect(() => new PostlinkBuild('6.15', [])).toThrow(/6\.2–6\.14/);
  });
});
