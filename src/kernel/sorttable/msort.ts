// The sort `scripts/sorttable` gets from C qsort(): glibc's (≤ 2.36) top-down merge sort, which
// splits n into n/2 (floor) + rest and takes the left element whenever cmp(left, right) <= 0.
// Replaying the same split and the same "take left on <= 0" rule reproduces the tool's order even
// for comparators that are not a strict weak order (the ORC "weak terminator" rule). Sorts an index
// permutation only; what the indices mean is the caller's business (no ELF knowledge here).

/** Compares two element indices like a C qsort comparator: < 0, 0 or > 0. */
export type IndexComparator = (a: number, b: number) => number;

/** Returns the permutation `order` (order[i] = index of the element that ends at position i) that
 *  glibc's merge sort produces for `count` elements under `compare`. */
export function mergeSortIndices(count: number, compare: IndexComparator): Uint32Array {
  const order = new Uint32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  if (count > 1) sortRange(order, new Uint32Array(count), 0, count, compare);
  return order;
}

function sortRange(order: Uint32Array, tmp: Uint32Array, start: number, n: number, compare: IndexComparator): void {
  if (n <= 1) return;
  const n1 = n >>> 1;
  const n2 = n - n1;
  sortRange(order, tmp, start, n1, compare);
  sortRange(order, tmp, start + n1, n2, compare);
  mergeRuns(order, tmp, start, n1, n2, compare);
}

/** Merges order[start, start+n1) and order[start+n1, start+n1+n2) through `tmp`. */
function mergeRuns(order: Uint32Array, tmp: Uint32Array, start: number, n1: number, n2: number, compare: IndexComparator): void {
  let left = start;
  let right = start + n1;
  const leftEnd = right;
  const rightEnd = right + n2;
  let out = start;
  while (left < leftEnd && right < rightEnd) {
    if (compare(order[left], order[right]) <= 0) tmp[out++] = order[left++];
    else tmp[out++] = order[right++];
  }
  while (left < leftEnd) tmp[out++] = order[left++];
  // What is left of the right run is already in place.
  order.set(tmp.subarray(start, out), start);
}

/**
 * mergeSortIndices for a comparator that can also be put as two keys per element: compare(a, b)
 * <= 0 exactly when leftKey[a] <= rightKey[b] (a total order has leftKey = rightKey; the ORC tie
 * rule needs two). When every pair i < j already has leftKey[i] <= rightKey[j], each merge only
 * ever takes left, so glibc's result is the identity and the sort is skipped (a vmlinux sorted by an
 * earlier run: one O(n) pass instead of ~20 merge levels). Otherwise the comparator sort runs.
 */
export function mergeSortUnlessInOrder(compare: IndexComparator, leftKey: Float64Array, rightKey: Float64Array): Uint32Array {
  const n = leftKey.length;
  if (!inFinalOrder(leftKey, rightKey)) return mergeSortIndices(n, compare);
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  return order;
}

/** Is leftKey[i] <= rightKey[j] for every i < j? (running maximum of the left keys) */
function inFinalOrder(leftKey: Float64Array, rightKey: Float64Array): boolean {
  let max = -Infinity;
  for (let j = 0; j < leftKey.length; j++) {
    if (max > rightKey[j]) return false;
    if (leftKey[j] > max) max = leftKey[j];
  }
  return true;
}
