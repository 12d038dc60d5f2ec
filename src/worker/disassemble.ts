// Disassembly of x86-64 code around one relocation, with the iced-x86 decoder (passed in: it is a
// wasm module loaded differently in Node and in the browser worker, see iced-loader.ts). Decodes from
// the start of the function symbol that holds the relocated field (x86 cannot be decoded backwards),
// keeps a window of instructions around it and marks the one whose displacement/immediate is patched.
// Does not resolve symbol names of targets; addresses are link-time (section offsets in a .o, as objdump).

import { ET_REL, SHF_EXECINSTR, SHT_SYMTAB, STT_FILE, STT_FUNC, STT_SECTION, type ElfFile } from '../elf/index.ts';
import { ElfFormatError } from '../elf/index.ts';
import type * as Iced from 'iced-x86';

export type IcedModule = typeof Iced;

export interface DisassemblyQuery {
  file: string;
  /** The SHT_REL/SHT_RELA section and the relocation's index in it. */
  section: number;
  index: number;
  /** Instructions kept before and after the relocated one (default 5 each). */
  before?: number;
  after?: number;
}

export interface DisassembledInstruction {
  address: bigint;
  bytes: number[];
  text: string;
  mnemonic: string;
  /** Branch target or RIP-relative memory address, when the instruction has one. */
  target?: bigint;
  /** Set on the instruction holding the relocated field: which operand part and its byte range in `bytes`. */
  relocated?: { part: 'displacement' | 'immediate'; start: number; width: number };
}

export interface Disassembly {
  section: string;
  /** Function symbol decoding started from (or the section, when no symbol covers the place). */
  from: string;
  /** Link-time address of the relocated field. */
  place: bigint;
  instructions: DisassembledInstruction[];
}

/** Where to start decoding for a field at `offset` (section-relative): the function symbol covering it,
 *  else the nearest symbol at or below it (assembly labels such as startup_64 are STT_NOTYPE), else
 *  the section start. */
function functionStart(elf: ElfFile, section: number, offset: bigint, base: bigint): { start: bigint; name: string } {
  const t = elf.sections.find((s) => s.type === SHT_SYMTAB);
  if (!t) return { start: 0n, name: elf.sections[section].name };
  const syms = elf.symbolTable(t.index);
  let fn = -1;
  let fnStart = 0n;
  let near = -1;
  let nearStart = 0n;
  for (let i = 1; i < syms.count; i++) {
    if (syms.shndx(i) !== section) continue;
    const type = syms.info(i) & 0xf;
    if (type === STT_SECTION || type === STT_FILE) continue;
    const start = syms.value(i) - base;
    if (start > offset) continue;
    if (type === STT_FUNC && offset < start + syms.size(i) && (fn < 0 || start > fnStart)) {
      fn = i;
      fnStart = start;
    }
    if (near < 0 || start > nearStart) {
      near = i;
      nearStart = start;
    }
  }
  if (fn >= 0) return { start: fnStart, name: syms.name(fn) };
  return near < 0 ? { start: 0n, name: elf.sections[section].name } : { start: nearStart, name: syms.name(near) };
}

