// `ldplay sysmap IN [-o OUT] [--kernel=X.Y]`: System.map as scripts/mksysmap writes it (stdout
// unless -o). Node adapter only: reads the file, calls sysmap(), writes the text.

import { readFileSync, writeFileSync } from 'node:fs';
import { ElfFormatError } from '../elf/index.ts';
import { sysmap } from '../kernel/sysmap.ts';
import type { Command } from './commands.ts';

const usage = 'usage: ldplay sysmap IN [-o OUT] [--kernel=X.Y]\n';

export const sysmapCommand: Command = {
  summary: 'write System.map (nm -n + the mksysmap filter)',
  async run(args) {
    let input: string | undefined;
    let output: string | undefined;
    let kernel: string | undefined;
    for (let i = 0; i < args.length; i++) {
      const a = args[i];
      let problem: string | undefined;
      if (a === '-o') {
        output = args[++i];
        if (output === undefined) problem = 'option -o needs a value';
      } else if (a.startsWith('--kernel=')) kernel = a.slice('--kernel='.length);
      else if (a.startsWith('-')) problem = `unknown option '${a}'`;
      else if (input === undefined) input = a;
      else problem = `unexpected argument '${a}'`;
      if (problem) {
        process.stderr.write(`ldplay sysmap: ${problem}\n${usage}`);
        return 2;
      }
    }
    if (!input) {
      process.stderr.write(`ldplay sysmap: an input file is required\n${usage}`);
      return 2;
    }
    try {
      const b = readFileSync(input);
      const { outputs } = sysmap(new Uint8Array(b.buffer, b.byteOffset, b.byteLength), { kernel, fileName: input });
      const text = outputs['System.map'];
      if (output) writeFileSync(output, text);
      else process.stdout.write(text);
      return 0;
    } catch (e) {
      if (e instanceof ElfFormatError || (e as NodeJS.ErrnoException).code) {
        process.stderr.write(`ldplay sysmap: ${(e as Error).message}\n`);
        return 1;
      }
      throw e;
    }
  },
};
