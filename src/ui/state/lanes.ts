// Lays address intervals out on a horizontal lane "to scale" while surviving the kernel's huge
// gaps (.data..percpu at VMA 0 beside 0xffffffff81000000): intervals are grouped into clusters
// with no big gap inside; each cluster is linear, and clusters are joined by fixed-width breaks.
// Pure layout arithmetic over bigints; no drawing.

export interface Interval {
  start: bigint;
  end: bigint;
}

export interface Placed {
  /** Left edge and width in percent of the lane. */
  x: number;
  w: number;
}

export interface LaneLayout {
  place(i: Interval): Placed;
  /** Where the breaks between clusters are drawn, in percent. */
  breaks: number[];
  clusters: Interval[];
}

const BREAK = 3;

export function layoutLane(intervals: Interval[]): LaneLayout {
  const sorted = intervals.filter((i) => i.end >= i.start).sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  const clusters: Interval[] = [];
  for (const i of sorted) {
    const last = clusters[clusters.length - 1];
    // A gap wider than the cluster so far (and than 64 KiB) starts a new cluster.
    if (last && i.start <= last.end + maxBig(last.end - last.start, 0x10000n)) {
      if (i.end > last.end) last.end = i.end;
    } else clusters.push({ start: i.start, end: i.end });
  }
  const spans = clusters.map((c) => Number(c.end - c.start) || 1);
  const total = spans.reduce((a, b) => a + b, 0);
  const room = 100 - BREAK * Math.max(0, clusters.length - 1);
  // Each cluster gets at least 8% so a small one beside a huge one stays visible.
  const minShare = Math.min(8, room / Math.max(1, clusters.length));
  const raw = spans.map((s) => Math.max(minShare, (room * s) / total));
  const scale = room / raw.reduce((a, b) => a + b, 0);
  const widths = raw.map((w) => w * scale);
  const lefts: number[] = [];
  let x = 0;
  for (const w of widths) { lefts.push(x); x += w + BREAK; }
  const breaks = lefts.slice(1).map((l) => l - BREAK / 2);
  return {
    clusters,
    breaks,
    place(i) {
      const k = clusters.findIndex((c) => i.start >= c.start && i.start <= c.end);
      if (k < 0) return { x: 0, w: 0 };
      const c = clusters[k];
      const span = Number(c.end - c.start) || 1;
      const x0 = lefts[k] + (widths[k] * Number(i.start - c.start)) / span;
      const w = (widths[k] * Number(i.end - i.start)) / span;
      return { x: x0, w };
    },
  };
}

function maxBig(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}