/** Decodes the code around relocation `index` of relocation section `section`. */
export function disassembleAround(iced: IcedModule, elf: ElfFile, q: DisassemblyQuery): Disassembly {
  const rel = elf.sections[q.section];
  if (!rel || (rel.type !== 4 && rel.type !== 9)) throw new ElfFormatError(q.file, 'section header table', Number(elf.header.shoff), `section ${q.section} is not a relocation table`);
  if (elf.header.machine !== 62) throw new ElfFormatError(q.file, 'ELF header', 18, 'only x86-64 code can be disassembled');
  const rt = elf.relocationTable(q.section);
  if (q.index < 0 || q.index >= rt.count) throw new ElfFormatError(q.file, rel.name, Number(rel.offset), `relocation ${q.index} is out of range (${rt.count} entries)`);
  const target = elf.sections[rt.targetSection];
  if (!target || (target.flags & BigInt(SHF_EXECINSTR)) === 0n) {
    throw new ElfFormatError(q.file, rel.name, Number(rel.offset) + q.index * Number(rt.entsize), `${target?.name ?? 'the target section'} is not code`);
  }
  const base = elf.header.type === ET_REL ? 0n : target.addr;
  const place = rt.offset(q.index);
  const offset = place - base;
  const code = elf.sectionData(target.index);
  if (offset < 0n || offset >= BigInt(code.length)) {
    throw new ElfFormatError(q.file, rel.name, Number(rel.offset) + q.index * Number(rt.entsize), `r_offset 0x${place.toString(16)} is outside ${target.name}`);
  }
  const fn = functionStart(elf, target.index, offset, base);
  const before = q.before ?? 5;
  const after = q.after ?? 5;
  const decoder = new iced.Decoder(64, code.subarray(Number(fn.start)), iced.DecoderOptions.None);
  const formatter = new iced.Formatter(iced.FormatterSyntax.Gas);
  formatter.uppercaseHex = false;
  decoder.ip = base + fn.start;
  const out: DisassembledInstruction[] = [];
  let hit = -1;
  try {
    while (decoder.canDecode && (hit < 0 || out.length <= hit + after)) {
      const pos = decoder.position;
      const instr = decoder.decode();
      const co = decoder.getConstantOffsets(instr);
      const address = instr.ip;
      const length = instr.length;
      const row: DisassembledInstruction = {
        address, bytes: [...code.subarray(Number(fn.start) + pos, Number(fn.start) + pos + length)],
        text: formatter.format(instr), mnemonic: '', target: undefined,
      };
      row.mnemonic = row.text.split(/\s+/)[0];
      if (instr.isIpRelMemoryOperand) row.target = instr.ipRelMemoryAddress;
      else if (instr.nearBranchTarget !== 0n) row.target = instr.nearBranchTarget;
      const at = Number(place - address);
      if (at >= 0 && at < length) {
        hit = out.length;
        const part = co.hasDisplacement && at >= co.displacementOffset && at < co.displacementOffset + co.displacementSize ? 'displacement' : 'immediate';
        const start = part === 'displacement' ? co.displacementOffset : co.hasImmediate ? co.immediateOffset : at;
        const width = part === 'displacement' ? co.displacementSize : co.hasImmediate ? co.immediateSize : length - at;
        row.relocated = { part, start, width };
      }
      co.free();
      instr.free();
      out.push(row);
      if (hit < 0 && address > place) break; // decoding went past the field: it is not on an instruction boundary
      // Keep only the window before the relocated instruction while decoding towards it.
      if (hit < 0 && out.length > before) out.shift();
    }
  } finally {
    formatter.free();
    decoder.free();
  }
  return { section: target.name, from: fn.name, place, instructions: out };
}

/** Bytes from a RIP-relative field (disp32 or rel32) at `offset` of section `section` to the end of
 *  its instruction — 4, plus any immediate after the field — or undefined when no instruction decodes
 *  with its displacement or branch offset there. x86 does not decode backwards, so each possible
 *  start is tried; every start that puts the field in the right place ends the instruction at the
 *  same byte (the immediate follows the field). */
export function ripFieldEnd(iced: IcedModule, elf: ElfFile): (section: number, offset: number) => number | undefined {
  const codes = new Map<number, Uint8Array>();
  return (section, offset) => {
    let code = codes.get(section);
    if (!code) codes.set(section, (code = elf.sectionData(section)));
    for (let k = 1; k <= 11 && k <= offset; k++) {
      const start = offset - k;
      const decoder = new iced.Decoder(64, code.subarray(start, Math.min(code.length, start + 15)), iced.DecoderOptions.None);
      try {
        const instr = decoder.decode();
        const co = decoder.getConstantOffsets(instr);
        const field = (co.hasDisplacement && co.displacementOffset === k && co.displacementSize === 4 && instr.isIpRelMemoryOperand)
          || (co.hasImmediate && co.immediateOffset === k && co.immediateSize === 4 && instr.nearBranchTarget !== 0n);
        const end = instr.length - k;
        const invalid = instr.code === iced.Code.INVALID;
        co.free();
        instr.free();
        if (field && !invalid) return end;
      } finally {
        decoder.free();
      }
    }
    return undefined;
  };
}
