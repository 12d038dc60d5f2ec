// The -Map file: ld's "Linker script and memory map" shape — each output section with its address
// and size, then each input section placed in it and the symbols defined there. Text only; it
// reports the finished layout and decides nothing.
import type { LinkContext } from './context.ts';
import { globalAddress } from './layout/addresses.ts';

const hex = (v: bigint | number) => '0x' + BigInt.asUintN(64, BigInt(v)).toString(16).padStart(16, '0');

export function writeLinkMap(ctx: LinkContext): Uint8Array {
  const lines: string[] = ['', 'Discarded input sections', ''];
  for (const d of ctx.record.discarded) lines.push(` ${d.section.padEnd(15)} ${hex(0)} ${hex(d.size)} ${d.file}`);
  lines.push('', 'Linker script and memory map', '');
  const bySection = new Map<string, { name: string; address: bigint }[]>();
  for (const g of ctx.symbols.values()) {
    if (!g.defined || !g.section?.output) continue;
    const key = `${g.section.file.name}\0${g.section.name}\0${g.section.index}`;
    bySection.set(key, [...(bySection.get(key) ?? []), { name: g.name, address: globalAddress(g) }]);
  }
  for (const os of ctx.outputSections) {
    lines.push(`${os.name.padEnd(15)} ${hex(os.address)} ${hex(os.size)}`);
    for (const s of os.members) {
      lines.push(` ${s.name.padEnd(15)}${hex(os.address + BigInt(s.offset))} ${hex(s.size)} ${s.file.name}`);
      const syms = bySection.get(`${s.file.name}\0${s.name}\0${s.index}`) ?? [];
      for (const sym of syms.sort((a, b) => (a.address < b.address ? -1 : 1))) lines.push(`${' '.repeat(16)}${hex(sym.address)}                ${sym.name}`);
    }
    lines.push('');
  }
  return new TextEncoder().encode(lines.join('\n') + '\n');
}
