// Column description shared by VirtualGrid and the panes that use it.
export interface Column {
  key: string;
  label: string;
  align?: 'left' | 'right';
  sortable?: boolean;
}
