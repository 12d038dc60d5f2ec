// x86-64 specifics for the linker (System V AMD64 psABI §4.4 "Relocation", and GNU ld 2.40's
// choices for relaxation): the type table (name, field width, formula, overflow rule), the
// GOTPCRELX / GOTTPOFF instruction rewrites, and the byte encoder. Generic scanning lives elsewhere.

/** Formulas in the psABI's letters: S symbol, A addend, P place, G+GOT a GOT slot's address, Z size,
 *  TP the thread pointer (end of the TLS block, variant II). */
export const Formula = { None: 0, SA: 1, SAP: 2, GotP: 3, Z_A: 4, SA_TP: 5, Unsupported: 6 } as const;
export type Formula = (typeof Formula)[keyof typeof Formula];
/** How the result must fit: signed, unsigned, either (the psABI's "word32" for R_X86_64_32 is
 *  zero-extended; 32S is sign-extended), or not checked (64-bit fields). */
export const Fit = { None: 0, Signed: 1, Unsigned: 2, Either: 3 } as const;
export type Fit = (typeof Fit)[keyof typeof Fit];

export interface RelocationKind {
  name: string;
  /** Field width in bytes. */
  size: number;
  formula: Formula;
  fit: Fit;
}

const K = (name: string, size: number, formula: Formula, fit: Fit): RelocationKind => ({ name: `R_X86_64_${name}`, size, formula, fit });

/** Type number → kind; undefined entries are unsupported (dynamic-only or TLS models a static
 *  executable cannot use unrelaxed). */
export const X86_64_KINDS: (RelocationKind | undefined)[] = [];
X86_64_KINDS[0] = K('NONE', 0, Formula.None, Fit.None);
X86_64_KINDS[1] = K('64', 8, Formula.SA, Fit.None);
X86_64_KINDS[2] = K('PC32', 4, Formula.SAP, Fit.Signed);
X86_64_KINDS[4] = K('PLT32', 4, Formula.SAP, Fit.Signed);
X86_64_KINDS[9] = K('GOTPCREL', 4, Formula.GotP, Fit.Signed);
X86_64_KINDS[10] = K('32', 4, Formula.SA, Fit.Unsigned);
X86_64_KINDS[11] = K('32S', 4, Formula.SA, Fit.Signed);
X86_64_KINDS[12] = K('16', 2, Formula.SA, Fit.Either);
X86_64_KINDS[13] = K('PC16', 2, Formula.SAP, Fit.Signed);
X86_64_KINDS[14] = K('8', 1, Formula.SA, Fit.Either);
X86_64_KINDS[15] = K('PC8', 1, Formula.SAP, Fit.Signed);
X86_64_KINDS[22] = K('GOTTPOFF', 4, Formula.GotP, Fit.Signed);
X86_64_KINDS[23] = K('TPOFF32', 4, Formula.SA_TP, Fit.Signed);
X86_64_KINDS[24] = K('PC64', 8, Formula.SAP, Fit.None);
X86_64_KINDS[18] = K('TPOFF64', 8, Formula.SA_TP, Fit.None);
X86_64_KINDS[32] = K('SIZE32', 4, Formula.Z_A, Fit.Unsigned);
X86_64_KINDS[33] = K('SIZE64', 8, Formula.Z_A, Fit.None);
X86_64_KINDS[41] = K('GOTPCRELX', 4, Formula.GotP, Fit.Signed);
// General- and local-dynamic TLS: only as the relaxed sequences of a static executable (scan).
X86_64_KINDS[19] = K('TLSGD', 4, Formula.SA_TP, Fit.Signed);
X86_64_KINDS[20] = K('TLSLD', 4, Formula.SA_TP, Fit.Signed);
X86_64_KINDS[21] = K('DTPOFF32', 4, Formula.SA_TP, Fit.Signed);
X86_64_KINDS[17] = K('DTPOFF64', 8, Formula.SA_TP, Fit.None);
X86_64_KINDS[42] = K('REX_GOTPCRELX', 4, Formula.GotP, Fit.Signed);

export const R_X86_64_NONE = 0;
export const R_X86_64_PC32 = 2;
export const R_X86_64_GOTPCREL = 9;
export const R_X86_64_32 = 10;
export const R_X86_64_32S = 11;
export const R_X86_64_TLSGD = 19;
export const R_X86_64_TLSLD = 20;
export const R_X86_64_GOTTPOFF = 22;
export const R_X86_64_TPOFF32 = 23;
export const R_X86_64_GOTPCRELX = 41;
export const R_X86_64_REX_GOTPCRELX = 42;

