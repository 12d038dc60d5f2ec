// Pass 4, mergeSections: SHF_MERGE sections with the same output section, flags, entsize and
// alignment are deduplicated as GNU ld 2.40 does (bfd/merge.c behaviour): pieces hashed in input
// order; for strings, a piece that is a suffix of another (found by sorting on reversed bytes) is
// dropped and points into the longer one; each input section keeps its first-seen pieces, in order.
import { latin1, SHF_MERGE, SHF_STRINGS } from '../../elf/index.ts';
import type { InputSection, LinkContext } from '../context.ts';

interface Piece {
  text: string;
  /** Length in bytes including the terminator. */
  len: number;
  align: number;
  section: InputSection;
  suffixOf?: Piece;
  /** Offset inside `section` after merging. */
  position: number;
}

export function mergeSections(ctx: LinkContext): void {
  const groups = new Map<string, InputSection[]>();
  for (const obj of ctx.objects) {
    for (const s of obj.sections) {
      if (!s || !s.output || s.discarded || (s.flags & BigInt(SHF_MERGE)) === 0n || s.entsize === 0) continue;
      if (s.size % s.entsize !== 0 || s.relocationSection >= 0) continue; // relocated contents are not merged
      const strings = (s.flags & BigInt(SHF_STRINGS)) !== 0n;
      if (strings && s.size && !endsWithTerminator(s)) continue;
      const key = `${s.output.name}\0${strings}\0${s.entsize}\0${s.align}`;
      const group = groups.get(key);
      if (group) group.push(s); else groups.set(key, [s]);
    }
  }
  for (const sections of groups.values()) mergeGroup(ctx, sections);
}

function endsWithTerminator(s: InputSection): boolean {
  for (let i = s.size - s.entsize; i < s.size; i++) if (s.data[i] !== 0) return false;
  return true;
}

function mergeGroup(ctx: LinkContext, sections: InputSection[]): void {
  const strings = (sections[0].flags & BigInt(SHF_STRINGS)) !== 0n;
  const entsize = sections[0].entsize;
  const table = new Map<string, Piece>();
  const order: Piece[] = [];
  /** Per section, its pieces by input offset; `undefined` marks a skipped padding NUL, which ld
   *  resolves as the group's "" string, or with none as the previous string's terminating NUL. */
  const perSection = new Map<InputSection, { starts: number[]; pieces: (Piece | undefined)[] }>();
  let inputBytes = 0;
  for (const s of sections) {
    const starts: number[] = [];
    const pieces: (Piece | undefined)[] = [];
    const mask = s.align - 1;
    const add = (p: number, len: number, align: number) => {
      const text = latin1Slice(s.data, p, p + len);
      let piece = table.get(text);
      if (!piece) {
        piece = { text, len, align, section: s, position: 0 };
        table.set(text, piece);
        order.push(piece);
      } else if (align > piece.align) piece.align = align;
      starts.push(p);
      pieces.push(piece);
    };
    for (let p = 0; p < s.size;) {
      const len = strings ? stringLength(s.data, p, s.size, entsize) : entsize;
      let align = p & -p;
      if (!align || align > mask) align = mask + 1;
      add(p, len, align);
      p += len;
      // One-byte strings: the NULs after a string are alignment padding, not strings, except that
      // the first of them at an aligned offset stands for "" (as bfd/merge.c reads them).
      if (strings && entsize === 1) {
        let nul = false;
        for (; p < s.size && s.data[p] === 0; p++) {
          if (!nul && (p & mask) === 0) { nul = true; add(p, 1, mask + 1); }
          else { starts.push(p); pieces.push(undefined); } // padding: a reference here means "" (below)
        }
      }
    }
    perSection.set(s, { starts, pieces });
    inputBytes += s.size;
  }
  if (strings) markSuffixes(order, entsize);
  const sizes = new Map<InputSection, number>();
  for (const piece of order) {
    if (piece.suffixOf) continue;
    let size = sizes.get(piece.section) ?? 0;
    size = Math.ceil(size / piece.align) * piece.align;
    piece.position = size;
    sizes.set(piece.section, size + piece.len);
  }
  let outputBytes = 0;
  for (const s of sections) {
    const { starts, pieces } = perSection.get(s)!;
    const size = sizes.get(s) ?? 0;
    const bytes = new Uint8Array(size);
    const holders: InputSection[] = [];
    const holderOf = new Uint32Array(pieces.length);
    const outputOffsets = new Uint32Array(pieces.length);
    const empty = table.get('\0');
    for (let i = 0; i < pieces.length; i++) {
      const original = pieces[i] ?? empty;
      if (!original) {
        // Padding with no "" in the group: the previous string's terminator (padding follows a string).
        let k = i - 1;
        while (!pieces[k]) k--;
        holderOf[i] = holderOf[k];
        outputOffsets[i] = outputOffsets[k] + pieces[k]!.len - 1;
        continue;
      }
      const piece = original.suffixOf ?? original; // suffixOf always names a kept representative
      const delta = piece.len - original.len;
      let h = holders.indexOf(piece.section);
      if (h < 0) { holders.push(piece.section); h = holders.length - 1; }
      holderOf[i] = h;
      outputOffsets[i] = piece.position + delta;
      if (piece.section === s && original === piece) for (let k = 0; k < piece.len; k++) bytes[piece.position + k] = piece.text.charCodeAt(k);
    }
    s.merge = { starts: Uint32Array.from(starts), holders, holderOf, outputOffsets, bytes };
    s.size = size;
    outputBytes += size;
  }
  ctx.record.merged.push({ output: sections[0].output!.name, inputBytes, outputBytes });
}

