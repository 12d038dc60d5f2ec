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

/** `runStart[j]`, when given, is the first index s such that [s, j] is already in the final
 *  order (see mergeSortUnlessInOrder): a range untouched so far that lies inside one is skipped. */
function sortRange(order: Uint32Array, tmp: Uint32Array, start: number, n: number, compare: IndexComparator, runStart?: Uint32Array): void {
  if (n <= 1 || (runStart && runStart[start + n - 1] <= start)) return;
  const n1 = n >>> 1;
  const n2 = n - n1;
  sortRange(order, tmp, start, n1, compare, runStart);
  sortRange(order, tmp, start + n1, n2, compare, runStart);
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
 * rule needs two). A range whose pairs i < j all have leftKey[i] <= rightKey[j] is "in order":
 * glibc's merge sort of it only ever takes left, so its result there is the identity. Ranges the
 * recursion reaches still untouched and in order are therefore skipped: all of a table sorted by
 * an earlier run, and the low levels of a linker's output (ascending runs, one per object).
 */
export function mergeSortUnlessInOrder(compare: IndexComparator, leftKey: Float64Array, rightKey: Float64Array): Uint32Array {
  const n = leftKey.length;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  if (n > 1) sortRange(order, new Uint32Array(n), 0, n, compare, inOrderRunStarts(leftKey, rightKey));
  return order;
}

/** For each j, the smallest s with [s, j] in order: two pointers, with a sliding-window maximum
 *  of the left keys (a deque of indices whose left keys decrease), O(n) in all. */
function inOrderRunStarts(leftKey: Float64Array, rightKey: Float64Array): Uint32Array {
  const n = leftKey.length;
  const starts = new Uint32Array(n);
  const deque = new Uint32Array(n);
  let head = 0;
  let tail = 0;
  let s = 0;
  for (let j = 0; j < n; j++) {
    // Move s right until max(leftKey[s..j-1]) <= rightKey[j].
    while (head < tail && leftKey[deque[head]] > rightKey[j]) {
      s = deque[head] + 1;
      head++;
    }
    starts[j] = s;
    while (head < tail && leftKey[deque[tail - 1]] <= leftKey[j]) tail--;
    deque[tail++] = j;
  }
  return starts;
}
