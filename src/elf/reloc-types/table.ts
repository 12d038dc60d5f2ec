// The shape of one architecture's relocation-type table: readelf's names and patch sizes.
// Data only; lookups go through index.ts. Formulas and overflow checks live with the linker.

export interface RelocationTypeTable {
  machine: number;
  /** Common prefix of every name, e.g. `R_X86_64_`. */
  prefix: string;
  /** Type number → name without the prefix; absent numbers are unrecognized. */
  names: Readonly<Record<number, string>>;
  /** Bytes the relocation patches at r_offset; undefined for unknown types. */
  size(type: number): number | undefined;
}
