// Column description shared by VirtualGrid and the panes that use it.
export interface Column {
  key: string;
  label: string;
  align?: 'left' | 'right';
  sortable?: boolean;
}

/** The narrowest a grid row can be: its CSS grid-template-columns' fixed and minmax() minimum widths
 *  (px), the 12 px column gaps and the row's 8 px side padding. A narrower grid scrolls sideways. */
export function templateMinWidth(template: string): number {
  const tracks = template.match(/minmax\([^)]*\)|\S+/g) ?? [];
  let px = 0;
  for (const t of tracks) {
    const m = /^(?:minmax\(\s*)?(\d+(?:\.\d+)?)px/.exec(t);
    if (m) px += Number(m[1]);
  }
  return px + 12 * Math.max(0, tracks.length - 1) + 16;
}
