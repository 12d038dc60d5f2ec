// The table of CLI subcommands. Each entry lives in its own module under src/cli/.
import { pipelineCommand } from './pipeline.ts';
import { stripCommand } from './strip.ts';
import { sorttableCommand } from './sorttable.ts';
import { sysmapCommand } from './sysmap.ts';
import { nmCommand } from './nm.ts';
import { mismatchCommand } from './mismatch.ts';
import { readelfCommand } from './readelf.ts';
import { relocsCommand } from './relocs.ts';
import { kaslrCommand } from './kaslr.ts';
import { linkCommand } from './link.ts';
import { scriptCommand } from './script.ts';
export interface Command {
  summary: string;
  run(args: string[]): Promise<number>;
}

export const commands: Record<string, Command> = {
  strip: stripCommand,
  pipeline: pipelineCommand,
  sorttable: sorttableCommand,
  sysmap: sysmapCommand,
  nm: nmCommand,
  mismatch: mismatchCommand,
  readelf: readelfCommand,
  relocs: relocsCommand,
  kaslr: kaslrCommand,
  link: linkCommand,
  script: scriptCommand,
};
