// Which view shows what a link pass did, so the timeline's pass list leads to it: the link map for
// symbol resolution and placement, the relocation table for the relocation passes, the symbol and
// section tables for the output's, the script editor for the script read.
import type { Pane } from './workspace.svelte.ts';

export interface PassView {
  pane: Pane;
  /** The link map's list, for the link map. */
  list?: 'sections' | 'symbols';
  /** Shown in the linker script, not in the output. */
  inScript?: boolean;
  /** What the view shows of the pass, for the button's title. */
  what: string;
}

const VIEWS: Record<string, PassView> = {
  resolveSymbols: { pane: 'linkmap', list: 'symbols', what: 'where each global symbol came from' },
  readScript: { pane: 'script', inScript: true, what: 'the linker script' },
  placeSections: { pane: 'linkmap', list: 'sections', what: 'which output section each input section went to, and what was discarded' },
  mergeSections: { pane: 'linkmap', list: 'sections', what: 'input section sizes after merging' },
  assignAddresses: { pane: 'linkmap', list: 'sections', what: 'the address of every input section' },
  applyRelocations: { pane: 'relocations', what: 'every relocation with its bytes before and after' },
  buildSymbolTable: { pane: 'symbols', what: 'the output symbol table' },
  emitRelocations: { pane: 'relocations', what: 'the relocations kept by --emit-relocs' },
  writeOutput: { pane: 'sections', what: 'the sections written' },
  verify: { pane: 'relocations', what: 'the relocations re-derived from the output' },
};

export function passView(pass: string): PassView | undefined {
  return VIEWS[pass];
}
