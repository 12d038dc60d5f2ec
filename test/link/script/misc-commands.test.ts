// The remaining commands (STARTUP, OUTPUT, INPUT with -l, NOCROSSREFS_TO, INSERT, (COPY),
// (READONLY), (OVERLAY), ALIGN_WITH_INPUT) and every PT_* name in PHDRS: GNU ld accepts the same
// text without a syntax error, our tree round-trips, and the program header types we evaluate are
// the p_type values ld wrote.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { evaluate, parseLinkerScript, printLinkerScript, type LinkerScript } from '../../../src/link/script/index.ts';
import { buildObject, environmentFrom, linkWithLd } from './ld-oracle.ts';

const MISC = `STARTUP(t.o)
OUTPUT(misc.out)
INPUT(-lc_not_installed)
SECTIONS
{
  .foo (COPY) : { *(.foo) }
  .bar 0x1000 (READONLY) : ALIGN_WITH_INPUT { *(.bar) }
  .ov (OVERLAY) : { *(.ovx) }
}
NOCROSSREFS_TO(.foo .bar)
INSERT AFTER .text
`;

const PHDRS = `PHDRS { text PT_LOAD FILEHDR PHDRS AT(0x400000) FLAGS(5); data PT_LOAD; tls PT_TLS; rel PT_GNU_RELRO;
  eh PT_GNU_EH_FRAME; dyn PT_DYNAMIC; n PT_NULL; prop 0x6474e553; stack PT_GNU_STACK FLAGS(6); note PT_NOTE;
  shlib PT_SHLIB; phdr PT_PHDR PHDRS; }
SECTIONS { . = 0x400000 + SIZEOF_HEADERS; .text : { *(.text) } :text .data : { *(.data) } :data .bss : { *(.bss) }
  /DISCARD/ : { *(.comment) *(.note.*) *(.eh_frame) } }
`;

const withoutLocations = (script: LinkerScript) =>
  JSON.stringify(script.commands, (key, value) => (key === 'loc' ? undefined : typeof value === 'bigint' ? `${value}n` : value));

describe('remaining commands', () => {
  let dir: string;
  beforeAll(() => { dir = buildObject(); });

  it('are accepted by GNU ld and by us, and round-trip', () => {
    writeFileSync(join(dir, 'misc.lds'), MISC);
    const ld = linkWithLd(dir, MISC, 'misc.lds');
    // ld gets past the grammar and fails only on the missing library
    expect(ld.stderr).not.toContain('syntax error');
    expect(ld.stderr).toContain('cannot find -lc_not_installed');
    const script = parseLinkerScript(MISC, 'misc.lds');
    expect(withoutLocations(parseLinkerScript(printLinkerScript(script), 'p.lds'))).toBe(withoutLocations(script));
    expect(script.commands.map((c) => c.kind)).toEqual(['startup', 'output', 'input', 'sections', 'noCrossRefs', 'insert']);
    const sections = script.commands[3];
    expect(sections.kind === 'sections' && sections.commands.map((c) => (c.kind === 'outputSection' ? [c.name, c.type, c.alignWithInput ?? false] : [])))
      .toEqual([['.foo', 'COPY', false], ['.bar', 'READONLY', true], ['.ov', 'OVERLAY', false]]);
    expect(script.commands[2]).toMatchObject({ files: [{ name: '-lc_not_installed', asNeeded: false }] });
    expect(script.commands[5]).toMatchObject({ position: 'AFTER', section: '.text' });
  });

  it('PHDRS types evaluate to the p_type ld wrote for each header', () => {
    const { elf, stderr } = linkWithLd(dir, PHDRS, 'phdrs.lds');
    expect(stderr).not.toContain('error');
    const script = parseLinkerScript(PHDRS, 'phdrs.lds');
    const phdrs = script.commands[0];
    if (phdrs.kind !== 'phdrs') throw new Error('no PHDRS');
    expect(phdrs.headers.length).toBe(elf!.segments.length);
    const env = environmentFrom(elf!, {});
    phdrs.headers.forEach((header, i) => {
      const type = Number(evaluate(header.type, env).value);
      // ld writes PT_NULL for a PT_GNU_RELRO header that received no sections
      if (header.name === 'rel') expect([type, elf!.segments[i].type]).toEqual([0x6474e552, 0]);
      else expect(type, header.name).toBe(elf!.segments[i].type);
    });
    expect(phdrs.headers[0]).toMatchObject({ fileHeader: true, programHeaders: true, at: { value: 0x400000n }, flags: { value: 5n } });
    expect(withoutLocations(parseLinkerScript(printLinkerScript(script), 'p.lds'))).toBe(withoutLocations(script));
  });
});
