// DWARF call-frame information as .eh_frame holds it (DWARF 4 §6.4, LSB "Exception Frames"): the
// CIE header, the DW_EH_PE pointer widths and the sizes of CFA instructions — just enough to find
// where an entry's instructions end. It decodes nothing else and changes nothing.

export interface CieShape {
  /** Where the CIE's initial instructions start. */
  instructions: number;
  /** Bytes of an FDE's pc_begin/pc_range (from the 'R' encoding; 8 for absptr). */
  addressWidth: number;
  /** The augmentation has 'z': FDEs carry an augmentation-data length. */
  z: boolean;
}

/** Size of a DW_EH_PE-encoded value (absptr, udata2/4/8, sdata2/4/8); 0 for LEB128 forms. */
function encodedWidth(encoding: number): number {
  return ({ 0x0: 8, 0x2: 2, 0x3: 4, 0x4: 8, 0xa: 2, 0xb: 4, 0xc: 8 } as Record<number, number>)[encoding & 0x0f] ?? 0;
}

function uleb(b: Uint8Array, p: number): [number, number] {
  let v = 0;
  let shift = 0;
  for (;;) {
    const x = b[p++];
    v += (x & 0x7f) * 2 ** shift;
    shift += 7;
    if (!(x & 0x80) || p >= b.length) return [v, p];
  }
}

/** Decodes a CIE header (DWARF CFI: version, augmentation, factors, return column, 'z' data). */
export function cieShape(b: Uint8Array, start: number, end: number): CieShape | undefined {
  let p = start + 8;
  const version = b[p++];
  let augmentation = '';
  while (p < end && b[p] !== 0) augmentation += String.fromCharCode(b[p++]);
  p++;
  p = uleb(b, p)[1]; // code alignment
  p = uleb(b, p)[1]; // data alignment (sleb: same length)
  p = version === 1 ? p + 1 : uleb(b, p)[1];
  let addressWidth = 8;
  const z = augmentation.startsWith('z');
  if (z) {
    const [length, data] = uleb(b, p);
    let q = data;
    for (const c of augmentation.slice(1)) {
      if (c === 'R') addressWidth = encodedWidth(b[q++]);
      else if (c === 'P') { const width = encodedWidth(b[q++]); if (!width) return undefined; q += width; }
      else if (c === 'L') q++;
      else if (c !== 'S') return undefined;
    }
    p = data + length;
  } else if (augmentation !== '') return undefined;
  return addressWidth && p <= end ? { instructions: p, addressWidth, z } : undefined;
}

export function fdeInstructions(b: Uint8Array, start: number, cie: CieShape): number {
  let p = start + 8 + 2 * cie.addressWidth;
  if (cie.z) { const [length, q] = uleb(b, p); p = q + length; }
  return p;
}

/** Offset after the last call-frame instruction that is not DW_CFA_nop; -1 for an opcode ldplay
 *  cannot size (ld then leaves the whole section unedited). */
export function lastInstructionEnd(b: Uint8Array, p: number, end: number, width: number): number {
  let last = p;
  while (p < end) {
    const op = b[p++];
    const high = op & 0xc0;
    if (high === 0x80) p = uleb(b, p)[1];
    else if (high === 0) {
      switch (op) {
        case 0x00: continue; // DW_CFA_nop
        case 0x01: p += width; break;
        case 0x02: p += 1; break;
        case 0x03: p += 2; break;
        case 0x04: p += 4; break;
        case 0x0a: case 0x0b: case 0x2d: break;
        case 0x06: case 0x07: case 0x08: case 0x0d: case 0x0e: case 0x13: case 0x2e: p = uleb(b, p)[1]; break;
        case 0x05: case 0x09: case 0x0c: case 0x11: case 0x12: case 0x14: case 0x15: case 0x2f: p = uleb(b, uleb(b, p)[1])[1]; break;
        case 0x0f: { const [n, q] = uleb(b, p); p = q + n; break; }
        case 0x10: case 0x16: { const [n, q] = uleb(b, uleb(b, p)[1]); p = q + n; break; }
        default: return -1;
      }
    }
    last = p;
  }
  return p > end ? -1 : last;
}
