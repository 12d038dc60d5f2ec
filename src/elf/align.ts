// Rounding up to an alignment, as sh_addralign and p_align mean it (gABI: 0 and 1 mean no
// alignment). One definition for the linker, its script evaluator and strip.

/** `v` rounded up to a multiple of `a`; `a` of 0 or 1 leaves it as it is. */
export function alignUp(v: bigint, a: bigint): bigint {
  return a <= 1n ? v : ((v + a - 1n) / a) * a;
}

/** `alignUp` for offsets and sizes held as numbers. */
export function alignUpNumber(v: number, a: number): number {
  return a > 1 ? Math.ceil(v / a) * a : v;
}