/** ld's suffix merging: sort by reversed bytes (shorter first on ties), walk from the end keeping
 *  the current longest string; each earlier string that is its suffix points to it. */
function markSuffixes(order: Piece[], entsize: number): void {
  const sorted = [...order].sort((a, b) => reverseCompare(a, b, entsize));
  let e = sorted[sorted.length - 1];
  for (let i = sorted.length - 2; i >= 0; i--) {
    const c = sorted[i];
    if (e.align >= c.align && ((e.len - c.len) & (c.align - 1)) === 0 && e.len > c.len && e.text.endsWith(c.text)) c.suffixOf = e;
    else e = c;
  }
}

function reverseCompare(a: Piece, b: Piece, entsize: number): number {
  const la = a.len - entsize;
  const lb = b.len - entsize;
  let i = la - 1;
  let j = lb - 1;
  for (let l = Math.min(la, lb); l > 0; l--, i--, j--) {
    const d = a.text.charCodeAt(i) - b.text.charCodeAt(j);
    if (d) return d;
  }
  return la - lb;
}

function stringLength(data: Uint8Array, p: number, end: number, entsize: number): number {
  let q = p;
  for (; q < end; q += entsize) {
    let zero = true;
    for (let k = 0; k < entsize; k++) if (data[q + k] !== 0) { zero = false; break; }
    if (zero) return q + entsize - p;
  }
  return end - p;
}

function latin1Slice(data: Uint8Array, start: number, end: number): string {
  return end - start < 4096 ? String.fromCharCode.apply(null, data.subarray(start, end) as unknown as number[]) : latin1(data, start, end);
}

/** Output offset (inside `holder`) of input offset `offset` of merged section `s`. */
export function mergedOffset(s: InputSection, offset: number): { holder: InputSection; offset: number } {
  const m = s.merge!;
  const starts = m.starts;
  let lo = 0;
  let hi = starts.length - 1;
  if (hi < 0) return { holder: s, offset };
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid; else hi = mid - 1;
  }
  return { holder: m.holders[m.holderOf[lo]], offset: m.outputOffsets[lo] + (offset - starts[lo]) };
}
