// The verify pass re-derives S + A (- P) from the output alone; here it must notice wrong bytes in
// 64-bit and 32-bit fields (high and low halves, carries) and accept right ones — with the
// WebAssembly routine and with its twin.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setHotImplementation } from '../../src/hot/sort.ts';
import type { LinkContext, OutputSection } from '../../src/link/context.ts';
import { verify } from '../../src/link/passes/verify.ts';
import { writeKindTable } from '../../src/link/arch/x86_64.ts';
import { RelocationArena } from '../../src/hot/relocate.ts';

const R_X86_64_64 = 1;
const R_X86_64_PC32 = 2;

function entry(rela: DataView, i: number, place: bigint, type: number, sym: number, addend: bigint): void {
  rela.setBigUint64(i * 24, place, true);
  rela.setUint32(i * 24 + 8, type, true);
  rela.setUint32(i * 24 + 12, sym, true);
  rela.setBigInt64(i * 24 + 16, addend, true);
}

function run(data: Uint8Array, asInput?: Uint8Array): { checked: number; mismatches: string[] } {
  const address = 0xffffffff81000000n;
  const symtab = new Uint8Array(2 * 24);
  new DataView(symtab.buffer).setBigUint64(24 + 8, 0xffffffff80fffff0n, true); // symbol 1's value
  // The relocation arena the link leaves behind: the section's bytes and its emitted entries.
  const arena = new RelocationArena({ sections: 0, entries: 2, symbols: 0, inputSections: 0, outputSymbols: 2, buffers: [data.length] });
  writeKindTable(arena.kinds);
  arena.buffers[0]!.set(data);
  const rela = arena.emitted.subarray(0, 2 * 24);
  const r = new DataView(rela.buffer, rela.byteOffset, rela.byteLength);
  entry(r, 0, address, R_X86_64_64, 1, 0x20n); // 0xffffffff81000010: the add carries into the high half
  entry(r, 1, address + 8n, R_X86_64_PC32, 1, -4n); // S - 4 - P = -0x1c
  if (asInput) arena.asInput.set(asInput);
  const os = { name: '.text', address, flags: 0n, data: arena.buffers[0] } as unknown as OutputSection;
  const ctx = {
    plan: { arena }, symbolTable: { symtab }, outputSections: [os], emitted: new Map([[os, rela]]),
    emittedAsInput: new Map(asInput ? [[os, arena.asInput.subarray(0, 2)]] : []),
    record: { verified: { checked: 0, mismatches: [] } }, diagnostics: [],
  } as unknown as LinkContext;
  verify(ctx);
  return ctx.record.verified;
}

function correct(): Uint8Array {
  const data = new Uint8Array(12);
  const v = new DataView(data.buffer);
  v.setBigUint64(0, 0xffffffff81000010n, true);
  v.setInt32(8, -0x1c, true);
  return data;
}

afterEach(() => setHotImplementation('wasm'));

describe.each(['wasm', 'ts'] as const)('verify (%s)', (implementation) => {
  beforeEach(() => setHotImplementation(implementation));

  it('accepts the values S + A and S + A - P', () => {
    expect(run(correct())).toEqual({ checked: 2, mismatches: [] });
  });

  it('reports a wrong high half, a wrong low half and a wrong 32-bit field', () => {
    const high = correct();
    high[7] = 0;
    expect(run(high).mismatches).toEqual(['.text+0x0: R_X86_64_64 expects 0xffffffff81000010, found 0xffffff81000010']);
    const low = correct();
    low[0] = 0x11;
    expect(run(low).mismatches).toEqual(['.text+0x0: R_X86_64_64 expects 0xffffffff81000010, found 0xffffffff81000011']);
    const narrow = correct();
    narrow[8] ^= 1;
    expect(run(narrow).mismatches).toEqual(['.text+0x8: R_X86_64_PC32 expects 0xffffffe4, found 0xffffffe5']);
  });

  it('skips an entry a TLS rewrite left as the input had it (ld keeps TLSGD/GOTTPOFF so), checks the rest', () => {
    const data = correct();
    new DataView(data.buffer).setInt32(8, 0x25, true); // the rewritten instruction's bytes
    expect(run(data, Uint8Array.of(0, 1))).toEqual({ checked: 1, mismatches: [] });
    expect(run(data).mismatches).toHaveLength(1);
  });
});
