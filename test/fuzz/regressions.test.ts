// Fuzz findings kept as regression cases: each replays one seed of a target (test/fuzz/run.ts) and must
// end in success or a typed error with a message. kaslr: PT_LOADs and relocation tables past the end of
// the file (fixed in src/kernel/kaslr.ts); sorttable: a symbol table past the end of the file hung the
// symbol search (fixed in src/kernel/sorttable/sorttable.ts); link: absurd section sizes are refused
// before allocation (src/link/output-limits.ts, seeds 103/474/700); seed 21768
// (a relocation patching a section with no contents) is refused by checkRelocationTargets; seed 153347
// (sh_addralign not a power of two) by readInputs, as lld refuses it; link-default seeds 50003015 and
// 50035210 (a .symtab whose sh_info, the first global, is past its symbols) by readInputs.
import { afterAll, describe, expect, it } from 'vitest';
import { createTargets } from './targets.ts';
import { replayCase } from './run.ts';

const targets = createTargets();
afterAll(() => targets.forEach((t) => t.dispose?.()));
const target = (name: string) => targets.find((t) => t.name === name)!;

const cases: [string, number, string][] = [
  ['kaslr', 354, 'PT_LOAD p_offset + p_filesz beyond the file'],
  ['kaslr', 406, 'PT_LOAD p_filesz beyond the file'],
  ['kaslr', 624, '.rela section beyond the file (coverage walk)'],
  ['kaslr', 782, '.rela section beyond the file (coverage walk)'],
  ['sorttable', 46626, 'symbol table size past the end of the file: the name search ran 10^13 iterations'],
  ['link-objects', 103, 'section names lose NULs: output image size from an address'],
  ['link-objects', 474, 'section size 0x537 << 32: output buffer of 5.5 TB'],
  ['link-objects', 700, 'bit flips in a section size: output buffer of 1 PB'],
  ['link-objects', 21768, 'bit flips: applyRelocationPlan reads .slice of an undefined buffer (TypeError)'],
  ['link-objects', 153347, 'sh_addralign 2^64-1: section offsets past the output buffer (RangeError)'],
  ['link-default', 50003015, '.symtab sh_info past its symbols: a 12 GB symbol-table buffer (RangeError)'],
  ['link-default', 50035210, '.symtab sh_info past its symbols: a 51 GB symbol-table buffer (RangeError)'],
];

describe('fuzz regressions', () => {
  it.each(cases)('%s seed %i (%s) ends in success or a typed error', async (name, seed) => {
    await expect(replayCase(target(name), seed)).resolves.toBeTypeOf('string');
  });
});
