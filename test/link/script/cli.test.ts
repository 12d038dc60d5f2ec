// `ldplay script`: the canonical print of the kernel script on stdout (exit 0), ld-shaped errors
// on stderr (exit 1), usage errors (exit 2). Runs the command module in-process.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { scriptCommand } from '../../../src/cli/script.ts';
import { parseLinkerScript, printLinkerScript } from '../../../src/link/script/index.ts';
import { load, tiny } from '../../helpers.ts';

function capture(): { out: () => string; err: () => string } {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => { out.push(String(chunk)); return true; });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => { err.push(String(chunk)); return true; });
  return { out: () => out.join(''), err: () => err.join('') };
}

describe('ldplay script', () => {
  afterEach(() => { vi.restoreAllMocks(); });

  it('prints the canonical form of vmlinux.lds', async () => {
    const io = capture();
    const file = tiny('inputs', 'vmlinux.lds');
    expect(await scriptCommand.run([file])).toBe(0);
    const text = new TextDecoder().decode(load(file));
    expect(io.out()).toBe(printLinkerScript(parseLinkerScript(text, file)));
  });

  it('reports a syntax error with file, line and column, and resolves INCLUDE beside the script', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ldplay-cli-script-'));
    writeFileSync(join(dir, 'a.lds'), 'SECTIONS {\n  INCLUDE b.lds\n}\n');
    writeFileSync(join(dir, 'b.lds'), '.text : { *(.text) }\n.data : { *(.data) \n');
    const io = capture();
    expect(await scriptCommand.run([join(dir, 'a.lds')])).toBe(1);
    expect(io.err()).toBe("ldplay script: b.lds:3: syntax error (column 1: expected '}', found end of file)\n");
    expect(await scriptCommand.run([])).toBe(2);
    expect(await scriptCommand.run([join(dir, 'missing.lds')])).toBe(1);
  });
});
