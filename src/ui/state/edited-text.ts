// The bytes of an edited text artifact (a linker script from the editor or a shared link): UTF-8,
// as an editor saves a file. The worker reads a valid UTF-8 file as UTF-8 (src/worker/text-index.ts),
// so an untouched UTF-8 or ASCII script comes back byte for byte; only a script that is neither
// (Latin-1 bytes above 0x7f, which ld scripts do not have in practice) would change its high bytes.
// ld itself reads the bytes, one byte per character, so comments and names keep working either way.
export function editedTextBytes(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/** The 1-based UTF-16 column (an editor's) of the 1-based UTF-8 byte column `byteColumn` in `line`:
 *  the linker reports columns in bytes, and "→" is three bytes but one character. */
export function utf16Column(line: string, byteColumn: number): number {
  let bytes = 0;
  let i = 0;
  while (i < line.length && bytes < byteColumn - 1) {
    const c = line.codePointAt(i)!;
    bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
    i += c > 0xffff ? 2 : 1;
  }
  return i + 1 + Math.max(0, byteColumn - 1 - bytes);
}
