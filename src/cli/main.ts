// Node adapter for ldplay's core: parses a subcommand, reads files, writes outputs and exit codes.
// No ELF or stage logic lives here; each command calls the same functions the browser uses.

import { commands } from './commands.ts';

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
  return command.run(rest);
}

function usage(): string {
  const lines = Object.entries(commands).map(([n, c]) => `  ${n.padEnd(10)} ${c.summary}`);
  return `Usage: ldplay <command> [options] [files]\n\nCommands:\n${lines.join('\n')}\n`;
}
