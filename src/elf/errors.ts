// The one error type for malformed ELF and archive input.
// Every check in src/elf throws this, naming the file, the structure being read and the byte
// offset, so the UI and CLI can say exactly where a file went wrong. No other error escapes src/elf.

export class ElfFormatError extends Error {
  readonly file: string;
  readonly structure: string;
  readonly offset: number;

  constructor(file: string, structure: string, offset: number, problem: string) {
    super(`${file}: ${structure} at offset 0x${offset.toString(16)}: ${problem}`);
    this.name = 'ElfFormatError';
    this.file = file;
    this.structure = structure;
    this.offset = offset;
  }
}

/** Throws unless [offset, offset+size) lies inside a buffer of `length` bytes. */
export function checkRange(
  file: string,
  structure: string,
  offset: number,
  size: number,
  length: number,
): void {
  if (!(offset >= 0 && size >= 0 && offset + size <= length)) {
    throw new ElfFormatError(
      file,
      structure,
      offset,
      `${size} bytes run past the end of the file (${length} bytes)`,
    );
  }
}

/** Converts a 64-bit file field to a safe JS number or throws: offsets and sizes must fit. */
export function toSafeNumber(file: string, structure: string, offset: number, value: bigint): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new ElfFormatError(file, structure, offset, `value 0x${value.toString(16)} is too large`);
  }
  return Number(value);
}