/** The type table as the relocation routines read it (src/hot/relocate.ts): 4 bytes per type
 *  0..255 — field size, formula, fit, and 1 for a type ldplay supports. */
export function writeKindTable(kinds: Uint8Array): void {
  X86_64_KINDS.forEach((k, type) => {
    if (k && type < 256) kinds.set([k.size, k.formula, k.fit, 1], 4 * type);
  });
}

/** Name for messages, also for types ldplay does not support. */
export function relocationName(type: number): string {
  return X86_64_KINDS[type]?.name ?? `R_X86_64 type ${type}`;
}

/** A GOT-avoiding rewrite decided by the scan, applied by the encoder. */
export const Relax = { None: 0, MovToLea: 1, IndirectCall: 2, IndirectJump: 3, TestToImm: 4, BinopToImm: 5, IeMovToLe: 6, IeAddToLe: 7, GdToLe: 8, LdToLe: 9, LdToLeNoPlt: 10, Consumed: 11, MovToImm: 12 } as const;
export type Relax = (typeof Relax)[keyof typeof Relax];

/** What each rewrite does, for the link record. */
export const RELAX_NAMES: Record<Relax, string> = {
  [Relax.None]: '', [Relax.MovToLea]: 'GOTPCRELX mov → lea', [Relax.IndirectCall]: 'GOTPCRELX call * → addr32 call',
  [Relax.IndirectJump]: 'GOTPCRELX jmp * → jmp; nop', [Relax.TestToImm]: 'GOTPCRELX test → test $imm', [Relax.BinopToImm]: 'GOTPCRELX op → op $imm',
  [Relax.IeMovToLe]: 'TLS IE mov → LE mov $imm', [Relax.IeAddToLe]: 'TLS IE add → LE add $imm', [Relax.GdToLe]: 'TLS GD → LE',
  [Relax.LdToLe]: 'TLS LD → LE', [Relax.LdToLeNoPlt]: 'TLS LD → LE (call *)', [Relax.Consumed]: 'call consumed by a TLS rewrite',
  [Relax.MovToImm]: 'GOTPCRELX mov → mov $imm',
};

/**
 * Whether the instruction around a GOTPCRELX-family field at `at` (the displacement) can be rewritten
 * to a direct reference, ld 2.40's choices for a static non-PIC executable: `mov` → `mov $imm` (or
 * `lea` when the address does not fit the immediate: decided when values are known, see
 * `absoluteFieldFits`), `call *` → `addr32 call`, `jmp *` → `jmp; nop`, `test`/binop → immediate;
 * a plain GOTPCREL `mov` → `lea`.
 */
export function gotRelaxation(code: Uint8Array, at: number, type: number): Relax {
  if (at < 2) return Relax.None;
  const opcode = code[at - 2];
  const modrm = code[at - 1];
  // Plain GOTPCREL (no X: the assembler did not promise a convertible form): ld still turns a
  // RIP-relative `mov` into `lea`, and leaves every other instruction on its GOT slot.
  if (type === R_X86_64_GOTPCREL) return opcode === 0x8b && (modrm & 0xc7) === 0x05 ? Relax.MovToLea : Relax.None;
  if (opcode === 0xff && (modrm === 0x15 || modrm === 0x25)) return modrm === 0x15 ? Relax.IndirectCall : Relax.IndirectJump;
  if ((modrm & 0xc7) !== 0x05) return Relax.None; // not RIP-relative
  if (opcode === 0x8b) return Relax.MovToImm;
  if (type !== R_X86_64_REX_GOTPCRELX && type !== R_X86_64_GOTPCRELX) return Relax.None;
  if (opcode === 0x85) return Relax.TestToImm;
  if ((opcode & 0xc7) === 0x03) return Relax.BinopToImm;
  return Relax.None;
}

/** `movq x@gottpoff(%rip), %reg` / `addq x@gottpoff(%rip), %reg` → local-exec immediates (psABI
 *  TLS "Initial Exec to Local Exec"). */
export function tlsRelaxation(code: Uint8Array, at: number): Relax {
  if (at < 3) return Relax.None;
  const rex = code[at - 3];
  const opcode = code[at - 2];
  const modrm = code[at - 1];
  if ((rex & 0xf8) !== 0x48 || (modrm & 0xc7) !== 0x05) return Relax.None;
  if (opcode === 0x8b) return Relax.IeMovToLe;
  if (opcode === 0x03) return Relax.IeAddToLe;
  return Relax.None;
}

