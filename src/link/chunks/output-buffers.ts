// The bytes of each output section before relocation: padding (the script's `=0xcccc`, or NOPs in
// code, as ld pads code sections), each member's
// contents (merged bytes for SHF_MERGE members), and BYTE/SHORT/LONG/QUAD data statements.
// Zero-filled (NOBITS) sections get no buffer. The buffers are given (zeroed, one per output
// section: the relocation arena's), so the bytes live where the relocation routines patch them.
// Patching is applyRelocations' job.
import { SHF_EXECINSTR, SHT_NOBITS } from '../../elf/index.ts';
import type { LinkContext, OutputSection } from '../context.ts';
import { writeEhFrame } from '../passes/edit-eh-frames.ts';
import type { Expression } from '../script/index.ts';
import { checkOutputSize } from '../output-limits.ts';

export function buildOutputBuffers(ctx: LinkContext, given: readonly (Uint8Array | undefined)[]): (Uint8Array | undefined)[] {
  const fills = new Map<OutputSection, Uint8Array>();
  for (const c of ctx.layout) if (c.kind === 'output' && c.description?.fill) fills.set(c.section, fillPattern(c.description.fill));
  return ctx.outputSections.map((os, i) => {
    if (os.type === SHT_NOBITS) return undefined;
    const buf = given[i]!;
    const fill = fills.get(os);
    const code = (os.flags & BigInt(SHF_EXECINSTR)) !== 0n;
    if (code || (fill && fill.some((b) => b !== 0))) for (const [start, end] of gaps(os)) fillGap(buf, start, end, fill);
    for (const s of os.members) {
      if (s.type === SHT_NOBITS) { buf.fill(0, s.offset, s.offset + s.size); continue; }
      if (s.ehFrame) writeEhFrame(s, buf);
      else buf.set(s.merge ? s.merge.bytes : s.data.subarray(0, s.size), s.offset);
    }
    const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
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

/** Each output section's size against the output limit, naming its largest input (before any
 *  buffer is allocated: damaged inputs can ask for terabytes). */
export function checkOutputBufferSizes(ctx: LinkContext): void {
  for (const os of ctx.outputSections) if (os.type !== SHT_NOBITS) checkOutputSize(`output section ${os.name}`, os.size, largestMember(os));
}

function largestMember(os: OutputSection): string | undefined {
  let best = os.members[0];
  for (const s of os.members) if (s.size > best.size) best = s;
  return best ? `${best.file.name}(${best.name}) with 0x${best.size.toString(16)} bytes` : undefined;
}

/** Byte ranges of `os` covered by no member or data statement: ld's padding statements. */
function gaps(os: OutputSection): [number, number][] {
  const covered = [...os.members.map((s) => [s.offset, s.offset + s.size]), ...os.dataWords.map((w) => [w.offset, w.offset + w.size])].sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  let at = 0;
  for (const [start, end] of covered) {
    if (start > at) out.push([at, start]);
    at = Math.max(at, end);
  }
  if (at < os.size) out.push([at, os.size]);
  return out;
}

/** x86-64 NOPs of 1 to 10 bytes, the sequences GNU ld pads code with when the script gives no fill. */
const NOPS = [
  [0x90], [0x66, 0x90], [0x0f, 0x1f, 0x00], [0x0f, 0x1f, 0x40, 0x00], [0x0f, 0x1f, 0x44, 0x00, 0x00],
  [0x66, 0x0f, 0x1f, 0x44, 0x00, 0x00], [0x0f, 0x1f, 0x80, 0x00, 0x00, 0x00, 0x00],
  [0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00], [0x66, 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00],
  [0x66, 0x2e, 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00],
];

/** Fills [start, end) with the script's pattern, or for code without one, the longest NOPs first. */
function fillGap(buf: Uint8Array, start: number, end: number, pattern: Uint8Array | undefined): void {
  if (pattern && pattern.every((b) => b === pattern[0])) { buf.fill(pattern[0], start, end); return; }
  if (pattern) {
    for (let i = start; i < end; i++) buf[i] = pattern[(i - start) % pattern.length];
    return;
  }
  let at = start;
  while (end - at >= NOPS.length) { buf.set(NOPS[NOPS.length - 1], at); at += NOPS.length; }
  if (end > at) buf.set(NOPS[end - at - 1], at);
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
