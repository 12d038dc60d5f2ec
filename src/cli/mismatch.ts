// `ldplay mismatch OBJECT [--extra-warn] [--verbose]`: modpost's section-mismatch check on vmlinux.o
// (or a module object). Prints modpost's WARNING/ERROR lines on stderr; exit 1 only for errors,
// as modpost with CONFIG_SECTION_MISMATCH_WARN_ONLY=y. Node adapter only.

import { readFileSync } from 'node:fs';
import { ElfFormatError } from '../elf/index.ts';
import { checkSectionMismatches, formatMismatches } from '../kernel/mismatch.ts';
import type { Command } from './commands.ts';

const usage = 'usage: ldplay mismatch OBJECT [--extra-warn] [--verbose]\n';

export const mismatchCommand: Command = {
  summary: "check an object's references into init/exit sections like modpost",
  async run(args) {
    const files = args.filter((a) => !a.startsWith('-'));
    const unknown = args.find((a) => a.startsWith('-') && a !== '--extra-warn' && a !== '--verbose');
    if (unknown || files.length !== 1) {
      process.stderr.write(`ldplay mismatch: ${unknown ? `unknown option '${unknown}'` : 'exactly one object is required'}\n${usage}`);
      return 2;
    }
    try {
      const b = readFileSync(files[0]);
      const { record } = checkSectionMismatches(new Uint8Array(b.buffer, b.byteOffset, b.byteLength), {
        fileName: files[0],
        extraWarn: args.includes('--extra-warn'),
      });
      process.stderr.write(formatMismatches(record));
      if (args.includes('--verbose')) {
        process.stdout.write(`${record.relocationSections} relocation sections, ${record.relocations} relocations checked, ${record.findings.length} findings\n`);
        for (const r of record.rules) process.stdout.write(`rule: ${r}\n`);
      }
      return record.findings.some((f) => f.severity === 'error') ? 1 : 0;
    } catch (e) {
      if (e instanceof ElfFormatError || (e as NodeJS.ErrnoException).code) {
        process.stderr.write(`ldplay mismatch: ${(e as Error).message}\n`);
        return 1;
      }
      throw e;
    }
  },
};
