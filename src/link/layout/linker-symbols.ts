// Symbols GNU ld defines itself once addresses are known: __start_SEC/__stop_SEC around sections
// named like C identifiers, __ehdr_start (the loaded ELF header) and _GLOBAL_OFFSET_TABLE_ (.got.plt).
// Script assignments are not here (assignAddresses); only ld's built-in definitions.
import { STB_GLOBAL, STT_OBJECT, STV_HIDDEN, STV_PROTECTED } from '../../elf/index.ts';
import { newGlobal, type LinkContext } from '../context.ts';
import { isAlloc } from './output-section.ts';

/** `__start_X`/`__stop_X` (when referenced and undefined) bound the output section X whose name is a
 *  C identifier, with protected visibility; also `__ehdr_start` and `_GLOBAL_OFFSET_TABLE_`. */
export function defineLinkerSymbols(ctx: LinkContext): void {
  // __ehdr_start: the ELF header's address, when the headers are loaded below the first section.
  const ehdr = ctx.symbols.get('__ehdr_start');
  const first = ctx.outputSections.find((o) => !o.removed && isAlloc(o));
  if (ehdr && !ehdr.defined && ehdr.referenced && first && first.address >= ctx.options.maxPageSize) {
    Object.assign(ehdr, { defined: true, scriptDefined: true, binding: STB_GLOBAL, visibility: STV_HIDDEN, linkerHidden: true, outputSection: first });
    ehdr.address = (first.address & ~(ctx.options.maxPageSize - 1n)) - (first.address % ctx.options.maxPageSize === 0n ? ctx.options.maxPageSize : 0n);
  }
  // _GLOBAL_OFFSET_TABLE_ marks .got.plt whenever the link has one (a local of the output, as ld).
  const gotPlt = ctx.outputSections.find((o) => o.name === '.got.plt' && !o.removed);
  if (gotPlt) {
    let got = ctx.symbols.get('_GLOBAL_OFFSET_TABLE_');
    if (!got) { got = newGlobal('_GLOBAL_OFFSET_TABLE_'); ctx.symbols.set(got.name, got); }
    if (!got.defined) {
      Object.assign(got, { defined: true, scriptDefined: true, binding: STB_GLOBAL, type: STT_OBJECT, visibility: STV_HIDDEN, linkerHidden: true, outputSection: gotPlt });
      got.address = gotPlt.address;
    }
  }
  for (const g of ctx.symbols.values()) {
    if (g.defined || !g.referenced) continue;
    const m = /^__(start|stop)_([A-Za-z_][A-Za-z0-9_]*)$/.exec(g.name);
    const os = m && ctx.outputSections.find((o) => o.name === m[2] && !o.removed);
    if (!m || !os) continue;
    Object.assign(g, { defined: true, scriptDefined: true, binding: STB_GLOBAL, visibility: STV_PROTECTED, outputSection: os });
    g.address = os.address + (m[1] === 'stop' ? BigInt(os.size) : 0n);
  }
}
