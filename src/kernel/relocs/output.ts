// Serialises sorted relocation lists the way the relocs tool writes them: little-endian u32 words
// (binary) or `.long` lines (--text). Sorting and deciding are done before; this only lays out words.
// Follows relocs.c emit_relocs (6.1: three x86-64 lists; 6.15: two; i386: one; --realmode: counts).

import { LIST_16, LIST_32, LIST_32NEG, LIST_64, listValues, type RelocationLists } from './lists.ts';

/** x86-64 6.1–6.14: stop, 64-bit, stop, inverse 32-bit, stop, 32-bit. 6.15+: no inverse list. */
export type RelocsLayout = 'x86_64-6.1' | 'x86_64-6.15' | 'i386' | 'realmode';

/** The u32 words of the file, in file order (stops written even for empty lists). */
export function relocsWords(lists: RelocationLists, layout: RelocsLayout): Uint32Array {
  const parts: Uint32Array[] = [];
  const word = (v: number) => parts.push(Uint32Array.of(v >>> 0));
  if (layout === 'realmode') {
    word(lists.lengths[LIST_16]);
    parts.push(listValues(lists, LIST_16));
    word(lists.lengths[LIST_32]);
    parts.push(listValues(lists, LIST_32));
  } else {
    if (layout !== 'i386') {
      word(0);
      parts.push(listValues(lists, LIST_64));
      if (layout === 'x86_64-6.1') {
        word(0);
        parts.push(listValues(lists, LIST_32NEG));
      }
    }
    word(0);
    parts.push(listValues(lists, LIST_32));
  }
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint32Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Binary vmlinux.relocs: each word little-endian, whatever the host byte order. */
export function encodeBinary(words: Uint32Array): Uint8Array {
  const out = new Uint8Array(words.length * 4);
  const view = new DataView(out.buffer);
  for (let i = 0; i < words.length; i++) view.setUint32(i * 4, words[i], true);
  return out;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** --text: the assembler form (`.section ".data.reloc","a"`, `.balign 4`, one `.long` per word). */
export function encodeText(words: Uint32Array): Uint8Array {
  const lines: string[] = ['.section ".data.reloc","a"\n.balign 4\n'];
  for (let i = 0; i < words.length; i++) {
    const v = words[i];
    lines.push(`\t.long 0x${HEX[v >>> 24]}${HEX[(v >>> 16) & 0xff]}${HEX[(v >>> 8) & 0xff]}${HEX[v & 0xff]}\n`);
  }
  return latin1Bytes(lines.join(''));
}

/** Text the tool prints, as bytes (names are Latin-1 decoded, so this round-trips them). */
export function latin1Bytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}
