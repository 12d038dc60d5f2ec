// Range loading (what the CLI does for big files): a zero-filled buffer holding only the ranges
// src/readelf/ranges.ts asks for must give exactly the listing of the whole file, for every
// option set on the corpus; on the 632 MB vmlinux it must read only a small part of the file.

import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readElf } from '../../src/elf/index.ts';
import { readelfText, type ReadelfOptions } from '../../src/readelf/index.ts';
import { loadListingRanges, type ByteRange } from '../../src/readelf/ranges.ts';
import { bigVmlinux, hasBigVmlinux, load, runTool } from '../helpers.ts';
import { systemCorpus } from './corpus.ts';

const OPTION_SETS: ReadelfOptions[] = [
  { fileHeader: true, sectionHeaders: true, programHeaders: true, symbols: true, relocs: true, wide: true },
  { fileHeader: true },
  { sectionHeaders: true },
  { programHeaders: true },
  { symbols: true, wide: true },
  { relocs: true },
];

function sparseCopy(bytes: Uint8Array, path: string, options: ReadelfOptions): { sparse: Uint8Array; loaded: number } {
  const sparse = new Uint8Array(bytes.length);
  let loaded = 0;
  loadListingRanges(sparse, path, options, (ranges: ByteRange[]) => {
    for (const [offset, size] of ranges) {
      const end = Math.min(bytes.length, offset + size);
      if (end > offset) {
        sparse.set(bytes.subarray(offset, end), offset);
        loaded += end - offset;
      }
    }
  });
  return { sparse, loaded };
}

describe('readelf listings from range-loaded bytes', () => {
  it('equal the listings of the whole file on the corpus, for every option set', () => {
    const mismatches: string[] = [];
    const corpus = systemCorpus();
    expect(corpus.length).toBeGreaterThan(100);
    for (const { path } of corpus) {
      const bytes = load(path);
      // Single-option sets on the smaller files keep this quick; every file gets the full set.
      for (const options of bytes.length < 1 << 20 ? OPTION_SETS : OPTION_SETS.slice(0, 1)) {
        const { sparse } = sparseCopy(bytes, path, options);
        if (readelfText(readElf(sparse, path), options) !== readelfText(readElf(bytes, path), options)) {
          mismatches.push(`${path} ${JSON.stringify(options)}`);
        }
      }
    }
    expect(mismatches).toEqual([]);
  });

  it.runIf(hasBigVmlinux)('read under 5% of the 632 MB vmlinux for -W -h -S -l -s and match GNU readelf', () => {
    const options: ReadelfOptions = { fileHeader: true, sectionHeaders: true, programHeaders: true, symbols: true, wide: true };
    const size = statSync(bigVmlinux).size;
    const sparse = new Uint8Array(size);
    const fd = openSync(bigVmlinux, 'r');
    let loaded = 0;
    try {
      loadListingRanges(sparse, bigVmlinux, options, (ranges) => {
        for (const [offset, length] of ranges) {
          const end = Math.min(size, offset + length);
          for (let at = offset; at < end;) {
            const n = readSync(fd, sparse, at, end - at, at);
            if (n <= 0) break;
            at += n;
            loaded += n;
          }
        }
      });
    } finally {
      closeSync(fd);
    }
    console.log(`vmlinux -W -h -S -l -s: read ${(loaded / 1e6).toFixed(1)} MB of ${(size / 1e6).toFixed(0)} MB`);
    expect(loaded).toBeLessThan(size * 0.05);
    expect(readelfText(readElf(sparse, bigVmlinux), options) === runTool('readelf', ['-W', '-h', '-S', '-l', '-s', bigVmlinux])).toBe(true);
  });
});
