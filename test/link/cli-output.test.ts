// `ldplay link` replaces an existing output as GNU ld does: a regular file or a symlink at the output
// path is unlinked and a new file made (so its old mode and a symlink's target are left alone), with a
// new executable's mode. Checked against ld on the same objects, over the same kinds of old output.
import { lstatSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';

const repoRoot = join(import.meta.dirname, '..', '..');
const sample = join(repoRoot, 'samples', 'two-files');
const inputs = ['start.o', 'main.o', 'greet.o'].map((f) => join(sample, f));
const dirs: string[] = [];
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

/** Links into a fresh directory holding an old `out` (mode 0600) and `link` → `target`; what is left. */
function linkOverOldOutputs(command: string[]) {
  const dir = mkdtempSync(join(tmpdir(), 'ldplay-output-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'out'), 'old', { mode: 0o600 });
  writeFileSync(join(dir, 'target'), 'kept');
  symlinkSync('target', join(dir, 'link'));
  for (const output of ['out', 'link']) {
    const r = spawnSync(command[0], [...command.slice(1), '-static', '-o', output, ...inputs], { cwd: dir, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  }
  const describe = (name: string) => {
    const s = lstatSync(join(dir, name));
    return { kind: s.isSymbolicLink() ? 'symlink' : s.isFile() ? 'file' : 'other', mode: (s.mode & 0o7777).toString(8), size: s.size };
  };
  return {
    files: { out: describe('out'), link: describe('link'), target: describe('target') },
    target: readFileSync(join(dir, 'target'), 'utf8'),
    image: readFileSync(join(dir, 'out')),
  };
}

describe('ldplay link writes its output as ld does', () => {
  it('unlinks an old file or symlink at the output path and makes a new executable', () => {
    const ld = linkOverOldOutputs(['ld']);
    const ours = linkOverOldOutputs([process.execPath, join(repoRoot, 'bin', 'ldplay.mjs'), 'link']);
    expect(ours.files).toEqual(ld.files);
    expect(ours.files.link.kind).toBe('file');
    expect(ours.target).toBe('kept');
    // two-files links byte for byte as ld (samples test), so the images are equal too.
    expect(ours.image.equals(ld.image)).toBe(true);
  });

  it('an output that cannot be opened is ld\'s one-line error and exit code', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ldplay-output-'));
    dirs.push(dir);
    const run = (command: string[]) => {
      const r = spawnSync(command[0], [...command.slice(1), '-static', '-o', 'missing/out', ...inputs], { cwd: dir, encoding: 'utf8' });
      return { status: r.status, stderr: r.stderr };
    };
    const ld = run(['ld']);
    expect(ld.stderr).toBe('ld: cannot open output file missing/out: No such file or directory\n');
    expect(run([process.execPath, join(repoRoot, 'bin', 'ldplay.mjs'), 'link'])).toEqual(ld);
  });
});
