// The relocation lists one run fills (the tool's struct relocs: 64-bit, inverse 32-bit, 32-bit, 16-bit)
// as plain typed arrays: values, lengths and the entry numbers of the first few (the samples), so the
// scan loop (scan.ts) or a WebAssembly twin can fill them. Storage only: deciding is scan.ts's job.
// Values are the low 32 bits of the address to patch, as vmlinux.relocs stores them.

export const LIST_64 = 0;
export const LIST_32NEG = 1;
export const LIST_32 = 2;
export const LIST_16 = 3;
export const LIST_COUNT = 4;

export interface RelocationLists {
  /** One array per list; capacity is kept >= length + entries of the section being scanned. */
  values: Uint32Array[];
  lengths: Uint32Array;
  sampleLimit: number;
  /** [list * sampleLimit + i]: entry number (in its relocation section) of the list's i-th value. */
  sampleEntry: Int32Array;
  /** [list * sampleLimit + i]: index of that relocation section (filled by the caller after each scan). */
  sampleSection: Int32Array;
}

export function createRelocationLists(sampleLimit: number): RelocationLists {
  return {
    values: Array.from({ length: LIST_COUNT }, () => new Uint32Array(1024)),
    lengths: new Uint32Array(LIST_COUNT),
    sampleLimit,
    sampleEntry: new Int32Array(LIST_COUNT * sampleLimit).fill(-1),
    sampleSection: new Int32Array(LIST_COUNT * sampleLimit).fill(-1),
  };
}

/** Grows every list so `entries` more values fit (each entry adds at most one value to one list). */
export function reserveRelocations(lists: RelocationLists, entries: number): void {
  for (let k = 0; k < LIST_COUNT; k++) {
    const need = lists.lengths[k] + entries;
    if (need <= lists.values[k].length) continue;
    const grown = new Uint32Array(Math.max(need, lists.values[k].length * 2));
    grown.set(lists.values[k].subarray(0, lists.lengths[k]));
    lists.values[k] = grown;
  }
}

/** Attributes the samples a scan just added (lengths grew from `before`) to relocation section `section`. */
export function attributeSamples(lists: RelocationLists, before: Uint32Array, section: number): void {
  for (let k = 0; k < LIST_COUNT; k++) {
    for (let i = before[k]; i < Math.min(lists.lengths[k], lists.sampleLimit); i++) lists.sampleSection[k * lists.sampleLimit + i] = section;
  }
}

/** The collected values of list `k` (a view, not a copy). */
export function listValues(lists: RelocationLists, k: number): Uint32Array {
  return lists.values[k].subarray(0, lists.lengths[k]);
}
