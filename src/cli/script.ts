// `ldplay script FILE`: parses a GNU ld linker script (INCLUDE files are read relative to the
// script's directory) and prints its canonical form, or ld's error with our column. Node adapter
// only; the language lives in src/link/script.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { LinkerScriptError, parseLinkerScript, printLinkerScript } from '../link/script/index.ts';
import type { Command } from './commands.ts';

const usage = 'usage: ldplay script FILE\n';

export const scriptCommand: Command = {
  summary: 'parse a linker script and print its canonical form (or ld-style errors)',
  async run(args) {
    if (args.length !== 1 || args[0].startsWith('-')) {
      process.stderr.write(usage);
      return 2;
    }
    const file = args[0];
    const readFile = (name: string) => {
      try {
        return readFileSync(join(dirname(file), name), 'utf8');
      } catch {
        return undefined;
      }
    };
    try {
      const script = parseLinkerScript(readFileSync(file, 'utf8'), file, { readFile });
      process.stdout.write(printLinkerScript(script));
      return 0;
    } catch (e) {
      if (e instanceof LinkerScriptError || (e as NodeJS.ErrnoException).code) {
        process.stderr.write(`ldplay script: ${(e as Error).message}\n`);
        return 1;
      }
      throw e;
    }
  },
};