/**
 * `lea x@tlsgd(%rip),%rdi; call __tls_get_addr` (PLT or `call *GOT`) and `lea x@tlsld(%rip),%rdi;
 * call …`: the general/local-dynamic sequences, which a static executable turns into local exec
 * (psABI TLS "GD to LE" / "LD to LE"). Returns the rewrite and where the call's relocation sits.
 */
export function tlsDynamicRelaxation(code: Uint8Array, at: number, type: number): { relax: Relax; callOffset: number } | undefined {
  const bytes = (from: number, ...want: number[]) => want.every((b, k) => code[from + k] === b);
  if (type === R_X86_64_TLSGD && at >= 4 && bytes(at - 4, 0x66, 0x48, 0x8d, 0x3d)) {
    if (bytes(at + 4, 0x66, 0x66, 0x48, 0xe8) || bytes(at + 4, 0x66, 0x48, 0xff, 0x15)) return { relax: Relax.GdToLe, callOffset: at + 8 };
  }
  if (type === R_X86_64_TLSLD && at >= 3 && bytes(at - 3, 0x48, 0x8d, 0x3d)) {
    if (code[at + 4] === 0xe8) return { relax: Relax.LdToLe, callOffset: at + 5 };
    if (bytes(at + 4, 0xff, 0x15)) return { relax: Relax.LdToLeNoPlt, callOffset: at + 6 };
  }
  return undefined;
}

/** `mov %fs:0,%rax; lea x@tpoff(%rax),%rax` (16 bytes) and `mov %fs:0,%rax` padded with data16
 *  prefixes to the 12 or 13 bytes of the local-dynamic sequence. */
const GD_LE = [0x64, 0x48, 0x8b, 0x04, 0x25, 0, 0, 0, 0, 0x48, 0x8d, 0x80, 0, 0, 0, 0];
const LD_LE = [0x66, 0x66, 0x66, 0x64, 0x48, 0x8b, 0x04, 0x25, 0, 0, 0, 0];

/** Rewrites the instruction bytes before the field for `relax`; returns how the field is then
 *  computed (PC-relative or absolute) and how far the field moved. */
export function rewriteInstruction(buf: Uint8Array, at: number, relax: Relax): { absolute: boolean; shift: number; noValue?: boolean } {
  const modrm = buf[at - 1];
  switch (relax) {
    case Relax.MovToLea: buf[at - 2] = 0x8d; return { absolute: false, shift: 0 };
    case Relax.IndirectCall: buf[at - 2] = 0x67; buf[at - 1] = 0xe8; return { absolute: false, shift: 0 };
    case Relax.IndirectJump: buf[at - 2] = 0xe9; buf.copyWithin(at - 1, at, at + 4); buf[at + 3] = 0x90; return { absolute: false, shift: -1 };
    case Relax.MovToImm: buf[at - 2] = 0xc7; buf[at - 1] = 0xc0 | ((modrm >> 3) & 7); moveRexRToB(buf, at - 3); return { absolute: true, shift: 0 };
    case Relax.TestToImm: buf[at - 2] = 0xf7; buf[at - 1] = 0xc0 | ((modrm >> 3) & 7); moveRexRToB(buf, at - 3); return { absolute: true, shift: 0 };
    case Relax.BinopToImm: buf[at - 1] = 0xc0 | (buf[at - 2] & 0x38) | ((modrm >> 3) & 7); buf[at - 2] = 0x81; moveRexRToB(buf, at - 3); return { absolute: true, shift: 0 };
    case Relax.IeMovToLe: buf[at - 2] = 0xc7; buf[at - 1] = 0xc0 | ((modrm >> 3) & 7); moveRexRToB(buf, at - 3); return { absolute: true, shift: 0 };
    case Relax.IeAddToLe: buf[at - 2] = 0x81; buf[at - 1] = 0xc0 | ((modrm >> 3) & 7); moveRexRToB(buf, at - 3); return { absolute: true, shift: 0 };
    case Relax.GdToLe: buf.set(GD_LE, at - 4); return { absolute: true, shift: 8 };
    case Relax.LdToLe: buf.set(LD_LE, at - 3); return { absolute: true, shift: 0, noValue: true };
    case Relax.LdToLeNoPlt: buf.set([0x66, ...LD_LE], at - 3); return { absolute: true, shift: 0, noValue: true };
    default: return { absolute: false, shift: 0 };
  }
}

