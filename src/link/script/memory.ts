// MEMORY regions: evaluates each region's ORIGIN and LENGTH (constant expressions that may use
// ORIGIN()/LENGTH() of earlier regions, as ld allows), decodes the attribute letters and applies
// REGION_ALIAS. It does not assign sections to regions; that is the linker core's job.
import type { LinkerScript, ScriptCommand } from './ast.ts';
import { LinkerScriptError } from './errors.ts';
import { evaluate, type EvaluationEnvironment } from './evaluate.ts';

export interface MemoryRegionValue {
  name: string;
  origin: bigint;
  length: bigint;
  /** Section kinds the region accepts and refuses, as upper-case ld attribute letters
   *  (R read-only, W read/write, X executable, A allocatable, I/L initialized), e.g. `(rx!w)`
   *  → allow 'RX', deny 'W'. */
  allow: string;
  deny: string;
}

/** Regions by name (aliases included, pointing at the same value), in script order. */
export function evaluateMemoryRegions(
  script: LinkerScript,
  pageSizes: { maxPageSize: bigint; commonPageSize: bigint } = { maxPageSize: 0x1000n, commonPageSize: 0x1000n },
): Map<string, MemoryRegionValue> {
  const regions = new Map<string, MemoryRegionValue>();
  const env = constantEnvironment(regions, pageSizes);
  for (const command of flatten(script.commands)) {
    if (command.kind === 'memory') {
      for (const region of command.regions) {
        if (regions.has(region.name)) throw new LinkerScriptError(region.loc, `region \`${region.name}' already defined`);
        const { allow, deny } = decodeAttributes(region.attributes ?? '', region.loc);
        regions.set(region.name, {
          name: region.name,
          origin: evaluate(region.origin, env).value,
          length: evaluate(region.length, env).value,
          allow,
          deny,
        });
      }
    } else if (command.kind === 'regionAlias') {
      const target = regions.get(command.region);
      if (!target) throw new LinkerScriptError(command.loc, `memory region \`${command.region}' for alias \`${command.alias}' does not exist`);
      if (regions.has(command.alias)) throw new LinkerScriptError(command.loc, `redefinition of memory region alias \`${command.alias}'`);
      regions.set(command.alias, target);
    }
  }
  return regions;
}

function* flatten(commands: ScriptCommand[]): Generator<ScriptCommand> {
  for (const command of commands) {
    if (command.kind === 'include') yield* flatten(command.commands);
    else yield command;
  }
}

function decodeAttributes(text: string, loc: { file: string; line: number; column: number }): { allow: string; deny: string } {
  let allow = '';
  let deny = '';
  let inverted = false;
  for (const ch of text.toUpperCase()) {
    if (ch === '!') { inverted = !inverted; continue; }
    if (ch === ' ' || ch === '\t') continue;
    const letter = ch === 'L' ? 'I' : ch;
    if (!'RWXAI'.includes(letter)) throw new LinkerScriptError(loc, `invalid attribute \`${ch}' in MEMORY region`);
    if (inverted) deny += letter; else allow += letter;
  }
  return { allow, deny };
}

/** Region expressions are constants: no `.`, symbols or sections; earlier regions only. */
function constantEnvironment(
  regions: Map<string, MemoryRegionValue>,
  pageSizes: { maxPageSize: bigint; commonPageSize: bigint },
): EvaluationEnvironment {
  return {
    symbol: () => undefined,
    isDefined: () => false,
    sectionAddress: () => undefined,
    sectionLoadAddress: () => undefined,
    sectionSize: () => undefined,
    sectionAlignment: () => undefined,
    region: (name) => regions.get(name),
    ...pageSizes,
    sizeofHeaders: 0n,
  };
}
