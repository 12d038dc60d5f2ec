// `ldplay nm [-n | -p] FILE`: the symbol listing GNU nm 2.40 prints in BSD format (by name, by
// address with -n, symbol-table order with -p). Node adapter only; the rules live in kernel/nm.ts.

import { readFileSync } from 'node:fs';
import { ElfFormatError, readElf } from '../elf/index.ts';
import { nmText } from '../kernel/nm.ts';
import type { Command } from './commands.ts';

const usage = 'usage: ldplay nm [-n | -p] FILE\n';

export const nmCommand: Command = {
  summary: 'list symbols like GNU nm (-n by address, -p unsorted)',
  async run(args) {
    let sort: 'numeric' | 'name' | 'none' = 'name';
    const files: string[] = [];
    for (const a of args) {
      if (a === '-n' || a === '--numeric-sort' || a === '-v') sort = 'numeric';
      else if (a === '-p' || a === '--no-sort') sort = 'none';
      else if (a.startsWith('-')) {
        process.stderr.write(`ldplay nm: unknown option '${a}'\n${usage}`);
        return 2;
      } else files.push(a);
    }
    if (files.length !== 1) {
      process.stderr.write(`ldplay nm: exactly one file is required\n${usage}`);
      return 2;
    }
    try {
      const b = readFileSync(files[0]);
      const text = nmText(readElf(new Uint8Array(b.buffer, b.byteOffset, b.byteLength), files[0]), sort);
      if (!text) {
        process.stderr.write(`ldplay nm: ${files[0]}: no symbols\n`);
        return 0;
      }
      process.stdout.write(Buffer.from(text, 'latin1'));
      return 0;
    } catch (e) {
      if (e instanceof ElfFormatError || (e as NodeJS.ErrnoException).code) {
        process.stderr.write(`ldplay nm: ${(e as Error).message}\n`);
        return 1;
      }
      throw e;
    }
  },
};
