// Node adapter for ldplay's core: parses a subcommand, reads files, writes outputs and exit codes.
// No ELF or stage logic lives here; each command calls the same functions the browser uses.

import { commands } from './commands.ts';
import { describeSystemError, isSystemError } from './system-error.ts';

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h') {
    process.stdout.write(usage());
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`ldplay: unknown command '${name}'\n${usage()}`);
    return 2;
  }
  try {
    return await command.run(rest);
  } catch (e) {
    // A file the command could not open, read or write: one line naming it, exit 1 (as the C tools).
    if (!isSystemError(e)) throw e;
    process.stderr.write(`ldplay ${name}: ${describeSystemError(e)}\n`);
    return 1;
  }
}

function usage(): string {
  const lines = Object.entries(commands).map(([n, c]) => `  ${n.padEnd(10)} ${c.summary}`);
  return `Usage: ldplay <command> [options] [files]\n\nCommands:\n${lines.join('\n')}\n`;
}
