// The bytes of each output section before relocation: the fill pattern (`=0xcccc`), each member's
// contents (merged bytes for SHF_MERGE members), and BYTE/SHORT/LONG/QUAD data statements.
// Zero-filled (NOBITS) sections get no buffer. Patching is applyRelocations' job.
import { SHT_NOBITS } from '../../elf/index.ts';
import type { LinkContext, OutputSection } from '../context.ts';
import type { Expression } from '../script/index.ts';

export function buildOutputBuffers(ctx: LinkContext): (Uint8Array | undefined)[] {
  const fills = new Map<OutputSection, Uint8Array>();
  for (const c of ctx.layout) if (c.kind === 'output' && c.description?.fill) fills.set(c.section, fillPattern(c.description.fill));
  return ctx.outputSections.map((os) => {
    if (os.type === SHT_NOBITS) return undefined;
    const buf = new Uint8Array(os.size);
    const fill = fills.get(os);
    if (fill && fill.some((b) => b !== 0)) for (let i = 0; i < buf.length; i++) buf[i] = fill[i % fill.length];
    for (const s of os.members) {
      if (s.type === SHT_NOBITS) { buf.fill(0, s.offset, s.offset + s.size); continue; }
      buf.set(s.merge ? s.merge.bytes : s.data.subarray(0, s.size), s.offset);
    }
    const view = new DataView(buf.buffer);
    for (const w of os.dataWords) {
      if (w.size === 8) view.setBigUint64(w.offset, BigInt.asUintN(64, w.value), true);
      else if (w.size === 4) view.setUint32(w.offset, Number(BigInt.asUintN(32, w.value)), true);
      else if (w.size === 2) view.setUint16(w.offset, Number(BigInt.asUintN(16, w.value)), true);
      else buf[w.offset] = Number(BigInt.asUintN(8, w.value));
    }
    os.data = buf;
    return buf;
  });
}

/** ld's fill expression: a hex literal gives its digits as big-endian bytes; other values 4 bytes. */
function fillPattern(e: Expression): Uint8Array {
  if (e.kind === 'number' && /^0x[0-9a-f]+$/i.test(e.text)) {
    const digits = e.text.slice(2).length % 2 ? '0' + e.text.slice(2) : e.text.slice(2);
    return Uint8Array.from(digits.match(/../g)!.map((h) => parseInt(h, 16)));
  }
  const v = e.kind === 'number' ? e.value : 0n;
  return Uint8Array.of(Number((v >> 24n) & 255n), Number((v >> 16n) & 255n), Number((v >> 8n) & 255n), Number(v & 255n));
}
