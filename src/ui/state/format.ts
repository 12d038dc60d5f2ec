// Number formatting for the playground's tables: hex addresses padded to the file's class, sizes
// with thousands separators and short binary units. Display only; no parsing of file data.
import { groupDigits } from '../../worker/digits.ts';

export function hex(v: bigint | number, width = 0): string {
  const s = v.toString(16);
  return width > s.length ? s.padStart(width, '0') : s;
}

/** An address as readelf prints it: 16 hex digits for ELF64, 8 for ELF32. */
export function address(v: bigint, elfClass: 32 | 64 = 64): string {
  return hex(v, elfClass === 64 ? 16 : 8);
}

/** A count with thousands separators ("13,812,345"). */
export const count = groupDigits;

export function bytes(n: number | bigint): string {
  const v = Number(n);
  if (v < 1024) return `${v} B`;
  const units = ['KiB', 'MiB', 'GiB'];
  let x = v / 1024;
  let u = 0;
  while (x >= 1024 && u < units.length - 1) { x /= 1024; u++; }
  return `${x < 10 ? x.toFixed(1) : Math.round(x)} ${units[u]}`;
}

export function signedHex(v: bigint): string {
  return v < 0n ? `-0x${(-v).toString(16)}` : `+0x${v.toString(16)}`;
}

export function byteList(b: readonly number[]): string {
  return b.map((x) => x.toString(16).padStart(2, '0')).join(' ');
}

export function ms(t: number): string {
  return t < 1000 ? `${Math.round(t)} ms` : `${(t / 1000).toFixed(2)} s`;
}

/** A vmlinux.relocs list as the playground names it (kernel-pipeline.md §1.7's relocs64/32neg/32). */
export function kaslrListLabel(list: 'relocs64' | 'relocs32neg' | 'relocs32'): string {
  return list === 'relocs64' ? '64-bit' : list === 'relocs32neg' ? 'inverse 32-bit' : '32-bit';
}
