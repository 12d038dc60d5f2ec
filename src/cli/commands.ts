// The table of CLI subcommands. Each entry lives in its own module under src/cli/.
export interface Command {
  summary: string;
  run(args: string[]): Promise<number>;
}

export const commands: Record<string, Command> = {};