function moveRexRToB(buf: Uint8Array, at: number): void {
  if (at >= 0 && (buf[at] & 0xf0) === 0x40 && buf[at] & 4) buf[at] = (buf[at] & ~4) | 1;
}

/** GOT loads turned into immediates: the field now holds the symbol's address, no longer measured
 *  from the end of the instruction, so ld adds 4 back to the GOTPCRELX addend (-4 → 0), both in
 *  the value and in the relocation --emit-relocs writes. */
export function relaxedAddend(relax: Relax): number {
  return relax === Relax.MovToImm || relax === Relax.TestToImm || relax === Relax.BinopToImm ? 4 : 0;
}

/** The immediate of a relaxed GOTPCRELX is zero-extended without REX.W (R_X86_64_32), else
 *  sign-extended (R_X86_64_32S); a value outside it makes ld fall back (mov → lea) or fail. */
export function absoluteFieldFit(type: number): Fit {
  return type === R_X86_64_GOTPCRELX ? Fit.Unsigned : Fit.Signed;
}

/** Whether a relaxed GOTPCRELX immediate can hold `value` (64-bit two's complement). */
export function fitsImmediate(value: bigint, fit: Fit): boolean {
  const v = BigInt.asIntN(64, value);
  return fit === Fit.Unsigned ? v >= 0n && v < 1n << 32n : v >= -(1n << 31n) && v < 1n << 31n;
}

/** How far a GOT relaxation moves the patched field (`jmp *` → `jmp`, one byte shorter): its P, so
 *  both the PC-relative value and the --emit-relocs offset are measured from the new place. A TLS
 *  rewrite's relocations are written as the input had them (ld 2.40 does). */
export function relaxedShift(relax: Relax): number {
  return relax === Relax.IndirectJump ? -1 : 0;
}

/** The output relocation type ld writes for --emit-relocs after a relaxation: GOT loads become the
 *  direct reference they now are; TLS sequences (GD/LD/IE → LE) keep their input types, as ld 2.40
 *  leaves them (TLSGD, GOTTPOFF, the __tls_get_addr PLT32 of a consumed call). */
export function relaxedType(relax: Relax, type: number): number {
  if (relax === Relax.None || isTlsRelaxation(relax)) return type;
  if (relax === Relax.TestToImm || relax === Relax.BinopToImm || relax === Relax.MovToImm) return type === R_X86_64_REX_GOTPCRELX ? R_X86_64_32S : R_X86_64_32;
  return R_X86_64_PC32;
}

const TLS_RELAXATIONS = new Set<Relax>([Relax.GdToLe, Relax.LdToLe, Relax.LdToLeNoPlt, Relax.Consumed, Relax.IeMovToLe, Relax.IeAddToLe]);

/** A TLS rewrite (GD/LD/IE → LE, or the call such a rewrite consumed). */
export function isTlsRelaxation(relax: Relax): boolean {
  return TLS_RELAXATIONS.has(relax);
}

/** A GOT load or call turned into a direct reference (every rewrite that is not a TLS one). */
export function isGotRelaxation(relax: Relax): boolean {
  return relax !== Relax.None && !TLS_RELAXATIONS.has(relax);
}

/** How a uint32 GNU property merges over a link: AND or OR of every object's value, or OR-AND (OR
 *  when every object has it); `dropZero`: a merged 0 leaves the property out. */
export interface PropertyMerge { op: 'and' | 'or' | 'orAnd'; dropZero: boolean }

/** The x86 property ranges (x86-64 psABI "Program Properties"; merging as GNU ld 2.40 does, checked
 *  against it): GNU_PROPERTY_X86_UINT32_AND (FEATURE_1_AND: IBT, SHSTK), _OR (ISA_1_NEEDED,
 *  FEATURE_2_NEEDED) and _OR_AND (ISA_1_USED, FEATURE_2_USED, kept even when 0). */
export function propertyMerge(type: number): PropertyMerge | undefined {
  if (type >= 0xc0000002 && type <= 0xc0007fff) return { op: 'and', dropZero: true };
  if (type >= 0xc0008000 && type <= 0xc000ffff) return { op: 'or', dropZero: true };
  if (type >= 0xc0010000 && type <= 0xc0017fff) return { op: 'orAnd', dropZero: false };
  return undefined;
}
