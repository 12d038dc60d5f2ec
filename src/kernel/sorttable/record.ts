// The serialisable record sorttable returns: per table, how many entries and how many moved, plus a
// bounded sample of moves (old index → new index, the entry's address) for the playground to show.
// Builds records from a finished permutation; sorts nothing and edits no bytes itself.

export interface TableMove {
  /** Index of the entry before sorting. */
  from: number;
  /** Index after sorting. */
  to: number;
  /** The address the entry is keyed by (instruction, IP or mcount call site), hex. */
  address: string;
}

export interface TableRecord {
  /** '__ex_table', '.orc_unwind_ip+.orc_unwind' or '__mcount_loc'. */
  table: string;
  /** How the entries are compared, in the tool's terms. */
  comparator: string;
  entries: number;
  moved: number;
  sample: TableMove[];
}

/** Counts entries whose position changed and keeps the first `limit` of those moves. */
export function recordMoves(
  table: string,
  comparator: string,
  order: Uint32Array,
  limit: number,
  addressOf: (oldIndex: number) => bigint,
): TableRecord {
  let moved = 0;
  const sample: TableMove[] = [];
  for (let i = 0; i < order.length; i++) {
    const from = order[i];
    if (from === i) continue;
    moved++;
    if (sample.length < limit) sample.push({ from, to: i, address: `0x${BigInt.asUintN(64, addressOf(from)).toString(16)}` });
  }
  return { table, comparator, entries: order.length, moved, sample };
}
