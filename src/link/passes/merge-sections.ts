// Pass 4, mergeSections: SHF_MERGE sections with the same output section, flags, entsize and
// alignment are deduplicated as GNU ld 2.40 does (bfd/merge.c behaviour): pieces in input order,
// equal pieces stored once (where first seen, at the largest alignment any copy asked for); for
// strings, a piece that is a suffix of another (found by sorting on reversed bytes) is dropped and
// points into the longer one; each input section keeps its first-seen pieces, in order. The sort
// is src/hot's (WebAssembly or its twin): pieces are byte ranges, never strings.
import { SHF_MERGE, SHF_STRINGS } from '../../elf/index.ts';
import { stringTableFinisher } from '../../hot/string-table.ts';
import type { InputSection, LinkContext } from '../context.ts';

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

/** The group's pieces as columns, and per section its input offsets with the piece at each
 *  (-1: a padding NUL, which ld resolves as the group's "" string, or with none as the previous
 *  string's terminating NUL). */
interface Pieces {
  section: number[];
  start: number[];
  len: number[];
  align: number[];
  perSection: { starts: number[]; refs: number[] }[];
  /** The first piece that is "" (one NUL byte), or -1. */
  empty: number;
}

function scanPieces(sections: InputSection[], strings: boolean, entsize: number): Pieces {
  const out: Pieces = { section: [], start: [], len: [], align: [], perSection: [], empty: -1 };
  sections.forEach((s, si) => {
    const starts: number[] = [];
    const refs: number[] = [];
    const mask = s.align - 1;
    const data = s.data;
    const add = (p: number, len: number, align: number) => {
      if (out.empty < 0 && len === 1 && data[p] === 0) out.empty = out.len.length;
      starts.push(p);
      refs.push(out.len.length);
      out.section.push(si);
      out.start.push(p);
      out.len.push(len);
      out.align.push(align);
    };
    for (let p = 0; p < s.size;) {
      const len = strings ? stringLength(data, p, s.size, entsize) : entsize;
      let align = p & -p;
      if (!align || align > mask) align = mask + 1;
      add(p, len, align);
      p += len;
      // One-byte strings: the NULs after a string are alignment padding, not strings, except that
      // the first of them at an aligned offset stands for "" (as bfd/merge.c reads them).
      if (strings && entsize === 1) {
        let nul = false;
        for (; p < s.size && data[p] === 0; p++) {
          if (!nul && (p & mask) === 0) { nul = true; add(p, 1, mask + 1); }
          else { starts.push(p); refs.push(-1); } // padding: a reference here means "" (below)
        }
      }
    }
    out.perSection.push({ starts, refs });
  });
  return out;
}

function mergeGroup(ctx: LinkContext, sections: InputSection[]): void {
  const strings = (sections[0].flags & BigInt(SHF_STRINGS)) !== 0n;
  const entsize = sections[0].entsize;
  const pieces = scanPieces(sections, strings, entsize);
  const n = pieces.len.length;
  const len = Int32Array.from(pieces.len);
  // Sorted by reversed bytes (every string piece ends in the same terminator, so it orders them
  // as ld's comparison without it does): equal pieces are neighbours, suffixes precede.
  const input = {
    buffers: sections.map((s) => s.data), bufferOf: Int32Array.from(pieces.section), starts: Int32Array.from(pieces.start),
    lengths: len, count: n, totalLength: len.reduce((a, b) => a + b, 0),
  };
  const { order, marks } = stringTableFinisher().sortReversed(input);
  // Each piece to its first copy, which takes the largest alignment of all.
  const canon = new Int32Array(n);
  const align = Int32Array.from(pieces.align);
  const distinct: number[] = [];
  /** Per distinct piece (sorted order): whether it is a proper suffix of the next distinct one. */
  const suffixOfNext: boolean[] = [];
  for (let k = 0; k < n; k++) {
    const c = order[k];
    if (k > 0 && marks[k] & 1) {
      const first = canon[order[k - 1]];
      canon[c] = first;
      if (align[c] > align[first]) align[first] = align[c];
    } else {
      canon[c] = c;
      distinct.push(c);
      suffixOfNext.push(false);
    }
    suffixOfNext[suffixOfNext.length - 1] = (marks[k] & 2) !== 0;
  }
  // ld's suffix merging: walk from the end keeping the current longest string; each earlier string
  // that is its suffix (here: of the next distinct one, which is it or one of its suffixes) and
  // fits its alignment points into it.
  const suffixOf = new Int32Array(n).fill(-1);
  if (strings && distinct.length) {
    let e = distinct[distinct.length - 1];
    for (let j = distinct.length - 2; j >= 0; j--) {
      const c = distinct[j];
      if (suffixOfNext[j] && align[e] >= align[c] && ((len[e] - len[c]) & (align[c] - 1)) === 0) suffixOf[c] = e;
      else e = c;
    }
  }
  // Positions: each section's kept pieces in first-seen order, aligned.
  const position = new Int32Array(n);
  const sizes = new Int32Array(sections.length);
  for (let id = 0; id < n; id++) {
    if (canon[id] !== id || suffixOf[id] >= 0) continue;
    const si = pieces.section[id];
    const size = Math.ceil(sizes[si] / align[id]) * align[id];
    position[id] = size;
    sizes[si] = size + len[id];
  }
  let inputBytes = 0;
  let outputBytes = 0;
  sections.forEach((s, si) => {
    const { starts, refs } = pieces.perSection[si];
    const size = sizes[si];
    const bytes = new Uint8Array(size);
    const holders: InputSection[] = [];
    const holderOf = new Uint32Array(refs.length);
    const outputOffsets = new Uint32Array(refs.length);
    for (let i = 0; i < refs.length; i++) {
      const original = refs[i] >= 0 ? canon[refs[i]] : pieces.empty;
      if (original < 0) {
        // Padding with no "" in the group: the previous string's terminator (padding follows a string).
        let k = i - 1;
        while (refs[k] < 0) k--;
        holderOf[i] = holderOf[k];
        outputOffsets[i] = outputOffsets[k] + len[refs[k]] - 1;
        continue;
      }
      const piece = suffixOf[original] >= 0 ? suffixOf[original] : original; // always a kept piece
      const holder = sections[pieces.section[piece]];
      let h = holders.indexOf(holder);
      if (h < 0) { holders.push(holder); h = holders.length - 1; }
      holderOf[i] = h;
      outputOffsets[i] = position[piece] + len[piece] - len[original];
      if (holder === s && original === piece) bytes.set(s.data.subarray(pieces.start[piece], pieces.start[piece] + len[piece]), position[piece]);
    }
    inputBytes += s.size;
    s.merge = { starts: Uint32Array.from(starts), holders, holderOf, outputOffsets, bytes };
    s.size = size;
    outputBytes += size;
  });
  ctx.record.merged.push({ output: sections[0].output!.name, inputBytes, outputBytes });
}

/** Length of the string at p with its terminator (entsize NUL bytes), or to the end. */
function stringLength(data: Uint8Array, p: number, end: number, entsize: number): number {
  if (entsize === 1) { const nul = data.indexOf(0, p); return nul < 0 || nul >= end ? end - p : nul + 1 - p; }
  let q = p;
  for (; q < end; q += entsize) {
    let zero = true;
    for (let k = 0; k < entsize; k++) if (data[q + k] !== 0) { zero = false; break; }
    if (zero) return q + entsize - p;
  }
  return end - p;
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
